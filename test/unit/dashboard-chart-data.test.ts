// Chart data shaping and the two-judge comparison: pure functions, table tests.
import { describe, expect, it } from 'vitest';
import {
  agreementByJudge,
  agreementSeries,
  bucketOf,
  chartPlan,
  continuousBuckets,
  MAX_FILLED_BUCKETS,
  hasData,
  judgeName,
  MIN_LINE_BUCKETS,
  movesOverTime,
  ratePer10k,
  scoreDistribution,
  UNKNOWN_MODEL,
  type ChartReply,
  type LabelledSpan,
} from '../../extension/dashboard/chart-data.ts';
import { compareFlags } from '../../extension/dashboard/compare.ts';

const D = Date.UTC(2026, 10, 2); // a Monday
const DAY = 86_400_000;
const rows: ChartReply[] = [
  { site: 'chatgpt', model: 'A', capturedAt: D, chars: 5_000, score: 40, flagCount: 2 },
  { site: 'chatgpt', model: 'A', capturedAt: D + 1000, chars: 5_000, score: 10, flagCount: 1 },
  { site: 'claude', model: undefined, capturedAt: D + DAY, chars: 20_000, score: 95, flagCount: 4 },
  { site: 'claude', capturedAt: D + 8 * DAY, chars: 1_000, score: undefined, flagCount: 0 }, // not scored: left out
];

describe('chart data', () => {
  it.each([
    [D, 'day', '2026-11-02'],
    [D + DAY - 1, 'day', '2026-11-02'],
    [D + 6 * DAY, 'week', '2026-11-02'],
    [D + 7 * DAY, 'week', '2026-11-09'],
    [D - 1, 'week', '2026-10-26'],
  ] as const)('bucket of %s per %s', (ts, size, expected) => {
    expect(bucketOf(ts, size)).toBe(expected);
  });

  it('flags per site over time: sums per bucket, zero where a group has none, unscored left out', () => {
    expect(movesOverTime(rows, 'site', 'day')).toEqual({
      labels: ['2026-11-02', '2026-11-03'],
      datasets: [
        { label: 'chatgpt', data: [3, 0] },
        { label: 'claude', data: [0, 4] },
      ],
    });
    expect(movesOverTime(rows, 'model', 'week').datasets).toEqual([
      { label: UNKNOWN_MODEL, data: [4] },
      { label: 'A', data: [3] },
    ]);
    expect(movesOverTime([], 'site', 'day')).toEqual({ labels: [], datasets: [] });
  });

  it('a quiet day between two days with flags is drawn as zero, not skipped by the axis', () => {
    const gap: ChartReply[] = [rows[0]!, { ...rows[0]!, capturedAt: D + 3 * DAY }];
    expect(movesOverTime(gap, 'site', 'day')).toEqual({
      labels: ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05'],
      datasets: [{ label: 'chatgpt', data: [2, 0, 0, 2] }],
    });
    expect(continuousBuckets(['2026-11-02', '2026-11-16'], 'week')).toEqual(['2026-11-02', '2026-11-09', '2026-11-16']);
    expect(continuousBuckets(['2026-11-02'], 'day')).toEqual(['2026-11-02']);
    expect(continuousBuckets([], 'day')).toEqual([]);
    // Years apart per day: only the days with data, not thousands of empty ones.
    const far = ['2020-01-01', '2026-01-01'];
    expect(continuousBuckets(far, 'day')).toEqual(far);
    expect(MAX_FILLED_BUCKETS).toBeGreaterThan(90);
  });

  it('rate per 10k characters: long replies do not dominate', () => {
    // chatgpt: 3 flags in 10k chars = 3; claude: 4 flags in 20k chars = 2 (more flags, lower rate).
    expect(ratePer10k(rows, 'site')).toEqual({ labels: ['chatgpt', 'claude'], datasets: [{ label: 'flags per 10k characters', data: [3, 2] }] });
  });

  it('score distribution: bands of 10, 100 in the last band', () => {
    const s = scoreDistribution([...rows, { ...rows[0]!, score: 100 }, { ...rows[0]!, score: 0 }]);
    expect(s.labels[0]).toBe('0–9');
    expect(s.labels[9]).toBe('90–100');
    expect(s.datasets[0]!.data).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 2]);
  });

  it('agreement: precision per judge and move from agree / disagree on overlapping flags of the same move', () => {
    const labels: LabelledSpan[] = [
      { messageKey: 'm1', move: 'flattery', start: 0, end: 10, verdict: 'agree' },
      { messageKey: 'm1', move: 'bandwagon', start: 20, end: 30, verdict: 'disagree' },
      { messageKey: 'm2', move: 'flattery', start: 0, end: 5, verdict: 'disagree' },
      { messageKey: 'm3', move: 'flattery', start: 0, end: 5, verdict: 'agree' }, // nobody scored m3
    ];
    const cells = agreementByJudge(labels, [
      {
        messageKey: 'm1',
        judge: 'offline',
        flags: [
          { move: 'flattery', start: 0, end: 10 },
          { move: 'bandwagon', start: 20, end: 30 },
        ],
      },
      { messageKey: 'm2', judge: 'offline', flags: [{ move: 'flattery', start: 0, end: 5 }] },
      // The second judge flagged flattery a little differently (overlap counts), and not bandwagon.
      {
        messageKey: 'm1',
        judge: 'anthropic:haiku',
        flags: [
          { move: 'flattery', start: 2, end: 12 },
          { move: 'straw-man', start: 20, end: 30 },
        ],
      },
      { messageKey: 'm2', judge: 'anthropic:haiku', flags: [{ move: 'flattery', start: 5, end: 9 }] }, // touches, no overlap
    ]);
    expect(cells).toEqual([
      { judge: 'anthropic:haiku', move: 'flattery', agree: 1, disagree: 0, precision: 1 },
      { judge: 'offline', move: 'bandwagon', agree: 0, disagree: 1, precision: 0 },
      { judge: 'offline', move: 'flattery', agree: 1, disagree: 1, precision: 0.5 },
    ]);
    expect(agreementSeries(cells)).toEqual({
      labels: ['Bandwagon', 'Flattery'],
      datasets: [
        { label: 'judge model (haiku)', data: [Number.NaN, 100] },
        { label: 'offline detector', data: [0, 50] },
      ],
    });
    expect(agreementByJudge([], [])).toEqual([]);
  });
});

