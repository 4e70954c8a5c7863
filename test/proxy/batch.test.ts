// POST /v1/score/batch and GET /v1/batches/:id: validation, offline jobs run here in chunks,
// anthropic jobs through the Message Batches API of the fake server (cache hits skipped, half
// price, anchored like single scores), cancel, budget, and resuming after a restart.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScoreResult } from '#shared/schemas';
import { createApp } from '../../proxy/app.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { costUsd } from '../../proxy/judges/anthropic/pricing.ts';
import { errorResponse, type FakeAnthropic, startFakeAnthropic, textResponse } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const TOKEN = 'test-token-0123456789abcdef';
const BASE = 'http://127.0.0.1:8787';
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const KEY = `${'sk-ant'}-test-batch-SECRET-0123456789`;

function makeApp() {
  return createApp({ config: { token: TOKEN, port: 8787 }, judges: { offline: createOfflineJudge() } });
}
type View = {
  id: string;
  status: string;
  total: number;
  done: number;
  failed: number;
  judge: string;
  notice?: string;
  error?: { code: string; message: string };
  results?: Array<Record<string, any>>;
  upstream?: { batchId: string; items: number };
};

describe('validation (app.request)', () => {
  it.each([
    ['not JSON', '{items:', 400, 'invalid_json'],
    ['no items', JSON.stringify({}), 400, 'invalid_request'],
    ['empty items', JSON.stringify({ items: [] }), 400, 'invalid_request'],
    ['an item without text', JSON.stringify({ items: [{ reply: { text: 'ok' } }, { reply: {} }] }), 400, 'invalid_request'],
    ['an unknown judge', JSON.stringify({ items: [{ reply: { text: 'ok' } }], judge: 'gpt' }), 400, 'invalid_request'],
    ['too many items', JSON.stringify({ items: Array.from({ length: 10_001 }, () => ({ reply: { text: 'x' } })) }), 400, 'invalid_request'],
    ['anthropic with no key', JSON.stringify({ items: [{ reply: { text: 'ok' } }], judge: 'anthropic' }), 503, 'judge_unavailable'],
    ['one item', JSON.stringify({ items: [{ reply: { text: 'ok' } }] }), 202, null],
    [
      'a body over the 1 MB single-score limit',
      JSON.stringify({ items: Array.from({ length: 30 }, () => ({ reply: { text: 'y'.repeat(50_000) } })) }),
      202,
      null,
    ],
  ])('%s → %i', async (_name, body, status, code) => {
    const res = await makeApp().request(`${BASE}/v1/score/batch`, { method: 'POST', headers: HEADERS, body });
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error?: { code: string; message: string; issues?: Array<{ path: string }> }; id?: string };
    if (code) expect(json.error?.code).toBe(code);
    else expect(json.id).toMatch(/^batch_/);
    if (_name === 'an item without text') expect(json.error?.issues?.[0]?.path).toBe('items.1.reply.text');
  });

  it.each([
    ['GET /v1/batches/nope', 'GET', '/v1/batches/nope', true, 404, 'batch_not_found'],
    ['cancel an unknown batch', 'POST', '/v1/batches/nope/cancel', true, 404, 'batch_not_found'],
    ['POST /v1/score/batch without a token', 'POST', '/v1/score/batch', false, 401, 'unauthorized'],
    ['GET /v1/batches without a token', 'GET', '/v1/batches', false, 401, 'unauthorized'],
  ] as const)('%s → %i', async (_name, method, path, auth, status, code) => {
    const res = await makeApp().request(`${BASE}${path}`, {
      method,
      headers: auth ? HEADERS : { 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify({ items: [{ reply: { text: 'x' } }] }) } : {}),
    });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });
});

const TEXTS = ['Everyone agrees this is the only way. Act now!', 'Here is a recipe for soup.', 'Studies show you are right, as always.', 'Trust me, it works.'];

