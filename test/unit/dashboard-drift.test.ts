// Drift per model: word counts, Poisson intervals, moves per 1,000 words per model over time, and
// "what changed" between two models, which says "same" when the data cannot tell them apart.
import { describe, expect, it } from 'vitest';
import { compareModels, countWords, driftSeries, modelsOnSite, poissonInterval, rateOf, type DriftReply } from '../../extension/dashboard/drift-data.ts';

const DAY = 86_400_000;
const MON = Date.UTC(2026, 10, 2); // a Monday

describe('countWords', () => {
  it.each([
    ['', 0],
    ['Hello, world!', 2],
    ["It's a well-known fact — 42 of them.", 7],
    ['Привет мир', 2],
    ['**bold** and `code`', 3],
    ['  spaced\n\nout  ', 2],
  ])('%j has %i words', (text, n) => expect(countWords(text)).toBe(n));
});

describe('poissonInterval', () => {
  it.each([
    // Garwood's exact 95% limits, from tables.
    [0, 0, 3.689],
    [1, 0.0253, 5.572],
    [5, 1.624, 11.668],
    [20, 12.217, 30.888],
    [100, 81.364, 121.627],
  ])('count %i: %f .. %f (within 3%)', (k, low, high) => {
    const got = poissonInterval(k);
    expect(got.low).toBeCloseTo(low, low < 0.1 ? 2 : 0);
    expect(Math.abs(got.high - high) / high).toBeLessThan(0.03);
    if (k > 0) expect(Math.abs(got.low - low) / low).toBeLessThan(0.05);
  });

  it('narrows, relative to the count, as data grows', () => {
    const width = (k: number) => (poissonInterval(k).high - poissonInterval(k).low) / k;
    expect(width(4)).toBeGreaterThan(width(40));
    expect(width(40)).toBeGreaterThan(width(400));
  });
});

describe('rateOf', () => {
  it('is per 1,000 words with the interval scaled alike', () => {
    const r = rateOf(5, 2_000, 7);
    expect(r.rate).toBe(2.5);
    expect(r.low!).toBeLessThan(2.5);
    expect(r.high!).toBeGreaterThan(2.5);
    expect(r.replies).toBe(7);
  });
  it('has no rate without words', () => expect(rateOf(0, 0, 0)).toMatchObject({ rate: null, low: null, high: null }));
});

const reply = (site: string, model: string | undefined, day: number, words: number, moves: DriftReply['moves']): DriftReply => ({
  site,
  model,
  capturedAt: MON + day * DAY,
  words,
  moves,
});

describe('driftSeries', () => {
  const rows = [
    reply('chatgpt', 'gpt-5', 0, 500, ['flattery', 'sycophancy']),
    reply('chatgpt', 'gpt-5', 1, 500, []),
    reply('chatgpt', 'gpt-5', 8, 1000, ['flattery']),
    reply('claude', undefined, 9, 200, ['false-urgency']),
  ];

  it('gives one line per site and model, weekly points with rates per 1,000 words', () => {
    const s = driftSeries(rows, { bucket: 'week' });
    expect(s.buckets).toEqual(['2026-11-02', '2026-11-09']);
    const gpt = s.lines.find((l) => l.model === 'gpt-5')!;
    expect(gpt.points.map((p) => p?.rate)).toEqual([2, 1]);
    expect(gpt.points[0]).toMatchObject({ moves: 2, words: 1000, replies: 2 });
    expect(gpt.total).toMatchObject({ moves: 3, words: 2000, rate: 1.5 });
    const claude = s.lines.find((l) => l.site === 'claude')!;
    expect(claude.model).toBe('(model not shown)');
    // No data in a bucket is a gap (null), not a zero rate.
    expect(claude.points[0]).toBeNull();
  });

  it('narrows to one move', () => {
    const s = driftSeries(rows, { bucket: 'week', move: 'sycophancy' });
    expect(s.lines.find((l) => l.model === 'gpt-5')!.points.map((p) => p?.moves)).toEqual([1, 0]);
  });
});

describe('compareModels', () => {
  const many = (model: string, n: number, moves: DriftReply['moves']) => Array.from({ length: n }, (_, i) => reply('chatgpt', model, i % 20, 300, moves));

  it('calls a clear rise "up" and a rise within the noise "same"', () => {
    const rows = [...many('gpt-4o', 60, []), ...many('gpt-4o', 20, ['flattery']), ...many('gpt-5', 40, ['flattery', 'sycophancy']), ...many('gpt-5', 40, [])];
    const c = compareModels(rows, 'chatgpt', 'gpt-4o', 'gpt-5');
    const byMove = Object.fromEntries(c.moves.map((m) => [m.move, m]));
    expect(byMove['sycophancy']!.verdict).toBe('up');
    // 20 → 40 flattery flags per 24,000 words: twice as often, but the 95% intervals still overlap.
    expect(byMove['flattery']!.verdict).toBe('same');
    expect(c.overall.verdict).toBe('up');
    expect(c.moves.map((m) => m.move)).toEqual(['sycophancy', 'flattery']); // biggest change first
    // Moves neither model made are left out.
    expect(byMove['bandwagon']).toBeUndefined();

    const few = [reply('chatgpt', 'a', 0, 300, ['flattery']), reply('chatgpt', 'b', 0, 300, ['flattery', 'flattery'])];
    expect(compareModels(few, 'chatgpt', 'a', 'b').moves[0]!.verdict).toBe('same');
  });

  it('calls a clear fall "down" and ignores other sites', () => {
    const rows = [...many('old', 50, ['exaggeration']), ...many('new', 50, []), reply('claude', 'new', 0, 300, ['exaggeration', 'exaggeration'])];
    const c = compareModels(rows, 'chatgpt', 'old', 'new');
    expect(c.moves).toHaveLength(1);
    expect(c.moves[0]).toMatchObject({ move: 'exaggeration', verdict: 'down' });
    expect(c.moves[0]!.after.moves).toBe(0);
  });

  it('lists the models on a site, most words first', () => {
    const rows = [reply('chatgpt', 'a', 0, 100, []), reply('chatgpt', 'b', 0, 900, []), reply('chatgpt', 'a', 1, 100, []), reply('claude', 'c', 0, 5000, [])];
    expect(modelsOnSite(rows, 'chatgpt')).toEqual([
      { model: 'b', replies: 1, words: 900 },
      { model: 'a', replies: 2, words: 200 },
    ]);
  });
});
