// Prompt v4 through the proxy (issue 13): the ScoreResult carries the claim ledger and askBack, both
// survive the result cache, and a result cached under another prompt (v3) is never served to v4:
// the cache keys on the prompt's content hash.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askBackFor } from '#shared/ask-back';
import { flagsMatchText, ScoreResult } from '#shared/schemas';
import { createAnthropicJudge } from '../../proxy/judges/anthropic/judge.ts';
import { PROMPT_VERSIONS } from '../../proxy/judges/anthropic/prompt.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { DEFAULT_ASK_BACK, type FakeAnthropic, startFakeAnthropic, textResponse } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const KEY = `${'sk-ant'}-test-ledger-0123456789`;
const REPLY = 'Experts agree this is the best plan. It cut costs by 40% in 2023. You should sign up today.';

let dir: string;
let fake: FakeAnthropic;
const running: TestProxy[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-ledger-cache-'));
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(variant?: 'v3' | 'v4') {
  const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url };
  const judges = variant
    ? { offline: createOfflineJudge(), anthropic: createAnthropicJudge({ apiKey: KEY, baseURL: fake.url, promptVariant: variant }) }
    : undefined;
  const proxy = await startTestProxy({ configDir: dir, env, ...(judges ? { judges } : {}) });
  running.push(proxy);
  return proxy;
}
async function score(proxy: TestProxy, body: unknown = { reply: { text: REPLY } }) {
  const res = await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ScoreResult.parse(await res.json());
}
async function stop(proxy: TestProxy) {
  await proxy.close();
  running.splice(running.indexOf(proxy), 1);
}

describe('the claim ledger through the proxy', () => {
  it("a result cached under prompt v3 is not served after the upgrade to v4; v4's own entry keeps claims and askBack", async () => {
    const old = await start('v3');
    const v3 = await score(old);
    expect(v3.judge.promptVersion).toBe(PROMPT_VERSIONS.v3);
    expect(v3.claims).toBeUndefined();
    await stop(old);

    const upgraded = await start('v4');
    const v4 = await score(upgraded);
    expect(v4.cached, 'not answered from the v3 entry').toBe(false);
    expect(fake.messageRequests()).toHaveLength(2);
    expect(v4.judge.promptVersion).toBe(PROMPT_VERSIONS.v4);
    expect(v4.flags[0]!.askBack).toBe(DEFAULT_ASK_BACK);
    expect(v4.claims).toHaveLength(1);
    expect(flagsMatchText(REPLY, v4.claims!)).toBe(true);

    const again = await score(upgraded, { reply: { text: REPLY, id: 'other' } });
    expect(again.cached).toBe(true);
    expect(again.claims).toEqual(v4.claims);
    expect(again.flags).toEqual(v4.flags);
    expect(fake.messageRequests()).toHaveLength(2);
  });

  it('claims the judge invented are dropped and counted in the result, never returned', async () => {
    const proxy = await start();
    fake.enqueue(
      textResponse(
        JSON.stringify({
          flags: [],
          claims: [
            { quote: 'It cut costs by 40% in 2023.', support: 'number' },
            { quote: 'Everyone loves it.', support: 'none' },
          ],
        }),
      ),
    );
    const result = await score(proxy);
    expect(result.claims).toEqual([{ start: 37, end: 65, quote: 'It cut costs by 40% in 2023.', support: 'number' }]);
    expect(result.droppedClaims).toBe(1);
  });

  it('a weak or unsupported flag the judge left without a valid question gets the move template; its own is kept; a supported flag gets none', async () => {
    const proxy = await start();
    const flag = (quote: string, move: string, support: string, askBack?: string) => ({
      quote,
      move,
      reason: 'r',
      support,
      wouldSupport: 'w',
      ...(askBack !== undefined ? { askBack } : {}),
      severity: 2,
    });
    fake.enqueue(
      textResponse(
        JSON.stringify({
          flags: [
            flag('Experts agree this is the best plan.', 'unsourced-authority', 'unsupported', 'Which experts, and where?'),
            flag('It cut costs by 40% in 2023.', 'unsupported-claim', 'weak'),
            flag('You should sign up today.', 'false-urgency', 'unsupported', `${'Why? '.repeat(80)}`),
            flag('best plan', 'exaggeration', 'supported'),
          ],
          claims: [],
        }),
      ),
    );
    const result = await score(proxy);
    const byMove = Object.fromEntries(result.flags.map((f) => [f.move, f]));
    expect(byMove['unsourced-authority']!.askBack).toBe('Which experts, and where?');
    expect(byMove['unsupported-claim']!.askBack).toBe(askBackFor(byMove['unsupported-claim']!));
    expect(byMove['unsupported-claim']!.askBack).toContain('It cut costs by 40% in 2023');
    expect(byMove['false-urgency']!.askBack).toBe(askBackFor(byMove['false-urgency']!));
    expect(byMove.exaggeration!.askBack).toBeUndefined();
    // The too-long question still counts as dropped: the template is ours, not the judge's.
    expect(result.droppedClaims).toBe(1);
  });

  it('the offline judge gives the sentence-level ledger', async () => {
    const proxy = await start();
    const result = await score(proxy, { reply: { text: REPLY }, judge: 'offline' });
    expect(result.claims?.map((c) => c.support)).toEqual(['none', 'number']);
    expect(flagsMatchText(REPLY, result.claims!)).toBe(true);
  });
});
