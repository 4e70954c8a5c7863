// Big batch jobs without blocking the proxy or filling its memory (issue 10, item 4): local scoring
// yields to the event loop by work done, not by item count; items and results live on disk (a
// small job file, items and results as JSONL beside it) and results are streamed into the GET
// response; finished jobs are deleted past the retention policy or by DELETE /v1/batches/:id.
// Assertions are by order and condition (event-loop turns, files), never by time.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScoreResult } from '#shared/schemas';
import { createApp } from '../../proxy/app.ts';
import { SLICE_BYTES } from '../../proxy/batch/runner.ts';
import type { Judge, JudgeVerdict } from '../../proxy/judges/judge-interface.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const TOKEN = 'test-token-0123456789abcdef';
const BASE = 'http://127.0.0.1:8787';
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const TEXTS = ['Everyone agrees this is the only way. Act now!', 'Here is a recipe for soup.', 'Studies show you are right, as always.', 'Trust me, it works.'];
type View = { id: string; status: string; total: number; done: number; failed: number; results?: Array<Record<string, any>>; error?: { code: string } };

const verdict: JudgeVerdict = { flags: [], score: 0, judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' } };

describe('local scoring yields by work done (app.request)', () => {
  it('an item bigger than a slice is always followed by a turn of the event loop, and a single score is answered mid-job', async () => {
    let turn = 0;
    let probing = true;
    const probe = () => {
      turn++;
      if (probing) setImmediate(probe);
    };
    const calls: Array<{ text: string; turn: number }> = [];
    const judge: Judge = {
      kind: 'offline',
      score: async (request) => {
        calls.push({ text: request.reply.text, turn });
        return verdict;
      },
    };
    const app = createApp({ config: { token: TOKEN, port: 8787 }, judges: { offline: judge } });
    const big = 'x'.repeat(SLICE_BYTES + 1);
    const items = Array.from({ length: 40 }, (_, i) => ({ reply: { text: `${big} ${i}` } }));
    const created = (await (await app.request(`${BASE}/v1/score/batch`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ items }) })).json()) as View;
    setImmediate(probe);
    while (calls.length < 2) await new Promise((r) => setImmediate(r));

    const single = await app.request(`${BASE}/v1/score`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ reply: { text: 'SINGLE' } }) });
    expect(single.status).toBe(200);
    const during = (await (await app.request(`${BASE}/v1/batches/${created.id}`, { headers: HEADERS })).json()) as View;
    expect(during.status).toBe('running');
    expect(during.done).toBeLessThan(40);

    await app.batchesIdle();
    probing = false;
    const batchCalls = calls.filter((c) => c.text !== 'SINGLE');
    expect(batchCalls).toHaveLength(40);
    // One big item per turn of the loop (item-count chunks scored 25 per turn).
    const perTurn = new Map<number, number>();
    for (const c of batchCalls) perTurn.set(c.turn, (perTurn.get(c.turn) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBe(1);
    // The single score was judged before the job's last item.
    expect(calls.findIndex((c) => c.text === 'SINGLE')).toBeLessThan(calls.length - 1);
  });
});

