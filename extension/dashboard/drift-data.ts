// Drift per model: how often each model's replies make persuasive moves, per 1,000 words, over
// time, with an interval that shows how much data is behind each point; and "what changed"
// between two models (or two versions of one) on the same site, move by move.
// Pure: reply rows in, numbers out. drift-view.ts reads the rows and draws.
import { MOVE_IDS, type MoveId } from '#shared/schemas';
import { bucketOf } from './chart-data.ts';

/** What drift needs of one scored assistant reply. */
export interface DriftReply {
  site: string;
  /** The model the page or the import named; replies without one are grouped as unknown. */
  model?: string | undefined;
  capturedAt: number;
  words: number;
  /** One entry per shown flag (a move flagged twice counts twice). */
  moves: readonly MoveId[];
}

export const UNKNOWN_MODEL_LABEL = '(model not shown)';

/** Words as a reader counts them: runs of letters/digits (any script), joined by ' or -. */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}

/** Standard normal quantile (Acklam's rational approximation; |error| < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Chi-square quantile: exact for df = 2, Wilson–Hilferty (within a few percent) above. */
function chiSquareQuantile(p: number, df: number): number {
  // df = 2 (0 or 1 moves seen, where the approximation is worst) has a closed form.
  if (df === 2) return -2 * Math.log(1 - p);
  const z = normalQuantile(p);
  const h = 2 / (9 * df);
  return Math.max(0, df * (1 - h + z * Math.sqrt(h)) ** 3);
}

/**
 * A 95% interval for a Poisson count (Garwood's, through chi-square quantiles). With 0 moves seen
 * the lower end is 0 and the upper end is still ~3.7: few words, wide interval.
 */
export function poissonInterval(count: number, level = 0.95): { low: number; high: number } {
  const alpha = 1 - level;
  const low = count === 0 ? 0 : chiSquareQuantile(alpha / 2, 2 * count) / 2;
  const high = chiSquareQuantile(1 - alpha / 2, 2 * count + 2) / 2;
  return { low, high };
}

export interface RatePoint {
  moves: number;
  words: number;
  replies: number;
  /** Moves per 1,000 words; null with no words (no rate to speak of). */
  rate: number | null;
  low: number | null;
  high: number | null;
}

export function rateOf(moves: number, words: number, replies: number): RatePoint {
  if (words <= 0) return { moves, words, replies, rate: null, low: null, high: null };
  const { low, high } = poissonInterval(moves);
  const per = 1000 / words;
  return { moves, words, replies, rate: moves * per, low: low * per, high: high * per };
}

export interface DriftSeries {
  /** Time buckets (UTC day or ISO-week Monday), oldest first. */
  buckets: string[];
  /** One line per site + model, with a point (or null) per bucket. */
  lines: { site: string; model: string; points: (RatePoint | null)[]; total: RatePoint }[];
}

const modelLabel = (r: DriftReply) => r.model?.trim() || UNKNOWN_MODEL_LABEL;

/** Moves per 1,000 words per site + model per time bucket, with intervals. `move` narrows to one move. */
export function driftSeries(replies: readonly DriftReply[], options: { bucket: 'day' | 'week'; move?: MoveId }): DriftSeries {
  const buckets = new Set<string>();
  const cells = new Map<string, { site: string; model: string; byBucket: Map<string, { moves: number; words: number; replies: number }> }>();
  for (const r of replies) {
    const bucket = bucketOf(r.capturedAt, options.bucket);
    buckets.add(bucket);
    const model = modelLabel(r);
    const key = `${r.site}\u0000${model}`;
    const line = cells.get(key) ?? { site: r.site, model, byBucket: new Map() };
    cells.set(key, line);
    const cell = line.byBucket.get(bucket) ?? { moves: 0, words: 0, replies: 0 };
    cell.moves += options.move ? r.moves.filter((m) => m === options.move).length : r.moves.length;
    cell.words += r.words;
    cell.replies += 1;
    line.byBucket.set(bucket, cell);
  }
  const sorted = [...buckets].sort();
  const lines = [...cells.values()]
    .sort((x, y) => (x.site === y.site ? (x.model < y.model ? -1 : 1) : x.site < y.site ? -1 : 1))
    .map((line) => {
      let moves = 0;
      let words = 0;
      let count = 0;
      const points = sorted.map((b) => {
        const cell = line.byBucket.get(b);
        if (!cell) return null;
        moves += cell.moves;
        words += cell.words;
        count += cell.replies;
        return rateOf(cell.moves, cell.words, cell.replies);
      });
      return { site: line.site, model: line.model, points, total: rateOf(moves, words, count) };
    });
  return { buckets: sorted, lines };
}

