// Dashboard filters: the conversation-level predicate (table of matching and non-matching cases)
// and the URL round trip, which drops anything malformed.
import { describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../shared/records.ts';
import { isEmptyFilter, matchesFilter, parseFilter, serializeFilter, type DashboardFilter } from '../../extension/dashboard/filters.ts';

const conv: ConversationRecord = {
  key: 'chatgpt:c1',
  site: 'chatgpt',
  conversationId: 'c1',
  firstCapturedAt: 1_000,
  lastCapturedAt: 5_000,
  messageCount: 2,
  charCount: 300,
  scoredCount: 2,
  flagCount: 3,
  maxScore: 62,
  flagged: 1,
  moves: ['bandwagon', 'flattery'],
  supports: ['unsupported', 'weak'],
  models: ['GPT-5'],
  labelCount: 1,
  labeled: 1,
};
const clean: ConversationRecord = {
  ...conv,
  key: 'claude:c2',
  site: 'claude',
  flagCount: 0,
  maxScore: 3,
  flagged: 0,
  moves: [],
  supports: [],
  models: [],
  labelCount: 0,
  labeled: 0,
};
const unscored: ConversationRecord = { ...clean, key: 'claude:c3', maxScore: -1, scoredCount: 0 };
/** Stored before v3 summaries: only site, dates and text can match it. */
const legacy: ConversationRecord = { key: 'gemini:c4', site: 'gemini', conversationId: 'c4', firstCapturedAt: 1, lastCapturedAt: 2 };

const cases: Array<[string, DashboardFilter, ConversationRecord, boolean]> = [
  ['empty filter matches', {}, conv, true],
  ['empty filter matches a legacy record', {}, legacy, true],
  ['site matches', { site: 'chatgpt' }, conv, true],
  ['site does not match', { site: 'claude' }, conv, false],
  ['model matches', { model: 'GPT-5' }, conv, true],
  ['model does not match', { model: 'Claude' }, conv, false],
  ['model filter never matches a conversation without models', { model: 'GPT-5' }, clean, false],
  ['move matches', { move: 'flattery' }, conv, true],
  ['move does not match', { move: 'straw-man' }, conv, false],
  ['move filter on a legacy record', { move: 'flattery' }, legacy, false],
  ['support matches', { support: 'weak' }, conv, true],
  ['support does not match', { support: 'requested' }, conv, false],
  ['score range contains the max', { scoreMin: 60, scoreMax: 70 }, conv, true],
  ['score range inclusive at both ends', { scoreMin: 62, scoreMax: 62 }, conv, true],
  ['score below min', { scoreMin: 63 }, conv, false],
  ['score above max', { scoreMax: 61 }, conv, false],
  ['score 0..100 excludes unscored', { scoreMin: 0, scoreMax: 100 }, unscored, false],
  ['date inside', { from: 4_000, to: 6_000 }, conv, true],
  ['date before from', { from: 5_001 }, conv, false],
  ['date after to', { to: 4_999 }, conv, false],
  ['flagged only keeps flagged', { flaggedOnly: true }, conv, true],
  ['flagged only drops clean', { flaggedOnly: true }, clean, false],
  ['has my label keeps labelled', { labeledOnly: true }, conv, true],
  ['has my label drops unlabelled', { labeledOnly: true }, clean, false],
  [
    'all together',
    { site: 'chatgpt', model: 'GPT-5', move: 'bandwagon', support: 'unsupported', scoreMin: 50, from: 0, to: 9_999, flaggedOnly: true, labeledOnly: true },
    conv,
    true,
  ],
  ['all together but one', { site: 'chatgpt', model: 'GPT-5', move: 'bandwagon', support: 'requested', scoreMin: 50, flaggedOnly: true }, conv, false],
];

describe('matchesFilter', () => {
  it.each(cases)('%s', (_name, filter, record, expected) => {
    expect(matchesFilter(record, filter)).toBe(expected);
  });

  it('text filter: only conversations the search found', () => {
    expect(matchesFilter(conv, { text: 'x' }, new Set(['chatgpt:c1']))).toBe(true);
    expect(matchesFilter(conv, { text: 'x' }, new Set(['claude:c2']))).toBe(false);
  });
});

describe('filter in the URL', () => {
  it('round-trips every field', () => {
    const f: DashboardFilter = {
      site: 'claude',
      model: 'Opus',
      move: 'false-urgency',
      support: 'weak',
      scoreMin: 10,
      scoreMax: 90,
      from: 100,
      to: 200,
      flaggedOnly: true,
      labeledOnly: true,
      text: 'act now',
    };
    expect(parseFilter(serializeFilter(f))).toEqual(f);
    expect(parseFilter(serializeFilter({}))).toEqual({});
  });

  it.each([
    ['an unknown move', 'move=made-up', {}],
    ['an unknown support status', 'support=maybe', {}],
    ['a score that is not a number', 'scoreMin=abc', {}],
    ['scores outside 0..100 (clamped)', 'scoreMin=-5&scoreMax=500', { scoreMin: 0, scoreMax: 100 }],
    ['a negative date', 'from=-1', {}],
    ['blank text', 'q=%20%20', {}],
    ['flags other than 1', 'flagged=yes&labeled=0', {}],
    ['unknown keys', 'evil=1', {}],
  ])('drops or clamps %s', (_name, query, expected) => {
    expect(parseFilter(new URLSearchParams(query))).toEqual(expected);
  });

  it('isEmptyFilter', () => {
    expect(isEmptyFilter({})).toBe(true);
    expect(isEmptyFilter({ flaggedOnly: false, text: '' })).toBe(true);
    expect(isEmptyFilter({ site: 'x' })).toBe(false);
  });
});
