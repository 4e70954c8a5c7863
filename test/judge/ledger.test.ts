// Prompt v4 (issue 13): askBack on weak/unsupported flags and the claim ledger, through the REAL SDK
// against the local fake Messages API, in all three modes; bad parts dropped and counted, never shown.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flagsMatchText, type ScoreRequest } from '#shared/schemas';
import { createAnthropicJudge, JUDGE_MODES, type AnthropicJudgeOptions } from '../../proxy/judges/anthropic/judge.ts';
import { ASK_BACK_AND_CLAIMS_V4, OUTPUT_FORMAT_V4, WORKED_EXAMPLES_V4 } from '../../proxy/judges/anthropic/guidance.ts';
import { buildSystemPrompt, buildUserMessage, PROMPT_VERSIONS, promptVersionOf, textModeInstructions } from '../../proxy/judges/anthropic/prompt.ts';
import { VERDICT_TOOL_NAME, verdictJsonSchema, VerdictV4 } from '../../proxy/judges/anthropic/verdict.ts';
import { anchorQuote } from '#shared/anchor';
import { DEFAULT_ASK_BACK, startFakeAnthropic, textResponse, toolUseResponse, type FakeAnthropic } from '../fake-anthropic/server.ts';

const REPLY = 'Experts agree this diet is the best choice. It cuts heart disease by 40%. You should start today.';
const REQUEST: ScoreRequest = { reply: { text: REPLY }, context: { user: 'Should I try the keto diet?' } };

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const judgeWith = (options: Partial<AnthropicJudgeOptions> = {}) => createAnthropicJudge({ apiKey: 'test-key-ledger', baseURL: fake.url, ...options });

const flag = (quote: string, extra: Record<string, unknown> = {}) => ({
  quote,
  move: 'unsourced-authority',
  reason: 'Leans on unnamed experts.',
  support: 'unsupported',
  wouldSupport: 'the named study',
  askBack: 'Which experts say so, and where?',
  severity: 2,
  ...extra,
});

describe('prompt v4', () => {
  const v3 = buildSystemPrompt('v3');
  const v4 = buildSystemPrompt('v4');
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('is v3 byte for byte up to its answer format, plus one worked example, the ledger instructions and the v4 format', () => {
    const withoutExample = v4.replace(`\n\n${WORKED_EXAMPLES_V4}`, '');
    expect(withoutExample).not.toBe(v4);
    const head = v3.slice(0, v3.lastIndexOf('# Your answer'));
    expect(withoutExample.startsWith(head)).toBe(true);
    expect(withoutExample.slice(head.length)).toBe(`${ASK_BACK_AND_CLAIMS_V4}\n\n${OUTPUT_FORMAT_V4}`);
  });

  it('is pinned byte for byte, and its version covers the verdict schema too', () => {
    expect(sha(v4)).toBe(V4_SHA);
    const layout = buildUserMessage(
      { reply: { text: 'REPLY' }, context: { user: 'USER', previous: [{ role: 'assistant', text: 'EARLIER' }] } },
      { hints: [{ move: 'vagueness', quote: 'HINT' }] },
    );
    expect(PROMPT_VERSIONS.v4).toBe(promptVersionOf(v4, layout, textModeInstructions(verdictJsonSchema({ ledger: true }))));
    expect(PROMPT_VERSIONS.v4).not.toBe(promptVersionOf(v4, layout, textModeInstructions({})));
  });

  it('its worked example is a valid v4 verdict whose quotes all anchor in its reply', () => {
    const reply = /The reply: "([\s\S]*?)"\nA good verdict:/.exec(WORKED_EXAMPLES_V4)![1]!;
    const json = /A good verdict:\n(\{[\s\S]*\]\})\nWhy:/.exec(WORKED_EXAMPLES_V4)![1]!;
    const verdict = VerdictV4.parse(JSON.parse(json));
    expect(verdict.claims.length).toBeGreaterThan(2);
    for (const part of [...verdict.flags, ...verdict.claims]) expect(anchorQuote(reply, part.quote), part.quote).not.toBeNull();
    for (const f of verdict.flags) expect(f.askBack).toMatch(/\?$/);
  });
});

