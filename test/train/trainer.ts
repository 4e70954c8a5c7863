// Fits the learned tier: per move, a logistic regression over the sentence features of
// shared/detect/learned/features.ts (AdaGrad, class-weighted, seeded shuffles: the same data and
// seed give the same file byte for byte). Each move's threshold is chosen on out-of-fold
// predictions of the training data alone (unit level, best F1 at a precision floor); a move
// whose held-out precision never reaches the floor gets no weights, so its rule flags stay as
// they are. Weights are pruned to the strongest and quantised to int8 (model.ts stores them).
import { MOVE_IDS, type MoveId } from '#shared/schemas';
import { detectRules } from '#shared/detect';
import { BITS, contextSignals, featuresOf, type FeatureVector } from '#shared/detect/learned/features';
import {
  encodeIds,
  MODEL_FORMAT,
  parseModel,
  predict,
  toBase64,
  versionOf,
  type LearnedModel,
  type StoredModel,
  type StoredMove,
  type TrainingSet,
} from '#shared/detect/learned/model';
import type { TrainUnit } from './data.ts';

export const HYPER = {
  epochs: 4,
  learningRate: 0.4,
  l2: 1e-6,
  maxPositiveWeight: 8,
  keepWeights: 5000,
  innerFolds: 3,
  minPositiveUnits: 15,
  minPrecision: 0.55,
};

export interface Prepared {
  units: TrainUnit[];
  /** vecs[u][s]: features of sentence s of unit u. */
  vecs: FeatureVector[][];
}

/** Runs the rules over every unit (their hits are features) and computes sentence features once. */
export function prepare(units: TrainUnit[]): Prepared {
  const vecs = units.map((u) => {
    const rules = detectRules(u.text, u.context ? { context: u.context } : {}).flags;
    return featuresOf(u.text, u.sentences, rules, contextSignals(u.context));
  });
  return { units, vecs };
}

/** mulberry32: small, seeded, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Example {
  vec: FeatureVector;
  y: number;
}

function examplesFor(p: Prepared, unitIdx: readonly number[], mi: number): Example[] {
  const out: Example[] = [];
  for (const u of unitIdx) {
    const unit = p.units[u]!;
    unit.labels.forEach((l, s) => {
      const y = l[mi]!;
      if (y >= 0) out.push({ vec: p.vecs[u]![s]!, y });
    });
  }
  return out;
}

/** One move's logistic regression: dense weights over the hash space, and a bias. */
function fit(examples: readonly Example[], seed: number): { w: Float32Array; bias: number } {
  const size = 1 << BITS;
  const w = new Float32Array(size);
  const g2 = new Float32Array(size);
  let bias = 0;
  let gb2 = 0;
  const pos = examples.filter((e) => e.y === 1).length;
  const posWeight = Math.min(HYPER.maxPositiveWeight, Math.sqrt(Math.max(1, (examples.length - pos) / Math.max(1, pos))));
  const order = examples.map((_, i) => i);
  const random = rng(seed);
  const { learningRate: lr, l2 } = HYPER;
  for (let epoch = 0; epoch < HYPER.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const oi of order) {
      const { vec, y } = examples[oi]!;
      let z = bias;
      for (let k = 0; k < vec.idx.length; k++) z += w[vec.idx[k]!]! * vec.val[k]!;
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - y) * (y === 1 ? posWeight : 1);
      for (let k = 0; k < vec.idx.length; k++) {
        const i = vec.idx[k]!;
        const grad = g * vec.val[k]! + l2 * w[i]!;
        g2[i]! += grad * grad;
        w[i]! -= (lr * grad) / Math.sqrt(g2[i]! + 1e-8);
      }
      gb2 += g * g;
      bias -= (lr * g) / Math.sqrt(gb2 + 1e-8);
    }
  }
  return { w, bias };
}

/** The strongest weights, int8-quantised, in the stored form. */
function compress(w: Float32Array, bias: number, threshold: number, counts: { positives: number; negatives: number }): StoredMove {
  const ids: number[] = [];
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) ids.push(i);
  ids.sort((a, b) => Math.abs(w[b]!) - Math.abs(w[a]!) || a - b);
  const kept = ids.slice(0, HYPER.keepWeights).sort((a, b) => a - b);
  const max = kept.reduce((m, i) => Math.max(m, Math.abs(w[i]!)), 0) || 1;
  const scale = max / 127;
  const q = Int8Array.from(kept.map((i) => Math.round(w[i]! / scale)));
  return {
    bias: Number(bias.toFixed(6)),
    scale: Number(scale.toPrecision(8)),
    threshold: Number(threshold.toFixed(4)),
    add: true,
    idx: toBase64(encodeIds(kept)),
    w: toBase64(new Uint8Array(q.buffer)),
    ...counts,
  };
}

