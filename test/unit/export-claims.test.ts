// The claim ledger and askBack in the research export (schema 1.1.0, additive): carried, verified
// against the exported text, dropped and counted when they do not match, moved by redaction.
// Citation markers and each claim's cites (1.2.0, additive): where each marker points, which claim
// it sits on (as the side panel links them), kept valid through redaction or dropped and counted.
import { describe, expect, it } from 'vitest';
import { exportScore, recordFromArchive } from '#shared/export/build';
import { EXPORT_SCHEMA_VERSION, type ExportMessage, ExportRecord, exportJsonSchema, READABLE_SCHEMA_VERSIONS } from '#shared/export/record';
import { namesLookup, redactableTexts, redactRecord, redactUrl, reviewRedaction } from '#shared/export/redact-record';
import { askBackFor } from '#shared/ask-back';
import { citeClaims } from '#shared/detect/citations';
import { detectClaims } from '#shared/detect/claims';
import type { CitationMarker, Claim, Flag } from '#shared/schemas';
import { validate } from '../helpers/json-schema.ts';

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

  it('a redacted export leaves no PII in what the scorer wrote about the reply: ask_back, rationale, would_support, claim notes', () => {
    const text = 'Experts agree you should email jane.doe@example.org or ask Linda Park today.';
    const quote = 'Experts agree you should email jane.doe@example.org';
    const flag: Flag = {
      move: 'unsourced-authority',
      start: 0,
      end: quote.length,
      quote,
      severity: 2,
      support: 'unsupported',
      rationale: `Cites unnamed experts for "${quote}" and points to Linda Park.`,
      wouldSupport: 'A named study, not jane.doe@example.org.',
      source: 'judge',
    };
    const withQuestion = { ...flag, askBack: askBackFor(flag)! };
    expect(withQuestion.askBack).toContain('jane.doe@example.org');
    const claim: Claim = { start: 0, end: text.length, quote: text, support: 'none', note: 'Only jane.doe@example.org and Linda Park back it.' };
    const score = exportScore({ score: 40, flags: [withQuestion], judge: JUDGE, claims: [claim] }, text, 0);
    const base = record();
    const plain = ExportRecord.parse({ ...base, messages: [base.messages[0], { ...base.messages[1], text, scores: [score] }] });
    // Names as the dashboard finds them: in the reply text only, then spread to the conversation's other texts.
    const texts = redactableTexts(plain);
    const names = namesLookup(
      texts,
      texts.map((t) => (t === text ? [{ start: text.indexOf('Linda Park'), end: text.indexOf('Linda Park') + 10 }] : [])),
    );
    const redacted = redactRecord(plain, { texts: true, ids: false, salt: 's', names });
    const out = redacted.messages[1]!;
    const f = out.scores![0]!.flags[0]!;
    for (const said of [f.ask_back!, f.rationale, f.would_support!, out.scores![0]!.claims![0]!.note!]) {
      expect(said).not.toContain('jane.doe');
      expect(said).not.toContain('Linda');
      expect(said).toContain('[EMAIL]');
    }
    expect(f.ask_back).toMatch(/^You wrote "Experts agree you should email \[EMAIL\]"\. Which study/);
    // Each find is counted once, for the text it came from.
    expect(redacted.redaction.counts).toEqual(
      redactRecord(ExportRecord.parse({ ...plain, messages: [plain.messages[0], { ...plain.messages[1]!, scores: [] }] }), {
        texts: true,
        ids: false,
        salt: 's',
        names,
      }).redaction.counts,
    );
    expect(ExportRecord.safeParse(redacted).success).toBe(true);
  });

  it('still reads 1.0.0 records (a minor version only adds fields)', () => {
    expect(READABLE_SCHEMA_VERSIONS).toContain('1.0.0');
    const old = { ...record(), schema_version: '1.0.0' };
    expect(ExportRecord.safeParse(old).success).toBe(true);
  });
});

// ---- 1.2.0: citation markers per message, and which claim cites what ----

const CITED =
  'Rents in Lisbon rose 12% last year [1]. Write to jane.doe@example.org for the full table [2]. The council said it will vote on a cap in May [3].';
