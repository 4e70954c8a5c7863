// Convention tests: the taxonomy is data that the detector, the judge prompt, the legend and
// exports all read, so a missing or half-written move must fail here, not in the UI.
import { describe, expect, it } from 'vitest';
import { MOVE_IDS } from '#shared/schemas';
import { FAMILIES, FAMILY_INFO, MOVES, MOVES_BY_ID, MoveDefinition, moveById, parseMoves, taxonomyVersion } from '#shared/taxonomy';

describe('taxonomy conventions', () => {
  it('has a non-empty version', () => {
    expect(taxonomyVersion.trim()).not.toBe('');
  });

  it('defines every MOVE_ID exactly once and nothing else', () => {
    const ids = MOVES.map((m) => m.id);
    expect([...ids].sort()).toEqual([...MOVE_IDS].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(20);
  });

  it('indexes every move by its id', () => {
    expect(Object.keys(MOVES_BY_ID).sort()).toEqual([...MOVE_IDS].sort());
    for (const move of MOVES) expect(MOVES_BY_ID[move.id]).toBe(move);
  });

  it('has unique names', () => {
    const names = MOVES.map((m) => m.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps the family list short enough for one colour each, and uses every family', () => {
    expect(FAMILIES.length).toBeGreaterThanOrEqual(5);
    expect(FAMILIES.length).toBeLessThanOrEqual(7);
    expect(new Set(MOVES.map((m) => m.family))).toEqual(new Set(FAMILIES));
    expect(Object.keys(FAMILY_INFO).sort()).toEqual([...FAMILIES].sort());
  });

  describe.each(MOVES.map((m) => [m.id, m] as const))('%s', (_id, move) => {
    it('passes the schema', () => {
      expect(MoveDefinition.safeParse(move).success).toBe(true);
    });
    it('has at least 2 examples and 2 counter-examples, all distinct', () => {
      expect(move.examples.length).toBeGreaterThanOrEqual(2);
      expect(move.counterExamples.length).toBeGreaterThanOrEqual(2);
      const all = [...move.examples, ...move.counterExamples].map((s) => s.trim());
      expect(new Set(all).size).toBe(all.length);
    });
    it('reads like plain language: a definition of one or two sentences', () => {
      const sentences = move.definition.split(/(?<=[.!?])\s+(?=[A-Z])/).filter((s) => s.trim());
      expect(sentences.length).toBeGreaterThanOrEqual(1);
      expect(sentences.length).toBeLessThanOrEqual(2);
      expect(move.definition.length).toBeLessThan(260);
      expect(move.supportedWhen.length).toBeGreaterThan(20);
    });
  });

  it('is frozen: consumers cannot edit the shared definitions', () => {
    expect(Object.isFrozen(MOVES)).toBe(true);
    expect(Object.isFrozen(MOVES_BY_ID)).toBe(true);
  });
});

describe('moveById', () => {
  it.each(MOVE_IDS.map((id) => [id]))('finds %s', (id) => {
    expect(moveById(id)?.id).toBe(id);
  });
  it.each([['constructor'], ['__proto__'], ['toString'], [''], ['Flattery'], ['flattery ']])('returns undefined for %j', (id) => {
    expect(moveById(id)).toBeUndefined();
  });
});

describe('parseMoves (the load-time check)', () => {
  const good = MOVES.map((m) => ({ ...m }));

  it('accepts the real list', () => {
    expect(parseMoves(good).map((m) => m.id)).toEqual(MOVES.map((m) => m.id));
  });

  it.each([
    {
      name: 'a bad family, naming the move',
      raw: good.map((m) => (m.id === 'bandwagon' ? { ...m, family: 'vibes' } : m)),
      error: /"bandwagon".*family/,
    },
    {
      name: 'too few counter-examples, naming the move',
      raw: good.map((m) => (m.id === 'flattery' ? { ...m, counterExamples: ['only one'] } : m)),
      error: /"flattery".*counterExamples/,
    },
    {
      name: 'an empty definition',
      raw: good.map((m) => (m.id === 'vagueness' ? { ...m, definition: '' } : m)),
      error: /"vagueness".*definition/,
    },
    {
      name: 'a misspelt field (strict schema)',
      raw: good.map((m) => (m.id === 'straw-man' ? { ...m, counterExample: ['x'] } : m)),
      error: /"straw-man"/,
    },
    {
      name: 'an unknown id',
      raw: [...good, { ...good[0]!, id: 'gaslighting' }],
      error: /"gaslighting"/,
    },
    {
      name: 'a duplicate id',
      raw: [...good, good[3]!],
      error: new RegExp(`"${good[3]!.id}" is defined twice`),
    },
    {
      name: 'a missing move',
      raw: good.filter((m) => m.id !== 'sycophancy'),
      error: /no definition for "sycophancy"/,
    },
  ])('rejects $name', ({ raw, error }) => {
    expect(() => parseMoves(raw)).toThrow(error);
  });
});
