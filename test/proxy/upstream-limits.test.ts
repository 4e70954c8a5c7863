// The concurrency limit toward the upstream, the one overall deadline (queueing included), the
// SDK's own retries with no second layer, and upstream failures as 502/503/504 bodies that say what
// happened: the real SDK against the fake Messages API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScoreResult } from '#shared/schemas';
import { createApp } from '../../proxy/app.ts';
import type { Judge } from '../../proxy/judges/judge-interface.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { createLimiter } from '../../proxy/limit.ts';
import { errorResponse, type FakeAnthropic, type FakeResponse, startFakeAnthropic, textResponse } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('createLimiter', () => {
  it.each([1, 2, 3])('never runs more than %i at once, in arrival order', async (max) => {
    const limiter = createLimiter(max);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        limiter.run(async () => {
          order.push(i);
          peak = Math.max(peak, ++running);
          await tick(5);
          running--;
        }),
      ),
    );
    expect(peak).toBe(max);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(limiter.active).toBe(0);
  });

  it('a waiter whose signal aborts leaves the queue with the reason; the slot goes to the next', async () => {
    const limiter = createLimiter(1);
    let release!: () => void;
    const first = limiter.run(() => new Promise<string>((r) => (release = () => r('first'))));
    const controller = new AbortController();
    const second = limiter.run(async () => 'second', controller.signal);
    const third = limiter.run(async () => 'third');
    expect(limiter.queued).toBe(2);
    controller.abort(new Error('gave up'));
    await expect(second).rejects.toThrow('gave up');
    expect(limiter.queued).toBe(1);
    release();
    expect(await Promise.all([first, third])).toEqual(['first', 'third']);
  });

  it('a task that throws frees its slot', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await limiter.run(async () => 'ok')).toBe('ok');
  });

  it.each([0, -1, 1.5])('refuses max %s', (max) => {
    expect(() => createLimiter(max)).toThrow(RangeError);
  });
});