const sentence = (quote: string, support: Claim['support']): Claim => ({
  start: CITED.indexOf(quote),
  end: CITED.indexOf(quote) + quote.length,
  quote,
  support,
});
const CITED_CLAIMS: Claim[] = [
  sentence('Rents in Lisbon rose 12% last year [1].', 'link'),
  sentence('Write to jane.doe@example.org for the full table [2].', 'none'),
  sentence('The council said it will vote on a cap in May [3].', 'link'),
];
const plainMarker = (label: string, extra: Partial<CitationMarker> = {}): CitationMarker => ({
  at: CITED.indexOf(label),
  end: CITED.indexOf(label) + label.length,
  label,
  ...extra,
});
const REUTERS = 'https://www.reuters.com/markets/lisbon-rents?utm_source=chat&email=jane.doe%40example.org#para-4';
const MARKERS: CitationMarker[] = [
  // A chip right after the first sentence (Perplexity), its URL with a query and a fragment.
  { at: 39, label: 'reuters +2', url: REUTERS },
  plainMarker('[1]', { n: 1, sources: 2, url: 'https://ine.pt/en/rents' }),
  // A chip inside the email address, its label an email, its href "#": points nowhere, and sits in text redaction replaces.
  { at: CITED.indexOf('@'), label: 'jane.doe@example.org', url: '#' },
  plainMarker('[2]', { n: 2, sources: 2 }),
  plainMarker('[3]', { n: 3, sources: 2 }),
  // Offsets past the end of the text (a stale capture): never exported.
  { at: 500, label: 'ghost', url: 'https://example.com/' },
];

function citedRecord(markers: CitationMarker[] = MARKERS, claims: Claim[] = CITED_CLAIMS): ExportRecord {
  return recordFromArchive({
    conversation: { key: 'perplexity:t1', site: 'perplexity', conversationId: 't1', firstCapturedAt: 1_000, lastCapturedAt: 1_000 },
    messages: [
      {
        key: 'perplexity:t1:a1',
        conversationKey: 'perplexity:t1',
        site: 'perplexity',
        conversationId: 't1',
        messageId: 'a1',
        role: 'assistant',
        text: CITED,
        userTurn: 'What happened to rents in Lisbon?',
        previous: [],
        status: 'scored',
        attempts: 1,
        nextAttemptAt: 0,
        capturedAt: 1_000,
        updatedAt: 1_000,
        citations: markers,
      },
    ],
    scores: [{ score: 20, flags: [], judge: JUDGE, claims, cached: false, latencyMs: 1, messageKey: 'perplexity:t1:a1', scoredAt: 1_500 }],
  });
}
const reply = (r: ExportRecord) => r.messages.find((m) => m.role === 'assistant')!;

