// The batch body is read item by item (proxy/batch/intake.ts) instead of one JSON.parse of up to
// 32 MB: for every body, valid or not, the outcome must be exactly what parsing it whole gives.
import { describe, expect, it } from 'vitest';
import { BatchRequest } from '../../proxy/batch/job.ts';
import { locateItems, parseBatchBody } from '../../proxy/batch/intake.ts';
import { ApiError } from '../../proxy/middleware/errors.ts';

const EXAMPLE = '{"items":[]}';

async function outcome(raw: string): Promise<unknown> {
  try {
    return { ok: await parseBatchBody(raw, EXAMPLE) };
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    return { status: e.status, code: e.code, message: e.message };
  }
}

/** What one JSON.parse of the whole body and one BatchRequest check would decide. */
function reference(raw: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { status: 400, code: 'invalid_json' };
  }
  const parsed = BatchRequest.safeParse(body);
  return parsed.success ? { ok: parsed.data } : { status: 400, code: 'invalid_request' };
}

const item = (text: string, extra: object = {}) => ({ reply: { text }, ...extra });

describe('parseBatchBody decides as parsing the whole body would', () => {
  it.each([
    ['plain', JSON.stringify({ items: [item('a'), item('b')] })],
    ['judge before items', JSON.stringify({ judge: 'offline', items: [item('a')] })],
    ['judge after items', JSON.stringify({ items: [item('a')], judge: 'anthropic' })],
    ['whitespace everywhere', ' \n{ "items" : [ { "reply" : { "text" : "a" } } ,\t{"reply":{"text":"b"}} ] , "judge" : "auto" }\n '],
    ['brackets, braces, commas and quotes inside strings', JSON.stringify({ items: [item('a], {"b": [1, 2]}, \\" "quoted" \\\\'), item('}]}')] })],
    ['escaped backslash before a closing quote', JSON.stringify({ items: [item('ends with a backslash \\'), item('x')] })],
    ['unicode escapes and emoji', '{"items":[{"reply":{"text":"caf\\u00e9 \\ud83d\\ude00 \u2028"}}]}'],
    ['a key spelled with an escape', '{"it\\u0065ms":[{"reply":{"text":"a"}}]}'],
    ['nested context and numeric ids', JSON.stringify({ items: [item('a', { id: 7, context: { user: '[x]', previous: [{ role: 'user', text: '{' }] } })] })],
    ['an "items" key nested deeper is not the items', JSON.stringify({ meta: { items: [1, 2] }, items: [item('a')] })],
    ['items given twice: the last one counts', '{"items":[{"reply":{"text":"first"}}],"items":[{"reply":{"text":"second"}},{"reply":{"text":"third"}}]}'],
    ['an item that is not an object', JSON.stringify({ items: [item('a'), 'text', 3, null] })],
    ['an item without text', JSON.stringify({ items: [item('a'), { reply: {} }] })],
    ['empty items', '{"items":[]}'],
    ['no items', '{"judge":"offline"}'],
    ['items not an array', '{"items":{"reply":{"text":"a"}}}'],
    ['an unknown judge', JSON.stringify({ items: [item('a')], judge: 'gpt' })],
    ['not JSON', '{items:'],
    ['truncated inside a string', '{"items":[{"reply":{"text":"abc'],
    ['a trailing comma', '{"items":[{"reply":{"text":"a"}},]}'],
    ['two commas', '{"items":[{"reply":{"text":"a"}},,{"reply":{"text":"b"}}]}'],
    ['garbage after the object', '{"items":[{"reply":{"text":"a"}}]} x'],
    ['an array at the top', '[{"reply":{"text":"a"}}]'],
    ['empty', ''],
  ])('%s', async (_name, raw) => {
    const got = (await outcome(raw)) as { ok?: unknown; status?: number; code?: string };
    const want = reference(raw) as { ok?: unknown };
    const actual: unknown = got.ok ?? { status: got.status, code: got.code };
    expect(actual).toEqual(want.ok ?? want);
  });

  it('names the failing items by index, as the schema would', async () => {
    const got = (await outcome(JSON.stringify({ items: [item('a'), { reply: {} }, item('c'), { reply: { text: 5 } }] }))) as { message: string };
    expect(got.message).toMatch(/items\.1\.reply\.text: .*; items\.3\.reply\.text: /);
  });

  it('finds every element of a big items array without parsing the whole body', async () => {
    const raw = JSON.stringify({ items: Array.from({ length: 5000 }, (_, i) => item(`Reply ${i}, with "quotes" and [brackets].`, { id: i })) });
    const located = await locateItems(raw);
    expect(located!.elements).toHaveLength(5000);
    const last: unknown = JSON.parse(raw.slice(...located!.elements[4999]!));
    expect(last).toEqual(item('Reply 4999, with "quotes" and [brackets].', { id: 4999 }));
  });
});