export interface MoveChange {
  move: MoveId;
  before: RatePoint;
  after: RatePoint;
  /** after.rate - before.rate (null when either side has no words). */
  difference: number | null;
  /** up / down when the two intervals do not overlap; same when they do (the data cannot tell them apart). */
  verdict: 'up' | 'down' | 'same';
}

export interface ModelComparison {
  site: string;
  before: string;
  after: string;
  overall: Omit<MoveChange, 'move'>;
  moves: MoveChange[];
}

function change(before: RatePoint, after: RatePoint): Omit<MoveChange, 'move'> {
  const difference = before.rate === null || after.rate === null ? null : after.rate - before.rate;
  let verdict: MoveChange['verdict'] = 'same';
  if (difference !== null && before.low !== null && before.high !== null && after.low !== null && after.high !== null) {
    if (after.low > before.high) verdict = 'up';
    else if (after.high < before.low) verdict = 'down';
  }
  return { before, after, difference, verdict };
}

/** Every model seen on a site with how many replies and words are behind it, most words first. */
export function modelsOnSite(replies: readonly DriftReply[], site: string): { model: string; replies: number; words: number }[] {
  const seen = new Map<string, { replies: number; words: number }>();
  for (const r of replies) {
    if (r.site !== site) continue;
    const entry = seen.get(modelLabel(r)) ?? { replies: 0, words: 0 };
    entry.replies += 1;
    entry.words += r.words;
    seen.set(modelLabel(r), entry);
  }
  return [...seen].map(([model, v]) => ({ model, ...v })).sort((a, b) => b.words - a.words || (a.model < b.model ? -1 : 1));
}

/**
 * What changed between two models on one site: per move, the rate per 1,000 words on each side with
 * its interval, and whether the change is clear (intervals apart) or within what the data can tell.
 * Moves neither side ever made are left out; the rest are sorted by the size of the change.
 */
export function compareModels(replies: readonly DriftReply[], site: string, before: string, after: string): ModelComparison {
  const sides = { before: { moves: new Map<MoveId, number>(), words: 0, replies: 0 }, after: { moves: new Map<MoveId, number>(), words: 0, replies: 0 } };
  for (const r of replies) {
    if (r.site !== site) continue;
    const model = modelLabel(r);
    const side = model === before ? sides.before : model === after ? sides.after : undefined;
    if (!side) continue;
    side.words += r.words;
    side.replies += 1;
    for (const m of r.moves) side.moves.set(m, (side.moves.get(m) ?? 0) + 1);
  }
  const total = (s: typeof sides.before) => [...s.moves.values()].reduce((a, b) => a + b, 0);
  const overall = change(
    rateOf(total(sides.before), sides.before.words, sides.before.replies),
    rateOf(total(sides.after), sides.after.words, sides.after.replies),
  );
  const moves = MOVE_IDS.filter((m) => sides.before.moves.has(m) || sides.after.moves.has(m))
    .map((move) => ({
      move,
      ...change(
        rateOf(sides.before.moves.get(move) ?? 0, sides.before.words, sides.before.replies),
        rateOf(sides.after.moves.get(move) ?? 0, sides.after.words, sides.after.replies),
      ),
    }))
    .sort((x, y) => Math.abs(y.difference ?? 0) - Math.abs(x.difference ?? 0) || (x.move < y.move ? -1 : 1));
  return { site, before, after, overall, moves };
}
