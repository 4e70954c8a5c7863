// Unspun's own JSONL export, read back: one ExportRecord a line. A line that is not valid JSON or
// not a valid record fails alone, named by its line number and conversation id; the rest import.
// Export -> import -> export gives the same bytes (toJsonlLine writes in the schema's key order).
import { ExportRecord } from '../export/record.ts';
import { describeIssues, type ImportOutcome } from './importer.ts';

/** One JSONL line (1-based number) as an import outcome; blank lines give nothing. */
export function unspunLineToOutcome(number: number, line: string): ImportOutcome | undefined {
  if (line.trim() === '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return { ok: false, where: `line ${number}`, message: `invalid JSON (${(error as Error).message})` };
  }
  const id = (raw as { conversation?: { id?: unknown } } | null)?.conversation?.id;
  const where = `line ${number}${typeof id === 'string' ? ` (conversation ${JSON.stringify(id)})` : ''}`;
  const parsed = ExportRecord.safeParse(raw);
  if (!parsed.success) return { ok: false, where, message: describeIssues(parsed.error) };
  return { ok: true, record: parsed.data, where };
}

/** Splits text chunks into lines (LF or CRLF) and imports each. */
export async function* importUnspunJsonl(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<ImportOutcome> {
  let pending = '';
  let number = 0;
  for await (const chunk of chunks) {
    pending += chunk;
    let from = 0;
    let newline: number;
    while ((newline = pending.indexOf('\n', from)) >= 0) {
      const outcome = unspunLineToOutcome(++number, pending.slice(from, newline).replace(/\r$/, ''));
      from = newline + 1;
      if (outcome) yield outcome;
    }
    pending = pending.slice(from);
  }
  if (pending !== '') {
    const outcome = unspunLineToOutcome(++number, pending.replace(/\r$/, ''));
    if (outcome) yield outcome;
  }
}
