// Sends one finished reply to the background, with its context (the user turn it answers and the
// earlier turns), and says what to do next: show the answer, send again later (the background was
// asleep or failed: nothing captured is lost), or drop it (the page moved on meanwhile).
import type { Turn } from '#shared/schemas';
import type { CaptureResponse, ReplyCaptured } from '../messages.ts';
import { retryDelayMs } from '../scoring/retry.ts';
import { contextOf } from '../sites/turns.ts';
import type { ParsedTurn, SiteId } from '../sites/types.ts';

/** How many earlier turns go along as context. */
export const MAX_PREVIOUS_TURNS = 20;
/** First wait before a capture the background did not take is sent again (then backing off). */
export const RESEND_AFTER_MS = 2_000;

export type SendOutcome =
  | { kind: 'answered'; response: CaptureResponse }
  /** Not taken: send it again in `inMs`. */
  | { kind: 'retry'; inMs: number }
  /** The script was invalidated or the conversation changed while it was out: nothing to do. */
  | { kind: 'stale' };

export interface CaptureSenderOptions {
  site: SiteId;
  send: (message: ReplyCaptured) => Promise<CaptureResponse | undefined>;
  /** The page's URL without query or fragment (those may carry tokens). */
  pageUrl: () => string;
  /** Still the script and conversation this capture was for? */
  isCurrent: (conversationId: string) => boolean;
  log?: (...args: unknown[]) => void;
}

/** The message for one reply: never the reply itself in its own context, even when the page shows it twice. */
export function captureMessage(site: SiteId, thread: readonly ParsedTurn[], reply: ParsedTurn, conversationId: string, url: string): ReplyCaptured {
  const context = contextOf(thread, reply);
  const previous: Turn[] = context.previous.slice(-MAX_PREVIOUS_TURNS).map((t) => ({ role: t.role, text: t.text }));
  const userTurn = context.user?.text;
  return {
    type: 'reply-captured',
    site,
    conversationId,
    messageId: reply.id,
    text: reply.text,
    ...(userTurn !== undefined ? { userTurn } : {}),
    previous,
    url,
    ...(context.user ? { parentId: context.user.id } : {}),
    ...(reply.idSource ? { idSource: reply.idSource } : {}),
    ...(reply.model ? { model: reply.model.slice(0, 200) } : {}),
    ...(reply.citations?.length ? { citations: reply.citations } : {}),
  };
}

export function createCaptureSender({ site, send, pageUrl, isCurrent, log = () => undefined }: CaptureSenderOptions) {
  /** Captures the background did not accept yet, by message id: how many times. */
  const undelivered = new Map<string, number>();
  return {
    async send(thread: readonly ParsedTurn[], reply: ParsedTurn, conversationId: string): Promise<SendOutcome> {
      let response: CaptureResponse | undefined;
      try {
        response = await send(captureMessage(site, thread, reply, conversationId, pageUrl()));
      } catch (error) {
        response = undefined;
        log('capture not delivered', error);
      }
      if (!isCurrent(conversationId)) return { kind: 'stale' };
      if (!response || typeof response.status !== 'string') {
        // The background did not take it (waking up, or an error there): send it again later.
        const failures = (undelivered.get(reply.id) ?? 0) + 1;
        undelivered.set(reply.id, failures);
        return { kind: 'retry', inMs: retryDelayMs(failures, { baseMs: RESEND_AFTER_MS }) };
      }
      undelivered.delete(reply.id);
      return { kind: 'answered', response };
    },
    /** A new conversation: the old one's failure counts no longer apply. */
    forget(): void {
      undelivered.clear();
    },
  };
}

export type CaptureSender = ReturnType<typeof createCaptureSender>;
