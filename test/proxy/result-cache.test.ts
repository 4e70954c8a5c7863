// The result cache: key by content hash, on disk across restarts, bounded with LRU eviction.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScoreResult, type ScoreRequest } from '#shared/schemas';
import { CACHE_FILE, cacheKey, type JudgeIdentity, openResultCache, type StoredResult } from '../../proxy/cache/result-cache.ts';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

let dir: string;
const running: TestProxy[] = [];
const fakes: FakeAnthropic[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-cache-test-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  rmSync(dir, { recursive: true, force: true });
});

const judge: JudgeIdentity = { kind: 'anthropic', model: 'claude-haiku-5-5', promptVersion: 'judge-prompt-1', taxonomyVersion: 'tax-1' };
const base: ScoreRequest = { reply: { text: 'Everyone knows this works.' }, context: { user: 'Does it work?' } };

describe('cacheKey', () => {
  it('is a sha256 hex digest and stable', () => {
    expect(cacheKey(base, judge)).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(structuredClone(base), { ...judge })).toBe(cacheKey(base, judge));
  });

  it.each([
    ['reply id and conversation (not content)', { ...base, reply: { ...base.reply, id: 'm1' }, conversationId: 'c' }, judge, true],
    // The detector reads the site (whose maker's products are self-serving), so it is content.
    ['site', { ...base, site: 'copilot' }, judge, false],
    ['requested judge field', { ...base, judge: 'auto' as const }, judge, true],
    ['reply text', { ...base, reply: { text: 'Everyone knows this works!' } }, judge, false],
    ['user turn', { ...base, context: { user: 'Does it?' } }, judge, false],
    ['no context', { reply: base.reply }, judge, false],
    ['previous turns', { ...base, context: { ...base.context, previous: [{ role: 'user' as const, text: 'hi' }] } }, judge, false],
    ['judge kind', base, { ...judge, kind: 'offline' as const }, false],
    ['model', base, { ...judge, model: 'claude-sonnet-5' }, false],
    ['prompt version', base, { ...judge, promptVersion: 'judge-prompt-2' }, false],
    ['taxonomy version', base, { ...judge, taxonomyVersion: 'tax-2' }, false],
  ])('%s → same key: %s', (_name, request, identity, same) => {
    expect(cacheKey(request, identity) === cacheKey(base, judge)).toBe(same);
  });
});

function stored(score: number): StoredResult {
  return { score, flags: [], judge: { kind: 'anthropic', model: 'm', promptVersion: 'p', taxonomyVersion: 't' } };
}
const key = (n: number) => n.toString(16).padStart(64, '0');

