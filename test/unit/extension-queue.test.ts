import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countByStatus, getMessage, getScore, recordCapture, type Capture } from '../../extension/db/queries.ts';
import { createDb, type UnspunDb } from '../../extension/db/schema.ts';
import { createScoringQueue, type ScoreUpdate } from '../../extension/scoring/queue.ts';
import type { Settings } from '../../extension/settings.ts';
import type { MessageRecord } from '../../shared/records.ts';
import type { ScoreResult } from '../../shared/schemas.ts';

const dbs: UnspunDb[] = [];
function freshDb(): UnspunDb {
  const db = createDb(`test-${dbs.length}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

const capture = (messageId = 'm1', extra: Partial<Capture> = {}): Capture => ({
  site: 'demo',
  conversationId: 'c1',
  messageId,
  text: 'Great question! Act now before it is too late.',
  userTurn: 'Should I?',
  previous: [],
  ...extra,
});

const result: ScoreResult = {
  score: 62,
  flags: [{ move: 'flattery', start: 0, end: 15, quote: 'Great question!', severity: 1, support: 'unsupported', rationale: 'Praise.', source: 'detector' }],
  judge: { kind: 'offline', promptVersion: 'detector-1', taxonomyVersion: 't' },
  cached: false,
  latencyMs: 3,
};

const settings: Settings = { proxyUrl: 'http://127.0.0.1:9999', token: 'tok', enabled: true };

/** A fake proxy: answers each call from a list of responses (a status, or 'down' for a network error). */
function fakeFetch(answers: (number | 'down')[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (answer === 'down') throw new TypeError('Failed to fetch');
    const body = answer === 200 ? result : { error: `status ${answer}` };
    return new Response(JSON.stringify(body), { status: answer, headers: { 'Content-Type': 'application/json' } });
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

function setup(answers: (number | 'down')[], options: { settings?: Settings; clock?: { t: number } } = {}) {
  const db = freshDb();
  const clock = options.clock ?? { t: 1_000 };
  const notified: { message: MessageRecord; update: ScoreUpdate }[] = [];
  const timers: { run: () => void; ms: number }[] = [];
  const proxy = fakeFetch(answers);
  const queue = createScoringQueue({
    db,
    getSettings: async () => options.settings ?? settings,
    notify: (message, update) => void notified.push({ message, update }),
    fetch: proxy.fetch,
    now: () => clock.t,
    setTimer: (run, ms) => timers.push({ run, ms }),
    clearTimer: () => undefined,
  });
  return { db, clock, notified, timers, proxy, queue };
}

describe('recordCapture', () => {
  it('stores conversation and message as pending', async () => {
    const db = freshDb();
    const { created, message } = await recordCapture(db, capture(), 5);
    expect(created).toBe(true);
    expect(message).toMatchObject({ key: 'demo:c1:m1', status: 'pending', attempts: 0, capturedAt: 5 });
    expect(await db.conversations.get('demo:c1')).toMatchObject({ site: 'demo', conversationId: 'c1', firstCapturedAt: 5 });
  });

  it('dedups by (site, conversation, message)', async () => {
    const db = freshDb();
    await recordCapture(db, capture(), 5);
    const again = await recordCapture(db, capture('m1', { text: 'changed', tabId: 7 }), 9);
    expect(again.created).toBe(false);
    expect(again.message.text).toBe(capture().text);
    expect(again.message.tabId).toBe(7);
    await recordCapture(db, capture('m1', { conversationId: 'c2' }), 9);
    expect(await db.messages.count()).toBe(2);
    expect(await db.conversations.count()).toBe(2);
  });
});

describe('scoring queue', () => {
  it('scores a pending message, stores the score and tells the tab', async () => {
    const { db, queue, notified, proxy } = setup([200]);
    await recordCapture(db, capture('m1', { tabId: 3 }), 1);
    await queue.drain();
    expect(proxy.calls).toHaveLength(1);
    expect(proxy.calls[0]!.url).toBe('http://127.0.0.1:9999/v1/score');
    expect(new Headers(proxy.calls[0]!.init?.headers).get('authorization')).toBe('Bearer tok');
    const body = JSON.parse(String(proxy.calls[0]!.init?.body));
    expect(body).toMatchObject({ reply: { text: capture().text, id: 'm1' }, context: { user: 'Should I?', previous: [] }, site: 'demo', conversationId: 'c1' });
    expect((await getMessage(db, 'demo:c1:m1'))?.status).toBe('scored');
    expect((await getScore(db, 'demo:c1:m1'))?.score).toBe(62);
    expect(notified.map((n) => n.update.status)).toEqual(['scored']);
  });

  it('keeps the message pending with backoff while the proxy is down, then scores it', async () => {
    const clock = { t: 10_000 };
    const { db, queue, timers, notified } = setup(['down', 'down', 200], { clock });
    await recordCapture(db, capture(), clock.t);
    await queue.drain();
    let m = await getMessage(db, 'demo:c1:m1');
    expect(m).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: 12_000 });
    expect(m?.lastError).toMatch(/unreachable/);
    expect(timers.at(-1)?.ms).toBe(2_000);

    clock.t = 12_000;
    await queue.drain();
    m = await getMessage(db, 'demo:c1:m1');
    expect(m).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: 16_000 });
    expect(timers.at(-1)?.ms).toBe(4_000);

    // Not due yet: a plain drain does nothing.
    clock.t = 13_000;
    await queue.drain();
    expect((await getMessage(db, 'demo:c1:m1'))?.attempts).toBe(2);

    clock.t = 16_000;
    await queue.drain();
    expect((await getMessage(db, 'demo:c1:m1'))?.status).toBe('scored');
    expect(notified.map((n) => n.update.status)).toEqual(['scored']);
    expect(await countByStatus(db)).toEqual({ pending: 0, scored: 1, failed: 0 });
  });

  it('retries server errors (5xx) and treats them as transient', async () => {
    const { db, queue } = setup([503]);
    await recordCapture(db, capture(), 1);
    await queue.drain();
    expect(await getMessage(db, 'demo:c1:m1')).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('marks a bad request (4xx) failed, keeps it, and does not retry it', async () => {
    const { db, queue, proxy, notified, timers } = setup([400]);
    await recordCapture(db, capture(), 1);
    await queue.drain();
    expect(await getMessage(db, 'demo:c1:m1')).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('400') });
    await queue.drain({ force: true });
    expect(proxy.calls).toHaveLength(1);
    expect(notified.map((n) => n.update.status)).toEqual(['failed']);
    expect(timers).toHaveLength(0);
  });

  it('a forced drain ignores backoff (new capture, popup open)', async () => {
    const { db, queue, proxy } = setup(['down', 200]);
    await recordCapture(db, capture(), 1);
    await queue.drain();
    expect(proxy.calls).toHaveLength(1);
    await queue.drain({ force: true });
    expect(proxy.calls).toHaveLength(2);
    expect((await getMessage(db, 'demo:c1:m1'))?.status).toBe('scored');
  });

  it('while the proxy is down, stops after the first failure instead of hammering it', async () => {
    const { db, queue, proxy } = setup(['down']);
    await recordCapture(db, capture('m1'), 1);
    await recordCapture(db, capture('m2'), 2);
    await queue.drain();
    expect(proxy.calls).toHaveLength(1);
    expect(await countByStatus(db)).toEqual({ pending: 2, scored: 0, failed: 0 });
  });

  it('without a token, nothing is sent and nothing is lost', async () => {
    const { db, queue, proxy } = setup([200], { settings: { ...settings, token: '' } });
    await recordCapture(db, capture(), 1);
    await queue.drain({ force: true });
    expect(proxy.calls).toHaveLength(0);
    expect(await getMessage(db, 'demo:c1:m1')).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('concurrent drains join one run (each message is scored once)', async () => {
    const { db, queue, proxy } = setup([200]);
    await recordCapture(db, capture('m1'), 1);
    await recordCapture(db, capture('m2'), 2);
    await Promise.all([queue.drain(), queue.drain(), queue.drain({ force: true })]);
    expect(proxy.calls).toHaveLength(2);
    expect(await countByStatus(db)).toEqual({ pending: 0, scored: 2, failed: 0 });
  });

  it('rejects a malformed score from the proxy and keeps the message pending', async () => {
    const db = freshDb();
    const queue = createScoringQueue({
      db,
      getSettings: async () => settings,
      notify: () => undefined,
      fetch: (async () => new Response(JSON.stringify({ score: 'high' }), { status: 200 })) as typeof fetch,
      setTimer: () => undefined,
    });
    await recordCapture(db, capture(), 1);
    await queue.drain();
    expect(await getMessage(db, 'demo:c1:m1')).toMatchObject({ status: 'pending', attempts: 1 });
  });
});