describe('offline jobs (app.request)', () => {
  it('202 then done: results in input order with ids, each equal to a single score', async () => {
    const app = makeApp();
    const items = Array.from({ length: 60 }, (_, i) => ({ ...(i % 2 ? { id: `item-${i}` } : { id: i }), reply: { text: TEXTS[i % TEXTS.length]! } }));
    const res = await app.request(`${BASE}/v1/score/batch`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ items, judge: 'offline' }) });
    expect(res.status).toBe(202);
    const created = (await res.json()) as View;
    expect(created).toMatchObject({ status: 'queued', total: 60, judge: 'offline' });
    expect(res.headers.get('location')).toBe(`/v1/batches/${created.id}`);
    await app.batchesIdle();
    const view = (await (await app.request(`${BASE}/v1/batches/${created.id}`, { headers: HEADERS })).json()) as View;
    expect(view).toMatchObject({ status: 'done', total: 60, done: 60, failed: 0 });
    expect(view.results!.map((r) => r.id)).toEqual(items.map((i) => i.id));
    for (const [i, r] of view.results!.entries()) {
      const single = ScoreResult.parse(
        await (
          await app.request(`${BASE}/v1/score`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ reply: items[i]!.reply, judge: 'offline' }) })
        ).json(),
      );
      const { id: _id, latencyMs: _l, ...rest } = r;
      expect(rest).toEqual({ ...single, latencyMs: undefined });
    }
    const list = (await (await app.request(`${BASE}/v1/batches`, { headers: HEADERS })).json()) as { batches: View[] };
    expect(list.batches.map((b) => b.id)).toEqual([created.id]);
    expect(list.batches[0]!.results).toBeUndefined();
  });

  it('reports progress while running, and other requests are answered meanwhile', async () => {
    const app = makeApp();
    const items = Array.from({ length: 600 }, (_, i) => ({ reply: { text: `${TEXTS[i % TEXTS.length]} Number ${i}.` } }));
    const { id } = (await (await app.request(`${BASE}/v1/score/batch`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ items }) })).json()) as View;
    const seen: Array<[string, number]> = [];
    for (;;) {
      const view = (await (await app.request(`${BASE}/v1/batches/${id}`, { headers: HEADERS })).json()) as View;
      seen.push([view.status, view.done]);
      if (view.status === 'done') break;
      expect(view.results).toBeUndefined();
      await new Promise((r) => setImmediate(r));
    }
    expect(seen.some(([status, done]) => status === 'running' && done > 0 && done < 600)).toBe(true);
    expect(seen.at(-1)).toEqual(['done', 600]);
  });
});

