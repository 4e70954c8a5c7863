// The study outbox: its state machine, backoff, batches, and the background study service end to
// end against a fake study server that keeps the contract (idempotent by content): joining,
// review, sending once even when an answer is lost, the server away and back, refusals, pause,
// leave and "delete everything I gave".
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { createStudyService } from '../../extension/background/study-service.ts';
import { markScored, recordCapture } from '../../extension/db/queries.ts';
import { createDb, STORES, type UnspunDb } from '../../extension/db/schema.ts';
import type { Participation } from '../../extension/study/contract.ts';
import { applyAction, closeReviews, nextBatch, offer } from '../../extension/study/outbox.ts';
import { classifySendFailure, nextOutboxState, OUTBOX_ACTIONS, OUTBOX_STATES, studyRetryDelayMs } from '../../extension/study/outbox-state.ts';
import { sha256Hex } from '../../shared/export/sha256.ts';
import type { ExportRecord } from '../../shared/export/record.ts';
import type { ScoreResult } from '../../shared/schemas.ts';
import { publicStudy } from '../study/records.ts';

const dbs: UnspunDb[] = [];
function freshDb(): UnspunDb {
  const db = createDb(`study-${dbs.length}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

describe('outbox state machine', () => {
  const table: [string, string, string | null][] = [
    ['review', 'hold', 'held'],
    ['review', 'exclude', 'excluded'],
    ['review', 'send-now', 'queued'],
    ['review', 'review-over', 'queued'],
    ['review', 'sent', null],
    ['held', 'release', 'review'],
    ['held', 'review-over', null],
    ['held', 'send-now', 'queued'],
    ['excluded', 'include', 'review'],
    ['excluded', 'send-now', null],
    ['excluded', 'review-over', null],
    ['queued', 'hold', 'held'],
    ['queued', 'sent', 'sent'],
    ['queued', 'rejected', 'rejected'],
    ['rejected', 'send-now', 'queued'],
  ];
  for (const [from, action, to] of table) {
    it(`${from} --${action}--> ${to ?? '(not allowed)'}`, () => expect(nextOutboxState(from as never, action as never)).toBe(to));
  }
  it('sent is final: no action moves it', () => {
    for (const action of OUTBOX_ACTIONS) expect(nextOutboxState('sent', action)).toBeNull();
  });
  it('only a send from the queue ends in sent', () => {
    for (const state of OUTBOX_STATES)
      for (const action of OUTBOX_ACTIONS) if (nextOutboxState(state, action) === 'sent') expect([state, action]).toEqual(['queued', 'sent']);
  });
});

describe('backoff and failure kinds', () => {
  it('doubles from 5 s and stops at 30 min; a longer Retry-After wins', () => {
    expect([0, 1, 2, 3, 4].map((n) => studyRetryDelayMs(n))).toEqual([0, 5_000, 10_000, 20_000, 40_000]);
    expect(studyRetryDelayMs(40)).toBe(30 * 60_000);
    expect(studyRetryDelayMs(1, 120)).toBe(120_000);
    expect(studyRetryDelayMs(5, 1)).toBe(80_000);
  });
  it('server away or busy: retry; participant refused: blocked; records refused: reject', () => {
    expect([undefined, 500, 502, 503, 408, 429].map(classifySendFailure)).toEqual(Array(6).fill('retry'));
    expect([401, 403, 404, 410].map(classifySendFailure)).toEqual(Array(4).fill('blocked'));
    expect([400, 413, 422].map(classifySendFailure)).toEqual(Array(3).fill('reject'));
  });
});

// ---- a fake study server that keeps the contract ----

const CONSENT = 'You agree to donate redacted replies for research on persuasion.';
const STUDY_ID = 's_testtesttesttest01';
const BASE = 'http://127.0.0.1:8788';
const JOIN_URL = `${BASE}/join/${STUDY_ID}`;

interface FakeServer {
  fetch: typeof fetch;
  /** 'down': no answer; 'lose-answer': stores, then the connection drops; a number: that status. */
  mode: 'up' | 'down' | 'lose-answer' | number;
  rows: Map<string, { participantId: string; record: ExportRecord }>;
  participants: Map<string, string>;
  donationRequests: number;
  study: Record<string, unknown>;
}

function fakeServer(): FakeServer {
  const server: FakeServer = {
    mode: 'up',
    rows: new Map(),
    participants: new Map(),
    donationRequests: 0,
    study: publicStudy(STUDY_ID, CONSENT, BASE, { researcher: 'Dr. R' }),
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const method = init?.method ?? 'GET';
      if (server.mode === 'down') throw new TypeError('Failed to fetch');
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (typeof server.mode === 'number' && method !== 'GET') return json(server.mode, { error: { code: 'x', message: `status ${server.mode}` } });
      const path = url.pathname;
      const auth = (init?.headers as Record<string, string> | undefined)?.authorization?.replace(/^Bearer /, '');
      const participant = auth ? server.participants.get(auth) : undefined;
      if (method === 'GET' && path === `/v1/studies/${STUDY_ID}`) return json(200, server.study);
      if (method === 'POST' && path === `/v1/studies/${STUDY_ID}/participants`) {
        const secret = `secret-${server.participants.size}-abcdefghijklmnop`;
        const participantId = `p_participant${server.participants.size}xxxxxx`;
        server.participants.set(secret, participantId);
        return json(201, {
          participantId,
          secret,
          studyId: STUDY_ID,
          consentSha256: sha256Hex(String(server.study.consent)),
          consentedAt: '2026-12-06T20:00:00.000Z',
        });
      }
      if (method === 'POST' && path === `/v1/studies/${STUDY_ID}/donations`) {
        if (!participant) return json(401, { error: { code: 'auth', message: 'unknown participant' } });
        server.donationRequests++;
        const { records } = JSON.parse(String(init!.body)) as { records: ExportRecord[] };
        let accepted = 0;
        let duplicates = 0;
        const results: { hash: string; status: 'accepted' | 'duplicate' }[] = [];
        for (const record of records) {
          const hash = `${participant}|${sha256Hex(JSON.stringify(record))}`;
          if (server.rows.has(hash)) duplicates++, results.push({ hash, status: 'duplicate' });
          else {
            server.rows.set(hash, { participantId: participant, record });
            accepted++;
            results.push({ hash, status: 'accepted' });
          }
        }
        if (server.mode === 'lose-answer') {
          server.mode = 'up';
          throw new TypeError('network connection lost');
        }
        return json(200, { accepted, duplicates, results });
      }
      if (method === 'DELETE' && path === `/v1/studies/${STUDY_ID}/participants/me`) {
        if (!participant) return json(401, { error: { code: 'auth', message: 'unknown participant' } });
        let donations = 0;
        for (const [key, row] of server.rows) if (row.participantId === participant) server.rows.delete(key), donations++;
        return json(200, { deleted: true, studyId: STUDY_ID, participantId: participant, donations, consentRecords: 1, deletedAt: '2026-12-06T20:00:00.000Z' });
      }
      return json(404, { error: { code: 'not_found', message: 'no route' } });
    },
  };
  return server;
}

const RESULT: ScoreResult = {
  score: 60,
  flags: [{ move: 'flattery', start: 0, end: 15, quote: 'Great question!', severity: 1, support: 'unsupported', rationale: 'Praise.', source: 'detector' }],
  judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' },
  cached: false,
  latencyMs: 1,
};

function setup(options: { reviewHours?: number } = {}) {
  const db = freshDb();
  const server = fakeServer();
  server.study.reviewHours = options.reviewHours ?? 0;
  let participations: Record<string, Participation> = {};
  let clock = 10_000;
  const scheduled: number[] = [];
  const service = createStudyService({
    db,
    loadParticipations: async () => structuredClone(participations),
    saveParticipations: async (all) => {
      participations = structuredClone(all);
    },
    hasHostAccess: async () => true,
    scoreLocally: () => RESULT,
    fetch: server.fetch,
    now: () => clock,
    scheduleSync: (ms) => scheduled.push(ms),
  });
  const capture = async (conversationId: string, messageId: string, text = 'Great question! Email me at a.b@example.com now.') => {
    const { message } = await recordCapture(db, { site: 'demo', conversationId, messageId, text, userTurn: 'Hi', previous: [] }, clock);
    await markScored(db, message.key, text.startsWith('Great') ? RESULT : { ...RESULT, flags: [], score: 0 }, clock);
  };
  const join = async () => {
    const preview = await service.preview(JOIN_URL);
    if (!preview.ok) throw new Error(preview.error);
    const joined = await service.join(JOIN_URL, preview.consentHash);
    if (!joined.ok) throw new Error(joined.error);
  };
  const items = () => db.studyOutbox.toArray();
  return { db, server, service, capture, join, items, scheduled, tick: (ms: number) => (clock += ms), participations: () => participations };
}

describe('joining', () => {
  it('keeps the participant id and secret in the extension, never in what pages get', async () => {
    const t = setup();
    await t.join();
    const p = t.participations()[STUDY_ID]!;
    expect(p.secret).toMatch(/^secret-/);
    expect(p.state).toBe('active');
    const status = await t.service.status();
    expect(JSON.stringify(status)).not.toContain(p.secret);
    expect(JSON.stringify(status)).not.toContain(p.salt);
  });

  it('refuses when the consent text changed since the participant read it', async () => {
    const t = setup();
    const preview = await t.service.preview(JOIN_URL);
    if (!preview.ok) throw new Error(preview.error);
    t.server.study.consent = `${CONSENT} And we also keep your browsing history.`;
    const joined = await t.service.join(JOIN_URL, preview.consentHash);
    expect(joined).toMatchObject({ ok: false, error: expect.stringMatching(/consent text changed/) });
    expect(t.server.participants.size).toBe(0);
  });

  it('the consent example is built from the demo conversation when the archive is empty, redacted', async () => {
    const t = setup();
    const preview = await t.service.preview(JOIN_URL);
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.exampleFrom).toBe('demo');
    expect(preview.example.messages.every((m) => m.role === 'assistant')).toBe(true);
    expect(preview.example.redaction.ids).toBe('pseudonymous');
  });

  it('the consent example is the participant’s own most recent conversation the study would take, redacted as it would be sent', async () => {
    const t = setup();
    await t.capture('mine', 'm1');
    t.tick(1_000);
    await t.capture('unflagged', 'm1', 'Here is the timetable you asked for. Email me at a.b@example.com.');
    const preview = await t.service.preview(JOIN_URL);
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.exampleFrom).toBe('archive');
    // The study collects flagged replies only: the newer, unflagged conversation is not the example.
    expect(preview.example.messages.map((m) => m.text)).toEqual(['Great question! Email me at [EMAIL] now.']);
    expect(JSON.stringify(preview.example)).not.toContain('a.b@example.com');
    expect(JSON.stringify(preview.example)).not.toContain('mine');
    expect(preview.example.redaction).toMatchObject({ redacted: true, ids: 'pseudonymous' });
    // Showing it sends nothing: no participant, no donation.
    expect(t.server.participants.size).toBe(0);
    expect(t.server.donationRequests).toBe(0);
  });

  it('a remote origin without the permission is not contacted', async () => {
    const t = setup();
    const service = createStudyService({
      db: t.db,
      loadParticipations: async () => ({}),
      saveParticipations: async () => {},
      hasHostAccess: async () => false,
      scoreLocally: () => RESULT,
      fetch: () => Promise.reject(new Error('must not fetch')),
    });
    expect(await service.preview('https://lab.example.org/join/s_abc')).toMatchObject({ ok: false, needsPermission: 'https://lab.example.org' });
    expect(await service.preview('http://lab.example.org/join/s_abc')).toMatchObject({ ok: false, error: expect.stringMatching(/https/) });
  });
});

describe('donating', () => {
  it('sends what was captured after joining, redacted, once; nothing from before', async () => {
    const t = setup();
    await t.capture('before', 'm0');
    t.tick(1_000);
    await t.join();
    t.tick(1_000);
    await t.capture('after', 'm1');
    await t.service.sync();
    const items = await t.items();
    expect(items.map((i) => [i.conversationKey, i.state])).toEqual([['demo:after', 'sent']]);
    expect(t.server.rows.size).toBe(1);
    const [row] = [...t.server.rows.values()];
    expect(row!.record.messages[0]!.text).toContain('[EMAIL]');
    expect(JSON.stringify(row)).not.toContain('a.b@example.com');
    await t.service.sync();
    expect(t.server.donationRequests).toBe(1);
  });

  it('waits out the review window; hold and exclude keep a conversation back', async () => {
    const t = setup({ reviewHours: 2 });
    await t.join();
    await t.capture('c1', 'm1');
    await t.capture('c2', 'm1');
    await t.capture('c3', 'm1');
    await t.service.sync();
    expect((await t.items()).map((i) => i.state)).toEqual(['review', 'review', 'review']);
    expect(t.server.rows.size).toBe(0);
    const byKey = async (k: string) => (await t.items()).find((i) => i.conversationKey === k)!;
    expect(await applyAction(t.db, (await byKey('demo:c1')).id, 'hold', 0)).toBe(true);
    expect(await applyAction(t.db, (await byKey('demo:c2')).id, 'exclude', 0)).toBe(true);
    t.tick(2 * 3_600_000);
    await t.service.sync();
    expect((await byKey('demo:c1')).state).toBe('held');
    expect((await byKey('demo:c2')).state).toBe('excluded');
    expect((await byKey('demo:c3')).state).toBe('sent');
    expect(t.server.rows.size).toBe(1);
    // A new reply in the excluded conversation stays excluded; in the held one, held.
    await t.capture('c2', 'm2');
    await t.capture('c1', 'm2');
    await t.service.sync();
    const states = (await t.items()).map((i) => `${i.conversationKey}:${i.state}`).sort();
    expect(states).toEqual(['demo:c1:held', 'demo:c2:excluded', 'demo:c3:sent']);
  });

  it('"send now" skips the review window for what the participant has seen', async () => {
    const t = setup({ reviewHours: 24 });
    await t.join();
    await t.capture('c1', 'm1');
    await t.service.sync();
    expect(t.server.rows.size).toBe(0);
    expect(await t.service.sendNow(STUDY_ID)).toMatchObject({ ok: true, queued: 1 });
    await t.service.sync();
    expect((await t.items())[0]!.state).toBe('sent');
  });

  it('server away: stays queued with growing waits; back: sent once', async () => {
    const t = setup();
    await t.join();
    await t.capture('c1', 'm1');
    t.server.mode = 'down';
    await t.service.sync();
    let [item] = await t.items();
    expect(item).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: 10_000 + 5_000 });
    expect(t.participations()[STUDY_ID]!.lastError).toMatch(/did not answer/);
    t.tick(5_000);
    await t.service.sync();
    [item] = await t.items();
    expect(item).toMatchObject({ state: 'queued', attempts: 2, nextAttemptAt: 15_000 + 10_000 });
    // Not due yet: no request at all.
    t.server.mode = 'up';
    await t.service.sync();
    expect(t.server.donationRequests).toBe(0);
    t.tick(10_000);
    await t.service.sync();
    [item] = await t.items();
    expect(item!.state).toBe('sent');
    expect(t.server.rows.size).toBe(1);
    expect(t.participations()[STUDY_ID]!.lastError).toBeUndefined();
  });

  it('an answer lost after the server stored the records: the retry is a duplicate, never a second row', async () => {
    const t = setup();
    await t.join();
    await t.capture('c1', 'm1');
    await t.capture('c2', 'm1');
    t.server.mode = 'lose-answer';
    await t.service.sync();
    expect(t.server.rows.size).toBe(2);
    expect((await t.items()).map((i) => i.state)).toEqual(['queued', 'queued']);
    t.tick(5_000);
    await t.service.sync();
    expect((await t.items()).map((i) => [i.state, i.duplicate])).toEqual([
      ['sent', true],
      ['sent', true],
    ]);
    expect(t.server.rows.size).toBe(2);
    expect(t.server.donationRequests).toBe(2);
  });

  it('a refused record is set aside alone; the rest of its batch is sent', async () => {
    const t = setup({ reviewHours: 1 });
    await t.join();
    await t.capture('c1', 'm1');
    await t.capture('c2', 'm1');
    await t.service.sync();
    const original = t.server.fetch;
    t.server.fetch = async (input, init) => {
      if (
        String(init?.body ?? '').includes('c_') &&
        JSON.parse(String(init!.body)).records.some((r: ExportRecord) => r.messages[0]!.text.includes('[EMAIL]') && r.conversation.id === bad)
      ) {
        return new Response(JSON.stringify({ error: { code: 'invalid', message: 'record 1 fails the schema' } }), { status: 400 });
      }
      return original(input, init);
    };
    // The service holds the fetch it was given: route through a wrapper that reads server.fetch each call.
    const items = await t.items();
    const bad = items[0]!.record.conversation.id;
    const service = createStudyService({
      db: t.db,
      loadParticipations: async () => t.participations(),
      saveParticipations: async () => {},
      hasHostAccess: async () => true,
      scoreLocally: () => RESULT,
      fetch: (i, init) => t.server.fetch(i, init),
      now: () => 20_000 + 3_600_000,
    });
    await closeReviews(t.db, STUDY_ID, 20_000 + 3_600_000);
    await service.sync();
    const states = (await t.items()).map((i) => [i.record.conversation.id === bad ? 'bad' : 'good', i.state]).sort();
    expect(states).toEqual([
      ['bad', 'rejected'],
      ['good', 'sent'],
    ]);
  });

  it('a participant the server no longer knows stops sending; nothing waiting is lost', async () => {
    const t = setup();
    await t.join();
    await t.capture('c1', 'm1');
    t.server.participants.clear();
    await t.service.sync();
    expect((await t.items())[0]!.state).toBe('queued');
    expect(t.participations()[STUDY_ID]!.blocked).toMatch(/refused this participant/);
    await t.service.sync();
    expect(t.server.donationRequests).toBe(0);
  });

  it('paused: nothing collected or sent; resumed: sent', async () => {
    const t = setup();
    await t.join();
    expect(await t.service.setPaused(STUDY_ID, true)).toEqual({ ok: true });
    await t.capture('c1', 'm1');
    await t.service.sync();
    expect(await t.items()).toEqual([]);
    await t.service.setPaused(STUDY_ID, false);
    await t.service.sync();
    expect((await t.items())[0]!.state).toBe('sent');
  });

  it('leaving drops what was not sent and sends nothing more', async () => {
    const t = setup({ reviewHours: 5 });
    await t.join();
    await t.capture('c1', 'm1');
    await t.service.sync();
    expect(await t.service.leave(STUDY_ID)).toEqual({ ok: true, dropped: 1 });
    await t.capture('c2', 'm1');
    t.tick(6 * 3_600_000);
    await t.service.sync();
    expect(await t.items()).toEqual([]);
    expect(t.server.rows.size).toBe(0);
  });

  it('"delete everything I gave": the server deletes the rows and its receipt is kept; the secret is gone', async () => {
    const t = setup();
    await t.join();
    await t.capture('c1', 'm1');
    await t.service.sync();
    expect(t.server.rows.size).toBe(1);
    const answer = await t.service.withdraw(STUDY_ID);
    expect(answer).toMatchObject({ ok: true, receipt: { deleted: true, donations: 1 } });
    expect(t.server.rows.size).toBe(0);
    const p = t.participations()[STUDY_ID]!;
    expect(p).toMatchObject({ state: 'withdrawn', receipt: { deleted: true, donations: 1 } });
    expect(p.secret).toBeUndefined();
    expect(await t.items()).toEqual([]);
  });

  it('"delete everything" with the server away: nothing is deleted here, sending stays paused', async () => {
    const t = setup();
    await t.join();
    await t.capture('c1', 'm1');
    await t.service.sync();
    t.server.mode = 'down';
    expect(await t.service.withdraw(STUDY_ID)).toMatchObject({ ok: false, error: expect.stringMatching(/did not delete/) });
    expect(t.participations()[STUDY_ID]).toMatchObject({ state: 'paused', secret: expect.any(String) });
    t.server.mode = 'up';
    expect(await t.service.withdraw(STUDY_ID)).toMatchObject({ ok: true });
  });
});

describe('outbox details', () => {
  it('a conversation scored after a sync (the proxy was away) is still offered; old ones are not read again', async () => {
    const t = setup();
    await t.join();
    const { message } = await recordCapture(
      t.db,
      { site: 'demo', conversationId: 'late', messageId: 'm1', text: 'Great question! Act now.', previous: [] },
      10_000,
    );
    await t.service.sync();
    expect(await t.items()).toEqual([]);
    expect(t.participations()[STUDY_ID]!.waiting).toEqual(['demo:late']);
    t.tick(60_000);
    await markScored(t.db, message.key, RESULT, 70_000);
    await t.service.sync();
    expect((await t.items()).map((i) => [i.conversationKey, i.state])).toEqual([['demo:late', 'sent']]);
    expect(t.participations()[STUDY_ID]).toMatchObject({ waiting: [], fillCursor: 70_000 });
  });

  it('a conversation that grows while in review is replaced, keeping its review clock', async () => {
    const t = setup({ reviewHours: 1 });
    await t.join();
    await t.capture('c1', 'm1');
    await t.service.sync();
    const [first] = await t.items();
    t.tick(30 * 60_000);
    await t.capture('c1', 'm2');
    await t.service.sync();
    const after = await t.items();
    expect(after).toHaveLength(1);
    expect(after[0]!.id).not.toBe(first!.id);
    expect(after[0]!.reviewUntil).toBe(first!.reviewUntil);
    expect(after[0]!.replies).toBe(2);
  });

  it('offering the same content twice is one item', async () => {
    const db = freshDb();
    const record = { conversation: { content_hash: 'sha256:ab' } } as unknown as ExportRecord;
    expect(await offer(db, { studyId: 's', conversationKey: 'k', record, replies: 1, reviewHours: 0 }, 1)).toBe('added');
    expect(await offer(db, { studyId: 's', conversationKey: 'k', record, replies: 1, reviewHours: 0 }, 2)).toBe('unchanged');
    expect(await db.studyOutbox.count()).toBe(1);
  });

  it('batches stop at the record limit, oldest first', async () => {
    const db = freshDb();
    for (let i = 0; i < 5; i++) {
      const record = { conversation: { content_hash: `sha256:${i}` }, messages: [] } as unknown as ExportRecord;
      await offer(db, { studyId: 's', conversationKey: `k${i}`, record, replies: 1, reviewHours: 0 }, 100 - i);
    }
    await closeReviews(db, 's', 1_000);
    expect((await nextBatch(db, 's', 1_000, 2)).map((i) => i.conversationKey)).toEqual(['k4', 'k3']);
  });

  it('a v3 archive opens as v4 with every record and an empty outbox', async () => {
    const factory = { indexedDB: new IDBFactory(), IDBKeyRange };
    const old = new Dexie('unspun', factory);
    old.version(1).stores(STORES[1]);
    old.version(2).stores(STORES[2]);
    old.version(3).stores(STORES[3]);
    await old.open();
    await old.table('conversations').add({ key: 'demo:c1', site: 'demo', conversationId: 'c1', firstCapturedAt: 1, lastCapturedAt: 2 });
    old.close();
    const db = createDb('unspun', factory);
    await db.open();
    expect(db.verno).toBe(4);
    expect(await db.conversations.get('demo:c1')).toMatchObject({ conversationId: 'c1' });
    expect(await db.studyOutbox.count()).toBe(0);
    db.close();
  });
});
