// The dashboard's export as data, no DOM and no browser API: the redaction a reader chose, the
// chunks of one export file (records in, bytes out, one record at a time), and what the review
// step shows of a conversation before it leaves (its local title, its turns with the placeholders
// marked, what was replaced) with the note on what never leaves. export-view.ts is the UI on top;
// the bench (test/bench/export-page.ts) drives exportChunks directly.
import { exportZip } from '#shared/export/bundle';
import { csvHeader, csvRows, toMarkdown, toShareGpt } from '#shared/export/formats';
import type { NameSpan } from '#shared/export/names';
import type { ExportRecord } from '#shared/export/record';
import { findNamesInRecord, redactRecord } from '#shared/export/redact-record';
import { PLACEHOLDER_TYPES, type PlaceholderType } from '#shared/redact';

export const EXPORT_FORMATS = ['zip', 'csv', 'markdown', 'sharegpt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface RedactionChoice {
  texts: boolean;
  ids: boolean;
  salt: string;
  /** Leave conversation titles out of the file (the review still shows them, locally). */
  dropTitles?: boolean;
  findNames?: (text: string) => readonly NameSpan[];
}

export function randomSalt(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function withoutTitle(record: ExportRecord): ExportRecord {
  if (record.conversation.title === undefined) return record;
  const { title: _title, ...conversation } = record.conversation;
  return { ...record, conversation };
}

/** A record as it will leave: its title dropped when asked, then its texts and ids redacted as chosen. */
export function redactFor(record: ExportRecord, r: RedactionChoice): ExportRecord {
  const input = r.dropTitles ? withoutTitle(record) : record;
  if (!r.texts && !r.ids) return input;
  return redactRecord(input, { texts: r.texts, ids: r.ids, salt: r.salt, ...(r.texts && r.findNames ? { names: findNamesInRecord(input, r.findNames) } : {}) });
}

async function* titlesDropped(records: AsyncIterable<ExportRecord>): AsyncGenerator<ExportRecord> {
  for await (const record of records) yield withoutTitle(record);
}

export interface ExportHooks {
  /** Research zip extras: SemEval PTC span files, per-move kappa between judges (shared/export/research-formats.ts). */
  research?: { ptc?: boolean; agreement?: boolean };
  onProgress(done: number): void;
  onError(where: string, message: string): void;
  filters: Record<string, unknown>;
  version: string;
}

/** The chunks of one export file, streamed record by record. */
export async function* exportChunks(
  records: AsyncIterable<ExportRecord>,
  format: ExportFormat,
  redaction: RedactionChoice,
  hooks: ExportHooks,
): AsyncGenerator<Uint8Array | string> {
  if (format === 'zip') {
    yield* exportZip(redaction.dropTitles ? titlesDropped(records) : records, {
      generator: { name: 'unspun-dashboard', version: hooks.version },
      filters: { ...hooks.filters, ...(redaction.dropTitles ? { titles: 'left out' } : {}) },
      redaction: {
        texts: redaction.texts,
        ids: redaction.ids,
        salt: redaction.salt,
        saltKind: redaction.ids ? 'per-export' : 'none',
        ...(redaction.findNames ? { findNames: redaction.findNames } : {}),
      },
      csv: true,
      ...(hooks.research?.ptc ? { ptc: { techniques: 'ptc' as const } } : {}),
      ...(hooks.research?.agreement ? { agreement: true } : {}),
      onProgress: hooks.onProgress,
      onError: hooks.onError,
    });
    return;
  }
  if (format === 'csv') yield csvHeader();
  if (format === 'sharegpt') yield '[\n';
  let done = 0;
  for await (const input of records) {
    try {
      const record = redactFor(input, redaction);
      if (format === 'csv') yield csvRows(record);
      else if (format === 'markdown') yield `${done ? '\n---\n\n' : ''}${toMarkdown(record)}`;
      else yield `${done ? ',\n' : ''}${JSON.stringify(toShareGpt(record))}`;
    } catch (error) {
      hooks.onError(`conversation ${JSON.stringify(input.conversation.id)}`, error instanceof Error ? error.message : String(error));
    }
    hooks.onProgress(++done);
  }
  if (format === 'sharegpt') yield '\n]\n';
}

// ---- the review step ----

/** A piece of a text as the review shows it: plain, or a placeholder that redaction put there. */
export interface Segment {
  text: string;
  placeholder?: PlaceholderType;
}

const PLACEHOLDER_RE = new RegExp(`\\[(${PLACEHOLDER_TYPES.join('|')})\\]`, 'g');

/**
 * A text cut into plain pieces and placeholders ([EMAIL], [NAME], ...), at most `limit`
 * characters of it; a placeholder is never cut in two.
 */
export function placeholderSegments(text: string, limit = Number.POSITIVE_INFINITY): { segments: Segment[]; truncated: boolean } {
  const segments: Segment[] = [];
  let used = 0;
  let at = 0;
  const plain = (piece: string): boolean => {
    if (!piece) return true;
    const room = limit - used;
    if (piece.length > room) {
      if (room > 0) segments.push({ text: piece.slice(0, room) });
      used = limit;
      return false;
    }
    segments.push({ text: piece });
    used += piece.length;
    return true;
  };
  for (const m of text.matchAll(PLACEHOLDER_RE)) {
    if (!plain(text.slice(at, m.index))) return { segments, truncated: true };
    if (used + m[0].length > limit) return { segments, truncated: true };
    segments.push({ text: m[0], placeholder: m[1] as PlaceholderType });
    used += m[0].length;
    at = m.index + m[0].length;
  }
  const truncated = !plain(text.slice(at));
  return { segments, truncated };
}

const PLACEHOLDER_WORDS: Record<PlaceholderType, [string, string]> = {
  EMAIL: ['email address', 'email addresses'],
  PHONE: ['phone number', 'phone numbers'],
  URL: ['link', 'links'],
  SECRET: ['secret', 'secrets'],
  IP: ['IP address', 'IP addresses'],
  CARD: ['card number', 'card numbers'],
  NAME: ['name', 'names'],
};

/** "2 email addresses, 1 name replaced" / "nothing replaced". */
export function replacedWords(counts: Partial<Record<PlaceholderType, number>>): string {
  const parts = PLACEHOLDER_TYPES.filter((t) => (counts[t] ?? 0) > 0).map((t) => `${counts[t]} ${PLACEHOLDER_WORDS[t][counts[t] === 1 ? 0 : 1]}`);
  return parts.length ? `${parts.join(', ')} replaced` : 'nothing replaced';
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;

export interface ReviewTurn {
  role: 'user' | 'assistant';
  segments: Segment[];
  truncated: boolean;
}

export interface ReviewEntry {
  /** The archive key (site:id), for leaving the conversation out. */
  key: string;
  /** The title as this computer knows it: shown in the review only. */
  localTitle: string;
  /** The title as it will be in the file (redacted), or undefined when it stays here. */
  titleInFile: string | undefined;
  site: string;
  /** The id as it will be in the file (pseudonymous when chosen). */
  idInFile: string;
  messages: number;
  replaced: string;
  turns: ReviewTurn[];
  /** Messages not shown. */
  more: number;
}

export const REVIEW_TURNS = 6;
export const REVIEW_TURN_CHARS = 360;

/** What the review shows of one conversation: the record as the archive holds it, and as it will leave. */
export function reviewEntry(local: ExportRecord, out: ExportRecord): ReviewEntry {
  const firstUser = local.messages.find((m) => m.role === 'user')?.text.trim();
  const localTitle =
    local.conversation.title?.trim() ||
    (firstUser ? (firstUser.length > 80 ? `${firstUser.slice(0, 80)}…` : firstUser) : `Conversation ${local.conversation.id}`);
  const shown = out.messages.slice(0, REVIEW_TURNS);
  return {
    key: `${local.conversation.site}:${local.conversation.id}`,
    localTitle,
    titleInFile: out.conversation.title,
    site: out.conversation.site,
    idInFile: out.conversation.id,
    messages: out.messages.length,
    replaced: replacedWords(out.redaction.counts),
    turns: shown.map((m) => ({ role: m.role, ...placeholderSegments(m.text, REVIEW_TURN_CHARS) })),
    more: out.messages.length - shown.length,
  };
}

/** What stays on this computer, whatever the export: in plain words, for the note above the review. */
export function neverLeaves(choice: Pick<RedactionChoice, 'texts' | 'ids' | 'dropTitles'>): string[] {
  const stays = ['your proxy token and settings', 'conversations you untick below'];
  if (choice.texts) stays.push('the email addresses, phone numbers, links, secrets and names that placeholders such as [EMAIL] and [NAME] replace');
  if (choice.ids) stays.push('the sites’ conversation ids and links, and the key that makes the pseudonymous ids (it is thrown away after this export)');
  if (choice.dropTitles) stays.push('conversation titles (shown here for you only)');
  return stays;
}
