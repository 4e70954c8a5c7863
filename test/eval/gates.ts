// What "good enough" means on each dev set in ../shared/eval, in one table read by the `npm test`
// regression guard (a fixed sample) and by `npm run eval` (the whole file).
//   labelled sets:   per-move micro-F1 at least `minMicroRatio` × the keyword baseline's, and, where
//                    the set is assistant replies, a binary-F1 floor;
//   unlabelled sets: ordinary answers to plain requests; a ceiling on how many get any flag, and on
//                    how many get a severity ≥ 2 flag (there is no F1 without labels).
// Floors are the issue-8 targets where the detector meets them, else just under what it measured
// (see README), so a regression fails: micro-F1 ratio 2 where met, span F1 where the set has spans.
// `npm run eval` checks them on held-out data (cross-file for spiral-*, k-fold for the sets the
// shipped model trains on); the unit-test sample runs the shipped model, which on spiral-*,
// sahai-* and argotario means its own training data, and says so in the test's title.
export type Gate =
  | {
      kind: 'labelled';
      minMicroRatio: number;
      /** The floor on the `npm test` 400-unit sample where it differs from the whole file's (sampling noise). */
      sampleMinMicroRatio?: number;
      minBinaryF1?: number;
      /** Span F1 (technique-agnostic, ../shared/eval/score.mjs) at least this, on sets with gold spans. */
      minSpanF1?: number;
      /** Per move: recall at least `recall` with precision at least `precision`. */
      movesAtPrecision?: Record<string, { precision: number; recall: number }>;
    }
  | { kind: 'unlabelled'; maxAnyFlag: number; maxSevere: number };

export const DEFAULT_GATE: Gate = { kind: 'labelled', minMicroRatio: 1 };

/** The issue-8 target on assistant replies: recall ≥ 0.4 at precision ≥ 0.6 for these moves. */
const SPIRAL_MOVES_AT_PRECISION = {
  'emotional-appeal': { precision: 0.6, recall: 0.4 },
  'relational-manipulation': { precision: 0.6, recall: 0.4 },
};

export const GATES: Record<string, Gate> = {
  // Replies written blind (npm run eval -- --blind DIR): reported, never a floor, since each blind
  // batch is new text and the point is to see how far the detector carries.
  'corpus-blind': { kind: 'labelled', minMicroRatio: 0 },
  'ordinary-alpacaeval': { kind: 'unlabelled', maxAnyFlag: 0.06, maxSevere: 0.02 },
  // Met: micro-F1 ≥ 2× the baseline (measured held out, see the README table).
  argotario: { kind: 'labelled', minMicroRatio: 2 },
  'logic-climate-dev': { kind: 'labelled', minMicroRatio: 2 },
  'sahai-train': { kind: 'labelled', minMicroRatio: 2 },
  // Met since 2026-12-07 (circular reasoning, group conclusions, ad hominem by who speaks):
  // 2.1× logic-train, 2.0× logic-dev (the last patterns on logic-dev were read from its misses).
  'logic-dev': { kind: 'labelled', minMicroRatio: 2 },
  // On the 400-unit sample of npm test it is 1.98×, so the sample guard holds 1.9×.
  'logic-train': { kind: 'labelled', minMicroRatio: 2, sampleMinMicroRatio: 1.9 },
  // Span F1 target 0.30: met on ptc20-train since 2026-12-07 (0.341: news-opinion words, labels
  // pinned on office holders, slogans; in chat replies those need a public actor in the sentence).
  // Not met on sahai-dev (0.18): flags highlight the clause that carries their cue.
  'ptc20-train': { kind: 'labelled', minMicroRatio: 2, minSpanF1: 0.3 },
  'sahai-dev': { kind: 'labelled', minMicroRatio: 2, minSpanF1: 0.15 },
  // Not met (2× the baseline): measured 1.4× cocolofa-dev, 1.8× logic-climate-train.
  'cocolofa-dev': { kind: 'labelled', minMicroRatio: 1.2 },
  'logic-climate-train': { kind: 'labelled', minMicroRatio: 1.6 },
  // Met on both spiral files, held out (cross-file): binary F1 ≥ 0.55, and recall ≥ 0.4 at
  // precision ≥ 0.6 for emotional appeal and relational manipulation (kimi's emotional-appeal
  // recall, 0.41, clears 0.40 by one reply).
  'spiral-kimi-k2': {
    kind: 'labelled',
    minMicroRatio: 2,
    minBinaryF1: 0.55,
    minSpanF1: 0.15,
    movesAtPrecision: SPIRAL_MOVES_AT_PRECISION,
  },
  'spiral-llama-4-maverick': {
    kind: 'labelled',
    minMicroRatio: 2,
    minBinaryF1: 0.8,
    minSpanF1: 0.25,
    movesAtPrecision: SPIRAL_MOVES_AT_PRECISION,
  },
};

export const gateFor = (name: string): Gate => GATES[name] ?? DEFAULT_GATE;

/** Sets whose units are chat-assistant replies (and the project corpus): `context` is the chat before the reply. */
export const CHAT_SETS = /^(?:spiral-|ordinary-|corpus)/;
