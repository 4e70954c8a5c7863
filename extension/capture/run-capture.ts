// The capture-and-draw loop for one chat site, on the content script's lifecycle: every
// listener, observer and timer hangs off `ctx`, so an invalidated script leaves nothing behind.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { browser } from 'wxt/browser';
import type { Flag, ScoreResult, Turn } from '#shared/schemas';
import { sendToBackground, type CaptureResponse, type ScoreReady, type StatusResponse } from '../messages.ts';
import { rangeForOffsets } from '../sites/extract.ts';
import { queryFirst } from '../sites/query.ts';
import { contextOf, createSentReplies, settleTurns } from '../sites/turns.ts';
import { loadSiteState, siteOffReason, SITE_STATE_KEYS } from '../sites/site-settings.ts';
import { createSiteHealth } from './site-health.ts';
import type { ParsedTurn, SiteAdapter } from '../sites/types.ts';
import { createBadge, type Badge, type BadgeState } from '../ui/badge.ts';
import { createFlagCard, type Box } from '../ui/card.ts';
import { askInComposer } from '../ui/composer.ts';
import { waitingReason, waitingWords, type WaitingReason } from '../ui/score-words.ts';
import { createHighlightLayer, isHighlightSupported, type DrawnFlag } from '../ui/highlights.ts';
import { locateFlag } from '../ui/locate.ts';
import { createPageReader } from '../ui/page-reader.ts';
import { retryDelayMs } from '../scoring/retry.ts';
import { createReplyTracker } from './reply-tracker.ts';

/** How many earlier turns go along as context. */
const MAX_PREVIOUS_TURNS = 20;
const THREAD_POLL_MS = 500;
const SCAN_THROTTLE_MS = 120;
const RESEND_AFTER_MS = 2_000;

interface ReplyState {
  badge: Badge;
  state: BadgeState;
  result?: ScoreResult;
  /** The reply text the highlights were last drawn over: a re-render that changes it redraws them. */
  drawnText?: string;
}

const log = (...args: unknown[]) => console.debug('[unspun]', ...args);

