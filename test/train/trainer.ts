// Fits the learned tier: per move, a logistic regression over the sentence features of
// shared/detect/learned/features.ts (AdaGrad, class-weighted, seeded shuffles: the same data and
// seed give the same file byte for byte). Each move's threshold is chosen on out-of-fold
// predictions of the training data alone (unit level, best F1 at a precision floor); a move
// whose held-out precision never reaches the floor gets no weights, so its rule flags stay as
// they are. Weights are pruned to the strongest and quantised to int8 (model.ts stores them).
import { MOVE_IDS, type MoveId } from '#shared/schemas';
import { detectRules } from '#shared/detect/index';
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
import { foldOf, groupKey } from './folds.ts';

/** Moves the tier may add flags for where no rule fired: what rules miss in assistant replies. */
export const ADDABLE: readonly MoveId[] = ['emotional-appeal', 'relational-manipulation', 'flattery', 'sycophancy'];
/**
 * Experiments only: UNSPUN_TRAIN_ADD='{"vagueness":0.8}' lets more moves add (or changes a floor),
 * recorded in the model file's `hyper` as `add:<move>`. The shipped model is trained without it.
 */
const ADD_OVERRIDE = JSON.parse(process.env.UNSPUN_TRAIN_ADD ?? '{}') as Partial<Record<MoveId, number>>;
const mayAdd = (move: MoveId) => ADDABLE.includes(move) || ADD_OVERRIDE[move] !== undefined;
/**
 * Per-move precision floors for added flags, where they differ from the default. Escalation is
 * learned mostly from long spiral chats; at 0.7 it added 15 emotional-appeal flags to plain
 * biographies and how-tos in ordinary-alpacaeval (6.2% of ordinary answers flagged, gate 6%).
 * Caving is the move the rules miss most in new wording ("Fair — let's go with yours"); at 0.7
 * the threshold (0.88) sat just above what blind batches 47-48 scored, and at 0.6 (0.84) it adds
 * there without a new flag on ordinary answers (binary F1 0.537 rules only, 0.563 with the tier).
 */
/**
 * Flattery adds looked 0.70-0.72 precise out of fold (grouped by batch) in two retrainings, but on
 * fresh blind batches they were right about the move 8 times in 19 (batches 73-00) and 0 times in 2
 * (105-108): the writers' praise the rules miss is too varied for n-grams. 0.8 keeps them out.
 */
const ADD_PRECISION: Partial<Record<MoveId, number>> = { 'emotional-appeal': 0.85, sycophancy: 0.6, flattery: 0.8, ...ADD_OVERRIDE };

export const HYPER: Record<string, number> = {
  epochs: 4,
  learningRate: 0.4,
  l2: 1e-5,
  maxPositiveWeight: 8,
  keepWeights: 5000,
  innerFolds: 3,
  minPositiveUnits: 15,
  // Added flags need out-of-fold precision ≥ 0.7: at 0.5, ordinary answers got 8.3% flagged (gate 6%).
  minPrecision: 0.7,
  minKeepGain: 0.01,
  // An add threshold must rest on at least this many right adds out of fold. Chosen on three or four
  // replies (precision 1.00, recall 0.01), the full model's flattery adds were right 6 times in 21
  // on its own training corpus and 3 in 9 on corpus-blind: the full model scores higher than the
  // fold models the threshold came from, and a handful of replies cannot show by how much.
  minAddTruePositives: 10,
  hideRuleFlags: 0,
  // 1: each add threshold is the lowest that keeps the precision floor (most recall), not the best F1.
  addAtMaxRecall: 0,
  // Experiments only: UNSPUN_TRAIN_HYPER='{"l2":0.001}' (recorded in the model file's `hyper`).
  ...(JSON.parse(process.env.UNSPUN_TRAIN_HYPER ?? '{}') as Record<string, number>),
};

