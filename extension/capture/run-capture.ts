// The capture-and-draw loop for one chat site, on the content script's lifecycle: every
// listener, observer and timer hangs off `ctx`, so an invalidated script leaves nothing behind.
// This file only wires the parts together and owns the page-level state (the thread element, the
// conversation, whether the site is on):
//   scan-scheduler  when to scan, and which turns changed since the last scan
//   thread-reader   the adapter's reading of the whole thread or of the changed turns
//   reply-tracker   when a reply has finished streaming
//   capture-sender  one finished reply with its context to the background, resent when not taken
//   reply-view      badges and highlights, and why a reply waits
//   interactions    hover, click, Escape and scroll on highlighted text
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { browser } from 'wxt/browser';
import { sendToBackground, type ScoreReady, type StatusResponse } from '../messages.ts';
import { changedSettings } from '../settings.ts';
import { queryFirst } from '../sites/query.ts';
import { loadSiteState, siteOffReason, SITE_STATE_KEYS } from '../sites/site-settings.ts';
import type { SiteAdapter } from '../sites/types.ts';
import { askInComposer } from '../ui/composer.ts';
import { createFlagCard } from '../ui/card.ts';
import { createHighlightLayer, isHighlightSupported } from '../ui/highlights.ts';
import { createPageReader } from '../ui/page-reader.ts';
import { createCaptureSender } from './capture-sender.ts';
import { readCitations } from '../sites/citations.ts';
import { startInteractions } from './interactions.ts';
import { createReplyTracker } from './reply-tracker.ts';
import { createReplyView } from './reply-view.ts';
import { createChangedTurns, createScanScheduler } from './scan-scheduler.ts';
import { createSiteHealth } from './site-health.ts';
import { createThreadReader } from './thread-reader.ts';

const THREAD_POLL_MS = 500;

const log = (...args: unknown[]) => console.debug('[unspun]', ...args);

