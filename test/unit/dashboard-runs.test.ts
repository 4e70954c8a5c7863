// Re-score and import runs through a real proxy's batch endpoint (offline judge, real port):
// chunks, progress, results stored beside the primary score (re-score) or as it (import),
// cancel, a proxy outage that the run waits out, and the run kept in the archive.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRunService, RUN_CHUNK } from '../../extension/dashboard/runs.ts';
import { judgeOptions, runProgress } from '../../extension/dashboard/runs-view.ts';
import { recordCapture, markFailed } from '../../extension/db/queries.ts';
import { createDb, type UnspunDb } from '../../extension/db/schema.ts';
import type { Settings } from '../../extension/settings.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const TEXT = 'Great question! Everyone agrees this is the only way, so act now before it is too late.';
let proxy: TestProxy;
let db: UnspunDb;

beforeAll(async () => {
  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
});
afterAll(async () => proxy?.close());
beforeEach(() => {
  db = createDb('runs', { indexedDB: new IDBFactory(), IDBKeyRange });
});

const settings = (over: Partial<Settings> = {}): Settings => ({ proxyUrl: proxy.url, token: proxy.token, enabled: true, ...over });

async function seed(n: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const { message } = await recordCapture(
      db,
      { site: 'demo', conversationId: `c${i % 3}`, messageId: `m${i}`, text: `${TEXT} (${i})`, userTurn: 'What now?', previous: [] },
      100 + i,
    );
    keys.push(message.key);
  }
  return keys;
}

