// The reader's labels calibrate the detector's rules, locally. Every agree / disagree on a
// detector flag counts for the rule that made it; a rule's precision for this reader is the mean
// of a Beta posterior whose prior comes from the rule's default confidence (so two or three labels
// move it only a little), and a rule whose precision is clearly low once it has enough labels is
// shown milder ("lower") or not drawn ("hide"). The reader can undo any change per rule ("keep
// showing"). Judge flags are left alone: the judge has no rules, and a label on one of its flags
// says nothing about the detector's. Pure and deterministic: same labels, same table.
import type { Flag, MoveId } from '../schemas.ts';

export type RuleAction = 'keep' | 'lower' | 'hide';

/** One reader label, reduced to what calibration reads. */
export interface CalibrationLabel {
  ruleId?: string;
  move: MoveId;
  source: 'detector' | 'judge';
  verdict: 'agree' | 'disagree';
  /** When the label was last set (ms since epoch). */
  at: number;
  /** The learned tier's confidence in the labelled flag, when it had one. */
  confidence?: number;
}

/** The reader's "keep showing this rule as it is": set on a rule whose flags calibration changed. */
export interface CalibrationOverride {
  /** When the reader chose it. */
  at: number;
}
export type CalibrationOverrides = Readonly<Record<string, CalibrationOverride>>;

export interface CalibrationOptions {
  /** Below this many labels a rule is never changed, whatever they say. */
  minLabels: number;
  /** The prior counts as this many labels. */
  priorStrength: number;
  /** A rule's default confidence (the prior's mean) when its labelled flags carried none. */
  defaultConfidence: number;
  /** Posterior precision below this hides the rule's flags... */
  hideBelow: number;
  /** ...and below this shows them one severity lower. */
  lowerBelow: number;
}

export const CALIBRATION_DEFAULTS: CalibrationOptions = {
  minLabels: 5,
  priorStrength: 2,
  defaultConfidence: 0.7,
  hideBelow: 0.25,
  lowerBelow: 0.45,
};

export interface RuleCalibration {
  ruleId: string;
  move: MoveId;
  agree: number;
  disagree: number;
  /** The prior's mean: the rule's default confidence. */
  priorMean: number;
  /** Posterior mean precision, two decimals. */
  precision: number;
  /** What the labels alone say. */
  suggested: RuleAction;
  /** What is applied: `suggested`, unless the reader chose to keep the rule showing. */
  action: RuleAction;
  /** When the labels last moved the rule to `suggested` (the time of the label that did it). */
  since?: number;
  /** When the reader chose "keep showing" (then `action` is "keep"). */
  keptAt?: number;
}

export interface CalibrationTable {
  version: 1;
  /** Every rule with at least one label, by rule id. */
  rules: RuleCalibration[];
}

export const EMPTY_CALIBRATION: CalibrationTable = { version: 1, rules: [] };

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Posterior mean precision of a rule: Beta(prior mean × strength + agree, (1 − mean) × strength + disagree). */
export function posteriorPrecision(agree: number, disagree: number, priorMean: number, options: CalibrationOptions = CALIBRATION_DEFAULTS): number {
  const a = priorMean * options.priorStrength + agree;
  const b = (1 - priorMean) * options.priorStrength + disagree;
  return a / (a + b);
}

/** What a rule's labels say should happen to its flags. */
export function actionFor(agree: number, disagree: number, priorMean: number, options: CalibrationOptions = CALIBRATION_DEFAULTS): RuleAction {
  if (agree + disagree < options.minLabels) return 'keep';
  const p = posteriorPrecision(agree, disagree, priorMean, options);
  if (p < options.hideBelow) return 'hide';
  if (p < options.lowerBelow) return 'lower';
  return 'keep';
}

/** Orders labels by time, ties broken by content, so the replay (and `since`) never depends on input order. */
function byTime(a: CalibrationLabel, b: CalibrationLabel): number {
  return a.at - b.at || (a.verdict < b.verdict ? -1 : a.verdict > b.verdict ? 1 : 0) || (a.confidence ?? -1) - (b.confidence ?? -1);
}

