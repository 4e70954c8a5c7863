// Wires study mode to the browser: participations in storage.local, host access through the
// optional permission, the studies page, and when to look at the outbox again. A timer covers
// the short waits (a retry in seconds, a review window ending) while the worker lives; the alarm
// is the backstop that survives the worker and browser restarts (Chrome's minimum period: 30 s).
import { browser } from 'wxt/browser';
import type { UnspunDb } from '../db/schema.ts';
import { isLoopbackOrigin, type Participation, PARTICIPATIONS_KEY } from '../study/contract.ts';
import { createStudyService } from './study-service.ts';
import { scoreLocally } from './reader-service.ts';

export const STUDY_ALARM = 'unspun-study';
const STUDY_ALARM_MINUTES = 1;
/** After a capture or a score: let the conversation settle (the next reply, its score) first. */
const SETTLE_MS = 1_500;

export function startStudies(db: UnspunDb) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Infinity;
  const schedule = (delayMs: number) => {
    const at = Date.now() + delayMs;
    if (timer !== undefined && timerAt <= at) return;
    if (timer !== undefined) clearTimeout(timer);
    timerAt = at;
    // Timers longer than the worker lives are the alarm's job.
    timer = setTimeout(
      () => {
        timer = undefined;
        timerAt = Infinity;
        void service.sync();
      },
      Math.min(delayMs, 5 * 60_000),
    );
  };

  const service = createStudyService({
    db,
    async loadParticipations() {
      const stored = (await browser.storage.local.get(PARTICIPATIONS_KEY))[PARTICIPATIONS_KEY];
      return stored && typeof stored === 'object' ? (stored as Record<string, Participation>) : {};
    },
    async saveParticipations(all) {
      await browser.storage.local.set({ [PARTICIPATIONS_KEY]: all });
    },
    async hasHostAccess(origin) {
      if (isLoopbackOrigin(origin)) return true;
      return browser.permissions.contains({ origins: [`${origin}/*`] });
    },
    scoreLocally: (text) => scoreLocally(text, Date.now(), Date.now()),
    async openStudiesPage(hash, tabId) {
      const url = browser.runtime.getURL('/studies.html') + hash;
      if (tabId !== undefined) await browser.tabs.update(tabId, { url });
      else await browser.tabs.create({ url });
    },
    scheduleSync: schedule,
  });

  // New replies and scores may make a conversation eligible (or a newer version of one).
  const settle = () => schedule(SETTLE_MS);
  db.messages.hook('creating', settle);
  db.scores.hook('creating', settle);
  db.scores.hook('updating', settle);

  void browser.alarms.get(STUDY_ALARM).then((a) => (a ? undefined : browser.alarms.create(STUDY_ALARM, { periodInMinutes: STUDY_ALARM_MINUTES })));
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === STUDY_ALARM) void service.sync();
  });
  // The worker just woke up (or the browser started): whatever is due is sent now.
  void service.sync();

  Object.assign(globalThis, { unspunStudies: { sync: service.sync, status: service.status } });
  return service;
}
