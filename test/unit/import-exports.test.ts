// Importers on samples of each data export format (test/fixtures/exports, written from the
// documented formats): active branch only, hidden/tool/reasoning messages left out, multimodal
// parts, malformed records named and skipped while the good ones import; the streaming splitter.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExportRecord } from '#shared/export/record';
import { chatgptConversationToRecord } from '#shared/import/chatgpt';
import { claudeConversationToRecord } from '#shared/import/claude';
import { type ImportFormat, type ImportOutcome, importRecords } from '#shared/import/index';
import { splitJsonArray } from '#shared/import/json-array';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/exports');
const read = (file: string) => readFileSync(resolve(FIXTURES, file), 'utf8');

/** Feeds the text in small chunks, so elements and strings are cut at every kind of place. */
function chunked(text: string, size = 97): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

async function all(format: ImportFormat, text: string, size?: number): Promise<ImportOutcome[]> {
  const out: ImportOutcome[] = [];
  for await (const outcome of importRecords(format, chunked(text, size))) out.push(outcome);
  return out;
}

const okRecords = (outcomes: ImportOutcome[]) => outcomes.flatMap((o) => (o.ok ? [o.record] : []));
const failures = (outcomes: ImportOutcome[]) => outcomes.flatMap((o) => (o.ok ? [] : [`${o.where}: ${o.message}`]));

describe('ChatGPT conversations.json', () => {
  it('imports the good conversations and names the malformed ones', async () => {
    const outcomes = await all('chatgpt', read('chatgpt-conversations.json'));
    expect(outcomes).toHaveLength(5);
    expect(okRecords(outcomes).map((r) => r.conversation.title)).toEqual(['Email to my landlord about the deposit', 'Is this supplement safe?', 'Voice chat']);
    expect(failures(outcomes)).toEqual([
      'conversation 2 (id "6740e3c8-2d4e-8003-b5f6-7a8b9c0d1e2f"): current_node "does-not-exist" is not in mapping',
      'conversation 3 (id "6740e4d9-3e5f-8003-c6a7-8b9c0d1e2f3a"): mapping: Invalid input: expected record, received null',
    ]);
    for (const record of okRecords(outcomes)) expect(ExportRecord.safeParse(record).success).toBe(true);
  });

  it('follows the active branch from current_node: the edited prompt and its reply, not the older branch', async () => {
    const [record] = okRecords(await all('chatgpt', read('chatgpt-conversations.json')));
    expect(record!.messages.map((m) => `${m.role}:${m.id}`)).toEqual(['user:u-1', 'assistant:a-1', 'user:u-2b', 'assistant:a-2b']);
    expect(record!.messages.map((m) => m.parent_id)).toEqual([undefined, 'u-1', 'a-1', 'u-2b']);
    expect(record!.messages.map((m) => m.index)).toEqual([0, 1, 2, 3]);
    expect(record!.messages.some((m) => m.text.includes('more polite'))).toBe(false);
    expect(record!.conversation).toMatchObject({
      id: '6740e0a1-8b2c-8003-9d1e-2f4c5a6b7c8d',
      site: 'chatgpt',
      url: 'https://chatgpt.com/c/6740e0a1-8b2c-8003-9d1e-2f4c5a6b7c8d',
      created_at: '2024-11-22T07:20:00.123Z',
      models: ['gpt-4o'],
    });
    expect(record!.messages[1]).toMatchObject({ model: 'gpt-4o', model_source: 'api', capture_method: 'import', created_at: '2024-11-22T07:20:10.250Z' });
    expect(record!.capture).toEqual({
      source: 'chatgpt-export',
      method: 'import',
      adapter_version: 'chatgpt-export@1',
      completeness: 'complete',
      warnings: [],
    });
    expect(record!.redaction).toEqual({ redacted: false, ids: 'site', counts: {} });
  });

  it('leaves out custom instructions, tool calls, tool output and reasoning; lists the image', async () => {
    const record = okRecords(await all('chatgpt', read('chatgpt-conversations.json')))[1]!;
    expect(record.messages.map((m) => `${m.role}:${m.id}`)).toEqual(['user:u-21', 'assistant:a-22']);
    expect(record.messages[0]).toMatchObject({ text: 'Here is the label. Is this supplement safe to take daily?', attachments: [{ kind: 'image' }] });
    expect(record.messages[1]).toMatchObject({ model: 'o3', parent_id: 'u-21' });
    expect(record.capture.warnings).toEqual(['left out: 1 hidden context, 1 tool call, 1 tool message, 1 reasoning or other non-text']);
  });

  it('keeps voice transcripts as text and lists the audio', async () => {
    const record = okRecords(await all('chatgpt', read('chatgpt-conversations.json')))[2]!;
    expect(record.messages.map((m) => m.text)).toEqual([
      'What should I cook tonight?',
      'A quick vegetable stir-fry is a good choice: it takes about fifteen minutes.',
    ]);
    expect(record.messages[0]!.attachments).toEqual([{ kind: 'audio' }]);
  });

  it('without current_node follows the newest leaf, and says so', () => {
    const raw = JSON.parse(read('chatgpt-conversations.json'))[0];
    delete raw.current_node;
    const record = chatgptConversationToRecord(raw);
    expect(record.messages.at(-1)!.id).toBe('a-2b');
    expect(record.capture.warnings).toContain('no current_node: followed the newest branch');
  });

  it('names a parent loop and a missing parent', () => {
    const raw = JSON.parse(read('chatgpt-conversations.json'))[0];
    raw.mapping['client-created-root'].parent = 'a-2b';
    expect(() => chatgptConversationToRecord(raw)).toThrow(/loop at node/);
    const gap = JSON.parse(read('chatgpt-conversations.json'))[0];
    delete gap.mapping['sys-1'];
    const partial = chatgptConversationToRecord(gap);
    expect(partial.capture.completeness).toBe('partial');
    expect(partial.capture.warnings[0]).toContain('"sys-1" is missing');
  });

  it('a node with a malformed message fails its conversation with the node named', () => {
    const raw = JSON.parse(read('chatgpt-conversations.json'))[0];
    raw.mapping['a-1'].message.author = 'assistant';
    expect(() => chatgptConversationToRecord(raw)).toThrow('node "a-1": message.author: Invalid input: expected object, received string');
  });

  it('gives the same records however the file is chunked', async () => {
    const text = read('chatgpt-conversations.json');
    const whole = await all('chatgpt', text, text.length);
    for (const size of [1, 7, 4096]) expect(await all('chatgpt', text, size)).toEqual(whole);
  });
});