async function finish(service: ReturnType<typeof createRunService>, runId: string) {
  for (let i = 0; i < 200; i++) {
    const { run } = await service.status(runId);
    if (run && ['done', 'failed', 'canceled'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('run did not end');
}

describe('dashboard runs', () => {
  it('re-scores in chunks through the batch endpoint and stores each score beside the primary one', async () => {
    const keys = await seed(RUN_CHUNK + 5);
    const service = createRunService({ db, loadSettings: async () => settings() });
    const { run } = await service.start({ type: 'dashboard-start-run', kind: 'rescore', judge: 'offline', messageKeys: keys });
    expect(run?.batchId).toMatch(/^batch_/);
    const done = await finish(service, run!.id);
    expect(done).toMatchObject({ status: 'done', done: RUN_CHUNK + 5, failed: 0, total: RUN_CHUNK + 5 });
    const rescores = await db.rescores.toArray();
    expect(rescores).toHaveLength(RUN_CHUNK + 5);
    expect(rescores[0]).toMatchObject({ judgeKey: 'offline', runId: run!.id, quotesVerified: true });
    expect(rescores[0]!.flags.length).toBeGreaterThan(0);
    expect(await db.scores.count()).toBe(0); // the primary score is never replaced by a re-score
    expect((await db.runs.get(run!.id))?.status).toBe('done');
  });

  it('an import run stores the results as the replies’ scores', async () => {
    const keys = await seed(3);
    for (const k of keys) await markFailed(db, k, 'imported: waiting for the batch run', 1);
    const service = createRunService({ db, loadSettings: async () => settings() });
    const { run } = await service.start({ type: 'dashboard-start-run', kind: 'import', judge: 'offline', messageKeys: keys });
    expect((await finish(service, run!.id)).status).toBe('done');
    expect(await db.scores.count()).toBe(3);
    expect((await db.messages.get(keys[0]!))?.status).toBe('scored');
    expect((await db.conversations.get('demo:c0'))?.flagged).toBe(1);
  });

  it('cancel stops the run at the proxy', async () => {
    const keys = await seed(3);
    const service = createRunService({ db, loadSettings: async () => settings() });
    const { run } = await service.start({ type: 'dashboard-start-run', kind: 'rescore', judge: 'offline', messageKeys: keys });
    const canceled = await service.cancel(run!.id);
    expect(canceled.run?.status).toBe('canceled');
    expect((await service.status(run!.id)).run?.status).toBe('canceled');
  });

  it('without a token nothing starts; with the proxy down the run waits and carries on once it is back', async () => {
    const keys = await seed(2);
    const unpaired = createRunService({ db, loadSettings: async () => settings({ token: '' }) });
    expect((await unpaired.start({ type: 'dashboard-start-run', kind: 'rescore', judge: 'offline', messageKeys: keys })).error).toContain('Not paired');
    let url = 'http://127.0.0.1:9'; // nothing listens there
    const service = createRunService({ db, loadSettings: async () => settings({ proxyUrl: url }) });
    const { run } = await service.start({ type: 'dashboard-start-run', kind: 'rescore', judge: 'offline', messageKeys: keys });
    expect(run).toMatchObject({ status: 'queued' });
    expect(run?.error).toBeTruthy();
    url = proxy.url;
    expect(await finish(service, run!.id)).toMatchObject({ status: 'done', done: 2 });
  });

  it('ignores messages that are not its own', async () => {
    const service = createRunService({ db, loadSettings: async () => settings() });
    expect(await service.handleMessage({ type: 'get-status' })).toBeUndefined();
    expect(await service.handleMessage({ type: 'dashboard-start-run', kind: 'rescore', judge: 'offline', messageKeys: [] })).toBeUndefined();
  });

  it('a run for a judge the proxy does not have fails at once, saying why, instead of retrying the 503', async () => {
    const keys = await seed(2);
    const service = createRunService({ db, loadSettings: async () => settings() });
    const { run } = await service.start({ type: 'dashboard-start-run', kind: 'rescore', judge: 'anthropic', messageKeys: keys });
    expect(run).toMatchObject({ status: 'failed', done: 0 });
    expect(run?.error).toMatch(/ANTHROPIC_API_KEY/);
    expect(run?.error).not.toMatch(/503/);
    expect((await db.runs.get(run!.id))?.status).toBe('failed');
    expect(runProgress(run!).text).toMatch(/failed · Not started: .*ANTHROPIC_API_KEY/);
    expect(await db.rescores.count()).toBe(0);
  });

  it('a chunk the proxy refuses (400) fails the run at once with the reason, instead of resending it on every poll', async () => {
    const keys = await seed(2);
    let creates = 0;
    // The proxy is real; the body is spoiled on the way (an empty reply), as a future schema mismatch would be.
    const spoil: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/v1/score/batch') && typeof init?.body === 'string') {
        creates++;
        const body = JSON.parse(init.body) as { items: { reply: { text: string } }[] };
        body.items[0]!.reply.text = '';
        return fetch(input, { ...init, body: JSON.stringify(body) });
      }
      return fetch(input, init);
    };
    const service = createRunService({ db, loadSettings: async () => settings(), fetch: spoil });
    const { run } = await service.start({ type: 'dashboard-start-run', kind: 'rescore', judge: 'offline', messageKeys: keys });
    expect(run).toMatchObject({ status: 'failed' });
    expect(run?.error).toMatch(/^The proxy refused this run: proxy answered 400/);
    expect((await service.advance(run!.id))?.status).toBe('failed');
    expect(creates).toBe(1);
  });

  it('a chunk whose job the proxy deleted is sent again, and the run still finishes', async () => {
    const keys = await seed(3);
    const service = createRunService({ db, loadSettings: async () => settings() });
    const { run } = await service.start({ type: 'dashboard-start-run', kind: 'rescore', judge: 'offline', messageKeys: keys });
    const deleted = await fetch(`${proxy.url}/v1/batches/${run!.batchId}`, { method: 'DELETE', headers: { authorization: `Bearer ${proxy.token}` } });
    expect(deleted.status).toBe(200);
    const next = await service.advance(run!.id);
    expect(next?.batchId).toBeUndefined();
    expect(next?.status).not.toBe('failed');
    expect(await finish(service, run!.id)).toMatchObject({ status: 'done', done: 3, failed: 0 });
  });

  it('asks the proxy which judges it has; says to start the proxy when it is down', async () => {
    const service = createRunService({ db, loadSettings: async () => settings() });
    expect(await service.handleMessage({ type: 'dashboard-judges' })).toMatchObject({
      judges: { available: ['offline'], default: 'offline', unavailable: [{ kind: 'anthropic', reason: 'not_configured' }] },
    });
    const down = createRunService({ db, loadSettings: async () => settings({ proxyUrl: 'http://127.0.0.1:9' }) });
    expect((await down.judges()).error).toMatch(/npm start/);
  });
});

describe('the judge picker', () => {
  it.each([
    [
      'offline proxy',
      { available: ['offline'], default: 'offline', unavailable: [{ kind: 'anthropic', reason: 'not_configured', message: 'No key: set ANTHROPIC_API_KEY.' }] },
      'offline',
      ['anthropic'],
      /ANTHROPIC_API_KEY/,
    ],
    ['proxy with a key, anthropic default', { available: ['offline', 'anthropic'], default: 'anthropic', unavailable: [] }, 'anthropic', [], null],
    ['proxy with a key, offline default', { available: ['offline', 'anthropic'], default: 'offline', unavailable: [] }, 'offline', [], null],
  ] as const)('%s: the default is picked, the others it lacks are off with the reason', (_name, judges, picked, disabled, reason) => {
    const options = judgeOptions({ ...judges, available: [...judges.available], unavailable: [...judges.unavailable] });
    expect(options.find((o) => o.selected)?.value).toBe(picked);
    expect(options[0]?.value).toBe(picked);
    expect(options.filter((o) => o.disabled).map((o) => o.value)).toEqual(disabled);
    if (reason) expect(options.find((o) => o.disabled)?.reason).toMatch(reason);
    else expect(options.every((o) => !o.reason)).toBe(true);
  });
});
