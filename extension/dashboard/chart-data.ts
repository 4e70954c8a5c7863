// Data shaping for the dashboard's charts: pure functions from archive rows to chart.js-ready
// series. The rows come from a bounded read (charts.ts reads the newest CHART_REPLY_LIMIT replies).
import type { MoveId } from '#shared/schemas';
import { moveName } from '../ui/move-names.ts';

/** What a chart needs of a reply (MessageRecord's v3 copies of its primary score). */
export interface ChartReply {
  site: string;
  model?: string | undefined;
  capturedAt: number;
  chars: number;
  /** Undefined when not scored. */
  score?: number | undefined;
  flagCount: number;
}

/** The chart colours (Okabe–Ito, readable with colour blindness), in order of use. */
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#a09100', '#000000'] as const;

export type GroupBy = 'site' | 'model';
export const UNKNOWN_MODEL = '(model not shown)';

export const groupOf = (r: ChartReply, by: GroupBy): string => (by === 'site' ? r.site : (r.model ?? UNKNOWN_MODEL));

export interface Series {
  labels: string[];
  datasets: { label: string; data: number[] }[];
}

const DAY = 86_400_000;
/** UTC day (YYYY-MM-DD) or ISO week start (Monday) of a timestamp. */
export function bucketOf(ts: number, size: 'day' | 'week'): string {
  const day = Math.floor(ts / DAY) * DAY;
  if (size === 'day') return new Date(day).toISOString().slice(0, 10);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return new Date(day - weekday * DAY).toISOString().slice(0, 10);
}

/** Flags per group per time bucket (line chart): only scored replies count. */
export function movesOverTime(rows: readonly ChartReply[], by: GroupBy, size: 'day' | 'week'): Series {
  const buckets = new Set<string>();
  const counts = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.score === undefined) continue;
    const b = bucketOf(r.capturedAt, size);
    buckets.add(b);
    const g = groupOf(r, by);
    const byBucket = counts.get(g) ?? new Map<string, number>();
    byBucket.set(b, (byBucket.get(b) ?? 0) + r.flagCount);
    counts.set(g, byBucket);
  }
  const labels = continuousBuckets([...buckets].sort(), size);
  const datasets = [...counts.keys()].sort().map((g) => ({ label: g, data: labels.map((b) => counts.get(g)!.get(b) ?? 0) }));
  return { labels, datasets };
}

/** Most buckets an axis is filled to; past it only the buckets with data are drawn. */
export const MAX_FILLED_BUCKETS = 400;

/**
 * Every day (week) from the first bucket to the last, so a quiet day shows as zero instead of
 * being skipped by the axis (which would draw 2 Nov next to 5 Nov as if they were neighbours).
 */
