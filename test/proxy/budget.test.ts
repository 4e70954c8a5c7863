// Usage and cost on every anthropic result, the spend per UTC day in the config dir, and the daily
// budget: past it, auto falls back to offline (and says so), explicit anthropic gets 429.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScoreResult } from '#shared/schemas';
import { nextUtcMidnight, openDailySpend, SPEND_FILE, utcDay } from '../../proxy/budget/daily-spend.ts';
import { costUsd } from '../../proxy/judges/anthropic/pricing.ts';
import { usd } from '../../proxy/scoring.ts';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

let dir: string;
const running: TestProxy[] = [];
const fakes: FakeAnthropic[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-budget-test-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  rmSync(dir, { recursive: true, force: true });
});

const DAY1 = Date.parse('2026-11-23T10:00:00Z');
const DAY2 = Date.parse('2026-11-24T00:00:01Z');

describe('utc days', () => {
  it.each([
    ['2026-11-23T00:00:00Z', '2026-11-23', '2026-11-24T00:00:00.000Z'],
    ['2026-11-23T23:59:59Z', '2026-11-23', '2026-11-24T00:00:00.000Z'],
    ['2026-12-31T12:00:00Z', '2026-12-31', '2027-01-01T00:00:00.000Z'],
  ])('%s is %s, resets %s', (at, day, reset) => {
    expect(utcDay(Date.parse(at))).toBe(day);
    expect(new Date(nextUtcMidnight(Date.parse(at))).toISOString()).toBe(reset);
  });
});

