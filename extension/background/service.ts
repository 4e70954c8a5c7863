// What the background does, with its I/O injected: the entrypoint wires it to the browser.
import type { Browser } from 'wxt/browser';
import * as queries from '../db/queries.ts';
import type { UnspunDb } from '../db/schema.ts';
import {
  ToBackground,
  type CaptureResponse,
  type ConnectionReport,
  type ConnectionState,
  type PairResponse,
  type ReplyCaptured,
  type ScoreReady,
  type SiteHealthReport,
  type StatusResponse,
} from '../messages.ts';
import { fetchDisabledSites } from './site-list.ts';
import { siteOffReason, type SiteState } from '../sites/site-settings.ts';
import { createProxyClient, ProxyError } from '../scoring/proxy-client.ts';
import { PairCheckResponse } from '#shared/api/pairing';
import { createPairing } from './pairing.ts';
import { createScoringQueue, type ScoreUpdate } from '../scoring/queue.ts';
import { isLocalProxyUrl, type Settings } from '../settings.ts';
import type { MessageRecord } from '#shared/records';

export interface BackgroundDeps {
  db: UnspunDb;
  loadSettings(): Promise<Settings>;
  saveSettings(patch: Partial<Settings>): Promise<void>;
  /** Sends a message to a tab's content scripts; rejects when the tab is gone. */
  sendToTab(tabId: number, message: ScoreReady): Promise<unknown>;
  fetch?: typeof fetch;
  now?: () => number;
  /** Per-site switches, the proxy's disabled list and health (storage.local). Omitted: every site on. */
  loadSiteState?(): Promise<SiteState>;
  saveSiteState?(patch: Partial<SiteState>): Promise<void>;
  /** The extension's version; stored with each capture as `<site>@<version>`, the adapter that read it. */
  extensionVersion?: string;
  /** This extension's origin (chrome-extension://<id>): its own pages (options) may pair. */
  extensionOrigin?: string;
}

