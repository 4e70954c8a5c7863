// Claude's data export (Settings > Privacy > Export data): conversations.json is an array of
// {uuid, name, created_at, updated_at, chat_messages: [{uuid, sender: "human"|"assistant", text,
// content: [{type: "text", text}, ...], created_at, parent_message_uuid?, attachments, files}]}.
// When messages carry parent_message_uuid, we follow the branch that ends in the newest message
// (the one the user last saw); other branches (edits, retries) are left out. Text comes from the
// content blocks of type "text" (falling back to `text`); thinking and tool blocks are left out;
// attachments and files are listed, not copied.
import { z } from 'zod';
import { newRecord } from '../export/build.ts';
import type { ExportMessage, ExportRecord } from '../export/record.ts';
import { RecordError, toEpochMs, type ArrayImporter } from './importer.ts';

export const CLAUDE_IMPORTER_VERSION = 'claude-export@1';

/** Claude marks the first message's parent with this all-zero uuid. */
const ROOT_PARENT = '00000000-0000-4000-8000-000000000000';

const Block = z.looseObject({ type: z.string(), text: z.string().nullish() });

const ChatMessage = z.object({
  uuid: z.string().min(1),
  sender: z.string(),
  text: z.string().nullish(),
  content: z.array(Block).nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  parent_message_uuid: z.string().nullish(),
  attachments: z.array(z.looseObject({ file_type: z.string().nullish() })).nullish(),
  files: z.array(z.unknown()).nullish(),
});
type ChatMessage = z.infer<typeof ChatMessage>;

const Conversation = z.object({
  uuid: z.string().min(1),
  name: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  model: z.string().nullish(),
  chat_messages: z.array(z.unknown()),
});

function readText(message: ChatMessage): { text: string; leftOut: number } {
  let leftOut = 0;
  if (message.content && message.content.length > 0) {
    const texts: string[] = [];
    for (const block of message.content) {
      if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
      else leftOut++;
    }
    if (texts.length > 0) return { text: texts.join('\n\n'), leftOut };
  }
  return { text: message.text ?? '', leftOut };
}

/** The messages of the branch ending in the newest message, in order. */
function activeBranch(messages: ChatMessage[], warnings: string[]): ChatMessage[] {
  const linked = messages.length > 0 && messages.every((m) => typeof m.parent_message_uuid === 'string');
  if (!linked) return messages;
  const byId = new Map(messages.map((m) => [m.uuid, m]));
  let leaf = messages[messages.length - 1]!;
  for (const m of messages) {
    if ((toEpochMs(m.created_at, 'iso') ?? -Infinity) > (toEpochMs(leaf.created_at, 'iso') ?? -Infinity)) leaf = m;
  }
  const branch: ChatMessage[] = [];
  const seen = new Set<string>();
  for (let m: ChatMessage | undefined = leaf; m; ) {
    if (seen.has(m.uuid)) throw new RecordError(`the parent links loop at message ${JSON.stringify(m.uuid)}`);
    seen.add(m.uuid);
    branch.push(m);
    const parent: string = m.parent_message_uuid!;
    if (parent === ROOT_PARENT) break;
    const next = byId.get(parent);
    if (!next) {
      warnings.push(`parent message ${JSON.stringify(parent)} is missing: earlier messages left out`);
      break;
    }
    m = next;
  }
  branch.reverse();
  if (branch.length < messages.length) warnings.push(`${messages.length - branch.length} message(s) on other branches left out`);
  return branch;
}

export function claudeConversationToRecord(raw: unknown): ExportRecord {
  const conversation = Conversation.parse(raw);
  const parsed: ChatMessage[] = conversation.chat_messages.map((m, i) => {
    const result = ChatMessage.safeParse(m);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const id =
        m && typeof m === 'object' && typeof (m as { uuid?: unknown }).uuid === 'string' ? ` (uuid ${JSON.stringify((m as { uuid: string }).uuid)})` : '';
      throw new RecordError(`chat_messages.${i}${id}: ${issue.path.map(String).join('.') || '(message)'}: ${issue.message}`);
    }
    return result.data;
  });
  const warnings: string[] = [];
  const branch = activeBranch(parsed, warnings);

  let leftOutBlocks = 0;
  let otherSenders = 0;
  const messages: ExportMessage[] = [];
  for (const m of branch) {
    const role = m.sender === 'human' ? 'user' : m.sender === 'assistant' ? 'assistant' : undefined;
    if (!role) {
      otherSenders++;
      continue;
    }
    const { text, leftOut } = readText(m);
    leftOutBlocks += leftOut;
    const attachments = [
      ...(m.attachments ?? []).map((a) => ({ kind: 'file', ...(a.file_type ? { mime: a.file_type } : {}) })),
      ...(m.files ?? []).map(() => ({ kind: 'file' })),
    ];
    if (text.trim() === '' && attachments.length === 0) continue;
    const createdAt = toEpochMs(m.created_at, 'iso');
    const previous = messages[messages.length - 1];
    messages.push({
      id: m.uuid,
      ...(previous ? { parent_id: previous.id } : {}),
      index: messages.length,
      role,
      text,
      ...(createdAt !== undefined ? { created_at: new Date(createdAt).toISOString() } : {}),
      ...(role === 'assistant' && conversation.model ? { model: conversation.model, model_source: 'api' as const } : {}),
      capture_method: 'import',
      ...(attachments.length > 0 ? { attachments } : {}),
    });
  }
  if (leftOutBlocks > 0) warnings.push(`left out: ${leftOutBlocks} non-text content block(s) (thinking, tool use)`);
  if (otherSenders > 0) warnings.push(`left out: ${otherSenders} message(s) from neither human nor assistant`);
  if (messages.length === 0) throw new RecordError('no human or assistant message with text');

  return newRecord({
    id: conversation.uuid,
    site: 'claude',
    url: `https://claude.ai/chat/${conversation.uuid}`,
    ...(conversation.name ? { title: conversation.name } : {}),
    ...(conversation.created_at ? { createdAt: conversation.created_at } : {}),
    ...(conversation.updated_at ? { updatedAt: conversation.updated_at } : {}),
    source: 'claude-export',
    method: 'import',
    adapterVersion: CLAUDE_IMPORTER_VERSION,
    completeness: warnings.some((w) => w.includes('missing')) ? 'partial' : 'complete',
    warnings,
    messages,
  });
}

export const claudeImporter: ArrayImporter = {
  idOf: (raw) => (raw && typeof raw === 'object' ? (raw as Record<string, unknown>).uuid : undefined),
  toRecord: claudeConversationToRecord,
};
