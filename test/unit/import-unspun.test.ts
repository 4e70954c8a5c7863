// Unspun's own JSONL read back: export -> import -> export gives the same bytes; malformed lines
// are named (line number, conversation id, what is wrong) and the good lines still import.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordFromArchive } from '#shared/export/build';
import { toJsonlLine } from '#shared/export/formats';
import { redactRecord } from '#shared/export/redact-record';
import { type ImportOutcome, importRecords } from '#shared/import/index';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/exports');
const read = (file: string) => readFileSync(resolve(FIXTURES, file), 'utf8');

async function all(text: string, size = 101): Promise<ImportOutcome[]> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  const out: ImportOutcome[] = [];
  for await (const outcome of importRecords('unspun', chunks)) out.push(outcome);
  return out;
}

describe('Unspun JSONL import', () => {
  it('round trip: export -> import -> export is byte-identical', async () => {
    const text = read('unspun-export.jsonl');
    const outcomes = await all(text);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes).toHaveLength(5);
    const again = outcomes.map((o) => (o.ok ? toJsonlLine(o.record) : '')).join('');
    expect(again).toBe(text);
  });

  it('round trip survives a second redaction pass with the same salt (ids already pseudonymous, texts already redacted)', async () => {
    const text = read('unspun-export.jsonl');
    const outcomes = await all(text);
    const again = outcomes.map((o) => (o.ok ? toJsonlLine(redactRecord(o.record, { texts: true, ids: true, salt: 'another salt entirely' })) : '')).join('');
    expect(again).toBe(text);
  });

  it('round trip of a 1.2.0 record with citations and cites, redacted and not: byte-identical', async () => {
    const text = 'Prices rose 12% last year [1]. Ask ana@example.org. Rents fell [2].';
    const record = recordFromArchive({
      conversation: { key: 'perplexity:t', site: 'perplexity', conversationId: 't', firstCapturedAt: 1, lastCapturedAt: 1 },
      messages: [
        {
          key: 'perplexity:t:a',
          conversationKey: 'perplexity:t',
          site: 'perplexity',
          conversationId: 't',
          messageId: 'a',
          role: 'assistant',
          text,
          previous: [],
          status: 'scored',
          attempts: 1,
          nextAttemptAt: 0,
          capturedAt: 1,
          updatedAt: 1,
          citations: [
            { at: 26, end: 29, label: '[1]', url: 'https://example.com/a?id=7#x', n: 1, sources: 1 },
            { at: 38, label: 'ana@example.org', url: '#' },
            { at: text.indexOf('[2]'), end: text.indexOf('[2]') + 3, label: '[2]', n: 2, sources: 1 },
          ],
        },
      ],
      scores: [
        {
          messageKey: 'perplexity:t:a',
          score: 5,
          flags: [],
          claims: [
            { start: 0, end: 30, quote: 'Prices rose 12% last year [1].', support: 'number' },
            { start: text.indexOf('Rents'), end: text.length, quote: 'Rents fell [2].', support: 'none' },
          ],
          judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' },
          cached: false,
          latencyMs: 0,
          scoredAt: 2,
        },
      ],
    });
    for (const out of [record, redactRecord(record, { texts: true, ids: true, salt: 's' })]) {
      const line = toJsonlLine(out);
      expect(out.messages[0]!.scores![0]!.claims!.map((c) => c.cites?.length)).toEqual([1, 1]);
      expect(line).toContain('"citations":[');
      expect(line).toContain('"cites":[');
      const outcomes = await all(line);
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]!.ok ? toJsonlLine(outcomes[0]!.record) : '').toBe(line);
    }
  });

  it('a 1.1.0 line still imports, unchanged', async () => {
    const line = `${JSON.stringify({ ...JSON.parse(read('unspun-export.jsonl').split('\n')[0]!), schema_version: '1.1.0' })}\n`;
    const outcomes = await all(line);
    expect(outcomes[0]!.ok).toBe(true);
    expect(outcomes[0]!.ok ? toJsonlLine(outcomes[0]!.record) : '').toBe(line);
  });

  it('names each malformed line and imports the good ones (CRLF and blank lines too)', async () => {
    const outcomes = await all(read('unspun-malformed.jsonl'));
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true]);
    const failed = outcomes.filter((o) => !o.ok) as Extract<ImportOutcome, { ok: false }>[];
    expect(failed[0]!.where).toBe('line 2');
    expect(failed[0]!.message).toMatch(/^invalid JSON/);
    expect(failed[1]!.where).toMatch(/^line 4 \(conversation "c_[0-9a-f]{32}"\)$/);
    expect(failed[1]!.message).toContain('schema_version: Invalid option: expected one of "1.0.0"|"1.1.0"|"1.2.0"');
    expect(failed[1]!.message).toContain('messages.1.scores.0.flags.0.quote: quote must equal text.slice(start, end)');
    const good = outcomes.filter((o) => o.ok).map((o) => (o.ok ? o.record.conversation.site : ''));
    expect(good).toEqual(['chatgpt', 'claude']);
  });

  it('a file without a final newline still gives its last line', async () => {
    const text = read('unspun-export.jsonl').trimEnd();
    expect(await all(text, text.length)).toHaveLength(5);
  });
});