describe('openDailySpend', () => {
  it('adds per UTC day, persists (0600) and starts a new day at 0', () => {
    let t = DAY1;
    const file = join(dir, SPEND_FILE);
    const spend = openDailySpend({ budgetUsd: 1, file, clock: () => t });
    spend.add(0.25);
    spend.add(0.5);
    spend.add(0);
    spend.add(-3);
    expect(spend.state()).toMatchObject({
      day: '2026-11-23',
      spentUsd: 0.75,
      remainingUsd: 0.25,
      exhausted: false,
      resetsAt: '2026-11-24T00:00:00.000Z',
      resetsInSeconds: 14 * 3600,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(openDailySpend({ budgetUsd: 1, file, clock: () => t }).state().spentUsd).toBe(0.75);
    t = DAY2;
    expect(openDailySpend({ budgetUsd: 1, file, clock: () => t }).state()).toMatchObject({ day: '2026-11-24', spentUsd: 0, exhausted: false });
  });

  it.each([
    ['no budget', null, 5, false, null],
    ['under', 1, 0.99, false, 0.01],
    ['exactly at', 1, 1, true, 0],
    ['over', 1, 1.5, true, 0],
    ['budget 0', 0, 0, true, 0],
  ] as const)('%s: exhausted %s', (_name, budgetUsd, spent, exhausted, remaining) => {
    const spend = openDailySpend({ budgetUsd, file: null, clock: () => DAY1 });
    spend.add(spent);
    expect(spend.state()).toMatchObject({ exhausted, remainingUsd: remaining });
  });

  it.each([
    ['not json', '{oops'],
    ['wrong shape', '{"days":{"2026-11-23":"lots","bad-day":3}}'],
  ])('a corrupt file (%s) counts from 0', (_name, content) => {
    const file = join(dir, SPEND_FILE);
    writeFileSync(file, content);
    expect(openDailySpend({ budgetUsd: 1, file, clock: () => DAY1 }).state().spentUsd).toBe(0);
  });
});

describe('through the proxy with the fake Messages API', () => {
  const KEY = `${'sk-ant'}-test-budget-0123456789`;
  const REPLY = 'Experts agree this is the best plan. You should sign up today.';

  async function start(env: Record<string, string> = {}) {
    let fake = fakes[0];
    if (!fake) {
      fake = await startFakeAnthropic();
      fakes.push(fake);
    }
    const proxy = await startTestProxy({ configDir: dir, env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, ...env } });
    running.push(proxy);
    return { fake, proxy };
  }
  const score = (proxy: TestProxy, body: unknown) => proxy.request('/v1/score', { method: 'POST', body: JSON.stringify(body) });

  it('every anthropic result carries usage and its cost from the price table; the day file adds them up', async () => {
    const { proxy } = await start();
    const a = ScoreResult.parse(await (await score(proxy, { reply: { text: REPLY } })).json());
    const b = ScoreResult.parse(await (await score(proxy, { reply: { text: `${REPLY} Really.` } })).json());
    for (const r of [a, b]) {
      expect(r.usage).toBeDefined();
      const u = r.usage!;
      expect(u.costUsd).toBe(costUsd('claude-haiku-5-5', u));
      expect(u.costUsd).toBeGreaterThan(0);
    }
    // The second request reads the cached system block.
    expect(b.usage!.cacheReadInputTokens).toBeGreaterThan(0);
    const file = JSON.parse(readFileSync(join(dir, SPEND_FILE), 'utf8')) as { days: Record<string, number> };
    expect(file.days[utcDay(Date.now())]).toBeCloseTo(a.usage!.costUsd! + b.usage!.costUsd!, 8);
  });

  it('a model with no known price: usage without cost, nothing counted against the budget', async () => {
    const { proxy } = await start({ UNSPUN_MODEL: 'local-llama', UNSPUN_DAILY_BUDGET_USD: '0.000001' });
    for (const text of [REPLY, `${REPLY} Again.`]) {
      const r = ScoreResult.parse(await (await score(proxy, { reply: { text } })).json());
      expect(r.judge).toMatchObject({ kind: 'anthropic', model: 'local-llama' });
      expect(r.usage?.costUsd).toBeUndefined();
    }
  });

  it.each([
    ['auto', undefined, 200, 'offline'],
    ['explicit anthropic', 'anthropic', 429, null],
    ['explicit offline', 'offline', 200, 'offline'],
  ] as const)('past the budget, %s → %s', async (_name, judge, status, kind) => {
    const { fake, proxy } = await start({ UNSPUN_DAILY_BUDGET_USD: '0.000001' });
    const first = ScoreResult.parse(await (await score(proxy, { reply: { text: REPLY } })).json());
    expect(first.judge.kind).toBe('anthropic');
    expect(first.usage!.costUsd).toBeGreaterThan(0.000001);

    const res = await score(proxy, { reply: { text: 'A different reply. Trust me on this.' }, ...(judge ? { judge } : {}) });
    expect(res.status).toBe(status);
    const body = (await res.json()) as ScoreResult & { error?: { code: string; message: string } };
    if (kind) {
      expect(body.judge.kind).toBe(kind);
      if (judge === undefined) expect(body.notice).toMatch(/daily budget is spent .*offline detector answered.*resets at 00:00 UTC/);
      else expect(body.notice).toBeUndefined();
    } else {
      expect(body.error?.code).toBe('budget_exhausted');
      expect(body.error?.message).toMatch(/set UNSPUN_DAILY_BUDGET_USD higher or wait until 00:00 UTC/);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(86_400);
    }
    expect(fake.messageRequests()).toHaveLength(1);
  });

  it('a result already paid for is still served from the cache past the budget', async () => {
    const { fake, proxy } = await start({ UNSPUN_DAILY_BUDGET_USD: '0.000001' });
    await score(proxy, { reply: { text: REPLY } });
    const again = ScoreResult.parse(await (await score(proxy, { reply: { text: REPLY }, judge: 'anthropic' })).json());
    expect(again).toMatchObject({ cached: true, judge: { kind: 'anthropic' } });
    expect(fake.messageRequests()).toHaveLength(1);
  });

  it('the spend survives a restart: still past the budget', async () => {
    const { proxy } = await start({ UNSPUN_DAILY_BUDGET_USD: '0.000001' });
    await score(proxy, { reply: { text: REPLY } });
    await proxy.close();
    running.splice(running.indexOf(proxy), 1);
    const { fake, proxy: again } = await start({ UNSPUN_DAILY_BUDGET_USD: '0.000001', UNSPUN_JUDGE: 'anthropic' });
    const res = await score(again, { reply: { text: 'Something new. Believe it.' } });
    expect(res.status).toBe(429);
    expect(fake.messageRequests()).toHaveLength(1);
  });

  it('under the budget nothing changes', async () => {
    const { proxy } = await start({ UNSPUN_DAILY_BUDGET_USD: '5' });
    for (const text of [REPLY, `${REPLY} Now.`]) {
      const r = ScoreResult.parse(await (await score(proxy, { reply: { text } })).json());
      expect(r.judge.kind).toBe('anthropic');
      expect(r.notice).toBeUndefined();
    }
  });
});

describe('usd', () => {
  it.each([
    [0, '$0.00'],
    [1.5, '$1.50'],
    [0.01, '$0.01'],
    [0.0042, '$0.0042'],
    [0.000001, '$0.000001'],
  ])('%s → %s', (amount, text) => {
    expect(usd(amount)).toBe(text);
  });
});
