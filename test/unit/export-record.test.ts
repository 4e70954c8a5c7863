// The export record: zod validation of real produced records, the generated JSON Schema (kept
// equal to the committed, published copy; produced records validate against it with ajv), and
// the SHA-256/HMAC used for hashes and pseudonymous ids.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFlag, exportScore, newRecord, recordFromArchive } from '#shared/export/build';
import { contentHash, EXPORT_SCHEMA_CHANGELOG, EXPORT_SCHEMA_VERSION, ExportRecord, exportJsonSchema } from '#shared/export/record';
import { hmacSha256Hex, Sha256, sha256Hex } from '#shared/export/sha256';
import { importRecords } from '#shared/import/index';
import { detect } from '#shared/detect/index';
import type { Flag } from '#shared/schemas';
import { compileSchema, validate } from '../helpers/json-schema.ts';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/exports');
const SCHEMA_COPY = resolve(FIXTURES, 'export-schema-1.2.0.json');

async function importedRecords(): Promise<ExportRecord[]> {
  const records: ExportRecord[] = [];
  for (const [format, file] of [
    ['chatgpt', 'chatgpt-conversations.json'],
    ['claude', 'claude-conversations.json'],
  ] as const) {
    for await (const outcome of importRecords(format, [readFileSync(resolve(FIXTURES, file), 'utf8')])) if (outcome.ok) records.push(outcome.record);
  }
  return records;
}

/** Scores every assistant message with the offline detector, as the CLI does. */
function scored(record: ExportRecord): ExportRecord {
  return {
    ...record,
    messages: record.messages.map((m) => {
      if (m.role !== 'assistant') return m;
      const d = detect(m.text);
      return {
        ...m,
        scores: [
          exportScore(
            { score: d.score, flags: d.flags, judge: { kind: 'offline', promptVersion: 'detector-1', taxonomyVersion: 't' } },
            m.text,
            1_700_000_000_000,
          ),
        ],
      };
    }),
  };
}

