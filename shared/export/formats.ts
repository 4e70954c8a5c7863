// Export formats, one record at a time so any writer can stream them: JSONL (the research
// format), CSV (one row per flag, for spreadsheets), a Markdown report of one conversation, and a
// ShareGPT-style view ({conversations: [{from, value}]}) for existing analysis code.
import { MOVES_BY_ID } from '../taxonomy.ts';
import type { MoveId } from '../schemas.ts';
import { ExportRecord } from './record.ts';

/**
 * One JSONL line (with its newline). The record is validated, and written in the schema's key
 * order, so the same record always gives the same bytes (export -> import -> export is identical).
 */
export function toJsonlLine(record: ExportRecord): string {
  return `${JSON.stringify(ExportRecord.parse(record))}\n`;
}

// ---- CSV (RFC 4180) ----

export const CSV_COLUMNS = [
  'conversation_id',
  'site',
  'message_id',
  'message_index',
  'model',
  'created_at',
  'judge_kind',
  'judge_model',
  'prompt_version',
  'taxonomy_version',
  'reply_score',
  'move',
  'support',
  'severity',
  'source',
  'rule_id',
  'start',
  'end',
  'quote',
  'rationale',
  'would_support',
  'quote_redacted',
  'label',
  'label_note',
] as const;

type CsvCell = string | number | boolean | undefined;

/**
 * One cell. Quoted when it holds a comma, quote, CR or LF (quotes doubled). Text starting with
 * = + - @ (or tab / CR) is what spreadsheets run as a formula: it gets a leading apostrophe.
 * Numbers are written as numbers (a negative number is not a formula).
 */
export function csvCell(value: CsvCell): string {
  if (value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvHeader(): string {
  return csvRow(CSV_COLUMNS);
}

/** The CSV rows of one record: one per flag (a record with no flags gives no rows). */
export function csvRows(record: ExportRecord): string {
  const rows: string[] = [];
  for (const message of record.messages) {
    for (const score of message.scores ?? []) {
      for (const flag of score.flags) {
        const row: Record<(typeof CSV_COLUMNS)[number], CsvCell> = {
          conversation_id: record.conversation.id,
          site: record.conversation.site,
          message_id: message.id,
          message_index: message.index,
          model: message.model,
          created_at: message.created_at ?? message.captured_at,
          judge_kind: score.judge.kind,
          judge_model: score.judge.model,
          prompt_version: score.judge.prompt_version,
          taxonomy_version: score.judge.taxonomy_version,
          reply_score: score.score,
          move: flag.move,
          support: flag.support,
          severity: flag.severity,
          source: flag.source,
          rule_id: flag.rule_id,
          start: flag.start,
          end: flag.end,
          quote: flag.quote,
          rationale: flag.rationale,
          would_support: flag.would_support,
          quote_redacted: flag.quote_redacted ?? false,
          label: flag.label?.verdict,
          label_note: flag.label?.note,
        };
        rows.push(csvRow(CSV_COLUMNS.map((c) => row[c])));
      }
    }
  }
  return rows.join('');
}

// ---- Markdown ----

function blockquote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
}

/** Inline text in a Markdown list item: one line, no stray emphasis or links. */
function inline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/([\\`*_[\]<>|])/g, '\\$1')
    .trim();
}

/** A move's reader-facing name (the taxonomy's), for the report; the id when the taxonomy lacks it. */
function moveTitle(move: MoveId): string {
  return MOVES_BY_ID[move]?.name ?? move;
}

const SUPPORT_WORDS: Record<string, string> = {
  supported: 'backed up in the reply',
  weak: 'weakly backed up',
  unsupported: 'not backed up',
  requested: 'asked for by the user',
};

/** A readable report of one conversation: each message, and under each reply its flags (moves by their names). */
export function toMarkdown(record: ExportRecord): string {
  const c = record.conversation;
  const out: string[] = [];
  out.push(`# ${c.title ? inline(c.title) : `Conversation ${c.id}`}`, '');
  const facts = [
    `Site: ${c.site}`,
    c.created_at ? `created ${c.created_at}` : undefined,
    c.models.length > 0 ? `models: ${c.models.join(', ')}` : undefined,
    record.redaction.redacted ? 'redacted' : undefined,
    `schema ${record.schema_version}`,
  ].filter(Boolean);
  out.push(`_${facts.join(' · ')}_`, '');
  for (const message of record.messages) {
    const who = message.role === 'user' ? 'User' : `Assistant${message.model ? ` (${inline(message.model)})` : ''}`;
    out.push(`## ${message.index + 1}. ${who}`, '', blockquote(message.text), '');
    for (const score of message.scores ?? []) {
      const judge = `${score.judge.kind}${score.judge.model ? ` ${score.judge.model}` : ''}`;
      out.push(
        `**Score ${score.score}/100** by ${inline(judge)} (prompt ${inline(score.judge.prompt_version)}, taxonomy ${inline(score.judge.taxonomy_version)}): ${score.flags.length} flag${score.flags.length === 1 ? '' : 's'}`,
        '',
      );
      for (const flag of score.flags) {
        const label = flag.label ? ` — you ${flag.label.verdict}d${flag.label.note ? `: ${inline(flag.label.note)}` : ''}` : '';
        out.push(
          `- **${inline(moveTitle(flag.move))}** (${SUPPORT_WORDS[flag.support] ?? flag.support}, severity ${flag.severity} of 3): “${inline(flag.quote)}” — ${inline(flag.rationale)}${flag.would_support ? ` _Would support it:_ ${inline(flag.would_support)}` : ''}${label}`,
        );
      }
      if (score.flags.length > 0) out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// ---- ShareGPT ----

export interface ShareGptConversation {
  id: string;
  site: string;
  model?: string;
  conversations: { from: 'human' | 'gpt'; value: string }[];
}

/** The ShareGPT / Vicuna view: roles as `human` / `gpt`, text only (flags are not part of it). */
export function toShareGpt(record: ExportRecord): ShareGptConversation {
  const view: ShareGptConversation = {
    id: record.conversation.id,
    site: record.conversation.site,
    conversations: record.messages.map((m) => ({ from: m.role === 'user' ? ('human' as const) : ('gpt' as const), value: m.text })),
  };
  const model = record.conversation.models[0];
  if (model) view.model = model;
  return view;
}
