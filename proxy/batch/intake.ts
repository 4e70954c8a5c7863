// Reads a POST /v1/score/batch body (up to 32 MB) without holding up the proxy: one JSON.parse of
// 28 MB took 0.6 s on a shared machine, during which no single score could be answered. Instead the
// body is scanned for the items array's element boundaries (strings skipped with indexOf), and each
// item is parsed and validated on its own, with a turn of the event loop every few milliseconds.
// Anything the scanner does not recognise falls back to one JSON.parse of the whole body, so an
// invalid body gets exactly JSON.parse's error message and an odd but valid one is still accepted.
import { ApiError, zodIssues } from '../middleware/errors.ts';
import { issueSummary, parseJson } from '../middleware/json-body.ts';
import { BatchEnvelope, BatchItem, type BatchRequest } from '#shared/api/batch';

/** Work between two yields to the event loop. */
const SLICE_MS = 8;

type Issue = { path: string; message: string };

export async function parseBatchBody(raw: string, example: string): Promise<BatchRequest> {
  const located = await locateItems(raw);
  if (!located) return validate(parseWhole(raw, example));
  const { start, end, elements } = located;
  let envelope: unknown;
  try {
    envelope = JSON.parse(`${raw.slice(0, start)}[]${raw.slice(end + 1)}`);
  } catch {
    return validate(parseWhole(raw, example));
  }
  const checked = BatchEnvelope.safeParse({ ...(envelope as object), items: elements.map(() => null) });
  if (!checked.success) throw invalid(zodIssues(checked.error));
  const items: BatchItem[] = [];
  const issues: Issue[] = [];
  let sliceStart = performance.now();
  for (const [i, [s, e]] of elements.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(raw.slice(s, e));
    } catch {
      return validate(parseWhole(raw, example));
    }
    check(value, i, items, issues);
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  if (issues.length > 0) throw invalid(issues);
  return { items, ...(checked.data.judge ? { judge: checked.data.judge } : {}) };
}

function check(value: unknown, i: number, items: BatchItem[], issues: Issue[]): void {
  const item = BatchItem.safeParse(value);
  if (item.success) items.push(item.data);
  else for (const issue of zodIssues(item.error)) issues.push({ path: `items.${i}${issue.path === '(body)' ? '' : `.${issue.path}`}`, message: issue.message });
}

/** The slow path: the body parsed whole, then validated the same way. */
async function validate(body: unknown): Promise<BatchRequest> {
  const checked = BatchEnvelope.safeParse(body);
  if (!checked.success) throw invalid(zodIssues(checked.error));
  const items: BatchItem[] = [];
  const issues: Issue[] = [];
  checked.data.items.forEach((value, i) => check(value, i, items, issues));
  if (issues.length > 0) throw invalid(issues);
  return { items, ...(checked.data.judge ? { judge: checked.data.judge } : {}) };
}

function parseWhole(raw: string, example: string): unknown {
  return parseJson(raw, `e.g. ${example}`);
}

function invalid(issues: Issue[]): ApiError {
  return new ApiError(400, 'invalid_request', `The batch request is invalid: ${issueSummary(issues, 5)}.`, { issues });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COMMA = 44;
const COLON = 58;

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Finds the top-level "items" array of a JSON object: its brackets and each element's span.
 * Returns null when the body is not shaped like that (or is not JSON): the caller then parses it
 * whole. Strings are skipped with indexOf, so long reply texts cost little.
 */
export async function locateItems(raw: string): Promise<{ start: number; end: number; elements: Array<[number, number]> } | null> {
  let i = 0;
  while (i < raw.length && isSpace(raw.charCodeAt(i))) i++;
  if (raw.charCodeAt(i) !== OPEN_OBJECT) return null;
  let depth = 0;
  /** At depth 1: the last key read, and whether the next string is a key. */
  let key: string | null = null;
  let expectKey = false;
  /** Inside the items array (depth 2 is its elements' level). */
  let inItems = false;
  let found: { start: number; end: number; elements: Array<[number, number]> } | null = null;
  let elements: Array<[number, number]> = [];
  let elementStart = -1;
  let arrayStart = -1;
  let sliceStart = performance.now();
  let steps = 0;

  for (; i < raw.length; i++) {
    if (++steps % 512 === 0 && performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    const c = raw.charCodeAt(i);
    if (isSpace(c)) continue;
    if (inItems && depth === 2 && elementStart === -1 && c !== CLOSE_ARRAY) elementStart = i;
    if (c === QUOTE) {
      const close = stringEnd(raw, i);
      if (close === -1) return null;
      if (depth === 1 && expectKey) {
        try {
          key = JSON.parse(raw.slice(i, close + 1)) as string;
        } catch {
          return null;
        }
        expectKey = false;
      }
      i = close;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth === 1) expectKey = true;
      if (depth === 2 && c === OPEN_ARRAY && key === 'items' && !expectKey) {
        inItems = true;
        arrayStart = i;
        elements = [];
        elementStart = -1;
      }
      continue;
    }
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (inItems && depth === 2) {
        if (c !== CLOSE_ARRAY) return null;
        if (elementStart !== -1) elements.push([elementStart, i]);
        else if (elements.length > 0) return null; // a trailing comma
        found = { start: arrayStart, end: i, elements };
        inItems = false;
      }
      depth--;
      if (depth < 0) return null;
      if (depth === 0) {
        // The object ended: only whitespace may follow.
        for (let j = i + 1; j < raw.length; j++) if (!isSpace(raw.charCodeAt(j))) return null;
        return found;
      }
      continue;
    }
    if (c === COMMA) {
      if (depth === 1) {
        expectKey = true;
        key = null;
      } else if (inItems && depth === 2) {
        if (elementStart === -1) return null;
        elements.push([elementStart, i]);
        elementStart = -1;
      }
      continue;
    }
    if (c === COLON) continue;
    // A number, true, false or null: skip to its end.
    while (i + 1 < raw.length && !isSpace(raw.charCodeAt(i + 1)) && ![COMMA, CLOSE_ARRAY, CLOSE_OBJECT, COLON].includes(raw.charCodeAt(i + 1))) i++;
  }
  return null;
}

/** Index of the quote that closes the string opening at `open`, or -1. */
function stringEnd(raw: string, open: number): number {
  let at = open;
  for (;;) {
    at = raw.indexOf('"', at + 1);
    if (at === -1) return -1;
    let backslashes = 0;
    for (let j = at - 1; raw.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
