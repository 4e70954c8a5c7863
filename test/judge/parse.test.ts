// Getting a verdict out of model text: the first balanced JSON object, validated, or a clear problem.
import { describe, expect, it } from 'vitest';
import { extractJsonObject, parseVerdictText, validateVerdict } from '../../proxy/judges/anthropic/parse.ts';

const FLAG = { quote: 'q', move: 'bandwagon', reason: 'r', support: 'weak', wouldSupport: 'w', severity: 2 };
const VERDICT = JSON.stringify({ flags: [FLAG] });

describe('extractJsonObject', () => {
  it.each([
    ['plain object', VERDICT, VERDICT],
    ['json fence', `\`\`\`json\n${VERDICT}\n\`\`\``, VERDICT],
    ['bare fence', `\`\`\`\n${VERDICT}\n\`\`\``, VERDICT],
    ['prose around', `Here is the verdict: ${VERDICT} Let me know!`, VERDICT],
    ['prose with a brace first', `Using {curly} notes: ${VERDICT}`, VERDICT],
    ['braces and quotes inside strings', '{"flags": [], "note": "a } and a \\" and {"}', '{"flags": [], "note": "a } and a \\" and {"}'],
    ['nested objects', '{"a": {"b": {"c": 1}}} trailing', '{"a": {"b": {"c": 1}}}'],
    ['the first of two objects', '{"flags": []} {"flags": [1]}', '{"flags": []}'],
  ])('%s', (_name, text, expected) => {
    expect(extractJsonObject(text)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['prose only', 'The reply looks fine to me.'],
    ['truncated', '{"flags": [{"quote": "abc'],
    ['an array, not an object', '[1, 2, 3]'],
  ])('none in %s', (_name, text) => {
    expect(extractJsonObject(text)).toBeNull();
  });
});

describe('parseVerdictText / validateVerdict', () => {
  it('returns the whole verdict when valid', () => {
    expect(parseVerdictText(`Sure:\n${VERDICT}`)).toEqual({ ok: true, verdict: { flags: [FLAG] } });
    expect(validateVerdict({ flags: [] })).toEqual({ ok: true, verdict: { flags: [] } });
  });

  it('names the fields that are wrong, never returning part of the verdict', () => {
    const outcome = parseVerdictText(JSON.stringify({ flags: [FLAG, { ...FLAG, move: 'nope', severity: 9 }] }));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problem).toMatch(/flags\.1\.move/);
    expect(outcome.problem).toMatch(/flags\.1\.severity/);
    expect('verdict' in outcome).toBe(false);
  });

  it('says when there is nothing to parse', () => {
    expect(parseVerdictText('')).toEqual({ ok: false, problem: 'The answer was empty.' });
    expect(parseVerdictText('no json')).toEqual({ ok: false, problem: 'The answer contains no complete JSON object.' });
    expect(parseVerdictText('{"verdict": "fine"}')).toMatchObject({ ok: false, problem: expect.stringMatching(/flags/) });
  });
});