describe('export JSON Schema', () => {
  it('is the committed, published copy (update test/fixtures/exports/export-schema-*.json and the version together)', () => {
    const committed = JSON.parse(readFileSync(SCHEMA_COPY, 'utf8'));
    expect(exportJsonSchema()).toEqual(committed);
    expect(SCHEMA_COPY).toContain(EXPORT_SCHEMA_VERSION);
  });

  it('the current version is the newest in the changelog', () => {
    expect(EXPORT_SCHEMA_CHANGELOG[0]![0]).toBe(EXPORT_SCHEMA_VERSION);
    expect(String(exportJsonSchema().description)).toContain(`${EXPORT_SCHEMA_VERSION} (`);
  });

  it("compiles in ajv's strict mode: no keyword or format that a validator would skip", () => {
    expect(() => compileSchema(exportJsonSchema())).not.toThrow();
    expect(() => compileSchema({ type: 'string', formatt: 'date-time' })).toThrow(/unknown keyword/);
    expect(() => compileSchema({ type: 'string', format: 'date' })).toThrow(/unknown format/);
    // date-time is checked, not only known: a date that does not exist fails.
    const dateTime = { type: 'string', format: 'date-time' };
    expect(validate(dateTime, '2026-12-06T21:00:00.000Z')).toEqual([]);
    expect(validate(dateTime, '2026-13-40T21:00:00.000Z')).toEqual(['/: must match format "date-time"']);
  });

  it('requires the fields researchers rely on', () => {
    const schema = exportJsonSchema() as { required: string[]; properties: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
    expect(schema.required).toEqual(expect.arrayContaining(['schema_version', 'record_type', 'conversation', 'capture', 'redaction', 'messages']));
    expect(schema.properties.conversation!.required).toEqual(expect.arrayContaining(['id', 'site', 'models', 'content_hash']));
    expect(schema.properties.capture!.required).toEqual(expect.arrayContaining(['source', 'method', 'completeness', 'warnings']));
  });

  it('every produced record validates with zod and against the JSON Schema; broken ones do not', async () => {
    const records = (await importedRecords()).map(scored);
    expect(records.length).toBeGreaterThanOrEqual(5);
    expect(records.some((r) => r.messages.some((m) => (m.scores?.[0]?.flags.length ?? 0) > 0))).toBe(true);
    const schema = exportJsonSchema();
    for (const record of records) {
      expect(ExportRecord.safeParse(record).success).toBe(true);
      expect(validate(schema, JSON.parse(JSON.stringify(record)))).toEqual([]);
    }
    const broken = JSON.parse(JSON.stringify(records[0])) as Record<string, unknown> & { conversation: Record<string, unknown> };
    delete broken.conversation.content_hash;
    broken.extra = 1;
    expect(validate(schema, broken).sort()).toEqual([
      '/: must NOT have additional properties (extra)',
      "/conversation: must have required property 'content_hash'",
    ]);
    expect(ExportRecord.safeParse(broken).success).toBe(false);
  });

  it('zod refuses a flag whose quote is not the text at its offsets (the JSON Schema cannot say this)', async () => {
    const record = scored((await importedRecords())[0]!);
    const message = record.messages.find((m) => (m.scores?.[0]?.flags.length ?? 0) > 0)!;
    message.scores![0]!.flags[0]!.start += 1;
    message.scores![0]!.flags[0]!.end += 1;
    const result = ExportRecord.safeParse(record);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toBe('quote must equal text.slice(start, end)');
  });
});

describe('record builders', () => {
  const flag: Flag = {
    move: 'flattery',
    start: 0,
    end: 5,
    quote: 'Great',
    severity: 1,
    support: 'unsupported',
    rationale: 'r',
    source: 'detector',
    ruleId: 'flattery/x',
    wouldSupport: 'w',
  };

  it('exportFlag maps camelCase wire fields and checks the quote', () => {
    expect(exportFlag(flag, 'Great question')).toEqual({
      move: 'flattery',
      start: 0,
      end: 5,
      quote: 'Great',
      severity: 1,
      support: 'unsupported',
      rationale: 'r',
      would_support: 'w',
      source: 'detector',
      rule_id: 'flattery/x',
      quote_verified: true,
    });
    expect(exportFlag(flag, 'great question').quote_verified).toBe(false);
  });

  it('exportScore drops flags whose quote does not match and counts them', () => {
    const score = exportScore(
      {
        score: 10,
        flags: [flag, { ...flag, start: 1, end: 6, quote: 'reat ' }],
        judge: { kind: 'anthropic', model: 'm', promptVersion: 'p', taxonomyVersion: 't' },
        droppedQuotes: 1,
      },
      'Great question',
      0,
    );
    expect(score.flags).toHaveLength(2);
    const bad = exportScore(
      { score: 10, flags: [{ ...flag, quote: 'Grea!' }], judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' } },
      'Great question',
    );
    expect(bad.flags).toEqual([]);
    expect(bad.dropped_quotes).toBe(1);
    expect(score.judge).toEqual({ kind: 'anthropic', model: 'm', prompt_version: 'p', taxonomy_version: 't' });
  });

  it('newRecord strips the query and fragment from the URL and hashes the content', () => {
    const record = newRecord({
      id: 'x',
      site: 'chatgpt',
      url: 'https://chatgpt.com/c/x?model=a#frag',
      source: 'extension',
      method: 'dom',
      completeness: 'unknown',
      messages: [{ id: 'u', index: 0, role: 'user', text: 'hi', capture_method: 'dom' }],
    });
    expect(record.conversation.url).toBe('https://chatgpt.com/c/x');
    expect(record.conversation.content_hash).toBe(contentHash([{ role: 'user', text: 'hi' }]));
    expect(ExportRecord.parse(record)).toEqual(record);
  });

  it('recordFromArchive pairs each captured reply with its user turn, its score and the reader labels', () => {
    const base = {
      site: 'claude',
      conversationId: 'conv1',
      conversationKey: 'claude:conv1',
      role: 'assistant' as const,
      previous: [],
      status: 'scored' as const,
      attempts: 1,
      nextAttemptAt: 0,
      updatedAt: 0,
    };
    const text = 'Great question! Everyone knows the answer.';
    const d = detect(text);
    const record = recordFromArchive({
      conversation: {
        key: 'claude:conv1',
        site: 'claude',
        conversationId: 'conv1',
        url: 'https://claude.ai/chat/conv1?x=1',
        firstCapturedAt: 1_000,
        lastCapturedAt: 2_000,
      },
      messages: [
        {
          ...base,
          key: 'claude:conv1:m2',
          messageId: 'm2',
          text: 'Second reply.',
          userTurn: 'And then?',
          capturedAt: 2_000,
          model: 'Claude Opus',
          parentId: 'u2',
        },
        { ...base, key: 'claude:conv1:m1', messageId: 'm1', text, userTurn: 'What is it?', capturedAt: 1_000, idSource: 'fallback' },
      ],
      scores: [
        {
          ...d,
          judge: { kind: 'offline', promptVersion: 'detector-1', taxonomyVersion: 't' },
          cached: false,
          latencyMs: 1,
          messageKey: 'claude:conv1:m1',
          scoredAt: 1_500,
        },
      ],
      labels: [
        {
          messageKey: 'claude:conv1:m1',
          flag: { move: d.flags[0]!.move, start: d.flags[0]!.start, end: d.flags[0]!.end },
          verdict: 'agree',
          note: 'yes',
          updatedAt: 1_600,
        },
      ],
      adapterVersion: 'claude@1',
    });
    expect(record.messages.map((m) => [m.role, m.id, m.parent_id])).toEqual([
      ['user', 'm1:user', undefined],
      ['assistant', 'm1', 'm1:user'],
      ['user', 'u2', undefined],
      ['assistant', 'm2', 'u2'],
    ]);
    expect(record.conversation.url).toBe('https://claude.ai/chat/conv1');
    expect(record.conversation.models).toEqual(['Claude Opus']);
    expect(record.capture).toMatchObject({ source: 'extension', method: 'dom', adapter_version: 'claude@1', completeness: 'partial' });
    expect(record.capture.warnings[0]).toContain('derived');
    const flags = record.messages[1]!.scores![0]!.flags;
    expect(flags[0]!.label).toEqual({ verdict: 'agree', note: 'yes', labeled_at: new Date(1_600).toISOString() });
    expect(flags.slice(1).every((f) => f.label === undefined)).toBe(true);
    expect(ExportRecord.safeParse(record).success).toBe(true);
  });
});

describe('SHA-256 and HMAC (pure, incremental)', () => {
  const inputs = ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'a'.repeat(1000), 'héllo wörld ✓ 🎉', 'x'.repeat(100_003)];

  it('equals node:crypto for edge lengths and non-ASCII text', () => {
    for (const input of inputs) expect(sha256Hex(input)).toBe(createHash('sha256').update(input).digest('hex'));
  });

  it('gives the same digest however the input is chunked', () => {
    const text = 'The quick brown fox 🦊 jumps over the lazy dog. '.repeat(50);
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 3, 63, 64, 65, 1000]) {
      const hash = new Sha256();
      for (let i = 0; i < bytes.length; i += size) hash.update(bytes.subarray(i, i + size));
      expect(hash.digestHex()).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('refuses to go on after its digest (a second digest or a late update would be a wrong hash)', () => {
    const hash = new Sha256().update('a');
    expect(hash.digestHex()).toBe(createHash('sha256').update('a').digest('hex'));
    expect(() => hash.update('b')).toThrow();
    expect(() => hash.digest()).toThrow();
  });

  it('HMAC equals node:crypto, with short and long keys', () => {
    for (const key of ['k', 'salt-0123456789abcdef', 'K'.repeat(64), 'L'.repeat(200)]) {
      expect(hmacSha256Hex(key, 'chatgpt:abc')).toBe(createHmac('sha256', key).update('chatgpt:abc').digest('hex'));
    }
  });
});
