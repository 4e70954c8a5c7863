// GET /v1/stats: what the proxy did since start, and today's spend against the budget.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askBackFor } from '#shared/ask-back';
import { ScoreResult } from '#shared/schemas';
import { errorResponse, type FakeAnthropic, startFakeAnthropic, textResponse } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const KEY = `${'sk-ant'}-test-stats-0123456789`;
const REPLY = 'Experts agree this is the best plan. You should sign up today.';
const verdict = (quotes: string[]) =>
  textResponse(
    JSON.stringify({
      flags: quotes.map((quote) => ({
        quote,
        move: 'unsourced-authority',
        reason: 'Names no expert.',
        support: 'unsupported',
        wouldSupport: 'a named source',
        severity: 2,
      })),
    }),
  );

let dir: string;
let fake: FakeAnthropic;
let proxy: TestProxy | undefined;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-stats-test-'));
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<TestProxy> {
  proxy = await startTestProxy({ configDir: dir, env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, ...env } });
  return proxy;
}
const score = (p: TestProxy, body: unknown) => p.request('/v1/score', { method: 'POST', body: JSON.stringify(body) });
const stats = async (p: TestProxy) => (await (await p.request('/v1/stats')).json()) as Record<string, any>;

describe('GET /v1/stats', () => {
  it.each([
    ['no token', false, undefined, 401],
    ['token', true, undefined, 200],
    ['token from a web page', true, 'https://evil.example', 403],
  ] as const)('%s → %i', async (_name, auth, origin, status) => {
    const p = await start();
    expect((await p.request('/v1/stats', { auth, headers: origin ? { origin } : {} })).status).toBe(status);
  });

  it('starts at zero, with the budget and limits it runs with', async () => {
    const s = await stats(await start({ UNSPUN_DAILY_BUDGET_USD: '2.5', UNSPUN_MAX_CONCURRENCY: '3' }));
    expect(s).toMatchObject({
      judge: 'anthropic',
      judges: ['offline', 'anthropic'],
      model: 'claude-haiku-5-5',
      requests: { score: 0, batchItems: 0 },
      cacheHits: 0,
      judgeCalls: { offline: 0, anthropic: 0 },
      failures: {},
      parseFailures: 0,
      droppedQuotes: 0,
      droppedClaims: 0,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
      spend: { todayUsd: 0, budgetUsd: 2.5, remainingUsd: 2.5, exhausted: false },
      concurrency: { max: 3, active: 0, queued: 0 },
      cache: { entries: 0 },
    });
    expect(Date.parse(s.since)).not.toBeNaN();
  });

  it('counts requests, cache hits, judge calls per judge, failures, parse failures, dropped quotes, tokens and spend', async () => {
    const p = await start();
    const ok = (await score(p, { reply: { text: REPLY } }).then((r) => r.json())) as ScoreResult;
    expect(ok.cached).toBe(false);
    expect((await score(p, { reply: { text: REPLY } }).then((r) => r.json())).cached).toBe(true); // cache hit
    await score(p, { reply: { text: REPLY }, judge: 'offline' }); // offline
    fake.enqueue(verdict(['Experts agree this is the best plan.', 'A sentence that is not in the reply.']));
    const dropped = (await score(p, { reply: { text: `${REPLY} Honest.` } }).then((r) => r.json())) as ScoreResult;
    expect(dropped.flags).toHaveLength(1);
    expect(dropped.droppedQuotes).toBe(1);
    fake.enqueue(textResponse('no json here'), textResponse('still none'));
    expect((await score(p, { reply: { text: `${REPLY} Twice.` } })).status).toBe(502); // parse failure
    fake.enqueue(errorResponse(401));
    expect((await score(p, { reply: { text: `${REPLY} Thrice.` } })).status).toBe(502); // upstream failure

    const s = await stats(p);
    expect(s.requests).toEqual({ score: 6, batchItems: 0 });
    expect(s.cacheHits).toBe(1);
    expect(s.judgeCalls).toEqual({ offline: 1, anthropic: 4 });
    expect(s.failures).toEqual({ parse_failed: 1, upstream_auth: 1 });
    expect(s.parseFailures).toBe(1);
    expect(s.droppedQuotes).toBe(1);
    expect(s.tokens.input).toBe(ok.usage!.inputTokens + dropped.usage!.inputTokens);
    expect(s.tokens.cacheRead).toBeGreaterThan(0);
    expect(s.costUsdSinceStart).toBeCloseTo(ok.usage!.costUsd! + dropped.usage!.costUsd!, 8);
    expect(s.spend.todayUsd).toBeCloseTo(s.costUsdSinceStart, 8);
    expect(s.spend.budgetUsd).toBeNull();
    expect(s.cache.entries).toBe(2);
  });

  it('counts the claims and askBack questions it dropped, like dropped quotes; a cache hit adds none', async () => {
    const p = await start();
    fake.enqueue(
      textResponse(
        JSON.stringify({
          flags: [
            {
              quote: 'Experts agree this is the best plan.',
              move: 'unsourced-authority',
              reason: 'Names no expert.',
              support: 'unsupported',
              wouldSupport: 'a named source',
              askBack: 'Which experts,\nand where did they say it?',
              severity: 2,
            },
          ],
          claims: [
            { quote: 'Experts agree this is the best plan.', support: 'none' },
            { quote: 'A claim the reply never makes.', support: 'none' },
            { quote: 'You should sign up today.', support: 'probably' },
          ],
        }),
      ),
    );
    const result = (await score(p, { reply: { text: REPLY } }).then((r) => r.json())) as ScoreResult;
    expect(result.flags).toHaveLength(1);
    // The judge's two-line question is dropped; the move's template stands in for it.
    expect(result.flags[0]!.askBack).toBe(askBackFor(result.flags[0]!));
    expect(result.claims?.map((c) => c.quote)).toEqual(['Experts agree this is the best plan.']);
    expect(result.droppedClaims).toBe(3);
    expect((await score(p, { reply: { text: REPLY } }).then((r) => r.json())).cached).toBe(true);
    expect(await stats(p)).toMatchObject({ droppedQuotes: 0, droppedClaims: 3 });
  });

  it("today's spend comes back after a restart; counters start again", async () => {
    const first = await start({ UNSPUN_DAILY_BUDGET_USD: '1' });
    await score(first, { reply: { text: REPLY } });
    const before = await stats(first);
    await first.close();
    proxy = undefined;
    const after = await stats(await start({ UNSPUN_DAILY_BUDGET_USD: '1' }));
    expect(after.spend.todayUsd).toBe(before.spend.todayUsd);
    expect(after.spend.remainingUsd).toBeCloseTo(1 - before.spend.todayUsd, 8);
    expect(after.requests.score).toBe(0);
    expect(after.cache.entries).toBe(1);
  });

  it('counts budget fallbacks and refusals', async () => {
    const p = await start({ UNSPUN_DAILY_BUDGET_USD: '0' });
    await score(p, { reply: { text: REPLY } });
    await score(p, { reply: { text: REPLY }, judge: 'anthropic' });
    const s = await stats(p);
    expect(s.spend).toMatchObject({ exhausted: true, fallbacks: 1, refusals: 1 });
    expect(s.judgeCalls).toEqual({ offline: 1, anthropic: 0 });
    expect(fake.messageRequests()).toHaveLength(0);
  });
});