export interface Prepared {
  units: TrainUnit[];
  /** vecs[u][s]: features of sentence s of unit u. */
  vecs: FeatureVector[][];
  /** ruleHits[u][s]: bit m set when a rule flag of MOVE_IDS[m] overlaps sentence s of unit u. */
  ruleHits: Uint32Array[];
}

/** Runs the rules over every unit (their hits are features) and computes sentence features once. */
export function prepare(units: TrainUnit[]): Prepared {
  const vecs: FeatureVector[][] = [];
  const ruleHits: Uint32Array[] = [];
  for (const u of units) {
    const rules = detectRules(u.text, { ...(u.context ? { context: u.context } : {}), ...(u.site ? { site: u.site } : {}) }).flags;
    vecs.push(featuresOf(u.text, u.sentences, contextSignals(u.context)));
    ruleHits.push(
      Uint32Array.from(u.sentences, (s) => rules.reduce((bits, f) => (f.start < s.end && s.start < f.end ? bits | (1 << MOVE_IDS.indexOf(f.move)) : bits), 0)),
    );
  }
  return { units, vecs, ruleHits };
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

/**
 * One move's logistic regression: dense weights over the hash space, and a bias. L2 is applied as
 * weight decay at every step, lazily caught up when a weight is next touched, so n-grams seen once
 * cannot memorise their sentence (that makes the bias drift up and unseen text look positive).
 */
function fit(examples: readonly Example[], seed: number): { w: Float32Array; bias: number } {
  const size = 1 << BITS;
  const w = new Float32Array(size);
  const g2 = new Float32Array(size);
  const last = new Int32Array(size);
  let bias = 0;
  let gb2 = 0;
  const pos = examples.filter((e) => e.y === 1).length;
  const posWeight = Math.min(HYPER.maxPositiveWeight!, Math.sqrt(Math.max(1, (examples.length - pos) / Math.max(1, pos))));
  const order = examples.map((_, i) => i);
  const random = rng(seed);
  const lr = HYPER.learningRate!;
  const keep = 1 - HYPER.l2!;
  const logKeep = Math.log(keep);
  let step = 0;
  for (let epoch = 0; epoch < HYPER.epochs!; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const oi of order) {
      step++;
      const { vec, y } = examples[oi]!;
      let z = bias;
      for (let k = 0; k < vec.idx.length; k++) {
        const i = vec.idx[k]!;
        if (last[i] !== step) {
          if (w[i] !== 0) w[i]! *= Math.exp(logKeep * (step - last[i]!));
          last[i] = step;
        }
        z += w[i]! * vec.val[k]!;
      }
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - y) * (y === 1 ? posWeight : 1);
      for (let k = 0; k < vec.idx.length; k++) {
        const i = vec.idx[k]!;
        const grad = g * vec.val[k]!;
        g2[i]! += grad * grad;
        w[i]! -= (lr * grad) / Math.sqrt(g2[i]! + 1e-8);
      }
      gb2 += g * g;
      bias -= (lr * g) / Math.sqrt(gb2 + 1e-8);
    }
  }
  for (let i = 0; i < size; i++) if (w[i] !== 0) w[i]! *= Math.exp(logKeep * (step - last[i]!));
  return { w, bias };
}

/** The strongest weights, int8-quantised, in the stored form. */
function compress(w: Float32Array, bias: number, threshold: number, keep: number, add: boolean, counts: { positives: number; negatives: number }): StoredMove {
  const ids: number[] = [];
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) ids.push(i);
  ids.sort((a, b) => Math.abs(w[b]!) - Math.abs(w[a]!) || a - b);
  const kept = ids.slice(0, HYPER.keepWeights!).sort((a, b) => a - b);
  const max = kept.reduce((m, i) => Math.max(m, Math.abs(w[i]!)), 0) || 1;
  const scale = max / 127;
  const q = Int8Array.from(kept.map((i) => Math.round(w[i]! / scale)));
  return {
    bias: Number(bias.toFixed(6)),
    scale: Number(scale.toPrecision(8)),
    threshold: Number(threshold.toFixed(4)),
    keep: Number(keep.toFixed(4)),
    add,
    idx: toBase64(encodeIds(kept)),
    w: toBase64(new Uint8Array(q.buffer)),
    ...counts,
  };
}

