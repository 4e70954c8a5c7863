// Message Batches are never paid for twice (issue 10, item 2): a proxy killed while creating one
// adopts the batch that landed when it starts again; a create whose answer is lost (timeout,
// dropped connection) adopts it too; a create that never landed is tried again with backoff, a
// bounded number of times; a second copy left upstream is canceled. The real SDK against the fake
// Messages API, and for the kill a real proxy process (SIGKILL).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScoreResult } from '#shared/schemas';
import { CREATE_TRIES } from '../../proxy/batch/runner.ts';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const KEY = `${'sk-ant'}-test-recovery-0123456789`;
const B = 'You are so smart to ask this. Item B.';
const C = 'This always works for everyone. Item C.';

type View = {
  id: string;
  status: string;
  done: number;
  failed: number;
  error?: { code: string; message: string };
  results?: Array<Record<string, any>>;
  upstream?: { batchId: string; items: number };
};

let dir: string;
let fake: FakeAnthropic;
const running: TestProxy[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-recovery-test-'));
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, UNSPUN_BATCH_POLL_MS: '20', ...extra });
async function start(extra: Record<string, string> = {}) {
  const proxy = await startTestProxy({ configDir: dir, env: env(extra) });
  running.push(proxy);
  return proxy;
}
const creates = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages/batches');
const paidFor = () => fake.batches().filter((b) => !b.canceled);

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 10));
}
async function finished(proxy: TestProxy, id: string): Promise<View> {
  let view!: View;
  await until(async () => {
    view = (await (await proxy.request(`/v1/batches/${id}`)).json()) as View;
    return ['done', 'failed', 'canceled'].includes(view.status);
  });
  return view;
}
async function submit(url: string, token: string): Promise<string> {
  const res = await fetch(`${url}/v1/score/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      items: [
        { id: 'b', reply: { text: B } },
        { id: 'c', reply: { text: C } },
      ],
    }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

function expectScored(view: View): void {
  expect(view).toMatchObject({ status: 'done', done: 2, failed: 0 });
  expect(view.results!.map((r) => r.id)).toEqual(['b', 'c']);
  for (const r of view.results!) expect(ScoreResult.parse(r).flags.length).toBeGreaterThan(0);
}

/** `npm run proxy` as its own process (so it can be SIGKILLed), listening on a free port. */
async function spawnProxy(extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: dir, UNSPUN_CONFIG_DIR: dir, UNSPUN_PORT: '0', ...env(extraEnv) },
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise((r) => child.on('close', r));
  const killed = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  try {
    await until(() => /listening on (http:\/\/\S+)/.test(stdout));
  } catch (error) {
    await killed();
    throw error;
  }
  const url = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
  return { child, url, token: readFileSync(join(dir, 'token'), 'utf8').trim(), killed };
}

describe('a proxy killed while creating a Message Batch', () => {
  it('adopts the batch that landed when it starts again: one batch paid for, the job completes', async () => {
    fake.enqueueBatchCreate('hang-after'); // created upstream; the answer never comes back
    const { child, url, token, killed } = await spawnProxy();
    try {
      const id = await submit(url, token);
      await until(() => fake.batches().length === 1);
      // The intent was written before the call: the job file names the try, not yet a batch.
      const job = JSON.parse(readFileSync(join(dir, 'batches', `${id}.json`), 'utf8')) as { intent?: { attempts: unknown[] }; upstream?: unknown };
      expect(job.intent?.attempts).toHaveLength(1);
      expect(job.upstream).toBeUndefined();
      await killed();

      const proxy = await start();
      const view = await finished(proxy, id);
      expectScored(view);
      expect(creates()).toHaveLength(1);
      expect(fake.batches()).toHaveLength(1);
      expect(view.upstream!.batchId).toBe(fake.batches()[0]!.id);
      expect(fake.messageRequests()).toHaveLength(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('a job that ended while its Message Batch was being created', () => {
  it('canceled, then the proxy killed: at the next start the batch that landed is canceled, not left to run and be paid for', async () => {
    fake.enqueueBatchCreate('hang-after'); // created upstream; the answer never comes back
    // The create's answer is not given up on before the kill (however slow the machine).
    const { child, url, token, killed } = await spawnProxy({ UNSPUN_BATCH_TIMEOUT_MS: '600000' });
    try {
      const id = await submit(url, token);
      await until(() => fake.batches().length === 1);
      const canceled = await fetch(`${url}/v1/batches/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(canceled.status).toBe(200);
      expect(((await canceled.json()) as View).status).toBe('canceled');
      // The proxy never learnt the batch's id, so it could not cancel it then.
      expect(fake.batches()[0]!.canceled).toBe(false);
      await killed();

      const proxy = await start();
      await until(() => fake.batches()[0]!.canceled);
      const view = (await (await proxy.request(`/v1/batches/${id}`)).json()) as View;
      expect(view).toMatchObject({ status: 'canceled', upstream: { batchId: fake.batches()[0]!.id } });
      expect(creates()).toHaveLength(1);
      expect(fake.messageRequests()).toHaveLength(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  const endedJob = (id: string, status: 'failed' | 'canceled', attempt: { startedAt: string; endedAt?: string }) => {
    mkdirSync(join(dir, 'batches'), { recursive: true });
    writeFileSync(
      join(dir, 'batches', `${id}.items.jsonl`),
      `${JSON.stringify({ id: 'b', reply: { text: B } })}\n${JSON.stringify({ id: 'c', reply: { text: C } })}\n`,
    );
    writeFileSync(
      join(dir, 'batches', `${id}.json`),
      JSON.stringify({
        version: 2,
        id,
        createdAt: attempt.startedAt,
        updatedAt: attempt.endedAt ?? attempt.startedAt,
        status,
        judge: 'anthropic',
        total: 2,
        done: 0,
        failed: 0,
        ...(status === 'failed' ? { error: { code: 'upstream_create_failed', message: 'The Message Batches API did not take the job.' } } : {}),
        intent: { tag: 'abcdef012345', indices: [0, 1], attempts: [attempt] },
      }),
    );
  };
  const jobFile = (id: string) =>
    JSON.parse(readFileSync(join(dir, 'batches', `${id}.json`), 'utf8')) as { status: string; intent?: unknown; upstream?: unknown };
  const lists = () => fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/messages/batches').length;

  it('failed after its last try, whose batch landed late: canceled at the next start; the job stays failed', async () => {
    const now = new Date().toISOString();
    endedJob('batch_late', 'failed', { startedAt: now, endedAt: now });
    const res = await fetch(`${fake.url}/v1/messages/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        requests: [B, C].map((text, i) => ({
          custom_id: `abcdef012345-${i}`,
          params: { model: 'claude-haiku-5-5', max_tokens: 100, messages: [{ role: 'user', content: text }] },
        })),
      }),
    });
    expect(res.status).toBe(200);
    const proxy = await start();
    await until(() => fake.batches()[0]!.canceled);
    expect(jobFile('batch_late')).toMatchObject({ status: 'failed', upstream: { batchId: fake.batches()[0]!.id } });
    expect(jobFile('batch_late').intent).toBeUndefined();
    expect(((await (await proxy.request('/v1/batches/batch_late')).json()) as View).status).toBe('failed');
  });

  it('a try that left nothing upstream is looked for once, then forgotten (the job file keeps no intent to look for again)', async () => {
    endedJob('batch_nothing', 'canceled', { startedAt: new Date().toISOString() });
    const proxy = await start();
    await until(() => jobFile('batch_nothing').intent === undefined);
    expect(lists()).toBe(1);
    expect(jobFile('batch_nothing')).toMatchObject({ status: 'canceled' });
    expect(jobFile('batch_nothing').upstream).toBeUndefined();
    expect(((await (await proxy.request('/v1/batches/batch_nothing')).json()) as View).status).toBe('canceled');
    expect(fake.batches()).toHaveLength(0);
  });
});

describe('a create that fails in passing', () => {
  it.each([
    ['times out before the upstream made anything', 'hang-before', 2, 1],
    ['times out after the upstream made the batch', 'hang-after', 1, 1],
    ['loses its connection after the upstream made the batch', 'destroy-after', 1, 1],
  ] as const)('%s (%s) → %i create(s), %i batch paid for, the job completes', async (_name, behavior, createCount, batchCount) => {
    fake.enqueueBatchCreate(behavior);
    const proxy = await start({ UNSPUN_BATCH_TIMEOUT_MS: '300' });
    const id = await submit(proxy.url, proxy.token);
    const view = await finished(proxy, id);
    expectScored(view);
    expect(creates()).toHaveLength(createCount);
    expect(paidFor()).toHaveLength(batchCount);
    expect(fake.batches()).toHaveLength(batchCount);
  });

  it(`is tried ${CREATE_TRIES} times at most, then the job fails saying nothing was sent twice`, async () => {
    fake.enqueueBatchCreate(...Array<'hang-before'>(CREATE_TRIES).fill('hang-before'));
    const proxy = await start({ UNSPUN_BATCH_TIMEOUT_MS: '200' });
    const id = await submit(proxy.url, proxy.token);
    const view = await finished(proxy, id);
    expect(view.status).toBe('failed');
    expect(view.error).toMatchObject({ code: 'upstream_create_failed' });
    expect(view.error!.message).toMatch(/nothing was sent twice/);
    expect(creates()).toHaveLength(CREATE_TRIES);
    expect(fake.batches()).toHaveLength(0);
  });
});

describe('reconciling at start', () => {
  it('two batches of the job landed (a lost answer, then another try): the older is adopted, the newer canceled', async () => {
    const headers = { authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
    const now = new Date().toISOString();
    const tag = 'abc123abc123';
    mkdirSync(join(dir, 'batches'), { recursive: true });
    writeFileSync(
      join(dir, 'batches', 'batch_twice.items.jsonl'),
      `${JSON.stringify({ id: 'b', reply: { text: B } })}\n${JSON.stringify({ id: 'c', reply: { text: C } })}\n`,
    );
    writeFileSync(
      join(dir, 'batches', 'batch_twice.json'),
      JSON.stringify({
        version: 2,
        id: 'batch_twice',
        createdAt: now,
        updatedAt: now,
        status: 'running',
        judge: 'anthropic',
        total: 2,
        done: 0,
        failed: 0,
        intent: { tag, indices: [0, 1], attempts: [{ startedAt: now, endedAt: now }, { startedAt: now }] },
      }),
    );
    const made: string[] = [];
    for (let n = 0; n < 2; n++) {
      const requests = [B, C].map((text, i) => ({
        custom_id: `${tag}-${i}`,
        params: { model: 'claude-haiku-5-5', max_tokens: 100, messages: [{ role: 'user', content: `<reply_to_judge>\n${text}\n</reply_to_judge>` }] },
      }));
      const res = await fetch(`${fake.url}/v1/messages/batches`, { method: 'POST', headers, body: JSON.stringify({ requests }) });
      made.push(((await res.json()) as { id: string }).id);
    }
    const proxy = await start();
    const view = await finished(proxy, 'batch_twice');
    expect(view).toMatchObject({ status: 'done', done: 2, upstream: { batchId: made[0] } });
    expect(fake.batches().map((b) => [b.id, b.canceled])).toEqual([
      [made[0], false],
      [made[1], true],
    ]);
    expect(creates()).toHaveLength(2); // the two made above; the proxy sent none
  });

  it('a batch of another size or made by another job is not adopted', async () => {
    const proxy = await start();
    const other = await submit(proxy.url, proxy.token);
    await finished(proxy, other);
    await proxy.close();
    running.splice(running.indexOf(proxy), 1);
    const now = new Date().toISOString();
    writeFileSync(
      join(dir, 'batches', 'batch_fresh.items.jsonl'),
      `${JSON.stringify({ id: 'b', reply: { text: `${B} Again.` } })}\n${JSON.stringify({ id: 'c', reply: { text: `${C} Again.` } })}\n`,
    );
    writeFileSync(
      join(dir, 'batches', 'batch_fresh.json'),
      JSON.stringify({
        version: 2,
        id: 'batch_fresh',
        createdAt: now,
        updatedAt: now,
        status: 'running',
        judge: 'anthropic',
        total: 2,
        done: 0,
        failed: 0,
        intent: { tag: 'ffff0000ffff', indices: [0, 1], attempts: [{ startedAt: now }] },
      }),
    );
    const again = await start();
    const view = await finished(again, 'batch_fresh');
    expect(view).toMatchObject({ status: 'done', done: 2 });
    expect(fake.batches()).toHaveLength(2);
    expect(view.upstream!.batchId).toBe(fake.batches()[1]!.id);
  });
});
