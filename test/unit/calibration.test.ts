// The reader's labels calibrate the detector's rules (shared/detect/calibration.ts): tables of
// label mixes and what they do to a rule, few labels change nothing, judge flags are untouched,
// the reader's "keep showing" wins, and the result never depends on the labels' order.
import { describe, expect, it } from 'vitest';
import type { Flag } from '../../shared/schemas.ts';
import {
  actionFor,
  calibrate,
  calibrateFlags,
  changedRules,
  drawingKey,
  EMPTY_CALIBRATION,
  posteriorPrecision,
  ruleCatchName,
  type CalibrationLabel,
  type RuleAction,
} from '../../shared/detect/calibration.ts';

const RULE = 'false-urgency/act-now';
const labelsOf = (agree: number, disagree: number, over: Partial<CalibrationLabel> = {}): CalibrationLabel[] => [
  ...Array.from({ length: agree }, (_, i) => ({
    ruleId: RULE,
    move: 'false-urgency' as const,
    source: 'detector' as const,
    verdict: 'agree' as const,
    at: 1000 + i,
    ...over,
  })),
  ...Array.from({ length: disagree }, (_, i) => ({
    ruleId: RULE,
    move: 'false-urgency' as const,
    source: 'detector' as const,
    verdict: 'disagree' as const,
    at: 2000 + i,
    ...over,
  })),
];

const flag = (over: Partial<Flag> = {}): Flag => ({
  move: 'false-urgency',
  start: 0,
  end: 7,
  quote: 'Act now',
  severity: 2,
  support: 'unsupported',
  rationale: 'r',
  source: 'detector',
  ruleId: RULE,
  ...over,
});

describe('what a rule’s labels do to it (prior mean 0.7, strength 2, at least 5 labels)', () => {
  const table: Array<[agree: number, disagree: number, action: RuleAction]> = [
    [0, 0, 'keep'],
    [0, 4, 'keep'], // four disagreements are not enough labels yet
    [0, 5, 'hide'],
    [1, 4, 'lower'],
    [2, 3, 'keep'], // 60% disagree is not clearly wrong
    [5, 0, 'keep'],
    [10, 2, 'keep'],
    [2, 6, 'lower'],
    [1, 7, 'hide'],
    [3, 17, 'hide'],
  ];
  it.each(table)('%i agree, %i disagree -> %s', (agree, disagree, action) => {
    expect(actionFor(agree, disagree, 0.7)).toBe(action);
    expect(calibrate(labelsOf(agree, disagree)).rules[0]?.suggested ?? 'keep').toBe(action);
  });

  it('the prior pulls few labels toward the rule’s default confidence', () => {
    expect(posteriorPrecision(0, 0, 0.7)).toBeCloseTo(0.7);
    expect(posteriorPrecision(0, 1, 0.7)).toBeCloseTo(1.4 / 3);
    expect(posteriorPrecision(0, 5, 0.7)).toBeCloseTo(0.2);
  });

  it('a rule whose flags carried the learned tier’s confidence uses it as the prior', () => {
    const sure = calibrate(labelsOf(2, 3, { confidence: 0.95 })).rules[0]!;
    expect(sure.priorMean).toBe(0.95);
    expect(sure.suggested).toBe('keep');
    const unsure = calibrate(labelsOf(2, 3, { confidence: 0.5 })).rules[0]!;
    expect(unsure.suggested).toBe('lower');
  });
});