/** Per unit (with a label for the move): truth, the best probability anywhere, and at rule hits (-1: no rule fired). */
interface UnitScore {
  y: number;
  any: number;
  rule: number;
}

function unitScores(p: Prepared, unitIdx: readonly number[], mi: number, model: LearnedModel, slot: number): UnitScore[] {
  const out: UnitScore[] = [];
  const bit = 1 << mi;
  for (const u of unitIdx) {
    const unit = p.units[u]!;
    const row: UnitScore = { y: -1, any: -1, rule: -1 };
    unit.labels.forEach((l, si) => {
      if (l[mi]! < 0) return;
      const prob = predict(model, p.vecs[u]![si]!)[slot]!;
      row.y = Math.max(row.y, l[mi]!);
      row.any = Math.max(row.any, prob);
      if (p.ruleHits[u]![si]! & bit) row.rule = Math.max(row.rule, prob);
    });
    if (row.y >= 0) out.push(row);
  }
  return out;
}

const f1Of = (tp: number, fp: number, fn: number) => (tp ? (2 * tp) / (2 * tp + fp + fn) : 0);

/**
 * The rule-flag threshold: rule flags below it are hidden. Chosen for the best unit-level F1 of
 * what is finally shown (kept rule flags, plus added flags at `add` when the move may add);
 * 0 keeps every rule flag, so the model never does worse than the rules on its training data.
 */
export function chooseKeep(scored: readonly UnitScore[], add: number | undefined): { t: number; f1: number; rulesF1: number } {
  const candidates = [0, ...new Set(scored.filter((x) => x.rule >= 0).map((x) => x.rule))].sort((a, b) => a - b);
  const shown = (x: UnitScore, t: number) => (x.rule >= 0 && x.rule >= t) || (add !== undefined && x.any >= add);
  const f1At = (t: number) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const x of scored) {
      const on = shown(x, t);
      if (on && x.y === 1) tp++;
      else if (on) fp++;
      else if (x.y === 1) fn++;
    }
    return f1Of(tp, fp, fn);
  };
  let best = { t: 0, f1: f1At(0) };
  for (const t of candidates) {
    const f = f1At(t);
    if (f > best.f1) best = { t, f1: f };
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const x of scored) {
    if (x.rule >= 0 && x.y === 1) tp++;
    else if (x.rule >= 0) fp++;
    else if (x.y === 1) fn++;
  }
  return { ...best, rulesF1: f1Of(tp, fp, fn) };
}

/**
 * The add threshold with precision at least `floor`: the one with the best F1, or with `pick`
 * 'recall' the lowest (most recall) that still keeps the floor. Undefined when none reaches it.
 */
