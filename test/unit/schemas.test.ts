import { describe, expect, it } from 'vitest';
import { CliInputLine, Flag, MAX_REPLY_CHARS, ScoreRequest, ScoreResult, flagsMatchText, type Flag as FlagType } from '#shared/schemas';

/** The dotted paths of every issue, so a case can say *which* field was rejected. */
function issuePaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
}

describe('ScoreRequest', () => {
  const valid: { name: string; body: unknown }[] = [
    { name: 'minimal', body: { reply: { text: 'Hi there.' } } },
    { name: 'one character', body: { reply: { text: 'k' } } },
    { name: 'at the size limit', body: { reply: { text: 'x'.repeat(MAX_REPLY_CHARS) } } },
    {
      name: 'every field',
      body: {
        reply: { text: 'You should act now.', id: 'msg-1' },
        context: {
          user: 'Should I buy?',
          previous: [
            { role: 'user', text: 'Hello' },
            { role: 'assistant', text: 'Hi! How can I help?' },
          ],
        },
        site: 'chatgpt',
        conversationId: 'c-42',
        judge: 'auto',
      },
    },
    { name: 'judge offline', body: { reply: { text: 'x' }, judge: 'offline' } },
    { name: 'judge anthropic', body: { reply: { text: 'x' }, judge: 'anthropic' } },
    { name: 'empty context', body: { reply: { text: 'x' }, context: {} } },
    { name: 'empty previous turns', body: { reply: { text: 'x' }, context: { previous: [] } } },
    { name: 'previous at the turn limit', body: { reply: { text: 'x' }, context: { previous: Array(200).fill({ role: 'user', text: 'a' }) } } },
  ];

  it.each(valid)('accepts $name', ({ body }) => {
    const result = ScoreRequest.safeParse(body);
    expect(result.error?.issues).toBeUndefined();
    expect(result.success).toBe(true);
  });

  const invalid: { name: string; body: unknown; path: string }[] = [
    { name: 'empty text', body: { reply: { text: '' } }, path: 'reply.text' },
    { name: 'text over the size limit', body: { reply: { text: 'x'.repeat(MAX_REPLY_CHARS + 1) } }, path: 'reply.text' },
    { name: 'no reply', body: { context: { user: 'hi' } }, path: 'reply' },
    { name: 'text at the top level instead of in reply', body: { text: 'Hello' }, path: 'reply' },
    { name: 'reply as a bare string', body: { reply: 'Hello' }, path: 'reply' },
    { name: 'extra nesting: reply inside reply', body: { reply: { reply: { text: 'Hello' } } }, path: 'reply.text' },
    { name: 'extra nesting: text as an object', body: { reply: { text: { value: 'Hello' } } }, path: 'reply.text' },
    { name: 'text as a number', body: { reply: { text: 42 } }, path: 'reply.text' },
    { name: 'wrong judge', body: { reply: { text: 'x' }, judge: 'gpt-4' }, path: 'judge' },
    { name: 'judge with the wrong case', body: { reply: { text: 'x' }, judge: 'Anthropic' }, path: 'judge' },
    { name: 'judge null', body: { reply: { text: 'x' }, judge: null }, path: 'judge' },
    {
      name: 'a system turn in previous',
      body: { reply: { text: 'x' }, context: { previous: [{ role: 'system', text: 'be nice' }] } },
      path: 'context.previous.0.role',
    },
    { name: 'previous as one object', body: { reply: { text: 'x' }, context: { previous: { role: 'user', text: 'a' } } }, path: 'context.previous' },
    {
      name: 'too many previous turns',
      body: { reply: { text: 'x' }, context: { previous: Array(201).fill({ role: 'user', text: 'a' }) } },
      path: 'context.previous',
    },
    { name: 'context.user as a turn object', body: { reply: { text: 'x' }, context: { user: { text: 'hi' } } }, path: 'context.user' },
    { name: 'site too long', body: { reply: { text: 'x' }, site: 's'.repeat(65) }, path: 'site' },
    { name: 'reply id too long', body: { reply: { text: 'x', id: 'i'.repeat(513) } }, path: 'reply.id' },
    { name: 'null body', body: null, path: '' },
    { name: 'array body', body: [{ reply: { text: 'x' } }], path: '' },
  ];

  it.each(invalid)('rejects $name', ({ body, path }) => {
    const result = ScoreRequest.safeParse(body);
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain(path);
  });

  it('drops unknown keys rather than passing them on', () => {
    const parsed = ScoreRequest.parse({ reply: { text: 'x', html: '<b>x</b>' }, debug: true });
    expect(parsed).toEqual({ reply: { text: 'x' } });
  });
});