/** The calibration table from the reader's labels and their "keep showing" choices. */
export function calibrate(
  labels: readonly CalibrationLabel[],
  overrides: CalibrationOverrides = {},
  options: CalibrationOptions = CALIBRATION_DEFAULTS,
): CalibrationTable {
  const byRule = new Map<string, CalibrationLabel[]>();
  for (const l of labels) {
    if (l.source !== 'detector' || !l.ruleId) continue;
    const list = byRule.get(l.ruleId) ?? [];
    list.push(l);
    byRule.set(l.ruleId, list);
  }
  const rules: RuleCalibration[] = [];
  for (const ruleId of [...byRule.keys()].sort()) {
    const list = byRule.get(ruleId)!.sort(byTime);
    const confidences = list.flatMap((l) => (l.confidence === undefined ? [] : [l.confidence]));
    const priorMean = round2(confidences.length ? confidences.reduce((s, c) => s + c, 0) / confidences.length : options.defaultConfidence);
    // Replay in time order: `since` is when the current suggestion last took effect.
    let agree = 0;
    let disagree = 0;
    let suggested: RuleAction = 'keep';
    let since: number | undefined;
    for (const l of list) {
      if (l.verdict === 'agree') agree++;
      else disagree++;
      const next = actionFor(agree, disagree, priorMean, options);
      if (next !== suggested) since = next === 'keep' ? undefined : l.at;
      suggested = next;
    }
    const override = overrides[ruleId];
    rules.push({
      ruleId,
      move: list[0]!.move,
      agree,
      disagree,
      priorMean,
      precision: round2(posteriorPrecision(agree, disagree, priorMean, options)),
      suggested,
      action: override ? 'keep' : suggested,
      ...(since !== undefined ? { since } : {}),
      ...(override ? { keptAt: override.at } : {}),
    });
  }
  return { version: 1, rules };
}

/** The rules whose flags the table changes (lowered or hidden), for "what changed". */
export function changedRules(table: CalibrationTable): RuleCalibration[] {
  return table.rules.filter((r) => r.action !== 'keep');
}

/**
 * What a page draws differently because of the table: rule → action, for the rules that change.
 * Two tables with the same key draw the same page (a new label that only moves counts redraws nothing).
 */
export function drawingKey(table: CalibrationTable): string {
  return changedRules(table)
    .map((r) => `${r.ruleId}=${r.action}`)
    .sort()
    .join('|');
}

export interface CalibratedFlags<F> {
  /** The flags to show: lowered ones one severity milder (never below 1). */
  flags: F[];
  /** Flags whose rule the reader's labels hide: still stored and still in the score, not drawn. */
  hidden: F[];
  lowered: number;
}

/** Applies the table to a reply's flags. Judge flags and flags with no rule pass unchanged. */
export function calibrateFlags<F extends Pick<Flag, 'source' | 'ruleId' | 'severity'>>(
  flags: readonly F[],
  table: CalibrationTable | undefined,
): CalibratedFlags<F> {
  if (!table || table.rules.length === 0) return { flags: [...flags], hidden: [], lowered: 0 };
  const actions = new Map(table.rules.filter((r) => r.action !== 'keep').map((r) => [r.ruleId, r.action]));
  const out: F[] = [];
  const hidden: F[] = [];
  let lowered = 0;
  for (const f of flags) {
    const action = f.source === 'detector' && f.ruleId ? actions.get(f.ruleId) : undefined;
    if (action === 'hide') hidden.push(f);
    else if (action === 'lower') {
      lowered++;
      out.push({ ...f, severity: Math.max(1, f.severity - 1) });
    } else out.push(f);
  }
  return { flags: out, hidden, lowered };
}

/** The reader-facing name of a rule's catch: "flattery/praises-the-question" -> "praises the question". */
export function ruleCatchName(ruleId: string): string {
  const [head, tail] = ruleId.split('/', 2);
  if (head === 'learned') return 'the learned tier’s own flags';
  return (tail ?? ruleId).replace(/-/g, ' ');
}
