// The claim ledger and askBack in the research export (schema 1.1.0, additive): carried, verified
// against the exported text, dropped and counted when they do not match, moved by redaction.
import { describe, expect, it } from 'vitest';
import { exportScore } from '#shared/export/build';
import { ExportRecord, READABLE_SCHEMA_VERSIONS } from '#shared/export/record';
import { redactRecord } from '#shared/export/redact-record';
import { detectClaims } from '#shared/detect/claims';
import type { Flag } from '#shared/schemas';

const TEXT = 'Write to help@example.org today. The fund returned 7% last year. Experts agree it is the best.';
const JUDGE = { kind: 'offline' as const, promptVersion: 'p', taxonomyVersion: 't' };
const FLAG: Flag = {
  move: 'unsourced-authority',
  start: 65,
  end: 78,
  quote: 'Experts agree',
  severity: 2,
  support: 'unsupported',
  rationale: 'r',
  source: 'detector',
  askBack: 'Which experts, and where did they say it?',
};

function record(claims = detectClaims(TEXT)): ExportRecord {
  const score = exportScore({ score: 40, flags: [FLAG], judge: JUDGE, claims: [...claims, { start: 0, end: 5, quote: 'Nope!', support: 'none' }] }, TEXT, 0);
  return ExportRecord.parse({
    schema_version: '1.1.0',
    record_type: 'conversation',
    conversation: { id: 'c1', site: 'chatgpt', models: [], content_hash: `sha256:${'0'.repeat(64)}` },
    capture: { source: 'extension', method: 'dom', completeness: 'complete', warnings: [] },
    redaction: { redacted: false, ids: 'site', counts: {} },
    messages: [
      { id: 'u1', index: 0, role: 'user', text: 'Hi', capture_method: 'dom' },
      { id: 'a1', index: 1, role: 'assistant', text: TEXT, capture_method: 'dom', scores: [score] },
    ],
  });
}

describe('claims and askBack in the export', () => {
  it('carries ask_back and the verified claims; a claim that is not the text is dropped and counted', () => {
    const score = record().messages[1]!.scores![0]!;
    expect(score.flags[0]!.ask_back).toBe(FLAG.askBack);
    expect(score.claims!.map((c) => [c.support, c.quote])).toEqual([
      ['number', 'The fund returned 7% last year.'],
      ['none', 'Experts agree it is the best.'],
    ]);
    expect(score.claims!.every((c) => c.quote_verified)).toBe(true);
    expect(score.dropped_claims).toBe(1);
  });

  it('a claim whose quote does not match its text makes the record invalid', () => {
    const good = record();
    const bad = structuredClone(good);
    bad.messages[1]!.scores![0]!.claims![0]!.start += 1;
    expect(ExportRecord.safeParse(bad).success).toBe(false);
    expect(ExportRecord.safeParse(good).success).toBe(true);
  });

  it('redaction moves claims with the text, and every quote stays the text at its offsets', () => {
    const claims = [{ start: 0, end: 32, quote: 'Write to help@example.org today.', support: 'none' as const }, ...detectClaims(TEXT)];
    const redacted = redactRecord(record(claims), { texts: true, ids: false, salt: 's' });
    const message = redacted.messages[1]!;
    expect(message.text).not.toContain('help@example.org');
    const out = message.scores![0]!.claims!;
    expect(out).toHaveLength(3);
    expect(out.map((c) => c.support)).toEqual(['none', 'number', 'none']);
    for (const c of out) expect(message.text.slice(c.start, c.end)).toBe(c.quote);
    expect(out[0]!.quote_redacted).toBe(true);
    expect(ExportRecord.safeParse(redacted).success).toBe(true);
  });

  it('still reads 1.0.0 records (a minor version only adds fields)', () => {
    expect(READABLE_SCHEMA_VERSIONS).toContain('1.0.0');
    const old = { ...record(), schema_version: '1.0.0' };
    expect(ExportRecord.safeParse(old).success).toBe(true);
  });
});
