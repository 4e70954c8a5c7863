// What the reader sees on each captured reply: its badge (waiting, scored, failed) and its flags
// drawn as highlights over the page's own text. It owns the per-reply state; the loop tells it
// what the background answered, and it keeps the drawing in step when the site re-renders a turn.
// A waiting badge asks the background why as soon as a reply waits, and again on a click (a retry
// moment too), and says the one thing to do.
import type { Flag, ScoreResult } from '#shared/schemas';
import type { StatusResponse } from '../messages.ts';
import { rangeForOffsets } from '../sites/extract.ts';
import type { ParsedTurn } from '../sites/types.ts';
import { createBadge, type Badge, type BadgeState } from '../ui/badge.ts';
import type { Box, FlagCard } from '../ui/card.ts';
import type { DrawnFlag, HighlightLayer } from '../ui/highlights.ts';
import { locateFlag } from '../ui/locate.ts';
import { waitingReason, waitingWords, type WaitingReason } from '../ui/score-words.ts';

export type ReplyStatus = 'pending' | 'scored' | 'failed';
export type FlagRef = Pick<Flag, 'move' | 'start' | 'end' | 'quote'>;
/** Where a card for a flag may go: away from the reply's other highlights, within the reply. */
export interface CardPlace {
  avoid: () => Box[];
  region: () => Box | undefined;
}

export interface ReplyViewOptions {
  /** null where the CSS Custom Highlight API is missing: badges only. */
  layer: Pick<HighlightLayer, 'set' | 'clear' | 'drawnOn' | 'isStale' | 'setActive' | 'dispose'> | null;
  card: Pick<FlagCard, 'showSummary' | 'showWaiting' | 'showFlag' | 'hide'>;
  /** The flags the reader's settings show. */
  visible: (result: ScoreResult) => Flag[];
  /** How many detector flags the reader's own labels hide (shared/detect/calibration.ts), for the badge's note. */
  hiddenByLabels?: (result: ScoreResult) => number;
  /** The turn on the page now with this id (the site may have re-rendered it), of this role when given. */
  findTurn: (messageId: string, role?: ParsedTurn['role']) => ParsedTurn | undefined;
  /** The background's status, or undefined when it does not answer. */
  askStatus: () => Promise<StatusResponse | undefined>;
  openProxy: (url: string) => void;
  /** False once the content script is invalidated. */
  isLive: () => boolean;
  doc?: Document;
  makeBadge?: (
    onOpen: (anchor: HTMLElement, kind: BadgeState['kind']) => void,
    options: { visible: (r: ScoreResult) => Flag[]; hiddenByLabels?: (r: ScoreResult) => number },
  ) => Pick<Badge, 'host' | 'update' | 'remove'>;
  log?: (...args: unknown[]) => void;
}

interface ReplyState {
  badge: Pick<Badge, 'host' | 'update' | 'remove'>;
  state: BadgeState;
  result?: ScoreResult;
  /** The reply text the highlights were last drawn over: a re-render that changes it redraws them. */
  drawnText?: string;
}

/** Two ranges over the same text (the same flag drawn twice, or one move found by two rules). */
export const sameSpot = (a: Range, b: Range): boolean => {
  try {
    return a.compareBoundaryPoints(Range.START_TO_START, b) === 0 && a.compareBoundaryPoints(Range.END_TO_END, b) === 0;
  } catch {
    return false;
  }
};