describe('Claude conversations.json', () => {
  it('imports the good conversations and names the malformed ones', async () => {
    const outcomes = await all('claude', read('claude-conversations.json'));
    expect(okRecords(outcomes).map((r) => r.conversation.id)).toEqual(['1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d']);
    expect(failures(outcomes)).toEqual([
      'conversation 2 (id "3b4c5d6e-7f8a-4b9c-8d0e-2f3a4b5c6d7e"): chat_messages.0 (uuid "c3000000-0000-4000-8000-000000000001"): sender: Invalid input: expected string, received undefined',
      'conversation 3: uuid: Invalid input: expected string, received undefined',
    ]);
  });

  it('follows the branch of the newest message: the retried reply, not the first one', async () => {
    const [record] = okRecords(await all('claude', read('claude-conversations.json')));
    expect(record!.messages.map((m) => `${m.role}:${m.id.slice(-2)}`)).toEqual(['user:01', 'assistant:03', 'user:04', 'assistant:05']);
    expect(record!.messages.some((m) => m.text.startsWith('What a brave idea'))).toBe(false);
    expect(record!.capture.warnings).toEqual(['1 message(s) on other branches left out']);
    expect(record!.conversation).toMatchObject({
      title: 'Should I quit my job?',
      url: 'https://claude.ai/chat/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b',
      created_at: '2025-02-03T09:00:00.000Z',
    });
    expect(record!.messages[0]!.created_at).toBe('2025-02-03T09:00:05.123Z');
    expect(record!.messages[2]!.attachments).toEqual([{ kind: 'file', mime: 'application/pdf' }]);
  });

  it('reads text blocks only (tool use left out), falls back to `text`, keeps array order without parent links', async () => {
    const record = okRecords(await all('claude', read('claude-conversations.json')))[1]!;
    expect(record.messages.map((m) => m.text)).toEqual(['What is the boiling point of water?', 'At sea level, water boils at 100 °C (212 °F).']);
    expect(record.conversation.title).toBeUndefined();
    expect(record.messages[0]!.attachments).toEqual([{ kind: 'file' }]);
    expect(record.capture.warnings).toEqual(['left out: 2 non-text content block(s) (thinking, tool use)']);
  });

  it('a conversation with no text is named, not imported empty', () => {
    expect(() => claudeConversationToRecord({ uuid: 'u', chat_messages: [] })).toThrow('no human or assistant message with text');
  });
});

describe('streaming JSON array splitter', () => {
  async function split(text: string, size = 3): Promise<string[]> {
    const out: string[] = [];
    for await (const e of splitJsonArray(chunked(text, size))) out.push(e.text);
    return out;
  }

  it('splits elements of any kind, with brackets and escapes inside strings', async () => {
    const values = [{ a: '],[{"' }, [1, [2]], 'x\\"]', 3.5, null, true, { nested: { deep: ['}'] } }];
    const text = `\uFEFF ${JSON.stringify(values, null, 2)} \n`;
    const parts = await split(text);
    expect(parts.map((p) => JSON.parse(p))).toEqual(values);
    expect(await split('[]')).toEqual([]);
    expect(await split(' [ ] ')).toEqual([]);
  });

  it.each([
    ['', 'the file is empty'],
    ['{"a":1}', 'expected the file to be a JSON array'],
    ['PK\u0003\u0004 binary', 'this is a ZIP archive: unzip it and give the conversations.json inside'],
    ['[1,2', 'in element 1: it is truncated'],
    ['[{"a": [}, {"b": 1}]', 'brackets do not balance'],
    ['[1,]', 'trailing comma'],
    ['[1,,2]', 'empty element'],
    ['[1] x', 'after the end of the array'],
  ])('%j fails with a clear message', async (text, message) => {
    await expect(split(text)).rejects.toThrow(message);
  });

  it('a broken element (brackets balanced) fails alone in the importer; the others import', async () => {
    const good = JSON.parse(read('claude-conversations.json'))[1];
    const text = `[${JSON.stringify(good)}, {"uuid": "x", "chat_messages": [1 2]}, ${JSON.stringify(good)}]`;
    const outcomes = await all('claude', text);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(failures(outcomes)[0]).toMatch(/^conversation 1: invalid JSON/);
  });
});