describe('openResultCache', () => {
  it('survives a reopen; the file is 0600', () => {
    openResultCache({ dir }).set(key(1), stored(10));
    const again = openResultCache({ dir });
    expect(again.get(key(1))).toEqual(stored(10));
    expect(again.get(key(2))).toBeUndefined();
    expect(statSync(join(dir, CACHE_FILE)).mode & 0o777).toBe(0o600);
  });

  it('skips torn, foreign and invalid lines', () => {
    const cache = openResultCache({ dir });
    cache.set(key(1), stored(10));
    appendFileSync(join(dir, CACHE_FILE), `{"k":"${key(2)}","r":{"score":500}}\n{"k":"not-a-hash","r":{}}\nnot json\n{"k":"${key(3)}","r":{"sco`);
    const again = openResultCache({ dir });
    expect(again.size).toBe(1);
    expect(again.get(key(2))).toBeUndefined();
  });

  it('an entry appended after a crash-torn line survives the next start; skipped lines are reported with their numbers', () => {
    const first = openResultCache({ dir });
    first.set(key(1), stored(10));
    // A crash cut the next write short: the file now ends mid-line, with no newline.
    appendFileSync(join(dir, CACHE_FILE), `{"k":"${key(2)}","r":{"sco`);
    const messages: string[] = [];
    const second = openResultCache({ dir, onError: (m) => messages.push(m) });
    expect(messages).toEqual([expect.stringMatching(/skipped 1 unreadable line\(s\) \(line 2\)/)]);
    second.set(key(3), stored(30));
    const third: string[] = [];
    const again = openResultCache({ dir, onError: (m) => third.push(m) });
    expect(again.get(key(1))?.score).toBe(10);
    expect(again.get(key(3))?.score).toBe(30);
    expect(third).toEqual([expect.stringMatching(/skipped 1 unreadable line\(s\) \(line 2\)/)]);
  });

  it('reports every corrupt line it skips, by line number (the first ten listed)', () => {
    const lines = [`{"k":"${key(1)}","r":${JSON.stringify(stored(1))}}`, ...Array.from({ length: 12 }, (_, i) => `garbage ${i}`)];
    writeFileSync(join(dir, CACHE_FILE), `${lines.join('\n')}\n`, { mode: 0o600 });
    const messages: string[] = [];
    const cache = openResultCache({ dir, onError: (m) => messages.push(m) });
    expect(cache.size).toBe(1);
    expect(messages).toEqual([expect.stringContaining('skipped 12 unreadable line(s) (line 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, and 2 more)')]);
  });

  it('evicts the least recently used past maxEntries; a reopen keeps the newest writes', () => {
    const cache = openResultCache({ dir, maxEntries: 2 });
    cache.set(key(1), stored(1));
    cache.set(key(2), stored(2));
    cache.get(key(1)); // 2 is now the least recently used
    cache.set(key(3), stored(3));
    expect([1, 2, 3].map((n) => cache.get(key(n))?.score)).toEqual([1, undefined, 3]);
    // Reads are not written to disk (a hit costs no write): the file keeps write order.
    const again = openResultCache({ dir, maxEntries: 2 });
    expect(again.size).toBe(2);
    expect(again.get(key(3))?.score).toBe(3);
  });

  it('compacts the file so it stays bounded', () => {
    const cache = openResultCache({ dir, maxEntries: 10 });
    for (let i = 0; i < 500; i++) cache.set(key(i), stored(i % 100));
    const lines = readFileSync(join(dir, CACHE_FILE), 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(101);
    const again = openResultCache({ dir, maxEntries: 10 });
    expect(again.size).toBe(10);
    expect(again.get(key(499))?.score).toBe(99);
  });

  it('maxEntries 0 caches nothing', () => {
    const cache = openResultCache({ dir, maxEntries: 0 });
    cache.set(key(1), stored(1));
    expect(cache.get(key(1))).toBeUndefined();
  });
});

describe('the proxy answers from the cache', () => {
  const KEY = `${'sk-ant'}-test-cache-0123456789`;
  const REPLY = 'Experts agree this is the best plan. You should sign up today.';

  async function start(fake: FakeAnthropic, env: Record<string, string> = {}) {
    const proxy = await startTestProxy({ configDir: dir, env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, ...env } });
    running.push(proxy);
    return proxy;
  }
  const post = async (proxy: TestProxy, body: unknown) => {
    const res = await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return ScoreResult.parse(await res.json());
  };

  it('after a restart on the same config dir: cached, no new upstream request, same flags', async () => {
    const fake = await startFakeAnthropic();
    fakes.push(fake);
    const first = await start(fake);
    const fresh = await post(first, { reply: { text: REPLY }, site: 'claude' });
    expect(fresh.cached).toBe(false);
    expect(fresh.usage?.inputTokens).toBeGreaterThan(0);
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await start(fake);
    const hit = await post(second, { reply: { text: REPLY, id: 'another-id' }, site: 'claude' });
    expect(hit.cached).toBe(true);
    expect(hit.latencyMs).toBeGreaterThanOrEqual(0);
    expect(hit.flags).toEqual(fresh.flags);
    expect(hit.usage).toEqual(fresh.usage);
    expect(fake.messageRequests()).toHaveLength(1);
  });

  it.each([
    ['other context', { reply: { text: REPLY }, context: { user: 'Should I?' } }, 2, false],
    ['the offline judge (never cached)', { reply: { text: REPLY }, judge: 'offline' }, 1, false],
    ['the same request', { reply: { text: REPLY } }, 1, true],
  ])('then %s → upstream calls %s, cached %s', async (_name, second, calls, cached) => {
    const fake = await startFakeAnthropic();
    fakes.push(fake);
    const proxy = await start(fake);
    await post(proxy, { reply: { text: REPLY } });
    expect((await post(proxy, second)).cached).toBe(cached);
    expect(fake.messageRequests()).toHaveLength(calls);
  });

  it('another model is another entry', async () => {
    const fake = await startFakeAnthropic();
    fakes.push(fake);
    const a = await start(fake);
    await post(a, { reply: { text: REPLY } });
    await a.close();
    running.splice(running.indexOf(a), 1);
    const b = await start(fake, { UNSPUN_MODEL: 'claude-haiku-4-5' });
    expect((await post(b, { reply: { text: REPLY } })).cached).toBe(false);
    expect(fake.messageRequests()).toHaveLength(2);
  });

  it('the same reply asked twice at once costs one upstream call', async () => {
    const fake = await startFakeAnthropic();
    fakes.push(fake);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fake.setResponder(async (_body, ctx) => {
      await gate;
      return ctx.defaultResponse();
    });
    const proxy = await start(fake);
    const both = Promise.all([post(proxy, { reply: { text: REPLY } }), post(proxy, { reply: { text: REPLY } })]);
    // Released once the first has reached the upstream (a condition, not a length of time): the
    // second is then either waiting on it or, arriving later, a cache hit; one upstream call either way.
    while (fake.messageRequests().length === 0) await new Promise((r) => setTimeout(r, 5));
    release();
    const results = await both;
    expect(results.map((r) => r.cached).sort()).toEqual([false, true]);
    expect(fake.messageRequests()).toHaveLength(1);
  });
});
