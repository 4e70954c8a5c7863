// What the import tells the reader, as data (no DOM): a tally of what was imported and what was
// skipped, each skipped conversation with a reason in plain words instead of the importer's
// schema message ("mapping: Invalid input: expected record, received null"), and the lines the
// import view shows: what worked (green), what was skipped (a separate warning), and the final
// "done" once the imported replies are scored.
import type { RunRecord } from '#shared/records';
import { plural } from './export-pipeline.ts';

export interface SkippedConversation {
  /** Which one: "Conversation 4 in the file (id "abc")", "Line 3 (conversation "x")". */
  where: string;
  reason: string;
}

export interface ImportTally {
  imported: number;
  /** Replies stored now (not already in the archive). */
  newReplies: number;
  /** Replies stored without a score (the import run scores them). */
  unscored: number;
  skipped: SkippedConversation[];
}

export const emptyTally = (): ImportTally => ({ imported: 0, newReplies: 0, unscored: 0, skipped: [] });

/** Fields of the site exports, in the reader's words. */
const FIELD_WORDS: Record<string, string> = {
  mapping: 'messages',
  chat_messages: 'messages',
  messages: 'messages',
  current_node: 'last message',
  conversation: 'conversation details',
  title: 'title',
  uuid: 'id',
  id: 'id',
  conversation_id: 'id',
  text: 'text',
  content: 'content',
  author: 'author',
  create_time: 'creation time',
  created_at: 'creation time',
  schema_version: 'format version',
};

const TYPE_WORDS: Record<string, string> = {
  record: 'a set of named entries',
  object: 'a set of named entries',
  array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'yes or no',
};

/** One schema issue (`path: message`) in plain words. */
function plainIssue(issue: string): string {
  const split = issue.match(/^(.+?): (.+)$/);
  const path = split ? split[1]!.split('.') : [];
  const message = split ? split[2]! : issue;
  const field = [...path].reverse().find((p) => !/^\d+$/.test(p) && p !== '(record)');
  const named = field ? `${FIELD_WORDS[field] ?? `“${field}”`}${FIELD_WORDS[field] && FIELD_WORDS[field] !== field ? ` (“${field}”)` : ''}` : 'it';
  const expected = message.match(/expected (\w+), received (\w+)/);
  if (expected) {
    const [, want, got] = expected;
    const state = got === 'null' ? 'is empty' : 'is missing';
    if (got === 'null' || got === 'undefined') {
      if (field && FIELD_WORDS[field] === 'messages') return `it has no messages (its “${field}” ${state})`;
      return field ? `its ${named} ${state}` : 'it is empty';
    }
    return `its ${named} is not ${TYPE_WORDS[want!] ?? want}`;
  }
  if (/^Invalid option|^Invalid enum/i.test(message)) return `its ${named} has a value this version does not know`;
  if (/Too small|too short/i.test(message)) return `its ${named} is empty`;
  return `its ${named} is not in the expected form (${message})`;
}

/**
 * The importer's message about a skipped conversation, in plain words. The importer's own words
 * for whole-record problems are mapped one by one; schema issues are read as `path: message`.
 */
