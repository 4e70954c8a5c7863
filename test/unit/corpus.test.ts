// Keeps the project's own labelled corpus (test/corpus/*.jsonl) trainable: every line parses, every
// quote points at the reply, every move has enough positives, enough negatives to learn what not to
// flag, and no reply borrows a 10-word run from the eval sets (they must stay unseen by training).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MOVE_IDS, MoveId, Support, Turn } from '../../shared/schemas.ts';
import { EVAL_DIR } from '../eval/paths.ts';

const CORPUS_DIR = resolve(import.meta.dirname, '..', 'corpus');
/** The held-out replies written blind (never trained on) are checked the same way. */
const BLIND_DIR = resolve(import.meta.dirname, '..', 'corpus-blind');
const SITES = ['chatgpt', 'claude', 'gemini', 'copilot', 'perplexity', 'deepseek', 'grok', 'lechat', 'poe'] as const;

const CorpusMove = z.strictObject({ move: MoveId, quote: z.string().min(1), support: Support });
const CorpusReply = z
  .strictObject({
    id: z.string().regex(/^uc-\d{4}$/),
    site: z.enum(SITES),
    kind: z.enum(['positive', 'hard-negative', 'ordinary']),
    context: z.strictObject({ user: z.string().min(1), previous: z.array(Turn).min(1).optional() }),
    text: z.string().min(1),
    moves: z.array(CorpusMove),
    note: z.string().min(1),
  })
  .superRefine((reply, ctx) => {
    const flagged = reply.moves.filter((m) => m.support === 'unsupported' || m.support === 'weak');
    if (reply.kind === 'positive' && flagged.length === 0) ctx.addIssue({ code: 'custom', message: 'a positive needs at least one unsupported or weak move' });
    // Negatives carry no flaggable move; the only moves they may list are ones the user asked for.
    if (reply.kind !== 'positive' && reply.moves.some((m) => m.support !== 'requested'))
      ctx.addIssue({ code: 'custom', message: 'a negative may only list requested moves' });
  });
type CorpusReply = z.infer<typeof CorpusReply>;

interface Line {
  where: string;
  raw: unknown;
}

function readLines(dir: string): Line[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  return files.flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .map((line, index) => ({ line, where: `${file}:${index + 1}` }))
      .filter(({ line }) => line.trim() !== '')
      .map(({ line, where }) => ({ where, raw: JSON.parse(line) as unknown })),
  );
}

const corpusLines = readLines(CORPUS_DIR);
const blindLines = existsSync(BLIND_DIR) ? readLines(BLIND_DIR).map((l) => ({ ...l, where: `corpus-blind/${l.where}` })) : [];
/** Every line, corpus and blind set: both must parse, quote exactly and copy nothing. */
const lines = [...corpusLines, ...blindLines];
const replies: CorpusReply[] = lines.map(({ raw }) => CorpusReply.parse(raw));
/** The training corpus alone, which the size and coverage floors are about. */
const corpusReplies: CorpusReply[] = corpusLines.map(({ raw }) => CorpusReply.parse(raw));

/**
 * Lower-case word tokens: letters and digits only, so punctuation and markdown don't hide a copy.
 * Explicit ranges (Latin to CJK, skipping the U+2000–U+303F punctuation blocks) instead of \p{L}: the
 * eval data is ~15 M characters and property escapes are several times slower.
 */
const WORD = /[a-z0-9\u00c0-\u1fff\u3040-\uffff]+/g;
function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

const SHINGLE = 10;

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/**
 * 10-word windows of a text as rolling 32-bit hashes over word ids, so ~4M eval windows are checked
 * without building a string each; a hash hit is confirmed on the words themselves.
 */
function createShingler() {
  const ids = new Map<string, number>();
  const idOf = (w: string) => {
    let id = ids.get(w);
    if (id === undefined) ids.set(w, (id = ids.size + 1));
    return id;
  };
  const BASE = 1_000_003;
  let top = 1; // BASE^(SHINGLE-1) mod 2^32
  for (let i = 1; i < SHINGLE; i++) top = Math.imul(top, BASE);
  return function* windows(text: string): Generator<{ hash: number; at: number; w: string[] }> {
    const w = words(text);
    if (w.length < SHINGLE) return;
    const n = w.map(idOf);
    let h = 0;
    for (let i = 0; i < SHINGLE; i++) h = (Math.imul(h, BASE) + n[i]!) | 0;
    yield { hash: h, at: 0, w };
    for (let i = SHINGLE; i < n.length; i++) {
      h = (Math.imul((h - Math.imul(n[i - SHINGLE]!, top)) | 0, BASE) + n[i]!) | 0;
      yield { hash: h, at: i - SHINGLE + 1, w };
    }
  };
}

