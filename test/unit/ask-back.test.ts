// "Ask for it" (shared/ask-back.ts): the detector's follow-up question per move, filled from the quote.
import { describe, expect, it } from 'vitest';
import { ASK_BACK_TEMPLATES, askBackFor, shortQuote, withAskBacks } from '#shared/ask-back';
import { detect } from '#shared/detect/index';
import { Flag, MAX_ASK_BACK_CHARS, MOVE_IDS } from '#shared/schemas';

describe('askBack templates', () => {
  it('has one question per move, each with the quote in it, short enough for a chat box', () => {
    for (const move of MOVE_IDS) {
      const template = ASK_BACK_TEMPLATES[move];
      expect(template, move).toContain('{quote}');
      expect(template.trim().endsWith('?'), move).toBe(true);
      expect(template.length + 80, move).toBeLessThanOrEqual(MAX_ASK_BACK_CHARS);
    }
  });

  it.each([
    ['unsupported', true],
    ['weak', true],
    ['supported', false],
    ['requested', false],
  ] as const)('a %s flag gets a question: %s', (support, expected) => {
    const q = askBackFor({ move: 'unsourced-authority', quote: 'Experts agree it works.', support });
    expect(q !== undefined).toBe(expected);
    if (q) expect(q).toBe('You wrote "Experts agree it works". Which study or experts is this: who found it, when, and with how many people?');
  });

  it("shortens long quotes at a word, on one line, without breaking the question's quotes", () => {
    const long = 'This is "the" most important decision\nyou will ever make in your entire life and nothing else compares to it at all';
    const s = shortQuote(long);
    expect(s.length).toBeLessThanOrEqual(81);
    expect(s.endsWith('…')).toBe(true);
    expect(s).not.toMatch(/["\n]/);
  });

  it('keeps a question a flag already has (the judge wrote it)', () => {
    const flags = withAskBacks([{ move: 'vagueness', quote: 'some people', support: 'unsupported', askBack: 'Who?' }]);
    expect(flags[0]!.askBack).toBe('Who?');
  });

  it('the detector fills it on weak and unsupported flags only, and the flags stay valid', () => {
    const text = 'Experts agree this is the best fund. Act now before it is too late! Everyone is switching to it.';
    const { flags } = detect(text);
    expect(flags.length).toBeGreaterThan(0);
    for (const f of flags) {
      expect(Flag.safeParse(f).success).toBe(true);
      if (f.support === 'weak' || f.support === 'unsupported') expect(f.askBack).toMatch(/\?$/);
      else expect(f.askBack).toBeUndefined();
    }
  });
});