describe('through the proxy and the fake Message Batches API', () => {
  let dir: string;
  let fake: FakeAnthropic;
  const running: TestProxy[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'unspun-batch-test-'));
    fake = await startFakeAnthropic();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.close()));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}, withKey = true) {
    const proxy = await startTestProxy({
      configDir: dir,
      env: { ...(withKey ? { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } : {}), UNSPUN_BATCH_POLL_MS: '20', ...env },
    });
    running.push(proxy);
    return proxy;
  }
  async function stop(proxy: TestProxy) {
    await proxy.close();
    running.splice(running.indexOf(proxy), 1);
  }
  const submit = async (proxy: TestProxy, body: unknown) => {
    const res = await proxy.request('/v1/score/batch', { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as View };
  };
  async function until(proxy: TestProxy, id: string, done: (v: View) => boolean): Promise<View> {
    for (let i = 0; i < 400; i++) {
      const view = (await (await proxy.request(`/v1/batches/${id}`)).json()) as View;
      if (done(view)) return view;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the batch did not get there in time');
  }
  const batchCreates = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages/batches');
  const jobFiles = () =>
    readdirSync(join(dir, 'batches'))
      .filter((n) => n.endsWith('.json'))
      .map((n) => readFileSync(join(dir, 'batches', n), 'utf8'));

  const A = 'Experts agree this is the best plan. Item A.';
  const B = 'You are so smart to ask this. Item B.';
  const C = 'This always works for everyone. Item C.';
  const D = 'Nobody could disagree with this. Item D.';

  it('cache hits skip the upstream; the rest go as one Message Batch at half price; results anchored, in order', async () => {
    fake.setResponder((body, ctx) => {
      const text = JSON.stringify(body.messages);
      if (text.includes('Item C')) {
        return textResponse(
          JSON.stringify({
            flags: [
              { quote: 'This always works for everyone.', move: 'hasty-generalization', reason: 'r', support: 'unsupported', wouldSupport: 'w', severity: 2 },
              { quote: 'Words that are nowhere in it.', move: 'vagueness', reason: 'r', support: 'weak', wouldSupport: 'w', severity: 1 },
            ],
          }),
        );
      }
      if (text.includes('Item D')) return errorResponse(500, 'item D broke');
      return ctx.defaultResponse();
    });
    const proxy = await start();
    const single = ScoreResult.parse(await (await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: A } }) })).json());

    const created = await submit(proxy, { items: [A, B, C, D].map((text, i) => ({ id: `q${i}`, reply: { text } })) });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'queued', total: 4, judge: 'anthropic' });
    const view = await until(proxy, created.body.id, (v) => v.status === 'done');
    expect(view).toMatchObject({ total: 4, done: 3, failed: 1, upstream: { items: 3 } });

    expect(batchCreates()).toHaveLength(1);
    const sent = batchCreates()[0]!.body.requests as Array<{ custom_id: string; params: { model: string; system: unknown } }>;
    // custom_id = <the job's tag>-<item index>: the tag is how a restart recognises its own batch.
    const tag = sent[0]!.custom_id.split('-')[0];
    expect(tag).toMatch(/^[0-9a-f]{12}$/);
    expect(sent.map((r) => r.custom_id)).toEqual([`${tag}-1`, `${tag}-2`, `${tag}-3`]);
    expect(sent[0]!.params.model).toBe('claude-haiku-5-5');

    const [a, b, c, d] = view.results!;
    expect(view.results!.map((r) => r.id)).toEqual(['q0', 'q1', 'q2', 'q3']);
    expect(a).toMatchObject({ cached: true, flags: single.flags });
    const bResult = ScoreResult.parse(b);
    expect(bResult.cached).toBe(false);
    expect(bResult.flags.every((f) => B.slice(f.start, f.end) === f.quote)).toBe(true);
    expect(bResult.usage!.costUsd).toBe(costUsd('claude-haiku-5-5', bResult.usage!, { batch: true }));
    expect(bResult.usage!.costUsd).toBeLessThan(costUsd('claude-haiku-5-5', bResult.usage!)!);
    const cResult = ScoreResult.parse(c);
    expect(cResult.flags.map((f) => f.quote)).toEqual(['This always works for everyone.']);
    expect(cResult.droppedQuotes).toBe(1);
    expect(d).toMatchObject({ id: 'q3', error: { code: 'upstream_errored' } });
    expect(d!.error.message).toMatch(/item D broke/);

    // Batch results are cached like single scores; stats count them.
    expect(ScoreResult.parse(await (await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: B } }) })).json()).cached).toBe(
      true,
    );
    const stats = (await (await proxy.request('/v1/stats')).json()) as Record<string, any>;
    expect(stats.requests).toEqual({ score: 2, batchItems: 4 });
    expect(stats.droppedQuotes).toBe(1);
    expect(stats.failures).toEqual({ upstream_errored: 1 });
    expect(stats.spend.todayUsd).toBeCloseTo(single.usage!.costUsd! + bResult.usage!.costUsd! + cResult.usage!.costUsd!, 8);
    expect(jobFiles().join('')).not.toContain(KEY);
  });

  it('all items cached: done without any Message Batch', async () => {
    const proxy = await start();
    await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: A } }) });
    const { body } = await submit(proxy, { items: [{ reply: { text: A } }, { reply: { text: A } }] });
    const view = await until(proxy, body.id, (v) => v.status === 'done');
    expect(view.results!.every((r) => r.cached === true)).toBe(true);
    expect(batchCreates()).toHaveLength(0);
  });

  it('resumes after a restart: polls the same Message Batch, never sends a second one', async () => {
    const first = await start({ UNSPUN_BATCH_POLL_MS: '3600000' });
    const { body } = await submit(first, {
      items: [
        { id: 1, reply: { text: B } },
        { id: 2, reply: { text: C } },
      ],
    });
    const sent = await until(first, body.id, (v) => v.upstream !== undefined);
    expect(sent.status).toBe('running');
    await stop(first);

    const second = await start();
    const view = await until(second, body.id, (v) => v.status === 'done');
    expect(view).toMatchObject({ done: 2, failed: 0, upstream: { batchId: sent.upstream!.batchId } });
    expect(view.results!.map((r) => r.id)).toEqual([1, 2]);
    expect(batchCreates()).toHaveLength(1);
    expect(fake.messageRequests()).toHaveLength(0);
  });

  it('resumes an offline job a previous process left half done', async () => {
    const now = new Date().toISOString();
    const scored = { id: 'x', score: 0, flags: [], judge: { kind: 'offline', promptVersion: 'detector-1', taxonomyVersion: 't' }, cached: false, latencyMs: 1 };
    mkdirSync(join(dir, 'batches'), { recursive: true });
    writeFileSync(
      join(dir, 'batches', 'batch_leftover.json'),
      JSON.stringify({
        version: 1,
        id: 'batch_leftover',
        createdAt: now,
        updatedAt: now,
        status: 'running',
        judge: 'offline',
        items: [
          { id: 'x', reply: { text: 'a' } },
          { id: 'y', reply: { text: TEXTS[0] } },
        ],
        results: [scored, null],
      }),
    );
    writeFileSync(join(dir, 'batches', 'batch_broken.json'), '{not json');
    const proxy = await start({}, false);
    const view = await until(proxy, 'batch_leftover', (v) => v.status === 'done');
    expect(view.results![0]).toEqual(scored);
    expect(view.results![1]).toMatchObject({ id: 'y', judge: { kind: 'offline' } });
    expect(view.results![1]!.flags.length).toBeGreaterThan(0);
  });

  it('an anthropic job found at start without a key fails, saying how to resume it', async () => {
    const now = new Date().toISOString();
    mkdirSync(join(dir, 'batches'), { recursive: true });
    writeFileSync(
      join(dir, 'batches', 'batch_needskey.json'),
      JSON.stringify({
        version: 1,
        id: 'batch_needskey',
        createdAt: now,
        updatedAt: now,
        status: 'queued',
        judge: 'anthropic',
        items: [{ reply: { text: 'a' } }],
        results: [null],
      }),
    );
    const proxy = await start({}, false);
    const view = await until(proxy, 'batch_needskey', (v) => v.status === 'failed');
    expect(view.error).toMatchObject({ code: 'judge_unavailable' });
    expect(view.error!.message).toMatch(/ANTHROPIC_API_KEY/);
    expect(view.results).toEqual([{ error: { code: 'not_scored', message: expect.any(String) } }]);
  });

  it('cancel: the Message Batch is canceled upstream, unfinished items say so; a second cancel is 409', async () => {
    const proxy = await start({ UNSPUN_BATCH_POLL_MS: '3600000' });
    const { body } = await submit(proxy, { items: [{ id: 'only', reply: { text: B } }] });
    await until(proxy, body.id, (v) => v.upstream !== undefined);
    const res = await proxy.request(`/v1/batches/${body.id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    const view = (await res.json()) as View;
    expect(view.status).toBe('canceled');
    expect(view.results).toEqual([{ id: 'only', error: { code: 'not_scored', message: expect.any(String) } }]);
    expect(fake.requests.some((r) => r.method === 'POST' && r.path.endsWith('/cancel'))).toBe(true);
    expect((await proxy.request(`/v1/batches/${body.id}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it.each([
    ['explicit anthropic', 'anthropic', 429, null],
    ['auto', undefined, 202, 'offline'],
  ] as const)('past the daily budget, %s → %i', async (_name, judge, status, kind) => {
    const proxy = await start({ UNSPUN_DAILY_BUDGET_USD: '0' });
    const { status: got, body } = await submit(proxy, { items: [{ reply: { text: TEXTS[0] } }], ...(judge ? { judge } : {}) });
    expect(got).toBe(status);
    if (kind) {
      expect(body).toMatchObject({ judge: kind });
      expect(body.notice).toMatch(/daily budget/);
      const view = await until(proxy, body.id, (v) => v.status === 'done');
      expect(view.results![0]!.notice).toMatch(/daily budget/);
    } else {
      expect((body as unknown as { error: { code: string } }).error.code).toBe('budget_exhausted');
    }
    expect(batchCreates()).toHaveLength(0);
  });

  it('an endpoint without the Message Batches API → items scored one by one (here failing too), and the job says so', async () => {
    // A compatible server that knows no /v1/messages/batches (a local model, say).
    const bare = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'no such route' } }));
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
    try {
      const proxy = await start({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${(bare.address() as AddressInfo).port}` });
      const { body } = await submit(proxy, { items: [{ reply: { text: B } }] });
      const view = await until(proxy, body.id, (v) => v.status === 'done');
      expect(view).toMatchObject({ total: 1, done: 0, failed: 1 });
      expect(view.notice).toMatch(/no Message Batches API, so the items were scored one by one/);
      expect(view.results![0]).toMatchObject({ error: { code: 'upstream_not_found' } });
      expect(JSON.stringify(view)).not.toContain(KEY);
    } finally {
      bare.closeAllConnections();
      await new Promise((r) => bare.close(r));
    }
  });
});