describe('citations in the export (1.2.0)', () => {
  it('is the current version, and a 1.1.0 record with claims but no citations still reads', () => {
    expect(EXPORT_SCHEMA_VERSION).toBe('1.2.0');
    expect(READABLE_SCHEMA_VERSIONS).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect(ExportRecord.safeParse(record()).success).toBe(true);
  });

  it.each([
    [0, { at: 39, label: 'reuters +2', url: REUTERS, host: 'reuters.com' }],
    [1, { at: 35, end: 38, label: '[1]', url: 'https://ine.pt/en/rents', n: 1, sources: 2, host: 'ine.pt' }],
    [2, { at: 57, label: 'jane.doe@example.org', url: '#', nowhere: 'unusable-url' }],
    [3, { at: 89, end: 92, label: '[2]', url: null, n: 2, sources: 2, nowhere: 'no-url' }],
    [4, { at: 140, end: 143, label: '[3]', url: null, n: 3, sources: 2, nowhere: 'beyond-sources' }],
  ])('marker %i is exported with where it points: %j', (i, expected) => {
    expect(reply(citedRecord()).citations![i]).toEqual(expected);
  });

  it('a marker whose offsets do not fit the text is dropped and counted, never exported', () => {
    const message = reply(citedRecord());
    expect(message.citations).toHaveLength(5);
    expect(message.citations!.map((c) => c.label)).not.toContain('ghost');
    expect(message.dropped_citations).toBe(1);
    const backwards = reply(citedRecord([{ at: 38, end: 35, label: '[1]' }]));
    expect(backwards.citations).toBeUndefined();
    expect(backwards.dropped_citations).toBe(1);
  });

  it("each claim's cites are what the side panel computes (citeClaims), with the marker's index; support stays the judge's", () => {
    const message = reply(citedRecord());
    const claims = message.scores![0]!.claims!;
    // The panel, given the markers the export kept (the ghost past the text's end is not one of them).
    const panel = citeClaims(CITED, CITED_CLAIMS, MARKERS.slice(0, 5));
    claims.forEach((claim, j) => {
      const { cites } = panel[j]!;
      expect(claim.cites?.map(({ citation: _, ...rest }) => rest)).toEqual(cites?.map((c) => ({ ...c, url: c.url ?? null })));
      for (const cite of claim.cites ?? []) expect(message.citations![cite.citation!]!.label).toBe(cite.label);
    });
    expect(claims.map((c) => c.support)).toEqual(['link', 'none', 'link']);
    // The dangling one: a researcher sees that the council claim cites [3], which points nowhere.
    expect(claims[2]!.cites).toEqual([{ citation: 4, label: '[3]', url: null, nowhere: 'beyond-sources' }]);
    expect(claims[0]!.cites!.map((c) => c.host)).toEqual(['reuters.com', 'ine.pt']);
  });

  it('a reply without markers exports no citations and no cites (nothing invented)', () => {
    const message = reply(citedRecord([]));
    expect(message.citations).toBeUndefined();
    expect(message.dropped_citations).toBeUndefined();
    expect(message.scores![0]!.claims!.every((c) => c.cites === undefined)).toBe(true);
  });

  it('validates with zod and against the published JSON Schema (ajv)', () => {
    const exported = citedRecord();
    expect(ExportRecord.safeParse(exported).success).toBe(true);
    expect(validate(exportJsonSchema(), JSON.parse(JSON.stringify(exported)))).toEqual([]);
    const redacted = redactRecord(exported, { texts: true, ids: true, salt: 's' });
    expect(validate(exportJsonSchema(), JSON.parse(JSON.stringify(redacted)))).toEqual([]);
    const extra = JSON.parse(JSON.stringify(exported));
    extra.messages[1].citations[0].page = 'x';
    expect(validate(exportJsonSchema(), extra)).toEqual(['/messages/1/citations/0: must NOT have additional properties (page)']);
  });

  it.each([
    ['a marker past the end of the text', (m: ExportMessage) => (m.citations![0]!.at = CITED.length + 1), 'citation offsets must lie within the text'],
    ['a plain-text marker that ends before it starts', (m: ExportMessage) => (m.citations![1]!.end = 30), 'citation offsets must lie within the text'],
    ['a marker that both points to a host and nowhere', (m: ExportMessage) => (m.citations![0]!.nowhere = 'no-url'), 'exactly one of host and nowhere'],
    ['a marker that points neither', (m: ExportMessage) => delete m.citations![0]!.host, 'exactly one of host and nowhere'],
    ['a cite whose index is not a citation', (m: ExportMessage) => (m.scores![0]!.claims![2]!.cites![0]!.citation = 9), 'citation must be an index'],
  ])('zod refuses %s', (_, edit, message) => {
    const bad = structuredClone(citedRecord());
    edit(reply(bad));
    const result = ExportRecord.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join('\n')).toContain(message);
  });
});

