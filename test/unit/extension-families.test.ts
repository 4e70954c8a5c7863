// One highlight colour per move family: every move maps to a family with its own colour, and the
// highlight names and rules cover every family at every severity.
import { describe, expect, it } from 'vitest';
import { FAMILIES, MOVES } from '../../shared/taxonomy.ts';
import { familyCounts } from '../../extension/ui/badge.ts';
import { clampSeverity, FAMILY_COLOURS, familyOf, highlightName, highlightStyles, SEVERITY_DECORATION } from '../../extension/ui/families.ts';

describe('family colours', () => {
  it('gives every family its own colour, and nothing else', () => {
    expect(Object.keys(FAMILY_COLOURS).sort()).toEqual([...FAMILIES].sort());
    expect(new Set(Object.values(FAMILY_COLOURS).map((c) => c.line)).size).toBe(FAMILIES.length);
    expect(new Set(Object.values(FAMILY_COLOURS).map((c) => c.fill)).size).toBe(FAMILIES.length);
  });

  it.each(MOVES.map((m) => [m.id, m.family] as const))('%s is drawn in the colour of its family (%s)', (id, family) => {
    expect(familyOf(id)).toBe(family);
    expect(FAMILY_COLOURS[familyOf(id)]).toBe(FAMILY_COLOURS[family]);
  });

  it.each([
    ['flattery', 'rapport'],
    ['false-urgency', 'emotion'],
    ['unsourced-authority', 'authority'],
    ['false-dilemma', 'logic'],
    ['exaggeration', 'evidence'],
    ['distraction', 'deflection'],
    ['self-serving-bias', 'interest'],
    ['not-a-move', 'evidence'],
    ['constructor', 'evidence'],
  ])('familyOf(%s) = %s', (move, family) => {
    expect(familyOf(move)).toBe(family);
  });
});

describe('highlight names and rules', () => {
  it.each([
    ['emotion', 1, 'unspun-sev-1-emotion'],
    ['logic', 3, 'unspun-sev-3-logic'],
    ['rapport', 7, 'unspun-sev-3-rapport'],
    ['interest', 0, 'unspun-sev-1-interest'],
  ] as const)('%s at severity %i is %s', (family, severity, name) => {
    expect(highlightName(family, severity)).toBe(name);
  });

  it('covers every family at every severity, colour by family and underline by severity', () => {
    const styles = highlightStyles();
    expect(styles).toHaveLength(FAMILIES.length * 3);
    expect(new Set(styles.map((s) => s.name)).size).toBe(styles.length);
    for (const s of styles) {
      expect(s.css).toContain(`::highlight(${s.name})`);
      expect(s.css).toContain(FAMILY_COLOURS[s.family].fill);
      expect(s.css).toContain(`underline ${SEVERITY_DECORATION[s.severity]} ${FAMILY_COLOURS[s.family].line}`);
    }
  });

  it.each([
    [-1, 1],
    [1, 1],
    [2, 2],
    [2.5, 2],
    [3, 3],
    [9, 3],
  ])('clampSeverity(%d) = %d', (input, expected) => {
    expect(clampSeverity(input)).toBe(expected);
  });
});

describe('badge counts by family', () => {
  it('counts flags per family in taxonomy order, leaving out families with none', () => {
    const flags = [{ move: 'flattery' }, { move: 'false-urgency' }, { move: 'sycophancy' }, { move: 'false-dilemma' }] as const;
    expect(familyCounts(flags)).toEqual([
      { family: 'emotion', count: 1 },
      { family: 'rapport', count: 2 },
      { family: 'logic', count: 1 },
    ]);
    expect(familyCounts([])).toEqual([]);
  });
});