describe('the calibration table', () => {
  it('counts per rule, shows precision with its counts, and when the change happened', () => {
    const t = calibrate(labelsOf(1, 6));
    expect(t.rules).toEqual([
      { ruleId: RULE, move: 'false-urgency', agree: 1, disagree: 6, priorMean: 0.7, precision: 0.27, suggested: 'lower', action: 'lower', since: 2003 },
    ]);
    // The fifth label (time 2003) made it "lower"; the later ones kept it there.
    expect(changedRules(t).map((r) => r.ruleId)).toEqual([RULE]);
  });

  it('is the same whatever order the labels come in', () => {
    const labels = [...labelsOf(2, 7), ...labelsOf(3, 0, { ruleId: 'flattery/praises-the-question', move: 'flattery' })];
    const shuffled = [...labels].reverse();
    shuffled.push(shuffled.shift()!);
    expect(calibrate(shuffled)).toEqual(calibrate(labels));
    expect(calibrate(labels).rules.map((r) => r.ruleId)).toEqual(['false-urgency/act-now', 'flattery/praises-the-question']);
  });

  it('ignores labels on judge flags and on flags with no rule', () => {
    const t = calibrate([...labelsOf(0, 9, { source: 'judge' }), ...labelsOf(0, 9, { ruleId: undefined })]);
    expect(t.rules).toEqual([]);
  });

  it('agreements after a change take it back, and "since" goes with it', () => {
    const labels = [...labelsOf(0, 5), ...Array.from({ length: 6 }, (_, i) => ({ ...labelsOf(1, 0)[0]!, at: 3000 + i }))];
    const r = calibrate(labels).rules[0]!;
    expect(r).toMatchObject({ agree: 6, disagree: 5, suggested: 'keep', action: 'keep' });
    expect(r.since).toBeUndefined();
  });

  it('the reader’s "keep showing" wins over the labels and is reported', () => {
    const r = calibrate(labelsOf(0, 8), { [RULE]: { at: 5000 } }).rules[0]!;
    expect(r).toMatchObject({ suggested: 'hide', action: 'keep', keptAt: 5000 });
    expect(changedRules(calibrate(labelsOf(0, 8), { [RULE]: { at: 5000 } }))).toEqual([]);
  });
});

describe('applying the table to flags', () => {
  it('hides a hidden rule’s flags, lowers a lowered rule’s, and leaves the rest', () => {
    const table = calibrate([...labelsOf(0, 6), ...labelsOf(1, 4, { ruleId: 'flattery/praises-the-question', move: 'flattery' })]);
    const flags = [
      flag(),
      flag({ move: 'flattery', ruleId: 'flattery/praises-the-question', severity: 1 }),
      flag({ move: 'flattery', ruleId: 'flattery/praises-the-question', severity: 3, start: 10, end: 17 }),
      flag({ ruleId: 'false-urgency/deadline' }),
    ];
    const out = calibrateFlags(flags, table);
    expect(out.hidden).toEqual([flags[0]]);
    expect(out.lowered).toBe(2);
    expect(out.flags.map((f) => [f.ruleId, f.severity])).toEqual([
      ['flattery/praises-the-question', 1],
      ['flattery/praises-the-question', 2],
      ['false-urgency/deadline', 2],
    ]);
  });

  it('never touches judge flags, even with the same rule id', () => {
    const table = calibrate(labelsOf(0, 9));
    const judged = flag({ source: 'judge' });
    expect(calibrateFlags([judged], table)).toEqual({ flags: [judged], hidden: [], lowered: 0 });
  });

  it('with no table, or few labels, every flag shows as it was', () => {
    const flags = [flag(), flag({ severity: 3 })];
    expect(calibrateFlags(flags, undefined).flags).toEqual(flags);
    expect(calibrateFlags(flags, calibrate(labelsOf(0, 4))).flags).toEqual(flags);
  });
});

describe('rule names for readers', () => {
  it.each([
    ['flattery/praises-the-question', 'praises the question'],
    ['learned/flattery', 'the learned tier’s own flags'],
    ['odd', 'odd'],
  ])('%s -> %s', (id, name) => expect(ruleCatchName(id)).toBe(name));
});

describe('drawingKey', () => {
  const label = (verdict: 'agree' | 'disagree', at: number, ruleId = 'false-urgency/act-now'): CalibrationLabel => ({
    ruleId,
    move: 'false-urgency',
    source: 'detector',
    verdict,
    at,
  });
  it('is the same when a new label only moves the counts, and changes when an action does', () => {
    const two = calibrate([label('disagree', 1), label('agree', 2)]);
    const three = calibrate([label('disagree', 1), label('agree', 2), label('disagree', 3)]);
    expect(JSON.stringify(two)).not.toBe(JSON.stringify(three)); // the stored table changed…
    expect(drawingKey(two)).toBe(drawingKey(three)); // …but the page would look the same
    const hidden = calibrate([1, 2, 3, 4, 5].map((at) => label('disagree', at)));
    expect(drawingKey(hidden)).toBe('false-urgency/act-now=hide');
    expect(drawingKey(hidden)).not.toBe(drawingKey(three));
    expect(drawingKey(EMPTY_CALIBRATION)).toBe('');
  });
});