const flag: FlagType = {
  move: 'unsourced-authority',
  start: 10,
  end: 23,
  quote: 'Experts agree',
  severity: 2,
  support: 'unsupported',
  rationale: 'Names no expert or study.',
  source: 'judge',
};

describe('Flag', () => {
  const valid: { name: string; value: unknown }[] = [
    { name: 'a judge flag', value: flag },
    {
      name: 'a detector flag with its rule and what would support it',
      value: { ...flag, source: 'detector', ruleId: 'experts-agree', wouldSupport: 'Name the study.' },
    },
    { name: 'offset 0, one character', value: { ...flag, start: 0, end: 1, quote: 'E' } },
    { name: 'an astral quote (2 UTF-16 units)', value: { ...flag, start: 4, end: 6, quote: '🎉' } },
    { name: 'severity 1', value: { ...flag, severity: 1 } },
    { name: 'severity 3', value: { ...flag, severity: 3 } },
    { name: 'support requested', value: { ...flag, support: 'requested' } },
    { name: 'an empty rationale', value: { ...flag, rationale: '' } },
  ];

  it.each(valid)('accepts $name', ({ value }) => {
    const result = Flag.safeParse(value);
    expect(result.error?.issues).toBeUndefined();
    expect(result.success).toBe(true);
  });

  const invalid: { name: string; value: unknown; path: string }[] = [
    { name: 'end equal to start', value: { ...flag, end: 10, quote: '' }, path: 'end' },
    { name: 'end before start', value: { ...flag, start: 23, end: 10 }, path: 'end' },
    { name: 'quote longer than end - start', value: { ...flag, quote: 'Experts agree!' }, path: 'quote' },
    { name: 'quote shorter than end - start', value: { ...flag, quote: 'Experts' }, path: 'quote' },
    { name: 'an astral quote counted as one unit', value: { ...flag, start: 4, end: 5, quote: '🎉' }, path: 'quote' },
    { name: 'negative start', value: { ...flag, start: -1, end: 12, quote: 'Experts agree' }, path: 'start' },
    { name: 'fractional offset', value: { ...flag, start: 10.5 }, path: 'start' },
    { name: 'offset as a string', value: { ...flag, end: '23' }, path: 'end' },
    { name: 'an unknown move', value: { ...flag, move: 'gaslighting' }, path: 'move' },
    { name: 'severity 0', value: { ...flag, severity: 0 }, path: 'severity' },
    { name: 'severity 4', value: { ...flag, severity: 4 }, path: 'severity' },
    { name: 'fractional severity', value: { ...flag, severity: 2.5 }, path: 'severity' },
    { name: 'an unknown support status', value: { ...flag, support: 'maybe' }, path: 'support' },
    { name: 'an unknown source', value: { ...flag, source: 'human' }, path: 'source' },
    { name: 'no rationale', value: { ...flag, rationale: undefined }, path: 'rationale' },
  ];

  it.each(invalid)('rejects $name', ({ value, path }) => {
    const result = Flag.safeParse(value);
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain(path);
  });
});

const result = {
  score: 42,
  flags: [flag],
  judge: { kind: 'anthropic', model: 'claude-haiku', promptVersion: 'p1', taxonomyVersion: 't1' },
  usage: { inputTokens: 1200, outputTokens: 300, cacheReadInputTokens: 1000, costUsd: 0.0003 },
  cached: false,
  latencyMs: 850,
};