export function createReplyView(options: ReplyViewOptions) {
  const { layer, card, visible, findTurn, log = () => undefined } = options;
  const doc = options.doc ?? document;
  const makeBadge = options.makeBadge ?? createBadge;
  const replies = new Map<string, ReplyState>();
  /** The last answer to "why is it waiting", said on every waiting badge. */
  let lastReason: WaitingReason | undefined;
  let proxyUrl: string | undefined;

  const replyBox = (messageId: string): Box | undefined => findTurn(messageId)?.element.getBoundingClientRect();

  /** The reply's other highlights, which a card must not cover, and the reply's box. */
  const place = (messageId: string, range: Range): CardPlace => ({
    avoid: () =>
      (layer?.drawnOn(messageId) ?? []).filter((d) => d.range !== range && !sameSpot(d.range, range)).flatMap((d) => Array.from(d.range.getClientRects())),
    region: () => replyBox(messageId),
  });

  const rangeFor = (turn: ParsedTurn, flag: Flag): { range: Range; startNode: Node } | null => {
    const at = locateFlag(turn.text, flag);
    if (!at) return null; // a quote we cannot find is never shown
    const spot = rangeForOffsets(turn.textMap, at.start, at.end);
    if (!spot) return null;
    const range = doc.createRange();
    range.setStart(spot.startNode, spot.startOffset);
    range.setEnd(spot.endNode, spot.endOffset);
    return { range, startNode: spot.startNode };
  };

  function draw(turn: ParsedTurn, result: ScoreResult): number {
    if (!layer) return 0;
    const drawn: DrawnFlag[] = [];
    for (const flag of visible(result)) {
      try {
        const spot = rangeFor(turn, flag);
        if (spot) drawn.push({ flag, range: spot.range, messageId: turn.id });
      } catch (error) {
        log('range failed', error);
      }
    }
    layer.set(turn.id, drawn);
    const reply = replies.get(turn.id);
    if (reply) reply.drawnText = turn.text;
    return drawn.length;
  }

  /**
   * Asks the background why replies wait and says it on every waiting badge. `unasked` is the
   * view's own question when a reply starts waiting (no click): a background that does not answer
   * changes nothing then, and "being scored" is not remembered, since it may change any moment.
   */
  async function askWaiting(unasked = false): Promise<WaitingReason> {
    const status = await options.askStatus();
    if (unasked && (!status || !options.isLive())) return lastReason ?? 'scoring';
    if (status?.proxyUrl) proxyUrl = status.proxyUrl;
    const reason = waitingReason(status);
    lastReason = unasked && reason === 'scoring' ? undefined : reason;
    for (const reply of replies.values()) {
      if (reply.state.kind !== 'pending') continue;
      reply.state = { kind: 'pending', reason };
      reply.badge.update(reply.state);
    }
    return reason;
  }

  /** A question about why replies wait that is on its way, so a burst of new replies asks once. */
  let asking: Promise<WaitingReason> | undefined;
  /**
   * A reply waits and no reason is known yet: ask once, so its badge says "proxy not running",
   * "not paired yet" or "pairing needed again" before anyone clicks it.
   */
  function learnWhyWaiting(): void {
    if (lastReason || asking) return;
    asking = askWaiting(true).finally(() => {
      asking = undefined;
    });
  }

  async function explainWaiting(messageId: string, anchor: HTMLElement): Promise<void> {
    const reply = replies.get(messageId);
    if (!reply) return;
    if (reply.state.kind === 'failed') {
      card.showWaiting(
        {
          reason: 'scoring',
          badge: '',
          title: 'This reply could not be scored',
          body: reply.state.error ?? 'The proxy could not score it.',
          action: { kind: 'retry', label: 'Close' },
        },
        anchor,
        () => card.hide(true),
        () => replyBox(messageId),
      );
      return;
    }
    const reason = await askWaiting();
    if (!options.isLive() || replies.get(messageId)?.state.kind !== 'pending') return;
    const words = waitingWords(reason, proxyUrl);
    card.showWaiting(
      words,
      anchor,
      () => {
        if (words.action.kind === 'open-proxy') options.openProxy(`${proxyUrl ?? 'http://127.0.0.1:8787'}/`);
        else void explainWaiting(messageId, anchor);
      },
      () => replyBox(messageId),
    );
  }

  /** Scrolls a flag into view and opens its card pinned; false when it is not on the page. */
  function focusFlag(messageId: string, ref: FlagRef, { focus = true }: { focus?: boolean } = {}): boolean {
    const turn = findTurn(messageId);
    const result = replies.get(messageId)?.result;
    const flag =
      result?.flags.find((f) => f.move === ref.move && f.start === ref.start && f.end === ref.end) ??
      result?.flags.find((f) => f.move === ref.move && f.quote === ref.quote);
    if (!turn || !layer || !flag) return false;
    const spot = rangeFor(turn, flag);
    if (!spot) return false;
    const { range } = spot;
    layer.setActive(range);
    const rect = range.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > (doc.defaultView?.innerHeight ?? Infinity))
      (spot.startNode.parentElement ?? turn.element).scrollIntoView({ block: 'center' });
    card.showFlag(flag, range, { pin: true, messageId, focus, ...place(messageId, range) });
    return true;
  }

  return {
    /** The background's answer for a reply: its badge, and its highlights once scored. */
    apply(messageId: string, status: ReplyStatus, result?: ScoreResult, error?: string): void {
      const turn = findTurn(messageId, 'assistant');
      if (!turn) return;
      let reply = replies.get(messageId);
      // A late "pending" answer must not overwrite a score that already arrived.
      if (reply?.state.kind === 'scored' && status !== 'scored') return;
      const state: BadgeState =
        status === 'scored' && result
          ? { kind: 'scored', result, drawn: 0 }
          : status === 'failed'
            ? { kind: 'failed', ...(error ? { error } : {}) }
            : { kind: 'pending' };
      if (!reply) {
        const badge = makeBadge(
          (anchor, kind) => {
            const r = replies.get(messageId)?.result;
            if (kind === 'scored' && r)
              card.showSummary(
                r,
                anchor,
                (flag) => focusFlag(messageId, flag),
                visible(r),
                () => replyBox(messageId),
              );
            else void explainWaiting(messageId, anchor);
          },
          { visible, ...(options.hiddenByLabels ? { hiddenByLabels: options.hiddenByLabels } : {}) },
        );
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
      if (state.kind === 'pending' && !state.reason) learnWhyWaiting();
    },
    /** A scan read this reply again: put back a badge the site's re-render dropped, redraw stale highlights. */
    refresh(turn: ParsedTurn): void {
      const reply = replies.get(turn.id);
      if (!reply) return;
      if (!reply.badge.host.isConnected) turn.element.append(reply.badge.host);
      if (reply.state.kind === 'scored' && (layer?.isStale(turn.id) || reply.drawnText !== turn.text)) reply.state.drawn = draw(turn, reply.state.result);
    },
    focusFlag,
    place,
    /** A new conversation or the site switched off: every badge and highlight goes, the card closes. */
    clear(): void {
      for (const [messageId, reply] of replies) {
        reply.badge.remove();
        layer?.clear(messageId);
      }
      replies.clear();
      card.hide(true);
    },
    /** The script is going away: badges and the highlight layer with it. */
    dispose(): void {
      for (const reply of replies.values()) reply.badge.remove();
      layer?.dispose();
    },
  };
}

export type ReplyView = ReturnType<typeof createReplyView>;