describe('on disk', () => {
  let dir: string;
  let fake: FakeAnthropic | undefined;
  const running: TestProxy[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unspun-batch-storage-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.close()));
    await fake?.close();
    fake = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}) {
    const proxy = await startTestProxy({ configDir: dir, env: { UNSPUN_BATCH_POLL_MS: '20', ...env } });
    running.push(proxy);
    return proxy;
  }
  async function stop(proxy: TestProxy) {
    await proxy.close();
    running.splice(running.indexOf(proxy), 1);
  }
  async function submit(proxy: TestProxy, items: unknown[], judge?: string): Promise<string> {
    const res = await proxy.request('/v1/score/batch', { method: 'POST', body: JSON.stringify({ items, ...(judge ? { judge } : {}) }) });
    expect(res.status).toBe(202);
    return ((await res.json()) as View).id;
  }
  async function finished(proxy: TestProxy, id: string): Promise<View> {
    for (;;) {
      const view = (await (await proxy.request(`/v1/batches/${id}`)).json()) as View;
      if (['done', 'failed', 'canceled'].includes(view.status)) return view;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const files = () => readdirSync(join(dir, 'batches')).sort();
  const batchFile = (name: string) => join(dir, 'batches', name);

  it('a finished job is a small job file plus items and results as JSONL; results come back the same after a restart', async () => {
    const first = await start();
    const items = Array.from({ length: 30 }, (_, i) => ({ id: `n${i}`, reply: { text: `${TEXTS[i % 4]} ${'Words to pad it out. '.repeat(50)}` } }));
    const id = await submit(first, items);
    const view = await finished(first, id);
    expect(view).toMatchObject({ status: 'done', total: 30, done: 30 });
    expect(files()).toEqual([`${id}.items.jsonl`, `${id}.json`, `${id}.results.jsonl`]);
    const meta = readFileSync(batchFile(`${id}.json`), 'utf8');
    expect(meta).not.toContain('Words to pad');
    expect(meta.length).toBeLessThan(1000);
    expect(
      readFileSync(batchFile(`${id}.results.jsonl`), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(30);
    for (const name of files()) expect(statSync(batchFile(name)).mode & 0o777).toBe(0o600);
    await stop(first);

    const second = await start();
    const again = await finished(second, id);
    expect(again.results).toEqual(view.results);
    expect(again.results!.map((r) => r.id)).toEqual(items.map((i) => i.id));
  });

  it('a finished job answers from its results file, read when asked: nothing of it is held in memory, before or after a restart', async () => {
    const first = await start();
    const items = [0, 1, 2].map((i) => ({ id: `m${i}`, reply: { text: TEXTS[i] } }));
    const id = await submit(first, items);
    expect((await finished(first, id)).results).toHaveLength(3);
    // Change one result on disk, as nobody but the proxy would: if GET answered from a copy in
    // memory it would not show. Then remove another: that item reads as not scored.
    const edit = (change: (line: { i: number; r: Record<string, unknown> }) => string | null) => {
      const lines = readFileSync(batchFile(`${id}.results.jsonl`), 'utf8')
        .trim()
        .split('\n');
      const kept = lines.map((l) => change(JSON.parse(l))).filter((l): l is string => l !== null);
      writeFileSync(batchFile(`${id}.results.jsonl`), `${kept.join('\n')}\n`);
    };
    edit((line) => JSON.stringify(line.i === 1 ? { ...line, r: { ...line.r, score: 42 } } : line));
    const edited = await finished(first, id);
    expect(edited.results!.map((r) => r.score === 42)).toEqual([false, true, false]);
    await stop(first);

    edit((line) => (line.i === 2 ? null : JSON.stringify(line)));
    const second = await start();
    const again = await finished(second, id);
    expect(again.results![1]!.score).toBe(42);
    expect(again.results![2]).toMatchObject({ id: 'm2', error: { code: 'not_scored' } });
    expect(again.results![2]!.score).toBeUndefined();
  });

  it('an anthropic job whose cache hit comes after its upstream items still lists results in input order', async () => {
    fake = await startFakeAnthropic();
    const KEY = `${'sk-ant'}-test-storage-0123456789`;
    const proxy = await start({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
    const cached = 'Experts agree this is the best plan. Cached.';
    await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: cached } }) });
    const id = await submit(proxy, [
      { id: 'x', reply: { text: 'You are so smart to ask. X.' } },
      { id: 'y', reply: { text: 'Nobody disagrees. Y.' } },
      { id: 'hit', reply: { text: cached } },
    ]);
    const view = await finished(proxy, id);
    expect(view.results!.map((r) => [r.id, r.cached])).toEqual([
      ['x', false],
      ['y', false],
      ['hit', true],
    ]);
    const indices = readFileSync(batchFile(`${id}.results.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { i: number }).i);
    expect(indices).toEqual([0, 1, 2]);
  });

  it('a results line torn by a crash is scored again at resume, and later appends start on a new line', async () => {
    const now = new Date().toISOString();
    mkdirSync(join(dir, 'batches'), { recursive: true });
    const items = [0, 1, 2].map((i) => ({ id: i, reply: { text: `${TEXTS[i]}` } }));
    writeFileSync(batchFile('batch_torn.items.jsonl'), items.map((i) => `${JSON.stringify(i)}\n`).join(''));
    const done0 = { id: 0, score: 1, flags: [], judge: { kind: 'offline', promptVersion: 'detector-1', taxonomyVersion: 't' }, cached: false, latencyMs: 1 };
    writeFileSync(batchFile('batch_torn.results.jsonl'), `${JSON.stringify({ i: 0, r: done0 })}\n{"i":1,"r":{"sco`);
    writeFileSync(
      batchFile('batch_torn.json'),
      JSON.stringify({ version: 2, id: 'batch_torn', createdAt: now, updatedAt: now, status: 'running', judge: 'offline', total: 3, done: 2, failed: 0 }),
    );
    const proxy = await start();
    const view = await finished(proxy, 'batch_torn');
    expect(view).toMatchObject({ status: 'done', done: 3, failed: 0 });
    expect(view.results![0]).toEqual(done0);
    expect(view.results!.slice(1).map((r) => ScoreResult.parse(r).judge.kind)).toEqual(['offline', 'offline']);
  });

  it('UNSPUN_BATCH_KEEP_JOBS: only the newest finished jobs are kept', async () => {
    const proxy = await start({ UNSPUN_BATCH_KEEP_JOBS: '2' });
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      ids.push(await submit(proxy, [{ reply: { text: `${TEXTS[n]} Job ${n}.` } }]));
      await finished(proxy, ids[n]!);
    }
    expect((await proxy.request(`/v1/batches/${ids[0]}`)).status).toBe(404);
    const list = (await (await proxy.request('/v1/batches')).json()) as { batches: View[] };
    expect(list.batches.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    expect(files().some((name) => name.startsWith(ids[0]!))).toBe(false);
  });

  it('UNSPUN_BATCH_KEEP_DAYS: finished jobs older than that are deleted at start; running ones are never', async () => {
    mkdirSync(join(dir, 'batches'), { recursive: true });
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    for (const [id, status, ended] of [
      ['batch_old', 'done', daysAgo(8)],
      ['batch_recent', 'done', daysAgo(6)],
      ['batch_oldrunning', 'queued', daysAgo(20)],
    ] as const) {
      writeFileSync(batchFile(`${id}.items.jsonl`), `${JSON.stringify({ reply: { text: TEXTS[0] } })}\n`);
      writeFileSync(
        batchFile(`${id}.json`),
        JSON.stringify({ version: 2, id, createdAt: ended, updatedAt: ended, status, judge: 'offline', total: 1, done: 0, failed: 0 }),
      );
    }
    const proxy = await start({ UNSPUN_BATCH_KEEP_DAYS: '7' });
    expect((await proxy.request('/v1/batches/batch_old')).status).toBe(404);
    expect(existsSync(batchFile('batch_old.items.jsonl'))).toBe(false);
    expect((await proxy.request('/v1/batches/batch_recent')).status).toBe(200);
    expect((await finished(proxy, 'batch_oldrunning')).status).toBe('done');
  });

  it('DELETE /v1/batches/:id removes a finished job and its files; then 404', async () => {
    const proxy = await start();
    const id = await submit(proxy, [{ reply: { text: TEXTS[0] } }]);
    await finished(proxy, id);
    const res = await proxy.request(`/v1/batches/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id, deleted: true });
    expect(files()).toEqual([]);
    expect((await proxy.request(`/v1/batches/${id}`)).status).toBe(404);
    const again = await proxy.request(`/v1/batches/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('batch_not_found');
    expect((await proxy.request(`/v1/batches/${id}`, { method: 'DELETE', auth: false })).status).toBe(401);
  });

  it('DELETE of a running anthropic job cancels its Message Batch upstream first', async () => {
    fake = await startFakeAnthropic();
    const proxy = await start({ ANTHROPIC_API_KEY: `${'sk-ant'}-test-storage-0123456789`, ANTHROPIC_BASE_URL: fake.url, UNSPUN_BATCH_POLL_MS: '3600000' });
    const id = await submit(proxy, [{ reply: { text: 'You are so smart to ask this.' } }]);
    while (fake.batches().length === 0 || !((await (await proxy.request(`/v1/batches/${id}`)).json()) as { upstream?: unknown }).upstream)
      await new Promise((r) => setTimeout(r, 10));
    const res = await proxy.request(`/v1/batches/${id}`, { method: 'DELETE' });
    expect(await res.json()).toEqual({ id, deleted: true, canceled: true });
    expect(fake.batches()[0]!.canceled).toBe(true);
    expect(files()).toEqual([]);
  });
});

describe('in memory (createApp without a config dir)', () => {
  it('DELETE works the same', async () => {
    const app = createApp({ config: { token: TOKEN, port: 8787 }, judges: { offline: createOfflineJudge() } });
    const { id } = (await (
      await app.request(`${BASE}/v1/score/batch`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ items: [{ reply: { text: TEXTS[0] } }] }) })
    ).json()) as View;
    await app.batchesIdle();
    expect((await app.request(`${BASE}/v1/batches/${id}`, { method: 'DELETE', headers: HEADERS })).status).toBe(200);
    expect((await app.request(`${BASE}/v1/batches/${id}`, { headers: HEADERS })).status).toBe(404);
  });
});