describe('ScoreResult', () => {
  const valid: { name: string; value: unknown }[] = [
    { name: 'a full result', value: result },
    {
      name: 'score 0, no flags, offline, no usage',
      value: { ...result, score: 0, flags: [], judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' }, usage: undefined },
    },
    { name: 'score 100', value: { ...result, score: 100 } },
    { name: 'a fractional score', value: { ...result, score: 57.5 } },
    { name: 'a cached result with a notice', value: { ...result, cached: true, latencyMs: 0, notice: 'anthropic unavailable; offline judge used' } },
  ];

  it.each(valid)('accepts $name', ({ value }) => {
    const parsed = ScoreResult.safeParse(value);
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.success).toBe(true);
  });

  const invalid: { name: string; value: unknown; path: string }[] = [
    { name: 'score above 100', value: { ...result, score: 101 }, path: 'score' },
    { name: 'score below 0', value: { ...result, score: -0.5 }, path: 'score' },
    { name: 'score as a 0..1 string', value: { ...result, score: '0.4' }, path: 'score' },
    { name: 'score NaN', value: { ...result, score: Number.NaN }, path: 'score' },
    { name: 'a flag that breaks a refinement', value: { ...result, flags: [{ ...flag, end: flag.start }] }, path: 'flags.0.end' },
    { name: "judge kind 'auto' (a result names the judge that ran)", value: { ...result, judge: { ...result.judge, kind: 'auto' } }, path: 'judge.kind' },
    { name: 'no taxonomy version', value: { ...result, judge: { kind: 'offline', promptVersion: 'p' } }, path: 'judge.taxonomyVersion' },
    { name: 'no cached flag', value: { ...result, cached: undefined }, path: 'cached' },
    { name: 'negative latency', value: { ...result, latencyMs: -1 }, path: 'latencyMs' },
    { name: 'negative token count', value: { ...result, usage: { inputTokens: -5, outputTokens: 0 } }, path: 'usage.inputTokens' },
  ];

  it.each(invalid)('rejects $name', ({ value, path }) => {
    const parsed = ScoreResult.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(issuePaths(parsed)).toContain(path);
  });
});

describe('CliInputLine', () => {
  it.each([
    { id: 1, text: 'hello' },
    { id: 'a-1', text: '' },
    { id: 'a', text: 'x', context: 'the user asked ...' },
    { id: 'a', text: 'x', context: null },
    { id: 'a', text: 'x', context: { user: 'hi' } },
  ])('accepts %j', (line) => {
    expect(CliInputLine.safeParse(line).success).toBe(true);
  });
  it.each([{ text: 'no id' }, { id: 1 }, { id: true, text: 'x' }, { id: 1, text: 'x', context: 5 }])('rejects %j', (line) => {
    expect(CliInputLine.safeParse(line).success).toBe(false);
  });
});

describe('flagsMatchText', () => {
  const text = 'Honestly, Experts agree you must act now.';
  const at = (quote: string, start = text.indexOf(quote)): FlagType => ({ ...flag, start, end: start + quote.length, quote });

  it.each([
    { name: 'no flags', text, flags: [], ok: true },
    { name: 'one matching flag', text, flags: [flag], ok: true },
    { name: 'several matching flags', text, flags: [at('Experts agree'), at('act now'), at('Honestly')], ok: true },
    { name: 'a flag at the very end', text, flags: [at('now.')], ok: true },
    { name: 'one good, one shifted by one', text, flags: [flag, at('act now', text.indexOf('act now') + 1)], ok: false },
    { name: 'right length, wrong text', text, flags: [{ ...flag, quote: 'Experts AGREE' }], ok: false },
    { name: 'offsets past the end', text, flags: [at('now.!', text.length - 4)], ok: false },
    // Not a schema-valid flag (end - start != quote length), but slice() would truncate and "match".
    {
      name: 'end past the text, quote equal to the truncated slice',
      text,
      flags: [{ ...flag, start: text.length - 4, end: text.length + 3, quote: 'now.' }],
      ok: false,
    },
    { name: 'against a different reply', text: 'Something else entirely, much longer.', flags: [flag], ok: false },
    { name: 'UTF-16 offsets after an emoji', text: '🎉 Experts agree', flags: [at('Experts agree', 3)], ok: true },
    { name: 'code-point offsets after an emoji (wrong)', text: '🎉 Experts agree', flags: [at('Experts agree', 2)], ok: false },
  ])('$name -> $ok', ({ text: t, flags, ok }) => {
    expect(flagsMatchText(t, flags)).toBe(ok);
  });
});