describe('the deadline while queued (app.request, a limiter already full)', () => {
  it.each([
    ['anthropic, slot taken', 'anthropic', true, 504, 'upstream_timeout'],
    ['anthropic, slot free', 'anthropic', false, 200, null],
    ['offline, slot taken', 'offline', true, 200, null],
  ] as const)('%s → %i', async (_name, judge, full, status, code) => {
    const limiter = createLimiter(1);
    if (full) void limiter.run(() => new Promise(() => {}));
    let calls = 0;
    const anthropic: Judge = {
      kind: 'anthropic',
      score: async () => {
        calls++;
        return { flags: [], score: 0, judge: { kind: 'anthropic', model: 'm', promptVersion: 'p', taxonomyVersion: 't' } };
      },
    };
    const app = createApp({
      config: { token: 'test-token-0123456789abcdef', port: 8787, deadlineMs: 100 },
      judges: { offline: createOfflineJudge(), anthropic },
      limiter,
    });
    const res = await app.request('http://127.0.0.1:8787/v1/score', {
      method: 'POST',
      headers: { authorization: 'Bearer test-token-0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify({ reply: { text: 'Surely this is right.' }, judge }),
    });
    expect(res.status).toBe(status);
    if (code) {
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(/100 ms deadline \(still waiting for one of the 1 upstream slots\)/);
      expect(calls).toBe(0);
    }
  });
});

describe('through the proxy', () => {
  const KEY = `${'sk-ant'}-test-limits-0123456789`;
  let dir: string;
  let fake: FakeAnthropic;
  const running: TestProxy[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'unspun-limits-test-'));
    fake = await startFakeAnthropic();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.close()));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}) {
    const proxy = await startTestProxy({ configDir: dir, env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, ...env } });
    running.push(proxy);
    return proxy;
  }
  const score = (proxy: TestProxy, text: string, extra: object = {}) =>
    proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text }, ...extra }) });

  /** Waits for a condition, never for a length of time: these machines are shared and busy. */
  async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
    while (!(await condition())) await tick(5);
  }
  const concurrency = async (proxy: TestProxy) =>
    ((await (await proxy.request('/v1/stats')).json()) as { concurrency: { active: number; queued: number } }).concurrency;

  it.each([
    [1, 4],
    [2, 5],
    [4, 6],
  ])('UNSPUN_MAX_CONCURRENCY=%i: at most that many upstream requests at once (%i replies)', async (max, count) => {
    // The upstream holds every request until released; we release only once `max` are held and the
    // rest wait in the proxy's queue, so the peak is measured at the moment it is reached, whatever
    // the machine's load.
    let inFlight = 0;
    let peak = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fake.setResponder(async (_body, ctx) => {
      peak = Math.max(peak, ++inFlight);
      await gate;
      inFlight--;
      return ctx.defaultResponse();
    });
    const proxy = await start({ UNSPUN_MAX_CONCURRENCY: String(max) });
    const responses = Promise.all(Array.from({ length: count }, (_, i) => score(proxy, `Reply number ${i} is certainly right.`)));
    await until(async () => inFlight === max && (await concurrency(proxy)).queued === count - max);
    expect(peak).toBe(max);
    release();
    expect((await responses).map((r) => r.status)).toEqual(Array(count).fill(200));
    expect(peak).toBeLessThanOrEqual(max);
    expect(fake.messageRequests()).toHaveLength(count);
  });

  it('the offline judge never waits for an upstream slot', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fake.setResponder(async (_body, ctx) => {
      await gate;
      return ctx.defaultResponse();
    });
    const proxy = await start({ UNSPUN_MAX_CONCURRENCY: '1', UNSPUN_DEADLINE_MS: '600000' });
    const stuck = score(proxy, 'This is held upstream. Surely.');
    let stuckEnded = false;
    void stuck.then(() => (stuckEnded = true));
    await until(() => fake.messageRequests().length === 1);
    const offline = await score(proxy, 'Everyone agrees, act now!', { judge: 'offline' });
    expect(offline.status).toBe(200);
    // Answered while the anthropic request still holds the only slot (it is released only now).
    expect(stuckEnded).toBe(false);
    release();
    expect((await stuck).status).toBe(200);
  });

  it('one deadline from arrival: two replies behind one slot both end in 504', async () => {
    fake.setResponder(() => ({ hang: true }));
    const proxy = await start({ UNSPUN_MAX_CONCURRENCY: '1', UNSPUN_DEADLINE_MS: '300' });
    const [first, second] = await Promise.all([score(proxy, 'First reply. It hangs.'), score(proxy, 'Second reply. It waits.')]);
    const bodies = (await Promise.all([first.json(), second.json()])) as Array<{ error: { code: string; message: string } }>;
    expect([first.status, second.status]).toEqual([504, 504]);
    expect(bodies.map((b) => b.error.code)).toEqual(['upstream_timeout', 'upstream_timeout']);
    for (const message of bodies.map((b) => b.error.message)) expect(message).toMatch(/300 ms deadline/);
    expect(fake.messageRequests().length).toBeLessThanOrEqual(2);
  });

  const bad = textResponse('not a verdict at all');
  it.each<[string, FakeResponse[], number, string, number, RegExp]>([
    ['429 three times', [errorResponse(429), errorResponse(429), errorResponse(429)], 503, 'upstream_rate_limited', 3, /rate limit/],
    ['529 three times', [errorResponse(529), errorResponse(529), errorResponse(529)], 503, 'upstream_overloaded', 3, /overloaded/],
    ['500 three times', [errorResponse(500), errorResponse(500), errorResponse(500)], 502, 'upstream_error', 3, /failed \(500\)/],
    ['401', [errorResponse(401)], 502, 'upstream_auth', 1, /ANTHROPIC_API_KEY/],
    ['404 (unknown model)', [errorResponse(404, 'model: nope')], 502, 'upstream_not_found', 1, /model/],
    ['400', [errorResponse(400, 'messages: too long')], 502, 'upstream_bad_request', 1, /rejected the request \(400\)/],
    ['an unusable verdict, also after the repair', [bad, bad], 502, 'parse_failed', 2, /not a valid verdict/],
    ['connection dropped three times', [{ destroy: true }, { destroy: true }, { destroy: true }], 502, 'upstream_unreachable', 3, /Could not reach/],
  ])('%s → %i %s after %i upstream request(s)', async (_name, responses, status, code, requests, message) => {
    fake.enqueue(...responses);
    const proxy = await start();
    const res = await score(proxy, 'Experts agree this is best. Sign up today.');
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(fake.messageRequests()).toHaveLength(requests);
  });

  it.each<[string, FakeResponse[], number]>([
    ['429 once, then an answer', [errorResponse(429)], 2],
    ['529 twice, then an answer', [errorResponse(529), errorResponse(529)], 3],
    ['an unusable verdict, then a repaired one', [bad], 2],
  ])('%s → 200 (the SDK retried, no second layer)', async (_name, responses, requests) => {
    fake.enqueue(...responses);
    const proxy = await start();
    const res = await score(proxy, 'Experts agree this is best. Sign up today.');
    expect(res.status).toBe(200);
    expect(ScoreResult.parse(await res.json()).judge.kind).toBe('anthropic');
    expect(fake.messageRequests()).toHaveLength(requests);
  });

  it('a rate limit that asks to wait carries Retry-After through', async () => {
    const wait = { 'retry-after': '17', 'retry-after-ms': '1' };
    fake.enqueue(errorResponse(429, 'slow down', wait), errorResponse(429, 'slow down', wait), errorResponse(429, 'slow down', wait));
    const proxy = await start();
    const res = await score(proxy, 'Experts agree this is best.');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('17');
  });

  it('a hanging upstream → 504 at the deadline', async () => {
    fake.enqueue({ hang: true });
    const proxy = await start({ UNSPUN_DEADLINE_MS: '250' });
    const res = await score(proxy, 'Experts agree this is best.');
    expect(res.status).toBe(504);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('upstream_timeout');
    expect(body.error.message).toMatch(/250 ms deadline/);
  });
});