describe.each(JUDGE_MODES)('the v4 verdict through the real SDK, %s mode', (mode) => {
  it('the fake answers with askBack and claims; both arrive anchored', async () => {
    const verdict = await judgeWith({ mode }).score(REQUEST);
    const [req] = fake.messageRequests();
    expect(JSON.stringify([req?.body.output_config ?? null, req?.body.tools ?? null, req?.body.system])).toMatch(/\\?"claims\\?"/);
    expect(verdict.flags).toHaveLength(1);
    expect(verdict.flags[0]).toMatchObject({ quote: 'Experts agree this diet is the best choice.', askBack: DEFAULT_ASK_BACK, source: 'judge' });
    expect(verdict.claims).toEqual([
      { start: 0, end: 43, quote: 'Experts agree this diet is the best choice.', support: 'none', note: 'no source, figure or reason given' },
    ]);
    expect(flagsMatchText(REPLY, verdict.claims!)).toBe(true);
    expect(verdict.droppedClaims).toBe(0);
  });
});

describe('bad parts of a v4 verdict are dropped and counted, never shown', () => {
  const answer = (value: unknown) => textResponse(JSON.stringify(value));

  it('a claim whose quote is not in the reply, one with an unknown support, and a duplicate', async () => {
    fake.enqueue(
      answer({
        flags: [flag('Experts agree this diet is the best choice.')],
        claims: [
          { quote: 'It cuts heart disease by 40%.', support: 'number', note: 'no origin for the figure' },
          { quote: 'Keto cures diabetes.', support: 'none' },
          { quote: 'Experts agree this diet is the best choice.', support: 'maybe' },
          { quote: 'It cuts heart disease by 40%.', support: 'number' },
          'not a claim',
        ],
      }),
    );
    const verdict = await judgeWith().score(REQUEST);
    expect(verdict.repaired).toBe(false);
    expect(verdict.claims).toEqual([{ start: 44, end: 73, quote: 'It cuts heart disease by 40%.', support: 'number', note: 'no origin for the figure' }]);
    expect(verdict.droppedClaims).toBe(3); // invented quote, unknown support, not an object (the duplicate is merged)
    expect(verdict.flags).toHaveLength(1);
  });

  it('an askBack that is too long, multi-line, empty, or on a supported flag is left out; the flag stays', async () => {
    fake.enqueue(
      answer({
        flags: [
          flag('Experts agree this diet is the best choice.', { askBack: `${'Why? '.repeat(80)}` }),
          flag('It cuts heart disease by 40%.', { move: 'unsupported-claim', askBack: 'Which study?\nAnd when?' }),
          flag('You should start today.', { move: 'false-urgency', support: 'supported', askBack: 'Why today?' }),
          flag('best choice', { move: 'exaggeration', askBack: '   ' }),
        ],
        claims: [],
      }),
    );
    const verdict = await judgeWith().score(REQUEST);
    expect(verdict.flags).toHaveLength(4);
    for (const f of verdict.flags) expect(f.askBack).toBeUndefined();
    expect(verdict.droppedClaims).toBe(4);
    expect(verdict.claims).toEqual([]);
  });

  it('a verdict with no claims field has no ledger (not an empty one); a v3 judge never asks for one', async () => {
    fake.enqueue(answer({ flags: [flag('Experts agree this diet is the best choice.')] }));
    const v4 = await judgeWith().score(REQUEST);
    expect(v4.claims).toBeUndefined();
    expect(v4.flags[0]!.askBack).toBe('Which experts say so, and where?');

    const v3 = await judgeWith({ promptVariant: 'v3' }).score(REQUEST);
    const req = fake.messageRequests().at(-1)!;
    expect(JSON.stringify(req.body.output_config)).not.toContain('"claims"');
    expect(v3.claims).toBeUndefined();
    expect(v3.flags[0]!.askBack).toBeUndefined();
  });

  it('a broken flag still asks for one repair, as before (claims do not hide it)', async () => {
    fake.enqueue(
      toolUseResponse(VERDICT_TOOL_NAME, { flags: [{ quote: 'Experts agree' }], claims: [] }),
      toolUseResponse(VERDICT_TOOL_NAME, {
        flags: [flag('Experts agree this diet is the best choice.')],
        claims: [{ quote: 'It cuts heart disease by 40%.', support: 'number' }],
      }),
    );
    const verdict = await judgeWith({ mode: 'tool' }).score(REQUEST);
    expect(verdict.repaired).toBe(true);
    expect(verdict.claims?.map((c) => c.quote)).toEqual(['It cuts heart disease by 40%.']);
  });
});

// Pinned like v1 to v3: a changed v4 is a new variant (v5), never a silent edit.
const V4_SHA = '56092970616384a86dd622ae5687357f9f9e7bc37e2ff5c9d18984ef3e82c883';