describe('the corpus line schema', () => {
  const ok = {
    id: 'uc-9999',
    site: 'chatgpt',
    kind: 'positive',
    context: { user: 'Is it safe?' },
    text: 'Experts agree it is perfectly safe.',
    moves: [{ move: 'unsourced-authority', quote: 'Experts agree', support: 'unsupported' }],
    note: 'test line',
  };
  it.each([
    ['an unknown move id', { ...ok, moves: [{ ...ok.moves[0], move: 'gaslighting' }] }],
    ['an unknown site', { ...ok, site: 'bard' }],
    ['a positive whose only move was requested', { ...ok, moves: [{ ...ok.moves[0], support: 'requested' }] }],
    ['a negative with an unsupported move', { ...ok, kind: 'hard-negative' }],
    ['a missing user turn', { ...ok, context: {} }],
    ['an extra field', { ...ok, label: 1 }],
  ])('rejects %s', (_name, line) => {
    expect(CorpusReply.safeParse(line).success).toBe(false);
  });
  it('accepts a well-formed positive and a negative with a requested move', () => {
    expect(CorpusReply.safeParse(ok).success).toBe(true);
    const requested = { ...ok, kind: 'hard-negative', moves: [{ ...ok.moves[0], support: 'requested' }] };
    expect(CorpusReply.safeParse(requested).success).toBe(true);
  });
});

describe('the labelled corpus', () => {
  it('parses: every line matches the schema', () => {
    const problems = lines.flatMap(({ where, raw }) => {
      const result = CorpusReply.safeParse(raw);
      return result.success ? [] : [`${where}: ${result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`];
    });
    expect(problems).toEqual([]);
  });

  it('has unique ids', () => {
    const seen = new Set<string>();
    const dupes = replies.filter((r) => (seen.has(r.id) ? true : (seen.add(r.id), false))).map((r) => r.id);
    expect(dupes).toEqual([]);
  });

  it('quotes every move exactly from the reply text', () => {
    const missing = replies.flatMap((r) => r.moves.filter((m) => !r.text.includes(m.quote)).map((m) => `${r.id} ${m.move}: ${m.quote}`));
    expect(missing).toEqual([]);
  });

  it('has at least 800 replies, 35% of them negatives', () => {
    expect(corpusReplies.length).toBeGreaterThanOrEqual(800);
    const negatives = corpusReplies.filter((r) => r.kind !== 'positive').length;
    expect(negatives / corpusReplies.length).toBeGreaterThanOrEqual(0.35);
  });

  it('has at least 25 positive replies for every move', () => {
    const counts = new Map<string, number>(MOVE_IDS.map((id) => [id, 0]));
    for (const r of corpusReplies) {
      const flagged = new Set(r.moves.filter((m) => m.support !== 'requested').map((m) => m.move));
      for (const id of flagged) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const short = [...counts].filter(([, n]) => n < 25).map(([id, n]) => `${id}: ${n}`);
    expect(short).toEqual([]);
  });

  it('covers every site', () => {
    const sites = new Set(corpusReplies.map((r) => r.site));
    expect([...sites].sort()).toEqual([...SITES].sort());
  });

  const evalData = join(EVAL_DIR, 'data');
  it.skipIf(!existsSync(evalData))('shares no 10-word run with any eval data file', () => {
    const windows = createShingler();
    const ours = new Map<number, { id: string; shingle: string }[]>();
    for (const r of replies) {
      for (const { hash, at, w } of windows(r.text)) {
        const list = ours.get(hash) ?? [];
        list.push({ id: r.id, shingle: w.slice(at, at + SHINGLE).join(' ') });
        ours.set(hash, list);
      }
    }
    const hits: string[] = [];
    for (const file of readdirSync(evalData).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(evalData, file), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        // Every string in the record (text, context turns, spans), each tokenized on its own.
        for (const text of stringsIn(JSON.parse(line))) {
          for (const { hash, at, w } of windows(text)) {
            const candidates = ours.get(hash);
            if (!candidates) continue;
            const shingle = w.slice(at, at + SHINGLE).join(' ');
            for (const c of candidates) if (c.shingle === shingle) hits.push(`${c.id} ~ ${file}: "${shingle}"`);
          }
        }
      }
    }
    expect(hits).toEqual([]);
  });
});