describe('citations under redaction', () => {
  it.each([
    // Kept: nothing personal in the path.
    ['https://www.pewresearch.org/short-reads/2024/05/01/ai-use/', 'https://www.pewresearch.org/short-reads/2024/05/01/ai-use/', false],
    ['https://en.wikipedia.org/wiki/Drake_equation', 'https://en.wikipedia.org/wiki/Drake_equation', false],
    ['https://news.example.com/2023/11/article-12345678', 'https://news.example.com/2023/11/article-12345678', false],
    // Query and fragment cut; a fragment-only link leaves nothing.
    ['https://x.org/a?b=1#f', 'https://x.org/a', true],
    ['#cite-3', null, true],
    // PII in the path: cut to the host.
    ['https://x.org/users/jane.doe@example.com/profile', 'https://x.org/', true],
    ['https://x.org/call/555-123-4567', 'https://x.org/', true],
    // Built from parts so no key-shaped string sits in the source (secret scanners).
    [`https://x.org/doc/${'sk-ant'}-api03-abcdefghijklmnopqrstuvwxyz0123456789`, 'https://x.org/', true],
    ['https://x.org/users/jane%40example.com', 'https://x.org/', true],
  ] as const)('a cited URL under redaction: %s → %s', (url, expected, redacted) => {
    expect(redactUrl(url)).toEqual(redacted ? { url: expected, url_redacted: true } : { url: expected });
  });

  it('unredacted exports keep every URL whole', () => {
    expect(reply(citedRecord()).citations![0]!.url).toBe(REUTERS);
    const idsOnly = redactRecord(citedRecord(), { texts: false, ids: true, salt: 's' });
    expect(reply(idsOnly).citations![0]!.url).toBe(REUTERS);
  });

  it('markers move with the text; the one inside the email is dropped and counted; indices and labels follow', () => {
    const redacted = redactRecord(citedRecord(), { texts: true, ids: true, salt: 's' });
    const message = reply(redacted);
    expect(message.text).toBe(
      'Rents in Lisbon rose 12% last year [1]. Write to [EMAIL] for the full table [2]. The council said it will vote on a cap in May [3].',
    );
    expect(message.citations!.map((c) => c.label)).toEqual(['reuters +2', '[1]', '[2]', '[3]']);
    expect(message.dropped_citations).toBe(2); // the ghost at build, the chip inside the email here
    // Plain-text markers still cover their own text; the chip still sits right after its sentence.
    for (const c of message.citations!) if (c.end !== undefined) expect(message.text.slice(c.at, c.end)).toBe(c.label);
    expect(message.text.slice(0, message.citations![0]!.at)).toBe('Rents in Lisbon rose 12% last year [1].');
    // URLs keep scheme, host and path: the query (an email) and the fragment are gone, and it says so.
    expect(message.citations![0]).toMatchObject({ url: 'https://www.reuters.com/markets/lisbon-rents', url_redacted: true, host: 'reuters.com' });
    expect(message.citations![1]).toMatchObject({ url: 'https://ine.pt/en/rents' });
    expect(message.citations![1]!.url_redacted).toBeUndefined();
    expect(JSON.stringify(redacted)).not.toContain('jane.doe');
    // Cites follow their markers' new indices; the dropped marker's cite stays, with no index and its label redacted.
    const claims = message.scores![0]!.claims!;
    for (const claim of claims)
      for (const cite of claim.cites ?? []) if (cite.citation !== undefined) expect(message.citations![cite.citation]!.label).toBe(cite.label);
    expect(claims[1]!.cites).toEqual([
      // A fragment-only href leaves nothing once the fragment is dropped.
      { label: '[EMAIL]', url: null, nowhere: 'unusable-url', label_redacted: true, url_redacted: true },
      { citation: 2, label: '[2]', url: null, nowhere: 'no-url' },
    ]);
    expect(claims[0]!.cites!.find((c) => c.host === 'reuters.com')).toMatchObject({ url: 'https://www.reuters.com/markets/lisbon-rents', url_redacted: true });
    // The text's email and nothing else counted: the dropped marker's label is not in the export.
    expect(redacted.redaction.counts).toEqual({ EMAIL: 1 });
    expect(ExportRecord.safeParse(redacted).success).toBe(true);
  });

  it('a kept marker whose label holds PII is redacted like text and counted', () => {
    const redacted = redactRecord(citedRecord([{ at: 39, label: 'ask bob@example.com', url: 'https://example.com/a?u=bob' }]), { texts: true, ids: false });
    expect(reply(redacted).citations![0]).toMatchObject({ label: 'ask [EMAIL]', label_redacted: true, url: 'https://example.com/a', url_redacted: true });
    expect(reply(redacted).scores![0]!.claims![0]!.cites![0]).toMatchObject({ citation: 0, label: 'ask [EMAIL]', label_redacted: true });
    expect(redacted.redaction.counts).toEqual({ EMAIL: 2 });
  });

  const EMAIL_START = CITED.indexOf('jane.doe@');
  const EMAIL_END = EMAIL_START + 'jane.doe@example.org'.length;
  it.each([
    ['a chip right before the email', { at: EMAIL_START, label: 'x' }, { at: EMAIL_START }],
    ['a chip inside the email', { at: EMAIL_START + 3, label: 'x' }, null],
    ['a chip right after the email', { at: EMAIL_END, label: 'x' }, { at: EMAIL_START + '[EMAIL]'.length }],
    ['a plain-text marker overlapping the email', { at: EMAIL_START - 2, end: EMAIL_START + 1, label: 'o j' }, null],
    ['a plain-text marker after the email', plainMarker('[2]'), { at: 76, end: 79 }],
  ] as const)('%s: %j', (_, marker, expected) => {
    const message = reply(redactRecord(citedRecord([marker]), { texts: true, ids: false }));
    if (expected === null) {
      expect(message.citations).toBeUndefined();
      expect(message.dropped_citations).toBe(1);
    } else {
      expect(message.citations![0]).toMatchObject(expected);
      expect(message.dropped_citations).toBeUndefined();
    }
  });

  it('a second redaction pass changes nothing (labels, URLs and offsets already redacted)', () => {
    const once = redactRecord(citedRecord(), { texts: true, ids: true, salt: 's' });
    expect(JSON.stringify(redactRecord(once, { texts: true, ids: true, salt: 's' }))).toBe(JSON.stringify(once));
  });

  it('the review step lists a citation label that will be redacted', () => {
    const items = reviewRedaction(citedRecord());
    expect(items.filter((i) => i.where === 'citation label')).toEqual([
      { where: 'citation label', message: 1, type: 'EMAIL', original: 'jane.doe@example.org', context: '[EMAIL]' },
    ]);
  });
});