export function startSiteCapture(ctx: ContentScriptContext, adapter: SiteAdapter): void {
  const tracker = createReplyTracker();
  const layer = isHighlightSupported() ? createHighlightLayer() : null;
  // Reading settings, labels and the conversation panel (ui/page-reader.ts). A settings change
  // takes the drawing down and captures again: stored scores come back, redrawn with the new settings.
  const reader = createPageReader(ctx, {
    site: adapter,
    conversationId: () => conversationId,
    onChange: () => {
      resetConversation(conversationId);
      fullScanDue = true;
      scheduleScan(0);
    },
    showFlag: (messageId, flag) => focusFlag(messageId, flag, { focus: false }),
  });
  const card = createFlagCard({ labels: reader.labels, ask: (question) => askInComposer(document, adapter.composer, question), onHide: () => layer?.setActive(null) });
  const replies = new Map<string, ReplyState>();
  /** Captures the background did not accept yet, by message id: how many times. */
  const undelivered = new Map<string, number>();
  let thread: Element | null = null;
  let observer: MutationObserver | null = null;
  let scanTimer: number | null = null;
  let scanDueAt = 0;
  let conversationId: string | null = null;
  /** Why this site does not capture now (switched off by the reader or the proxy), or null. */
  let offReason: string | null = 'loading';
  /** Turn elements that mutated since the last scan (re-read alone when the adapter has readTurn). */
  const dirtyTurns = new Set<Element>();
  /** Turns still waiting for their text to settle: re-read on the next scan even without a mutation. */
  const watchedTurns = new Set<Element>();
  let fullScanDue = true;
  /** The turn selector that matched at the last full parse: the one mutations are mapped with. */
  let turnSelector: string | null = null;
  const health = createSiteHealth({
    report: (state, check, reason) => {
      log('site health', adapter.id, state, check ?? '', reason ?? '');
      void sendToBackground({ type: 'site-health', site: adapter.id, state, ...(check ? { check } : {}), ...(reason ? { reason } : {}) }).catch(() => undefined);
    },
  });

  const currentConversationId = (): string | null => {
    try {
      return adapter.conversationId(new URL(location.href), document);
    } catch (error) {
      log('conversationId failed', error);
      return null;
    }
  };

  /** The adapter's last full reading, before settling: single turns re-read while streaming replace their entry. */
  let lastRead: ParsedTurn[] = [];
  /** Replies sent under a fallback id keep it when their text grows or re-renders (sites/turns.ts). */
  const sentReplies = createSentReplies();

  /** The whole thread: document order, each turn once, fallback ids settled (sites/turns.ts). */
  const parse = (): ParsedTurn[] => {
    if (!thread) return [];
    try {
      lastRead = adapter.parse(thread);
      return sentReplies.resolve(settleTurns(lastRead));
    } catch (error) {
      // One failing adapter step must not kill the script: log and try again on the next change.
      log('parse failed', error);
      return [];
    }
  };

  /**
   * Runs a scan within `ms`. A scan already due sooner is kept: a stream mutating the page every
   * few milliseconds must not keep pushing the scan back (throttle, not debounce).
   */
  function scheduleScan(ms = SCAN_THROTTLE_MS): void {
    const dueAt = Date.now() + ms;
    if (scanTimer !== null) {
      if (scanDueAt <= dueAt) return;
      clearTimeout(scanTimer);
    }
    scanDueAt = dueAt;
    scanTimer = ctx.setTimeout(() => {
      scanTimer = null;
      scan();
    }, ms);
  }

  /** Maps mutations to the turns they touched; anything outside a known turn needs a full parse. */
  function onMutations(records: MutationRecord[]): void {
    if (!adapter.readTurn || !turnSelector) fullScanDue = true;
    else {
      for (const record of records) {
        const node = record.target;
        const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
        const turn = element?.closest(turnSelector);
        if (turn && thread?.contains(turn) && turn !== thread) dirtyTurns.add(turn);
        else {
          fullScanDue = true;
          break;
        }
      }
    }
    scheduleScan();
  }

  function attach(): void {
    if (offReason) return;
    if (thread?.isConnected) return;
    observer?.disconnect();
    observer = null;
    thread = queryFirst(document, adapter.selectors.thread);
    health.threadFound(Boolean(thread), currentConversationId() !== null, Date.now());
    if (!thread) return;
    fullScanDue = true;
    // Watch the conversation container only, never the whole body.
    observer = new MutationObserver(onMutations);
    observer.observe(thread, {
      childList: true,
      subtree: true,
      characterData: true,
      ...(adapter.doneAttributes.length ? { attributes: true, attributeFilter: [...adapter.doneAttributes] } : {}),
    });
    scheduleScan(0);
  }

  /** Only the turns that changed, when the adapter can read one turn alone; else every turn. */
  function readChanged(): ParsedTurn[] {
    const full = fullScanDue || !adapter.readTurn;
    const elements = [...dirtyTurns, ...watchedTurns];
    dirtyTurns.clear();
    watchedTurns.clear();
    fullScanDue = false;
    if (full) {
      turnSelector = adapter.selectors.turn.find((sel) => thread!.querySelector(sel) !== null) ?? null;
      const turns = parse();
      health.turnsRead(thread!.querySelectorAll(turnSelector ?? adapter.selectors.turn[0]!).length, turns.length, Date.now());
      return turns;
    }
    // Re-read only the changed turns, then settle them within the whole thread: a fallback id
    // depends on the user turn before it, so ids come out as a full parse would give them.
    const changed = new Set<Element>();
    let read = lastRead.filter((t) => t.element.isConnected);
    for (const element of new Set(elements)) {
      if (!element.isConnected) continue;
      try {
        const turn = adapter.readTurn!(element);
        read = read.filter((t) => t.element !== element);
        if (turn) {
          read.push(turn);
          changed.add(element);
        }
      } catch (error) {
        log('readTurn failed', error);
      }
    }
    lastRead = read;
    return sentReplies.resolve(settleTurns(read)).filter((t) => changed.has(t.element));
  }

  function scan(): void {
    if (ctx.isInvalid || !thread || offReason || reader.paused) return;
    const id = currentConversationId();
    if (id !== conversationId) {
      resetConversation(id);
      fullScanDue = true;
    }
    if (!conversationId) return;
    const turns = readChanged();
    const now = Date.now();
    let recheck = Infinity;
    turns.forEach((turn) => {
      if (turn.role !== 'assistant') return;
      const state = replies.get(turn.id);
      if (state && !state.badge.host.isConnected) turn.element.append(state.badge.host); // site re-rendered the turn
      if (state?.state.kind === 'scored' && (layer?.isStale(turn.id) || state.drawnText !== turn.text)) state.state.drawn = draw(turn, state.state.result);
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
        if (problem) return;
        void capture(turn.id, conversationId!);
      } else if (decision.action === 'wait') {
        if (done === true && turn.text.trim() === '') health.emptyFinishedReply(now);
        if (decision.recheckInMs !== undefined) {
          recheck = Math.min(recheck, decision.recheckInMs);
          watchedTurns.add(turn.element);
        }
      }
    });
    if (recheck !== Infinity) scheduleScan(recheck + 20);
  }

  async function capture(messageId: string, convId: string): Promise<void> {
    if (health.isUnhealthy()) return;
    // The full thread, once per finished reply: the context (earlier turns) goes with it.
    const turns = parse();
    const reply = turns.find((t) => t.id === messageId && t.role === 'assistant');
    if (!reply) {
      tracker.unmarkSent(messageId); // unmounted meanwhile (virtual list): try when it is back
      return;
    }
    // Never the reply itself in its own context, even when the page shows it twice.
    const context = contextOf(turns, reply);
    const previous: Turn[] = context.previous.slice(-MAX_PREVIOUS_TURNS).map((t) => ({ role: t.role, text: t.text }));
    const userTurn = context.user?.text;
    sentReplies.remember(turns, reply);
    let response: CaptureResponse | undefined;
    try {
      response = await sendToBackground({
        type: 'reply-captured',
        site: adapter.id,
        conversationId: convId,
        messageId: reply.id,
        text: reply.text,
        ...(userTurn !== undefined ? { userTurn } : {}),
        previous,
        url: location.origin + location.pathname,
        ...(context.user ? { parentId: context.user.id } : {}),
        ...(reply.idSource ? { idSource: reply.idSource } : {}),
        ...(reply.model ? { model: reply.model.slice(0, 200) } : {}),
      });
    } catch (error) {
      response = undefined;
      log('capture not delivered', error);
    }
    if (ctx.isInvalid || convId !== conversationId) return;
    if (!response || typeof response.status !== 'string') {
      // The background did not take it (waking up, or an error there): send it again later.
      const failures = (undelivered.get(reply.id) ?? 0) + 1;
      undelivered.set(reply.id, failures);
      tracker.unmarkSent(reply.id);
      scheduleScan(retryDelayMs(failures, { baseMs: RESEND_AFTER_MS }));
      return;
    }
    undelivered.delete(reply.id);
    if (response.status === 'disabled') return;
    apply(reply.id, response.status, response.result, response.error);
  }

  function apply(messageId: string, status: 'pending' | 'scored' | 'failed', result?: ScoreResult, error?: string): void {
    const turn = parse().find((t) => t.id === messageId && t.role === 'assistant');
    if (!turn) return;
    let reply = replies.get(messageId);
    // A late "pending" answer must not overwrite a score that already arrived.
    if (reply?.state.kind === 'scored' && status !== 'scored') return;
    const state: BadgeState = status === 'scored' && result ? { kind: 'scored', result, drawn: 0 } : status === 'failed' ? { kind: 'failed', ...(error ? { error } : {}) } : { kind: 'pending' };
    if (!reply) {
      const badge = createBadge((anchor, kind) => {
        const r = replies.get(messageId)?.result;
        const region = () => replyBox(messageId);
        if (kind === 'scored' && r) card.showSummary(r, anchor, (flag) => focusFlag(messageId, flag), reader.visible(r), region);
        else void explainWaiting(messageId, anchor);
      }, { visible: (r) => reader.visible(r) });
      badge.host.dataset.messageId = messageId;
      reply = { badge, state };
      replies.set(messageId, reply);
    }
    reply.state = state;
    if (result) reply.result = result;
    if (!reply.badge.host.isConnected) turn.element.append(reply.badge.host);
    if (state.kind === 'scored') state.drawn = draw(turn, state.result);
    if (state.kind === 'pending' && lastReason) state.reason = lastReason;
    reply.badge.update(state);
  }

  // ---- why a reply waits: asked of the background when the reader clicks the badge (a retry
  // moment too), then said on every waiting badge and in the card, with the one thing to do ----
  let lastReason: WaitingReason | undefined;
  let proxyUrl: string | undefined;
  async function askWaiting(): Promise<WaitingReason> {
    let status: StatusResponse | undefined;
    try {
      status = await sendToBackground({ type: 'get-status' });
    } catch (error) {
      log('status not available', error);
    }
    if (status?.proxyUrl) proxyUrl = status.proxyUrl;
    lastReason = waitingReason(status);
    for (const reply of replies.values()) {
      if (reply.state.kind !== 'pending') continue;
      reply.state = { kind: 'pending', reason: lastReason };
      reply.badge.update(reply.state);
    }
    return lastReason;
  }
  async function explainWaiting(messageId: string, anchor: HTMLElement): Promise<void> {
    const reply = replies.get(messageId);
    if (!reply) return;
    if (reply.state.kind === 'failed') {
      card.showWaiting(
        { reason: 'scoring', badge: '', title: 'This reply could not be scored', body: reply.state.error ?? 'The proxy could not score it.', action: { kind: 'retry', label: 'Close' } },
        anchor,
        () => card.hide(true),
        () => replyBox(messageId),
      );
      return;
    }
    const reason = await askWaiting();
    if (ctx.isInvalid || replies.get(messageId)?.state.kind !== 'pending') return;
    const words = waitingWords(reason, proxyUrl);
    card.showWaiting(words, anchor, () => {
      if (words.action.kind === 'open-proxy') window.open(`${proxyUrl ?? 'http://127.0.0.1:8787'}/`, '_blank', 'noopener');
      else void explainWaiting(messageId, anchor);
    }, () => replyBox(messageId));
  }

  function replyBox(messageId: string): Box | undefined {
    const turn = parse().find((t) => t.id === messageId);
    return turn?.element.getBoundingClientRect();
  }
  /** The reply's other highlights, which a card must not cover. */
  function otherHighlights(messageId: string, except: Range): () => Box[] {
    return () => (layer?.drawnOn(messageId) ?? []).filter((d) => d.range !== except && !sameSpot(d.range, except)).flatMap((d) => Array.from(d.range.getClientRects()));
  }
  const sameSpot = (a: Range, b: Range): boolean => {
    try {
      return a.compareBoundaryPoints(Range.START_TO_START, b) === 0 && a.compareBoundaryPoints(Range.END_TO_END, b) === 0;
    } catch {
      return false;
    }
  };
  const cardPlace = (messageId: string, range: Range) => ({ avoid: otherHighlights(messageId, range), region: () => replyBox(messageId) });

  function draw(turn: ParsedTurn, result: ScoreResult): number {
    if (!layer) return 0;
    const drawn: DrawnFlag[] = [];
    for (const flag of reader.visible(result)) {
      const at = locateFlag(turn.text, flag);
      if (!at) continue; // a quote we cannot find is never shown
      const spot = rangeForOffsets(turn.textMap, at.start, at.end);
      if (!spot) continue;
      try {
        const range = document.createRange();
        range.setStart(spot.startNode, spot.startOffset);
        range.setEnd(spot.endNode, spot.endOffset);
        drawn.push({ flag, range, messageId: turn.id });
      } catch (error) {
        log('range failed', error);
      }
    }
    layer.set(turn.id, drawn);
    const reply = replies.get(turn.id);
    if (reply) reply.drawnText = turn.text;
    return drawn.length;
  }

  /** Scrolls a flag into view and opens its card pinned; false when it is not on the page. */
  function focusFlag(messageId: string, ref: Pick<Flag, 'move' | 'start' | 'end' | 'quote'>, options: { focus?: boolean } = {}): boolean {
    const turn = parse().find((t) => t.id === messageId);
    const result = replies.get(messageId)?.result;
    const flag = result?.flags.find((f) => f.move === ref.move && f.start === ref.start && f.end === ref.end) ?? result?.flags.find((f) => f.move === ref.move && f.quote === ref.quote);
    if (!turn || !layer || !flag) return false;
    const at = locateFlag(turn.text, flag);
    const spot = at && rangeForOffsets(turn.textMap, at.start, at.end);
    if (!spot) return false;
    const range = document.createRange();
    range.setStart(spot.startNode, spot.startOffset);
    range.setEnd(spot.endNode, spot.endOffset);
    layer.setActive(range);
    const rect = range.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) (spot.startNode.parentElement ?? turn.element).scrollIntoView({ block: 'center' });
    card.showFlag(flag, range, { pin: true, messageId, focus: options.focus ?? true, ...cardPlace(messageId, range) });
    return true;
  }

  function resetConversation(id: string | null): void {
    conversationId = id;
    tracker.reset();
    sentReplies.clear();
    undelivered.clear();
    for (const [messageId, reply] of replies) {
      reply.badge.remove();
      layer?.clear(messageId);
    }
    replies.clear();
    card.hide(true);
  }

  // ---- hover and click on highlighted text ----------------------------------------------------
  const flagAtPoint = (x: number, y: number): DrawnFlag | undefined => {
    if (!layer || layer.count() === 0) return undefined;
    let node: Node | null = null;
    let offset = 0;
    const doc = document as Document & { caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null };
    if (typeof doc.caretPositionFromPoint === 'function') {
      const pos = doc.caretPositionFromPoint(x, y);
      if (pos) ({ offsetNode: node, offset } = pos);
    } else {
      const r = document.caretRangeFromPoint?.(x, y);
      if (r) ({ startContainer: node, startOffset: offset } = r);
    }
    if (!node) return undefined;
    const hit = layer.at(node, offset);
    // The caret snaps to the nearest text: only count it when the pointer is really over the flag.
    if (hit && Array.from(hit.range.getClientRects()).some((r) => x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1)) return hit;
    return undefined;
  };

  /** Every flag under the pointer (overlapping flags), narrowest first. */
  const flagsAtPoint = (x: number, y: number): DrawnFlag[] => {
    const hit = flagAtPoint(x, y);
    if (!hit || !layer) return hit ? [hit] : [];
    const all = layer.allAt(hit.range.startContainer, hit.range.startOffset).filter((d) => d.messageId === hit.messageId && d.range.isPointInRange(hit.range.startContainer, hit.range.startOffset));
    // Only flags that are really under the pointer, the narrowest one first.
    const under = all.filter((d) => Array.from(d.range.getClientRects()).some((r) => x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1));
    return [hit, ...under.filter((d) => d !== hit && !(d.flag.move === hit.flag.move && sameSpot(d.range, hit.range)))];
  };

  let hoverFrame: number | null = null;
  let hovered: DrawnFlag | undefined;
  ctx.addEventListener(document, 'mousemove', (event) => {
    if (hoverFrame !== null) return;
    const { clientX, clientY } = event;
    hoverFrame = ctx.requestAnimationFrame(() => {
      hoverFrame = null;
      if (event.composedPath().includes(card.host)) return;
      const hit = flagAtPoint(clientX, clientY);
      if (hit === hovered) return;
      hovered = hit;
      if (card.pinned) return;
      layer?.setActive(hit?.range ?? null);
      if (hit) card.showFlag(hit.flag, hit.range, { messageId: hit.messageId, ...cardPlace(hit.messageId, hit.range) });
      else card.hide();
    });
  });
  ctx.addEventListener(document, 'click', (event) => {
    if (event.composedPath().includes(card.host)) return;
    const hits = flagsAtPoint(event.clientX, event.clientY);
    const hit = hits[0];
    if (hit && hits.length > 1) {
      // Overlapping flags ("Experts agree" is unsourced authority and bandwagon): pick one.
      layer?.setActive(hit.range);
      card.showPicker(hits.map((d) => d.flag), hit.range, (flag) => {
        const chosen = hits.find((d) => d.flag === flag)!;
        layer?.setActive(chosen.range);
        card.showFlag(chosen.flag, chosen.range, { pin: true, messageId: chosen.messageId, focus: true, ...cardPlace(chosen.messageId, chosen.range) });
      }, { messageId: hit.messageId, ...cardPlace(hit.messageId, hit.range) });
    } else if (hit) {
      layer?.setActive(hit.range);
      card.showFlag(hit.flag, hit.range, { pin: true, messageId: hit.messageId, focus: true, ...cardPlace(hit.messageId, hit.range) });
    } else if (card.isOpen) {
      layer?.setActive(null);
      card.hide(true);
    }
  });
  ctx.addEventListener(document, 'keydown', (event) => {
    if (event.key === 'Escape' && card.isOpen) {
      layer?.setActive(null);
      card.hide(true);
    }
  });
  ctx.addEventListener(window, 'scroll', () => {
    if (card.isOpen && !card.pinned) card.hide();
  }, { passive: true, capture: true });

  // ---- background → content -------------------------------------------------------------------
  const onMessage = (raw: unknown): undefined => {
    const message = raw as Partial<ScoreReady> | null;
    if (!message || message.type !== 'score-ready' || message.site !== adapter.id) return undefined;
    if (message.conversationId !== conversationId || typeof message.messageId !== 'string' || !message.status) return undefined;
    apply(message.messageId, message.status, message.result, message.error);
    return undefined;
  };
  browser.runtime.onMessage.addListener(onMessage);

  // Switched off: take everything down at once. Switched on: capture again (stored scores come back).
  const onStorage = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area !== 'local') return;
    if (SITE_STATE_KEYS.some((k) => k !== 'siteHealth' && k in changes)) void refreshSiteSwitch();
    if (!('enabled' in changes)) return;
    resetConversation(conversationId);
    fullScanDue = true;
    if (changes.enabled?.newValue !== false) scheduleScan(0);
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
    fullScanDue = true;
    health.restart(Date.now());
    attach();
    scheduleScan(0);
  });
  ctx.onInvalidated(() => {
    browser.runtime.onMessage.removeListener(onMessage);
    browser.storage.onChanged.removeListener(onStorage);
    observer?.disconnect();
    dirtyTurns.clear();
    watchedTurns.clear();
    for (const reply of replies.values()) reply.badge.remove();
    layer?.dispose();
    card.remove();
  });

  void refreshSiteSwitch();
  ctx.setInterval(() => {
    attach();
    if (!offReason) health.tick(currentConversationId() !== null, Date.now());
  }, THREAD_POLL_MS);
}