type Sender = Pick<Browser.runtime.MessageSender, 'tab' | 'url' | 'id'>;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createBackgroundService(deps: BackgroundDeps) {
  const now = deps.now ?? (() => Date.now());
  const { db } = deps;

  async function notify(message: MessageRecord, update: ScoreUpdate): Promise<void> {
    if (message.tabId === undefined) return;
    const latest = await queries.getMessage(db, message.key);
    const tabId = latest?.tabId ?? message.tabId;
    const payload: ScoreReady = {
      type: 'score-ready',
      site: message.site,
      conversationId: message.conversationId,
      messageId: message.messageId,
      status: update.status,
      ...(update.result ? { result: update.result } : {}),
      ...(update.error ? { error: update.error } : {}),
    };
    // The tab may be closed or navigated away: the score is stored either way.
    await deps.sendToTab(tabId, payload).catch(() => undefined);
  }

  const queue = createScoringQueue({
    db,
    getSettings: deps.loadSettings,
    notify,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    now,
  });

  const client = (proxyUrl: string, token: string, timeoutMs = 5_000) =>
    createProxyClient({ proxyUrl, token, timeoutMs, ...(deps.fetch ? { fetch: deps.fetch } : {}) });

  async function onReplyCaptured(message: ReplyCaptured, sender: Sender): Promise<CaptureResponse> {
    const settings = await deps.loadSettings();
    if (!settings.enabled) return { status: 'disabled' };
    // Defence in depth: the content script checks this too, but a site switched off (by the reader
    // or by the proxy's list) must never reach the archive.
    const sites = await deps.loadSiteState?.();
    if (sites && siteOffReason(sites, message.site)) return { status: 'disabled' };
    const tabId = sender.tab?.id;
    // Store first: whatever happens to the proxy, the reply is in the archive.
    const { message: stored, created } = await queries.recordCapture(
      db,
      {
        site: message.site,
        conversationId: message.conversationId,
        messageId: message.messageId,
        text: message.text,
        ...(message.userTurn !== undefined ? { userTurn: message.userTurn } : {}),
        previous: message.previous,
        ...(message.url ? { url: message.url } : {}),
        ...(tabId !== undefined ? { tabId } : {}),
        ...(message.parentId ? { parentId: message.parentId } : {}),
        ...(message.idSource ? { idSource: message.idSource } : {}),
        ...(message.model ? { model: message.model } : {}),
        ...(message.citations?.length ? { citations: message.citations } : {}),
        ...(deps.extensionVersion ? { adapterVersion: `${message.site}@${deps.extensionVersion}` } : {}),
      },
      now(),
    );
    if (!created && stored.status === 'scored') {
      const score = await queries.getScore(db, stored.key);
      if (score) {
        const { messageKey: _key, scoredAt: _at, ...result } = score;
        return { status: 'scored', result };
      }
    }
    if (stored.status === 'failed') return { status: 'failed', ...(stored.lastError ? { error: stored.lastError } : {}) };
    // A new capture is a good moment to retry everything still waiting.
    void queue.drain({ force: true });
    return { status: 'pending' };
  }

  const pairing = createPairing({
    loadSettings: deps.loadSettings,
    saveSettings: deps.saveSettings,
    now,
    ...(deps.extensionOrigin ? { extensionOrigin: deps.extensionOrigin } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    onPaired: () => void queue.drain({ force: true }),
  });

  async function testConnection(proxyUrl: string, token: string): Promise<ConnectionReport> {
    if (!isLocalProxyUrl(proxyUrl)) {
      const detail = 'The proxy must run on 127.0.0.1 or localhost.';
      return { health: { ok: false, detail }, auth: { ok: false, detail } };
    }
    const c = client(proxyUrl, token);
    let version: string | undefined;
    let health: ConnectionReport['health'];
    let state: ConnectionState = 'ok';
    try {
      const h = await c.health();
      if (typeof h.version === 'string') version = h.version.slice(0, 64);
      health = { ok: true, detail: `Proxy reachable${version ? ` (version ${version})` : ''}.` };
    } catch (error) {
      health = { ok: false, detail: errorText(error) };
      state = error instanceof ProxyError && error.status === undefined && !/not an Unspun proxy/.test(error.message) ? 'proxy-down' : 'not-unspun';
    }
    let auth: ConnectionReport['auth'];
    if (!token) {
      auth = { ok: false, detail: 'No token: open the pairing link the proxy printed, or paste its token.' };
      state = 'not-paired';
    } else if (!health.ok) auth = { ok: false, detail: 'Not checked: the proxy is not reachable.' };
    else {
      try {
        // A POST, so the browser sends our Origin and the proxy's paired-extension check applies
        // (a GET carries none). Proxies from before that check answer 404: the token check suffices.
        await c.call('/v1/pair/check', PairCheckResponse, { method: 'POST', body: {} }).catch((error: unknown) => {
          if (error instanceof ProxyError && error.status === 404) return c.taxonomy();
          throw error;
        });
        auth = { ok: true, detail: 'Token accepted.' };
      } catch (error) {
        const status = error instanceof ProxyError ? error.status : undefined;
        const code = error instanceof ProxyError ? error.code : undefined;
        state = status === 401 ? 'token-rejected' : code === 'origin_not_paired' ? 'other-install' : 'error';
        auth = {
          ok: false,
          detail:
            status === 401
              ? 'The proxy rejected this token.'
              : code === 'origin_not_paired'
                ? 'The proxy is now paired with another browser or Unspun install. To use it here, open the pairing link it printed in this browser. Replies are kept until then.'
                : errorText(error),
        };
      }
    }
    return { health, auth, state, ...(version ? { version } : {}) };
  }

  async function status(): Promise<StatusResponse> {
    const settings = await deps.loadSettings();
    void refreshDisabledSites();
    void queue.drain({ force: true }); // a popup open is a retry moment too
    const [counts, report] = await Promise.all([queries.countByStatus(db), testConnection(settings.proxyUrl, settings.token)]);
    const paired = Boolean(settings.token) && report.auth.ok;
    const detail = !report.health.ok ? report.health.detail : !settings.token ? 'Not paired yet.' : report.auth.detail;
    return {
      enabled: settings.enabled,
      paired,
      proxyUrl: settings.proxyUrl,
      ...(report.version ? { proxyVersion: report.version } : {}),
      ...(settings.pairedAt !== undefined ? { pairedAt: settings.pairedAt } : {}),
      reachable: report.health.ok,
      detail,
      connection: report.state ?? 'error',
      counts,
    };
  }

  async function onSiteHealth(report: SiteHealthReport): Promise<{ ok: boolean }> {
    if (!deps.loadSiteState || !deps.saveSiteState) return { ok: false };
    const { siteHealth } = await deps.loadSiteState();
    const previous = siteHealth[report.site];
    if (previous?.state === report.state && previous.check === report.check) return { ok: true };
    await deps.saveSiteState({
      siteHealth: {
        ...siteHealth,
        [report.site]: {
          state: report.state,
          ...(report.check ? { check: report.check } : {}),
          ...(report.reason ? { reason: report.reason } : {}),
          at: now(),
        },
      },
    });
    return { ok: true };
  }

  /** Reads the proxy's disabled-site list and stores it; keeps the old list when the proxy does not answer. */
  async function refreshDisabledSites(): Promise<void> {
    if (!deps.saveSiteState) return;
    const settings = await deps.loadSettings();
    const disabled = await fetchDisabledSites({ proxyUrl: settings.proxyUrl, token: settings.token, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
    if (disabled) await deps.saveSiteState({ disabledSites: disabled });
  }

  /** Routes one runtime message. Returns undefined for messages that are not ours. */
  async function handleMessage(raw: unknown, sender: Sender): Promise<unknown> {
    const parsed = ToBackground.safeParse(raw);
    if (!parsed.success) return undefined;
    const message = parsed.data;
    switch (message.type) {
      case 'reply-captured':
        return onReplyCaptured(message, sender);
      case 'site-health':
        return onSiteHealth(message);
      case 'pair':
        return pairing.pair(message, sender);
      case 'get-status':
        return status();
      case 'test-connection':
        return testConnection(message.proxyUrl, message.token);
    }
  }

  return { handleMessage, queue, db, queries, refreshDisabledSites };
}

export type BackgroundService = ReturnType<typeof createBackgroundService>;