export function plainReason(message: string): string {
  const m = message.trim();
  const known: [RegExp, string][] = [
    [/^invalid JSON/i, 'This part of the file is not valid JSON: the file may be cut off or damaged.'],
    [/^mapping is empty$/, 'It has no messages.'],
    [/^no (user or assistant|human or assistant) message/, 'It has no messages with text (only system or tool messages, or empty ones).'],
    [/^no conversation_id or id$/, 'It has no conversation id, so it could not be told apart from others.'],
    [/^current_node .* is not in mapping$/, 'Its last message points at a message that is not in the file.'],
    [/parent links loop/, 'Its messages point at each other in a loop, so their order is unknown.'],
  ];
  for (const [pattern, words] of known) if (pattern.test(m)) return words;
  // A message inside a conversation: `node "id": path: message` (ChatGPT) or `chat_messages.3 (…): path: message` (Claude).
  const inner = m.match(/^(?:node "[^"]*"|chat_messages\.\d+[^:]*): (.+)$/);
  if (inner) return `One of its messages is not in the expected form: ${plainIssue(inner[1]!)}.`;
  const issues = m.split('; ').filter((s) => !/^and \d+ more$/.test(s));
  if (issues.length && issues.every((s) => /^(?:\(record\)|[\w.$-]+): /.test(s))) {
    const first = plainIssue(issues[0]!);
    return `${first.charAt(0).toUpperCase()}${first.slice(1)}${issues.length > 1 ? ` (and ${plural(issues.length - 1, 'other problem')})` : ''}.`;
  }
  return m.endsWith('.') ? m : `${m}.`;
}

/** "conversation 3 (id "abc")" (0-based, from the importer) as "Conversation 4 in the file (id "abc")". */
export function plainWhere(where: string): string {
  const numbered = where.match(/^conversation (\d+)(.*)$/);
  if (numbered) return `Conversation ${Number(numbered[1]) + 1} in the file${numbered[2]}`;
  return where.charAt(0).toUpperCase() + where.slice(1);
}

export function addSkipped(tally: ImportTally, where: string, message: string): void {
  tally.skipped.push({ where: plainWhere(where), reason: plainReason(message) });
}

export function addImported(tally: ImportTally, stored: { added: number; unscored: readonly string[] }): void {
  tally.imported += 1;
  tally.newReplies += stored.added;
  tally.unscored += stored.unscored.length;
}

export interface ImportLines {
  /** What worked (shown in green); undefined when nothing was imported. */
  ok?: string;
  /** What was skipped (a separate warning); undefined when nothing was. */
  warning?: string;
  /** Shown in red when nothing at all could be imported. */
  failed?: string;
}

/** The lines shown while reading (`reading`) and once the file is read. */
export function importLines(t: ImportTally, reading = false): ImportLines {
  const lines: ImportLines = {};
  if (t.imported > 0) {
    const replies = t.newReplies === 0 ? 'no new replies: they were already in the archive' : plural(t.newReplies, 'new reply', 'new replies');
    const scoring = !reading && t.unscored > 0 ? ` Scoring ${plural(t.unscored, 'reply', 'replies')} through the proxy…` : '';
    lines.ok = `${reading ? 'Reading: ' : ''}${reading ? plural(t.imported, 'conversation') : `Imported ${plural(t.imported, 'conversation')}`} (${replies}).${scoring}`;
  }
  if (t.skipped.length > 0) {
    lines.warning = `Skipped ${plural(t.skipped.length, 'conversation')} that could not be read${reading ? '' : ' (why, below)'}; the rest ${t.imported ? 'were imported' : 'of the file was read'}.`;
  }
  if (!reading && t.imported === 0) {
    lines.failed = t.skipped.length
      ? 'Nothing was imported: no conversation in this file could be read. Is it the right format?'
      : 'Nothing was imported: the file has no conversations.';
    delete lines.warning;
  }
  return lines;
}

/** The last word once every scoring run of the import has ended. */
export function importDone(t: ImportTally, runs: readonly (RunRecord | undefined)[]): { text: string; ok: boolean } {
  const scored = runs.reduce((n, r) => n + (r?.done ?? 0), 0);
  const failed = runs.reduce((n, r) => n + (r ? r.failed + (r.status === 'done' ? 0 : r.total - r.done - r.failed) : 0), 0);
  const lost = runs.some((r) => !r);
  const base = `Done: imported ${plural(t.imported, 'conversation')} (${plural(t.newReplies, 'new reply', 'new replies')})`;
  if (t.unscored === 0) return { text: `${base}; their scores came with the file.`, ok: true };
  if (failed === 0 && !lost) return { text: `${base}; ${plural(scored, 'reply', 'replies')} scored.`, ok: true };
  return {
    text: `${base}; ${plural(scored, 'reply', 'replies')} scored, ${plural(failed, 'reply', 'replies')} not: they are kept, re-score them on the Re-score tab.`,
    ok: false,
  };
}