/** Unit-level score per unit (max over its labelled sentences) and truth, for one move. */
function unitScores(p: Prepared, unitIdx: readonly number[], mi: number, model: LearnedModel, slot: number): { s: number; y: number }[] {
  const out: { s: number; y: number }[] = [];
  for (const u of unitIdx) {
    const unit = p.units[u]!;
    let s = -1;
    let y = -1;
    unit.labels.forEach((l, si) => {
      if (l[mi]! < 0) return;
      y = Math.max(y, l[mi]!);
      s = Math.max(s, predict(model, p.vecs[u]![si]!)[slot]!);
    });
    if (y >= 0) out.push({ s, y });
  }
  return out;
}

/** Best-F1 threshold with precision at least `floor`; undefined when no threshold reaches it. */
export function chooseThreshold(scored: readonly { s: number; y: number }[], floor: number): { t: number; f1: number; p: number; r: number } | undefined {
  const sorted = [...scored].sort((a, b) => b.s - a.s);
  const total = sorted.filter((x) => x.y === 1).length;
  let tp = 0;
  let best: { t: number; f1: number; p: number; r: number } | undefined;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.y === 1) tp++;
    if (i + 1 < sorted.length && sorted[i + 1]!.s === sorted[i]!.s) continue;
    const precision = tp / (i + 1);
    const recall = total ? tp / total : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    if (precision >= floor && (!best || f1 > best.f1)) best = { t: Math.max(0.05, sorted[i]!.s), f1, p: precision, r: recall };
  }
  return best;
}

const storedOne = (move: MoveId, sm: StoredMove): LearnedModel => {
  const body = { format: MODEL_FORMAT, bits: BITS, seed: 0, trainedOn: [], hyper: {}, moves: { [move]: sm } };
  const loaded = parseModel({ ...body, version: versionOf(body) });
  if (!loaded.ok) throw new Error(`trainer produced an unreadable move model: ${loaded.error}`);
  return loaded.model;
};

export interface TrainReport {
  move: MoveId;
  positives: number;
  heldOut?: { f1: number; p: number; r: number };
  shipped: boolean;
}

/** Trains a model on the given units of `p` (all of them by default). */
export function train(p: Prepared, options: { seed: number; trainedOn: TrainingSet[]; units?: readonly number[]; log?: (line: string) => void }): { model: StoredModel; report: TrainReport[] } {
  const all = options.units ?? p.units.map((_, i) => i);
  const moves: Partial<Record<MoveId, StoredMove>> = {};
  const report: TrainReport[] = [];
  MOVE_IDS.forEach((move, mi) => {
    const positiveUnits = all.filter((u) => p.units[u]!.labels.some((l) => l[mi] === 1)).length;
    if (positiveUnits < HYPER.minPositiveUnits) {
      report.push({ move, positives: positiveUnits, shipped: false });
      return;
    }
    // Out-of-fold unit scores on the training data alone choose the threshold.
    const scored: { s: number; y: number }[] = [];
    for (let k = 0; k < HYPER.innerFolds; k++) {
      const fitOn = all.filter((_, i) => i % HYPER.innerFolds !== k);
      const heldOut = all.filter((_, i) => i % HYPER.innerFolds === k);
      const { w, bias } = fit(examplesFor(p, fitOn, mi), options.seed * 1000 + mi * 10 + k);
      const m = storedOne(move, compress(w, bias, 0.5, { positives: 0, negatives: 0 }));
      scored.push(...unitScores(p, heldOut, mi, m, 0));
    }
    const best = chooseThreshold(scored, HYPER.minPrecision);
    if (!best) {
      report.push({ move, positives: positiveUnits, shipped: false });
      return;
    }
    const examples = examplesFor(p, all, mi);
    const { w, bias } = fit(examples, options.seed * 1000 + mi * 10 + 9);
    const positives = examples.filter((e) => e.y === 1).length;
    moves[move] = compress(w, bias, best.t, { positives, negatives: examples.length - positives });
    report.push({ move, positives: positiveUnits, heldOut: { f1: best.f1, p: best.p, r: best.r }, shipped: true });
    options.log?.(`  ${move.padEnd(24)} ${String(positiveUnits).padStart(5)} positive units  threshold ${best.t.toFixed(3)}  out-of-fold F1 ${best.f1.toFixed(3)} (P ${best.p.toFixed(2)} / R ${best.r.toFixed(2)})`);
  });
  const body = { format: MODEL_FORMAT, bits: BITS, seed: options.seed, trainedOn: options.trainedOn, hyper: { ...HYPER }, moves };
  return { model: { ...body, version: versionOf(body) }, report };
}