export function chooseThreshold(
  scored: readonly { s: number; y: number }[],
  floor: number,
  pick: 'f1' | 'recall' = 'f1',
  minTruePositives = 1,
): { t: number; f1: number; p: number; r: number } | undefined {
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
    if (tp >= minTruePositives && precision >= floor && (!best || (pick === 'recall' ? recall > best.r : f1 > best.f1)))
      best = { t: Math.max(0.05, sorted[i]!.s), f1, p: precision, r: recall };
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
export function train(
  p: Prepared,
  options: { seed: number; trainedOn: TrainingSet[]; units?: readonly number[]; log?: (line: string) => void },
): { model: StoredModel; report: TrainReport[] } {
  const all = options.units ?? p.units.map((_, i) => i);
  const moves: Partial<Record<MoveId, StoredMove>> = {};
  const report: TrainReport[] = [];
  const innerFold: Record<number, number> = {};
  // Salted, so inside a held-out fold (split by the same key) the inner folds are not empty.
  for (const u of all) innerFold[u] = foldOf(`inner:${groupKey(p.units[u]!)}`, HYPER.innerFolds!);
  MOVE_IDS.forEach((move, mi) => {
    const positiveUnits = all.filter((u) => p.units[u]!.labels.some((l) => l[mi] === 1)).length;
    if (positiveUnits < HYPER.minPositiveUnits!) {
      report.push({ move, positives: positiveUnits, shipped: false });
      return;
    }
    // Out-of-fold unit scores on the training data alone choose both thresholds.
    const scored: UnitScore[] = [];
    for (let k = 0; k < HYPER.innerFolds!; k++) {
      // Grouped like the held-out measurement: a corpus reply and its twin stay in one fold.
      const fitOn = all.filter((u) => innerFold[u] !== k);
      const heldOut = all.filter((u) => innerFold[u] === k);
      const { w, bias } = fit(examplesFor(p, fitOn, mi), options.seed * 1000 + mi * 10 + k);
      const m = storedOne(move, compress(w, bias, 0.5, 0.5, true, { positives: 0, negatives: 0 }));
      scored.push(...unitScores(p, heldOut, mi, m, 0));
    }
    const adds = mayAdd(move)
      ? chooseThreshold(
          // Only replies where no rule flagged the move: an added flag is shown exactly there, so
          // that is where its precision counts. Over every reply, the easy ones the rules already
          // catch made sycophancy adds look 0.65 precise; on replies the rules miss they stay under
          // the 0.6 floor (held out, the adds of the model before were right 36 times in 89).
          scored.filter((x) => x.rule < 0).map((x) => ({ s: x.any, y: x.y })),
          ADD_PRECISION[move] ?? HYPER.minPrecision!,
          HYPER.addAtMaxRecall ? 'recall' : 'f1',
          HYPER.minAddTruePositives,
        )
      : undefined;
    // Hiding rule flags is off by default: held out (npm run eval) it lowered binary F1 on
    // spiral-kimi-k2 (0.35 → 0.30) and ptc20 (0.38 → 0.30), and it hid textbook openers such as
    // "Great question!". The tier rates rule flags (confidence) and adds its own; set
    // UNSPUN_TRAIN_HYPER='{"hideRuleFlags":1}' to measure hiding again.
    const keep = HYPER.hideRuleFlags ? chooseKeep(scored, adds?.t) : { t: 0, f1: 0, rulesF1: 0 };
    // A move the model cannot help (no adds, and hiding rule flags gains almost nothing) is left out:
    // a smaller file, a faster detector, and the rules answer for it unchanged.
    if (!adds && keep.f1 - keep.rulesF1 < HYPER.minKeepGain!) {
      report.push({ move, positives: positiveUnits, shipped: false });
      return;
    }
    const examples = examplesFor(p, all, mi);
    const { w, bias } = fit(examples, options.seed * 1000 + mi * 10 + 9);
    const positives = examples.filter((e) => e.y === 1).length;
    moves[move] = compress(w, bias, adds?.t ?? 1, keep.t, adds !== undefined, { positives, negatives: examples.length - positives });
    report.push({ move, positives: positiveUnits, heldOut: { f1: keep.f1, p: adds?.p ?? 0, r: adds?.r ?? 0 }, shipped: true });
    options.log?.(
      `  ${move.padEnd(24)} ${String(positiveUnits).padStart(5)} positive units  ${adds ? `adds at ${adds.t.toFixed(3)} (P ${adds.p.toFixed(2)} R ${adds.r.toFixed(2)})` : 'adds none'}  keeps rule flags at ${keep.t.toFixed(3)}  out-of-fold F1 ${keep.rulesF1.toFixed(3)} -> ${keep.f1.toFixed(3)}`,
    );
  });
  const hyper = { ...HYPER, ...Object.fromEntries(Object.entries(ADD_OVERRIDE).map(([m, floor]) => [`add:${m}`, floor!])) };
  const body = { format: MODEL_FORMAT, bits: BITS, seed: options.seed, trainedOn: options.trainedOn, hyper, moves };
  return { model: { ...body, version: versionOf(body) }, report };
}
