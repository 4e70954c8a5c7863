// "Did asking help?": a user turn that carries a previous reply's askBack question counts as asked;
// the answer got support when it has fewer weak or unsupported flags of that move and, when its
// score has a claim ledger, at least one claim with some backing.
import { describe, expect, it } from 'vitest';
import { askOutcomes, summarizeAsks, type AskReply } from '../../extension/dashboard/askback-data.ts';

const Q = 'Which study is this based on: who ran it, when, and with how many people?';
const flag = (move: 'unsourced-authority' | 'flattery', support: 'unsupported' | 'weak' | 'supported', askBack?: string) => ({
  move,
  support,
  quote: 'Experts agree',
  ...(askBack ? { askBack } : {}),
});
const asked: AskReply = {
  key: 'a1',
  userTurn: 'Is it true?',
  flags: [flag('unsourced-authority', 'unsupported', Q), flag('flattery', 'unsupported', 'Why praise?')],
};

describe('askOutcomes', () => {
  it.each<[string, AskReply, Partial<ReturnType<typeof askOutcomes>[number]> | null]>([
    [
      'an answer that names its source: support',
      { key: 'a2', userTurn: Q, flags: [flag('unsourced-authority', 'supported')] },
      { move: 'unsourced-authority', before: 1, after: 0, gotSupport: true, scored: true },
    ],
    [
      'the question with words around it, whitespace and case changed, still counts',
      { key: 'a2', userTurn: `Thanks. ${Q.toUpperCase().replace(/ /g, '  ')} I'd like to check.`, flags: [] },
      { gotSupport: true },
    ],
    [
      'an answer that still leans on unnamed experts: no support',
      { key: 'a2', userTurn: Q, flags: [flag('unsourced-authority', 'weak')] },
      { before: 1, after: 1, gotSupport: false },
    ],
    [
      'an answer that dodges (no flags, but its ledger backs nothing): no support',
      { key: 'a2', userTurn: Q, flags: [], claims: [{ support: 'none' }] },
      { before: 1, after: 0, backedClaims: 0, gotSupport: false },
    ],
    ['an answer with an empty ledger (no claim at all): no support', { key: 'a2', userTurn: Q, flags: [], claims: [] }, { backedClaims: 0, gotSupport: false }],
    [
      'an answer whose ledger names a source: support',
      { key: 'a2', userTurn: Q, flags: [], claims: [{ support: 'none' }, { support: 'source' }] },
      { backedClaims: 1, gotSupport: true },
    ],
    [
      'a backed claim alone is not enough: the move is still unsupported',
      { key: 'a2', userTurn: Q, flags: [flag('unsourced-authority', 'unsupported')], claims: [{ support: 'number' }] },
      { before: 1, after: 1, backedClaims: 1, gotSupport: false },
    ],
    ['an answer not scored yet: asked, not judged', { key: 'a2', userTurn: Q }, { scored: false, gotSupport: false }],
    ['a next turn that asks something else: not counted', { key: 'a2', userTurn: 'What about bonds?', flags: [] }, null],
    ['a half-typed question: not counted', { key: 'a2', userTurn: 'Which study is this based on?', flags: [] }, null],
  ])('%s', (_name, next, expected) => {
    const out = askOutcomes([asked, next]);
    if (expected === null) expect(out).toEqual([]);
    else expect(out).toEqual([expect.objectContaining({ askedAbout: 'a1', answer: 'a2', question: Q, ...expected })]);
  });

  it('needs the asked-about reply to be scored', () => {
    expect(
      askOutcomes([
        { key: 'a1', userTurn: 'x' },
        { key: 'a2', userTurn: Q, flags: [] },
      ]),
    ).toEqual([]);
  });
});

describe('summarizeAsks', () => {
  it('counts asked, answered and answered with support across conversations', () => {
    const summary = summarizeAsks([
      [asked, { key: 'a2', userTurn: Q, flags: [] }],
      [asked, { key: 'b2', userTurn: Q, flags: [flag('unsourced-authority', 'unsupported')] }],
      [asked, { key: 'c2', userTurn: Q }],
      [asked, { key: 'd2', userTurn: 'Thanks!', flags: [] }],
    ]);
    expect(summary).toMatchObject({ asked: 3, answered: 2, gotSupport: 1 });
  });
});
