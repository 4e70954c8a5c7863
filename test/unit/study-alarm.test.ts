// What keeps a study's outbox moving when the background worker was stopped or the browser
// restarted (extension/background/studies.ts): a worker that starts sends whatever is due at
// once, and a periodic alarm (which outlives the worker) looks at the outbox again. WXT's fake
// browser (storage, alarms), a fake-indexeddb archive, and a stand-in study server.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { sha256Hex } from '../../shared/export/sha256.ts';
import type { ExportRecord } from '../../shared/export/record.ts';
import type { Participation } from '../../extension/study/contract.ts';
import { donationRecord, publicStudy } from '../study/records.ts';

/** Waits on a condition, never on the clock: generous for a loaded machine. */
const WAIT = { timeout: 15_000, interval: 10 };

// WXT's `browser` is read from globalThis when it loads: the fake browser goes there first.
(globalThis as { chrome?: unknown }).chrome = fakeBrowser;
const { startStudies, STUDY_ALARM } = await import('../../extension/background/studies.ts');
const { createDb } = await import('../../extension/db/schema.ts');
const { offer } = await import('../../extension/study/outbox.ts');

const STUDY_ID = 's_alarmstudy000000001';
const CONSENT = 'You agree to donate redacted replies for research on persuasion.';
const BASE = 'http://127.0.0.1:8788';
const SECRET = 'usp_participant-secret-for-the-alarm-test';

const participation: Participation = {
  studyId: STUDY_ID,
  apiBase: BASE,
  joinUrl: `${BASE}/join/${STUDY_ID}`,
  study: publicStudy(STUDY_ID, CONSENT, BASE, { title: 'Alarm', collect: 'all' }),
  participantId: 'p_participant0000000001',
  secret: SECRET,
  salt: 'salt',
  joinedAt: Date.now(),
  state: 'active',
};

let donated: ExportRecord[] = [];
beforeEach(() => {
  fakeBrowser.reset();
  donated = [];
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    expect(String(input)).toBe(`${BASE}/v1/studies/${STUDY_ID}/donations`);
    expect((init!.headers as Record<string, string>).authorization).toBe(`Bearer ${SECRET}`);
    const { records } = JSON.parse(String(init!.body)) as { records: ExportRecord[] };
    donated.push(...records);
    const results = records.map((r) => ({ hash: `sha256:${sha256Hex(JSON.stringify(r))}`, status: 'accepted' as const }));
    return new Response(JSON.stringify({ accepted: records.length, duplicates: 0, results }), { headers: { 'content-type': 'application/json' } });
  });
});
afterEach(() => vi.unstubAllGlobals());

/** A conversation already in the outbox (offered before the worker stopped), due now. */
async function queued(db: ReturnType<typeof createDb>, n: number) {
  const record = donationRecord({ n });
  await offer(db, { studyId: STUDY_ID, conversationKey: `demo:c${n}`, record, replies: 1, reviewHours: 0 }, Date.now() - 60_000);
  return record;
}

describe('study sends survive the worker and the browser', () => {
  it('a worker that starts sends what was due; the alarm it keeps sends what comes due later', async () => {
    const db = createDb(`study-alarm-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
    await fakeBrowser.storage.local.set({ studyParticipations: { [STUDY_ID]: participation } });
    const first = await queued(db, 1);

    const service = startStudies(db);
    await vi.waitFor(async () => expect((await db.studyOutbox.toArray()).map((i) => i.state)).toEqual(['sent']), WAIT);
    // Let that first round finish (its send loop would pick up anything offered meanwhile).
    await service.sync();
    expect(donated).toEqual([first]);
    expect(await fakeBrowser.alarms.get(STUDY_ALARM)).toMatchObject({ name: STUDY_ALARM, periodInMinutes: 1 });

    // Queued while nothing was running (no capture hook fires): only the alarm looks again.
    const second = await queued(db, 2);
    await fakeBrowser.alarms.onAlarm.trigger({ name: STUDY_ALARM, scheduledTime: Date.now() });
    await vi.waitFor(async () => expect((await db.studyOutbox.toArray()).map((i) => i.state)).toEqual(['sent', 'sent']), WAIT);
    expect(donated).toEqual([first, second]);
    // The alarm's round can still be writing after both items read 'sent': closing the database
    // under it was an unhandled DatabaseClosedError on a busy machine (seen once in CI).
    await service.sync();
    db.close();
  });
});
