// ChatGPT's data export (Settings > Data controls > Export): conversations.json is an array of
// conversations, each a tree of nodes in `mapping` ({id: {message, parent, children}}), with
// `current_node` the leaf of the branch the user last saw. We follow that branch from
// current_node up to the root: edited prompts and regenerated replies on other branches are left
// out, as in the page. Kept: visible user and assistant text addressed to everyone. Left out:
// system and tool messages, hidden context (custom instructions, memory), the assistant's calls
// to tools (recipient other than "all"), reasoning ("thoughts"). Images, files and audio in
// multimodal messages are listed as attachments; audio transcripts are kept as text.
import { z } from 'zod';
import { newRecord } from '../export/build.ts';
import type { ExportMessage, ExportRecord } from '../export/record.ts';
import { RecordError, toEpochMs, type ArrayImporter } from './importer.ts';

export const CHATGPT_IMPORTER_VERSION = 'chatgpt-export@1';

const Author = z.object({ role: z.string(), name: z.string().nullish() });

const Message = z.object({
  id: z.string().min(1),
  author: Author,
  create_time: z.number().nullish(),
  content: z.looseObject({ content_type: z.string(), parts: z.array(z.unknown()).nullish(), text: z.string().nullish() }),
  status: z.string().nullish(),
  recipient: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

const Node = z.object({
  id: z.string().nullish(),
  message: Message.nullish(),
  parent: z.string().nullish(),
  children: z.array(z.string()).nullish(),
});

const Conversation = z.object({
  title: z.string().nullish(),
  create_time: z.number().nullish(),
  update_time: z.number().nullish(),
  mapping: z.record(z.string(), z.unknown()),
  current_node: z.string().nullish(),
  conversation_id: z.string().nullish(),
  id: z.string().nullish(),
  default_model_slug: z.string().nullish(),
});

const TEXT_TYPES = new Set(['text', 'multimodal_text']);

function attachmentKind(part: Record<string, unknown>): string {
  const type = String(part.content_type ?? 'file');
  if (type.startsWith('image')) return 'image';
  if (type.startsWith('audio')) return 'audio';
  if (type.startsWith('video')) return 'video';
  return 'file';
}

/** Text and attachments of a kept message. */
function readContent(content: z.infer<typeof Message>['content']): { text: string; attachments: { kind: string; mime?: string }[] } {
  const texts: string[] = [];
  const attachments: { kind: string; mime?: string }[] = [];
  for (const part of content.parts ?? []) {
    if (typeof part === 'string') {
      if (part !== '') texts.push(part);
    } else if (part && typeof part === 'object') {
      const p = part as Record<string, unknown>;
      if (p.content_type === 'audio_transcription' && typeof p.text === 'string') texts.push(p.text);
      else {
        const mime = typeof p.mime_type === 'string' ? p.mime_type : undefined;
        attachments.push({ kind: attachmentKind(p), ...(mime ? { mime } : {}) });
      }
    }
  }
  if (texts.length === 0 && typeof content.text === 'string') texts.push(content.text);
  return { text: texts.join('\n\n'), attachments };
}

type SkipReason = 'system' | 'hidden context' | 'tool message' | 'tool call' | 'reasoning or other non-text' | 'empty';

function skipReason(message: z.infer<typeof Message>): SkipReason | undefined {
  const meta = message.metadata ?? {};
  const role = message.author.role;
  if (role === 'system') return 'system';
  if (role !== 'user' && role !== 'assistant') return 'tool message';
  if (meta.is_visually_hidden_from_conversation === true || meta.is_user_system_message === true) return 'hidden context';
  if (message.recipient && message.recipient !== 'all') return 'tool call';
  if (!TEXT_TYPES.has(message.content.content_type)) return 'reasoning or other non-text';
  return undefined;
}

/** The leaf to follow when current_node is missing: the newest node with no children. */
function newestLeaf(mapping: Record<string, z.infer<typeof Node>>): string | undefined {
  let best: string | undefined;
  let bestTime = -Infinity;
  for (const [id, node] of Object.entries(mapping)) {
    if ((node.children ?? []).length > 0) continue;
    const time = node.message?.create_time ?? 0;
    if (time >= bestTime) {
      best = id;
      bestTime = time;
    }
  }
  return best;
}

export function chatgptConversationToRecord(raw: unknown): ExportRecord {
  const conversation = Conversation.parse(raw);
  const id = conversation.conversation_id ?? conversation.id;
  if (!id) throw new RecordError('no conversation_id or id');

  const mapping: Record<string, z.infer<typeof Node>> = {};
  for (const [nodeId, rawNode] of Object.entries(conversation.mapping)) {
    const node = Node.safeParse(rawNode);
    if (!node.success) {
      const issue = node.error.issues[0]!;
      throw new RecordError(`node ${JSON.stringify(nodeId)}: ${issue.path.map(String).join('.') || '(node)'}: ${issue.message}`);
    }
    mapping[nodeId] = node.data;
  }

  const warnings: string[] = [];
  let leaf = conversation.current_node ?? undefined;
  if (leaf === undefined) {
    leaf = newestLeaf(mapping);
    warnings.push('no current_node: followed the newest branch');
  }
  if (leaf === undefined) throw new RecordError('mapping is empty');
  if (!mapping[leaf]) throw new RecordError(`current_node ${JSON.stringify(leaf)} is not in mapping`);

  // Up from the leaf to the root, then reversed: the active branch in order.
  const branch: z.infer<typeof Node>[] = [];
  const seen = new Set<string>();
  let complete = true;
  for (let nodeId: string | undefined = leaf; nodeId !== undefined; ) {
    if (seen.has(nodeId)) throw new RecordError(`the parent links loop at node ${JSON.stringify(nodeId)}`);
    seen.add(nodeId);
    const node: z.infer<typeof Node> | undefined = mapping[nodeId];
    if (!node) {
      warnings.push(`parent node ${JSON.stringify(nodeId)} is missing: earlier messages left out`);
      complete = false;
      break;
    }
    branch.push(node);
    nodeId = node.parent ?? undefined;
  }
  branch.reverse();

  const skipped: Partial<Record<SkipReason, number>> = {};
  const messages: ExportMessage[] = [];
  for (const node of branch) {
    const message = node.message;
    if (!message) continue;
    let reason = skipReason(message);
    const content = reason ? undefined : readContent(message.content);
    if (content && content.text.trim() === '' && content.attachments.length === 0) reason = 'empty';
    if (reason || !content) {
      // The system message at the root is in every conversation: not worth a warning.
      if (reason !== 'system') skipped[reason ?? 'empty'] = (skipped[reason ?? 'empty'] ?? 0) + 1;
      continue;
    }
    const role = message.author.role as 'user' | 'assistant';
    const createdAt = toEpochMs(message.create_time, 'seconds');
    const model = role === 'assistant' ? (stringOr(message.metadata?.model_slug) ?? conversation.default_model_slug ?? undefined) : undefined;
    const previous = messages[messages.length - 1];
    messages.push({
      id: message.id,
      ...(previous ? { parent_id: previous.id } : {}),
      index: messages.length,
      role,
      text: content.text,
      ...(createdAt !== undefined ? { created_at: new Date(createdAt).toISOString() } : {}),
      ...(model ? { model, model_source: 'api' as const } : {}),
      capture_method: 'import',
      ...(content.attachments.length > 0 ? { attachments: content.attachments } : {}),
    });
  }
  const left = Object.entries(skipped).map(([reason, n]) => `${n} ${reason}`);
  if (left.length > 0) warnings.push(`left out: ${left.join(', ')}`);
  if (messages.length === 0) throw new RecordError('no user or assistant message on the active branch');

  return newRecord({
    id,
    site: 'chatgpt',
    url: `https://chatgpt.com/c/${id}`,
    ...(conversation.title ? { title: conversation.title } : {}),
    ...(conversation.create_time ? { createdAt: toEpochMs(conversation.create_time, 'seconds')! } : {}),
    ...(conversation.update_time ? { updatedAt: toEpochMs(conversation.update_time, 'seconds')! } : {}),
    source: 'chatgpt-export',
    method: 'import',
    adapterVersion: CHATGPT_IMPORTER_VERSION,
    completeness: complete ? 'complete' : 'partial',
    warnings,
    messages,
  });
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export const chatgptImporter: ArrayImporter = {
  idOf: (raw) => (raw && typeof raw === 'object' ? ((raw as Record<string, unknown>).conversation_id ?? (raw as Record<string, unknown>).id) : undefined),
  toRecord: chatgptConversationToRecord,
};
