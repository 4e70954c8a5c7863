// Thin entrypoint: wires the background service to the browser (messages, alarms, storage).
import { createBackgroundService } from '../background/service.ts';
import { createDb } from '../db/schema.ts';
import { changedSettings, loadSettings, saveSettings } from '../settings.ts';
import { RETRY_ALARM_MINUTES } from '../scoring/retry.ts';
import { loadSiteState } from '../sites/site-settings.ts';
import { startReader } from '../background/reader.ts';
import { createRunService } from '../dashboard/runs.ts';
import { RETENTION_ALARM, RETENTION_KEY, runAutoDelete } from '../db/retention.ts';
import { startHostAccessBadge } from '../background/host-access-badge.ts';
import { startStudies } from '../background/studies.ts';
import { createCitedPageService } from '../background/cited-page.ts';

const RETRY_ALARM = 'unspun-retry';

export default defineBackground(() => {
  const service = createBackgroundService({
    db: createDb(),
    loadSettings,
    saveSettings,
    sendToTab: (tabId, message) => browser.tabs.sendMessage(tabId, message),
    loadSiteState,
    saveSiteState: (patch) => browser.storage.local.set(patch),
    extensionVersion: browser.runtime.getManifest().version,
    extensionOrigin: browser.runtime.getURL('/').replace(/\/+$/, ''),
  });

  // Labels, the conversation panel's needs and "Check with Unspun" (background/reader.ts).
  const reader = startReader(service.db);
  // The dashboard's re-score and import runs (the proxy's batch endpoint) and its auto-delete.
  const runs = createRunService({ db: service.db, loadSettings });
  // Study mode: join, outbox, donations (background/study-service.ts).
  const studies = startStudies(service.db);

  // "Check the cited page" from the side panel (an optional host permission, granted per origin).
  const citedPages = createCitedPageService({
    fetch: (input, init) => fetch(input, init),
    permissions: browser.permissions,
    extensionUrl: browser.runtime.getURL('/'),
  });

  browser.runtime.onMessage.addListener((raw, sender, sendResponse) => {
    if (sender.id !== browser.runtime.id) return false;
    citedPages
      .handleMessage(raw, sender)
      .then((answer) => answer ?? studies.handleMessage(raw, sender))
      .then((answer) => answer ?? service.handleMessage(raw, sender))
      .then((answer) => answer ?? reader.handleMessage(raw))
      .then((answer) => answer ?? runs.handleMessage(raw))
      .then(
        (response) => sendResponse(response),
        (error: unknown) => sendResponse({ error: error instanceof Error ? error.message : String(error) }),
      );
    return true; // answer asynchronously
  });

  // Backstop for the in-memory backoff timer, which dies with the service worker.
  void browser.alarms.create(RETRY_ALARM, { periodInMinutes: RETRY_ALARM_MINUTES });
  void browser.alarms
    .get(RETENTION_ALARM)
    .then((a) => (a ? undefined : browser.alarms.create(RETENTION_ALARM, { delayInMinutes: 1, periodInMinutes: 24 * 60 })));
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === RETENTION_ALARM) void runAutoDelete(service.db, async () => (await browser.storage.local.get(RETENTION_KEY))[RETENTION_KEY], Date.now());
    if (alarm.name === RETRY_ALARM) {
      void service.queue.drain();
      void service.refreshDisabledSites();
    }
  });

  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    const changed = changedSettings(changes);
    if (changed.has('token') || changed.has('proxyUrl') || changed.has('enabled')) {
      void service.queue.drain({ force: true });
      if (changed.has('token') || changed.has('proxyUrl')) void service.refreshDisabledSites();
    }
  });

  // "!" on the toolbar button while the browser withholds a host Unspun needs (Firefox lets people revoke them).
  startHostAccessBadge();

  // The worker just woke up: anything left pending by a previous life is due.
  void service.queue.drain();
  void service.refreshDisabledSites();

  // Small query helpers for the e2e tests and for debugging from the service worker console.
  Object.assign(globalThis, { unspun: { db: service.db, queries: service.queries, drain: service.queue.drain, runs } });
});
