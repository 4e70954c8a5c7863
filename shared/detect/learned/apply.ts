// The learned tier on top of the rules: for every sentence it estimates, per move, how likely the
// sentence makes that move (model.ts over features.ts). A rule flag is shown only when the model
// agrees enough (its probability becomes the flag's `confidence`); moves the model has no weights
// for keep their rule flags as they are. Where no rule fired but the model is confident, it adds a
// sentence-level flag whose rationale comes from the taxonomy. The rules stay the explanation.
import type { Flag, MoveId, ScoreContext } from '../../schemas.ts';
import { moveById } from '../../taxonomy.ts';
import { contextSignals, featuresOf, sentencesOf, type Sentence } from './features.ts';
import { predict, type LearnedModel } from './model.ts';

/** Added flags on sentences longer than this would highlight a paragraph: left to the rules. */
const MAX_ADDED_SPAN = 600;

const round2 = (p: number) => Math.round(p * 100) / 100;
const byPosition = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start - b.start || a.end - b.end;
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/** Probability per sentence and model move, for tests and the trainer's threshold search. */
export function sentenceProbabilities(model: LearnedModel, text: string, context?: ScoreContext) {
  const sentences = sentencesOf(text);
  const features = featuresOf(text, sentences, contextSignals(context));
  return { sentences, probs: features.map((f) => predict(model, f)) };
}

function addedFlag(reply: string, s: Sentence, move: MoveId, p: number, requested: boolean): Flag {
  const def = moveById(move);
  return {
    move,
    start: s.start,
    end: s.end,
    quote: reply.slice(s.start, s.end),
    // Mild: the model adds a flag where no rule can say why, so it never claims a strong move.
    severity: 1,
    support: requested ? 'requested' : 'unsupported',
    rationale: `Reads like ${def.name.toLowerCase()} (learned tier, ${Math.round(p * 100)}% sure): ${def.definition}`,
    source: 'detector',
    ruleId: `learned/${move}`,
    wouldSupport: def.supportedWhen,
    confidence: round2(p),
  };
}

/**
 * Rule flags filtered and rated by the model, plus the model's own confident flags. `text` is
 * what the rules read (offsets identical to `reply`); quotes are cut from `reply`.
 */
export function applyLearned(
  model: LearnedModel,
  reply: string,
  ruleFlags: readonly Flag[],
  context?: ScoreContext,
  text = reply,
  /** Moves the rules have ruled out for this reply (e.g. sycophancy after a correction with evidence). */
  vetoed: ReadonlySet<MoveId> = new Set(),
): Flag[] {
  // A model with no move weights (what training writes when no move reaches its floor) can neither
  // rate nor add a flag: no sentence needs its features.
  if (model.moves.length === 0) return [...ruleFlags].sort(byPosition);
  const { sentences, probs } = sentenceProbabilities(model, text, context);
  if (sentences.length === 0) return [...ruleFlags];
  const index = new Map<MoveId, number>(model.moves.map((m, i) => [m.move, i]));
  const kept: Flag[] = [];
  for (const f of ruleFlags) {
    const mi = index.get(f.move);
    if (mi === undefined) {
      kept.push(f);
      continue;
    }
    let p = -1;
    sentences.forEach((s, si) => {
      if (overlaps(s, f)) p = Math.max(p, probs[si]![mi]!);
    });
    if (p < 0) kept.push(f);
    else if (p >= model.moves[mi]!.keep) kept.push({ ...f, confidence: round2(p) });
  }
  const requested = contextSignals(context).persuasion;
  const added: Flag[] = [];
  sentences.forEach((s, si) => {
    if (s.end - s.start > MAX_ADDED_SPAN) return;
    let best = -1;
    let bestP = 0;
    model.moves.forEach((m, mi) => {
      const p = probs[si]![mi]!;
      if (!m.add || vetoed.has(m.move) || p < m.threshold || p <= bestP) return;
      // A sentence a rule already explains firmly (severity 2 or more) gets no second, learned
      // explanation: "You're right, I apologize" is caving (the turn rules say why), not flattery
      // the model half-recognises. A mild cue (a charged word) leaves room for the model.
      if (kept.some((f) => overlaps(f, s) && (f.move === m.move || f.severity >= 2))) return;
      best = mi;
      bestP = p;
    });
    if (best >= 0) added.push(addedFlag(reply, s, model.moves[best]!.move, bestP, requested));
  });
  return [...kept, ...added].sort(byPosition);
}