describe('compareFlags', () => {
  const f = (move: 'flattery' | 'bandwagon', start: number, end: number) => ({ move, start, end });
  it.each([
    ['both empty: full agreement', [], [], 1, 0, 0, 0],
    ['same flags', [f('flattery', 0, 5)], [f('flattery', 0, 5)], 1, 1, 0, 0],
    ['overlapping spans of the same move match', [f('flattery', 0, 5)], [f('flattery', 3, 9)], 1, 1, 0, 0],
    ['adjacent spans do not', [f('flattery', 0, 5)], [f('flattery', 5, 9)], 0, 0, 1, 1],
    ['same span, other move, does not', [f('flattery', 0, 5)], [f('bandwagon', 0, 5)], 0, 0, 1, 1],
    ['one flag matches at most one', [f('flattery', 0, 5), f('flattery', 1, 4)], [f('flattery', 0, 5)], 0.5, 1, 1, 0],
    ['only the first judge flagged', [f('flattery', 0, 5)], [], 0, 0, 1, 0],
  ])('%s', (_name, a, b, agreement, both, onlyA, onlyB) => {
    const c = compareFlags(a, b);
    expect([c.agreement, c.both.length, c.onlyA.length, c.onlyB.length]).toEqual([agreement, both, onlyA, onlyB]);
  });
});

describe('how each chart is drawn (chartPlan)', () => {
  const series = (labels: string[], ...data: number[][]) => ({ labels, datasets: data.map((d, i) => ({ label: `g${i}`, data: d })) });
  it.each([
    ['one day over time: bars, not a lone dot', 'over-time', series(['2026-11-01'], [3]), { type: 'bar', integerAxis: true }],
    ['two days over time: still bars', 'over-time', series(['2026-11-01', '2026-11-02'], [3, 1]), { type: 'bar', integerAxis: true }],
    ['three days or more: a line', 'over-time', series(['a', 'b', 'c'], [1, 0, 2]), { type: 'line', integerAxis: true }],
    ['score counts: whole-number ticks', 'scores', series(['0–9', '10–19'], [1, 0]), { type: 'bar', integerAxis: true }],
    ['a rate is not a count', 'rate', series(['chatgpt'], [2.5]), { type: 'bar', integerAxis: false }],
    ['a rate of zero is still drawn (a site with no flags)', 'rate', series(['chatgpt'], [0]), { type: 'bar', integerAxis: false }],
    ['agreement of 0% is drawn', 'agreement', series(['Flattery'], [0]), { type: 'bar', integerAxis: false }],
  ] as const)('%s', (_name, kind, s, plan) => {
    expect(chartPlan(kind, s)).toEqual(plan);
  });

  it.each([
    ['no days over time', 'over-time', series([])],
    ['days with no flags at all', 'over-time', series(['a', 'b'], [0, 0])],
    ['no scored conversation for the rate', 'rate', series([], [])],
    ['no scored reply in any band', 'scores', series(['0–9', '10–19'], [0, 0])],
    ['no labels', 'agreement', series([])],
    ['labels on spans no judge flagged', 'agreement', series(['Flattery'], [Number.NaN])],
  ] as const)('nothing to draw (%s): words instead of an empty grid', (_name, kind, s) => {
    const plan = chartPlan(kind, s);
    expect(plan.empty).toMatch(/^No /);
  });

  it('the line starts at MIN_LINE_BUCKETS buckets', () => {
    expect(MIN_LINE_BUCKETS).toBe(3);
    expect(hasData(series(['a'], [Number.NaN]))).toBe(false);
    expect(hasData(series(['a'], [0, 1]))).toBe(true);
  });

  it('names judges in words', () => {
    expect(judgeName('offline')).toBe('offline detector');
    expect(judgeName('anthropic:claude-haiku-4-5')).toBe('judge model (claude-haiku-4-5)');
    expect(judgeName('other')).toBe('other');
  });

  it('movesOverTime on one day of data has one bucket, so chartPlan draws bars', () => {
    const day = Date.UTC(2026, 10, 1, 10);
    const rows: ChartReply[] = [
      { site: 'chatgpt', capturedAt: day, chars: 100, score: 40, flagCount: 2 },
      { site: 'claude', capturedAt: day + 3_600_000, chars: 100, score: 10, flagCount: 1 },
    ];
    const s = movesOverTime(rows, 'site', 'day');
    expect(s.labels).toEqual(['2026-11-01']);
    expect(chartPlan('over-time', s).type).toBe('bar');
  });
});