export function continuousBuckets(sorted: readonly string[], size: 'day' | 'week'): string[] {
  if (sorted.length < 2) return [...sorted];
  const step = size === 'day' ? DAY : 7 * DAY;
  const first = Date.parse(`${sorted[0]}T00:00:00Z`);
  const last = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`);
  if ((last - first) / step + 1 > MAX_FILLED_BUCKETS) return [...sorted];
  const out: string[] = [];
  for (let t = first; t <= last; t += step) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Flags per 10,000 characters of scored reply text, per group, so long replies do not dominate. */
export function ratePer10k(rows: readonly ChartReply[], by: GroupBy): Series {
  const flags = new Map<string, number>();
  const chars = new Map<string, number>();
  for (const r of rows) {
    if (r.score === undefined) continue;
    const g = groupOf(r, by);
    flags.set(g, (flags.get(g) ?? 0) + r.flagCount);
    chars.set(g, (chars.get(g) ?? 0) + r.chars);
  }
  const labels = [...chars.keys()].sort();
  const data = labels.map((g) => {
    const c = chars.get(g)!;
    return c > 0 ? Math.round(((flags.get(g) ?? 0) / c) * 10_000 * 100) / 100 : 0;
  });
  return { labels, datasets: [{ label: 'flags per 10k characters', data }] };
}

/** Scored replies per score band of `width` (0–9, 10–19, …, 90–100). */
export function scoreDistribution(rows: readonly ChartReply[], width = 10): Series {
  const bands = Math.ceil(100 / width);
  const data = new Array<number>(bands).fill(0);
  for (const r of rows) {
    if (r.score === undefined) continue;
    data[Math.min(bands - 1, Math.floor(r.score / width))]! += 1;
  }
  const labels = data.map((_, i) => (i === bands - 1 ? `${i * width}–100` : `${i * width}–${i * width + width - 1}`));
  return { labels, datasets: [{ label: 'replies', data }] };
}

// ---- agreement between the reader's labels and each judge ----

export interface LabelledSpan {
  messageKey: string;
  move: MoveId;
  start: number;
  end: number;
  verdict: 'agree' | 'disagree';
}

export interface JudgedReply {
  messageKey: string;
  /** judgeKey(...) of the judge. */
  judge: string;
  flags: readonly { move: MoveId; start: number; end: number }[];
}

export interface AgreementCell {
  judge: string;
  move: MoveId;
  agree: number;
  disagree: number;
  /** agree / (agree + disagree): the share of this judge's labelled flags the reader agreed with. */
  precision: number;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/**
 * Precision per judge and move from agree/disagree labels: a label counts for a judge when that
 * judge flagged the same move on an overlapping span of the same reply (a re-score by another
 * judge rarely picks exactly the same offsets). Labels on spans a judge did not flag say nothing
 * about that judge's precision and are left out.
 */
export function agreementByJudge(labels: readonly LabelledSpan[], judged: readonly JudgedReply[]): AgreementCell[] {
  const byMessage = new Map<string, LabelledSpan[]>();
  for (const l of labels) byMessage.set(l.messageKey, [...(byMessage.get(l.messageKey) ?? []), l]);
  const cells = new Map<string, AgreementCell>();
  for (const reply of judged) {
    for (const label of byMessage.get(reply.messageKey) ?? []) {
      if (!reply.flags.some((f) => f.move === label.move && overlaps(f, label))) continue;
      const id = `${reply.judge}\u0000${label.move}`;
      const cell = cells.get(id) ?? { judge: reply.judge, move: label.move, agree: 0, disagree: 0, precision: 0 };
      cell[label.verdict] += 1;
      cells.set(id, cell);
    }
  }
  return [...cells.values()]
    .map((c) => ({ ...c, precision: c.agree / (c.agree + c.disagree) }))
    .sort((a, b) => a.judge.localeCompare(b.judge) || a.move.localeCompare(b.move));
}

/** A judge key (`offline`, `anthropic:claude-haiku-…`) in the reader's words. */
export function judgeName(key: string): string {
  const [kind, ...model] = key.split(':');
  const name = kind === 'offline' ? 'offline detector' : kind === 'anthropic' ? 'judge model' : (kind ?? key);
  return model.length ? `${name} (${model.join(':')})` : name;
}

/** Bar-chart series: one dataset per judge, one bar per move (its human name), precision in percent. */
export function agreementSeries(cells: readonly AgreementCell[]): Series {
  const moves = [...new Set(cells.map((c) => c.move))].sort();
  const judges = [...new Set(cells.map((c) => c.judge))].sort();
  return {
    labels: moves.map(moveName),
    datasets: judges.map((judge) => ({
      label: judgeName(judge),
      data: moves.map((move) => {
        const cell = cells.find((c) => c.judge === judge && c.move === move);
        return cell ? Math.round(cell.precision * 1000) / 10 : Number.NaN;
      }),
    })),
  };
}

// ---- how each chart is drawn ----

export type ChartKind = 'over-time' | 'rate' | 'scores' | 'agreement';

export interface ChartPlan {
  type: 'line' | 'bar';
  /** Counts: whole-number ticks only (no "0.5 flags"). */
  integerAxis: boolean;
  /** When there is nothing to draw: what to say instead of an empty grid. */
  empty?: string;
}

/** True when some bar or point would show: a finite value above zero. */
export function hasData(series: Series): boolean {
  return series.labels.length > 0 && series.datasets.some((d) => d.data.some((v) => Number.isFinite(v) && v > 0));
}

/** Buckets below this many draw as bars: a line through one or two points is a lone dot or a stub. */
export const MIN_LINE_BUCKETS = 3;

const EMPTY_WORDS: Record<ChartKind, string> = {
  'over-time': 'No flags in the scored conversations of this filter yet, so there is nothing to draw over time.',
  rate: 'No scored conversations in this filter yet.',
  scores: 'No scored replies in the archive yet.',
  agreement: 'No labels yet: agree or disagree with a flag (open a conversation) to see how often each judge was right.',
};

export function chartPlan(kind: ChartKind, series: Series): ChartPlan {
  // The rate chart draws zeros too (a site with no flags is a finding); the others need a count above zero.
  const empty =
    kind === 'rate' ? series.labels.length === 0 : kind === 'agreement' ? !series.datasets.some((d) => d.data.some(Number.isFinite)) : !hasData(series);
  const type = kind === 'over-time' && series.labels.length >= MIN_LINE_BUCKETS ? 'line' : 'bar';
  return { type, integerAxis: kind === 'over-time' || kind === 'scores', ...(empty ? { empty: EMPTY_WORDS[kind] } : {}) };
}