export function startSiteCapture(ctx: ContentScriptContext, adapter: SiteAdapter): void {
  let thread: Element | null = null;
  let observer: MutationObserver | null = null;
  let conversationId: string | null = null;
  /** Why this site does not capture now (switched off by the reader or the proxy), or null. */
  let offReason: string | null = 'loading';

  const tracker = createReplyTracker();
  const reader = createThreadReader(adapter, log);
  const changed = createChangedTurns();
  const scheduler = createScanScheduler(() => scan(), {
    setTimeout: (run, ms) => ctx.setTimeout(run, ms),
    clearTimeout: (id) => clearTimeout(id),
    now: Date.now,
  });
  const health = createSiteHealth({
    report: (state, check, reason) => {
      log('site health', adapter.id, state, check ?? '', reason ?? '');
      void sendToBackground({ type: 'site-health', site: adapter.id, state, ...(check ? { check } : {}), ...(reason ? { reason } : {}) }).catch(
        () => undefined,
      );
    },
  });
  const sender = createCaptureSender({
    site: adapter.id,
    send: (message) => sendToBackground(message),
    pageUrl: () => location.origin + location.pathname,
    isCurrent: (id) => !ctx.isInvalid && id === conversationId,
    log,
  });

  const layer = isHighlightSupported() ? createHighlightLayer() : null;
  // Reading settings, labels and the conversation panel (ui/page-reader.ts). A settings change
  // takes the drawing down and captures again: stored scores come back, redrawn with the new settings.
  const page = createPageReader(ctx, {
    site: adapter,
    conversationId: () => conversationId,
    onChange: () => {
      resetConversation(conversationId);
      changed.requireFull();
      scheduler.schedule(0);
    },
    showFlag: (messageId, flag) => view.focusFlag(messageId, flag, { focus: false }),
  });
  const card = createFlagCard({
    labels: page.labels,
    ask: (question) => askInComposer(document, adapter.composer, question),
    onHide: () => layer?.setActive(null),
    hiddenByLabels: (r) => page.hiddenByLabels(r),
  });
  const view = createReplyView({
    layer,
    card,
    visible: (result) => page.visible(result),
    hiddenByLabels: (result) => page.hiddenByLabels(result),
    findTurn: (messageId, role) => reader.readAll(thread).find((t) => t.id === messageId && (!role || t.role === role)),
    askStatus: async () => {
      try {
        return await sendToBackground({ type: 'get-status' });
      } catch (error) {
        log('status not available', error);
        return undefined as StatusResponse | undefined;
      }
    },
    openProxy: (url) => window.open(url, '_blank', 'noopener'),
    isLive: () => !ctx.isInvalid,
    log,
  });
  startInteractions({ events: ctx, layer, card, place: view.place });

  const currentConversationId = (): string | null => {
    try {
      return adapter.conversationId(new URL(location.href), document);
    } catch (error) {
      log('conversationId failed', error);
      return null;
    }
  };

  function attach(): void {
    if (offReason) return;
    if (thread?.isConnected) return;
    observer?.disconnect();
    observer = null;
    thread = queryFirst(document, adapter.selectors.thread);
    health.threadFound(Boolean(thread), currentConversationId() !== null, Date.now());
    if (!thread) return;
    changed.requireFull();
    // Watch the conversation container only, never the whole body.
    observer = new MutationObserver((records) => {
      changed.note(records, thread, reader.turnSelector);
      scheduler.schedule();
    });
    observer.observe(thread, {
      childList: true,
      subtree: true,
      characterData: true,
      ...(adapter.doneAttributes.length ? { attributes: true, attributeFilter: [...adapter.doneAttributes] } : {}),
    });
    scheduler.schedule(0);
  }

  function scan(): void {
    if (ctx.isInvalid || !thread || offReason || page.paused) return;
    const id = currentConversationId();
    if (id !== conversationId) {
      resetConversation(id);
      changed.requireFull();
    }
    if (!conversationId) return;
    const { turns, counted } = reader.read(thread, changed.take());
    const now = Date.now();
    if (counted) health.turnsRead(counted.found, counted.parsed, now);
    let recheck = Infinity;
    for (const turn of turns) {
      if (turn.role !== 'assistant') continue;
      view.refresh(turn);
      let done: boolean | undefined;
      try {
        done = adapter.isDone(turn.element);
      } catch (error) {
        log('isDone failed', error);
      }
      const decision = tracker.observe({ id: turn.id, text: turn.text, done }, now);
      if (decision.action === 'capture') {
        // Sanity before anything leaves the page: chrome captured as content means drift.
        const problem = health.checkReply(turn.text, adapter.chromeText ?? []);
        tracker.markSent(turn.id);
        if (!problem) void capture(turn.id, conversationId);
      } else if (decision.action === 'wait') {
        if (done === true && turn.text.trim() === '') health.emptyFinishedReply(now);
        if (decision.recheckInMs !== undefined) {
          recheck = Math.min(recheck, decision.recheckInMs);
          changed.watch(turn.element);
        }
      }
    }
    if (recheck !== Infinity) scheduler.schedule(recheck + 20);
  }

  async function capture(messageId: string, convId: string): Promise<void> {
    if (health.isUnhealthy()) return;
    // The full thread, once per finished reply: the context (earlier turns) goes with it.
    const turns = reader.readAll(thread);
    const reply = turns.find((t) => t.id === messageId && t.role === 'assistant');
    if (!reply) {
      tracker.unmarkSent(messageId); // unmounted meanwhile (virtual list): try when it is back
      return;
    }
    reader.remember(turns, reply);
    if (adapter.citations) {
      // A failure here never stops the capture: the reply goes without its markers.
      try {
        reply.citations = readCitations(adapter.citations, reply);
      } catch (error) {
        log('citations failed', error);
      }
    }
    const outcome = await sender.send(turns, reply, convId);
    if (outcome.kind === 'stale') return;
    if (outcome.kind === 'retry') {
      tracker.unmarkSent(reply.id);
      scheduler.schedule(outcome.inMs);
      return;
    }
    const { status, result, error } = outcome.response;
    if (status !== 'disabled') view.apply(reply.id, status, result, error);
  }

  function resetConversation(id: string | null): void {
    conversationId = id;
    tracker.reset();
    reader.forget();
    sender.forget();
    view.clear();
  }

  // ---- background → content -------------------------------------------------------------------
  const onMessage = (raw: unknown): undefined => {
    const message = raw as Partial<ScoreReady> | null;
    if (!message || message.type !== 'score-ready' || message.site !== adapter.id) return undefined;
    if (message.conversationId !== conversationId || typeof message.messageId !== 'string' || !message.status) return undefined;
    view.apply(message.messageId, message.status, message.result, message.error);
    return undefined;
  };
  browser.runtime.onMessage.addListener(onMessage);

  // Switched off: take everything down at once. Switched on: capture again (stored scores come back).
  const onStorage = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area !== 'local') return;
    if (SITE_STATE_KEYS.some((k) => k !== 'siteHealth' && k in changes)) void refreshSiteSwitch();
    if (!changedSettings(changes).has('enabled')) return;
    resetConversation(conversationId);
    changed.requireFull();
    if (changes.enabled?.newValue !== false) scheduler.schedule(0);
  };

  /** This site on or off (the reader's switch, the proxy's disabled list): off = take everything down. */
  async function refreshSiteSwitch(): Promise<void> {
    let reason: string | null;
    try {
      reason = siteOffReason(await loadSiteState(), adapter.id);
    } catch (error) {
      log('site state unreadable', error);
      reason = null;
    }
    if (ctx.isInvalid || reason === offReason) return;
    offReason = reason;
    document.documentElement.dataset.unspunSite = reason ? 'off' : adapter.id;
    if (reason) {
      log('site off:', reason);
      observer?.disconnect();
      observer = null;
      thread = null;
      resetConversation(conversationId);
    } else {
      health.restart(Date.now());
      attach();
    }
  }
  browser.storage.onChanged.addListener(onStorage);

  // SPA navigation (new chat, another chat via history.pushState): a new page as far as we care.
  ctx.addEventListener(window, 'wxt:locationchange', () => {
    thread = null;
    changed.requireFull();
    health.restart(Date.now());
    attach();
    scheduler.schedule(0);
  });
  ctx.onInvalidated(() => {
    browser.runtime.onMessage.removeListener(onMessage);
    browser.storage.onChanged.removeListener(onStorage);
    observer?.disconnect();
    changed.clear();
    view.dispose();
    card.remove();
  });

  void refreshSiteSwitch();
  ctx.setInterval(() => {
    attach();
    if (!offReason) health.tick(currentConversationId() !== null, Date.now());
  }, THREAD_POLL_MS);
}
