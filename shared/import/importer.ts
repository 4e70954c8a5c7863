// What every importer shares: one outcome per record, good or failed, where a failure names the
// record (its position and id) and what is wrong with it, and the good records still import.
import type { z } from 'zod';
import type { ExportRecord } from '../export/record.ts';
import { type ArrayElement, splitJsonArray } from './json-array.ts';

export const IMPORT_FORMATS = ['chatgpt', 'claude', 'unspun'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type ImportOutcome = { ok: true; record: ExportRecord; where: string } | { ok: false; where: string; message: string };

/** A record that cannot be imported; `message` says what is wrong in a reader's words. */
export class RecordError extends Error {
  override name = 'RecordError';
}

/** Zod issues as one line: `path: message; path: message`. */
export function describeIssues(error: z.ZodError, limit = 3): string {
  const issues = error.issues.slice(0, limit).map((i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`);
  const more = error.issues.length > limit ? `; and ${error.issues.length - limit} more` : '';
  return `${issues.join('; ')}${more}`;
}

/** `conversation 3 (id "abc")`: how an outcome names a record of a JSON array export. */
export function nameRecord(kind: string, index: number, id: unknown): string {
  return `${kind} ${index}${typeof id === 'string' && id !== '' ? ` (id ${JSON.stringify(id)})` : ''}`;
}

export interface ArrayImporter {
  /** The id a raw element claims, for naming it in an error even when it is malformed. */
  idOf(raw: unknown): unknown;
  /** Throws RecordError (or a ZodError) when the element cannot be imported. */
  toRecord(raw: unknown): ExportRecord;
}

/** Reads a JSON array export element by element: one outcome per element, in file order. */
export async function* importJsonArray(chunks: AsyncIterable<string> | Iterable<string>, importer: ArrayImporter): AsyncGenerator<ImportOutcome> {
  const elements = splitJsonArray(chunks)[Symbol.asyncIterator]();
  for (;;) {
    // The element's text and parsed JSON live only inside nextOutcome: while the caller works on
    // this outcome, this suspended generator holds nothing but the outcome (a big conversation's
    // text, parsed tree and record would otherwise all stay alive at once).
    const outcome = await nextOutcome(elements, importer);
    if (!outcome) return;
    yield outcome;
  }
}

async function nextOutcome(elements: AsyncIterator<ArrayElement>, importer: ArrayImporter): Promise<ImportOutcome | undefined> {
  const next = await elements.next();
  if (next.done) return undefined;
  const element = next.value;
  let raw: unknown;
  try {
    raw = JSON.parse(element.text);
  } catch (error) {
    return { ok: false, where: nameRecord('conversation', element.index, undefined), message: `invalid JSON (${(error as Error).message})` };
  }
  const where = nameRecord('conversation', element.index, importer.idOf(raw));
  return toOutcome(where, () => importer.toRecord(raw));
}

export function toOutcome(where: string, read: () => ExportRecord): ImportOutcome {
  try {
    return { ok: true, record: read(), where };
  } catch (error) {
    if (error instanceof RecordError) return { ok: false, where, message: error.message };
    if (error && typeof error === 'object' && 'issues' in error && Array.isArray((error as z.ZodError).issues)) {
      return { ok: false, where, message: describeIssues(error as z.ZodError) };
    }
    return { ok: false, where, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Seconds (ChatGPT) or ISO strings (Claude) to epoch ms; undefined when absent or not a time. */
export function toEpochMs(value: unknown, unit: 'seconds' | 'iso'): number | undefined {
  if (unit === 'seconds') return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
