// The outbox item's life, as a table of allowed moves, so every path (the participant's buttons,
// the review clock, the server's answers) goes through one check:
//
//   review ──(window over / "send now")──▶ queued ──(server acknowledged)──▶ sent
//     │  ▲                                   │  ▲ (server away: retry later, same state)
//   hold│ │release                           │  └────────── "try again" ── rejected (server refused it)
//     ▼  │                                   ▼
//    held ──exclude──▶ excluded ◀──exclude── (review, queued)
//
// `sent` is final: what the server acknowledged is never sent again and never lost from the
// count. Only "delete everything I gave" (the server's withdraw) removes it.
import { z } from 'zod';

export const OUTBOX_STATES = ['review', 'held', 'excluded', 'queued', 'sent', 'rejected'] as const;
export const OutboxState = z.enum(OUTBOX_STATES);
export type OutboxState = z.infer<typeof OutboxState>;

export const OUTBOX_ACTIONS = ['hold', 'release', 'exclude', 'include', 'send-now', 'review-over', 'sent', 'rejected'] as const;
export type OutboxAction = (typeof OUTBOX_ACTIONS)[number];
/** What the participant may ask for from the review list. */
export const ParticipantAction = z.enum(['hold', 'release', 'exclude', 'include', 'send-now']);
export type ParticipantAction = z.infer<typeof ParticipantAction>;

const MOVES: Record<OutboxState, Partial<Record<OutboxAction, OutboxState>>> = {
  review: { hold: 'held', exclude: 'excluded', 'send-now': 'queued', 'review-over': 'queued' },
  held: { release: 'review', exclude: 'excluded', 'send-now': 'queued' },
  excluded: { include: 'review' },
  queued: { hold: 'held', exclude: 'excluded', sent: 'sent', rejected: 'rejected' },
  sent: {},
  rejected: { 'send-now': 'queued', exclude: 'excluded' },
};

/** The state after `action`, or null when that action does not apply in `state`. */
export function nextOutboxState(state: OutboxState, action: OutboxAction): OutboxState | null {
  return MOVES[state][action] ?? null;
}

/** Not sent: a newer version of the conversation replaces it (and inherits a hold or exclusion). */
export const isReplaceable = (state: OutboxState): boolean => state !== 'sent';

// ---- retry timing ----

export const STUDY_RETRY_BASE_MS = 5_000;
export const STUDY_RETRY_CAP_MS = 30 * 60_000;

/**
 * Delay before the next send after `failures` failed tries in a row (1 = the first): 5 s,
 * doubling, capped at 30 minutes. A server's Retry-After (seconds) wins when it asks for longer.
 */
export function studyRetryDelayMs(failures: number, retryAfterSeconds?: number): number {
  if (failures < 1) return 0;
  const backoff = Math.min(STUDY_RETRY_CAP_MS, STUDY_RETRY_BASE_MS * 2 ** Math.min(failures - 1, 30));
  const asked = retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) ? Math.min(STUDY_RETRY_CAP_MS, retryAfterSeconds * 1000) : 0;
  return Math.max(backoff, asked);
}

export type SendFailure = 'retry' | 'reject' | 'blocked';

/**
 * What a failed donation means. No status (network) / 5xx / 408 / 429: the server is away or
 * busy, so try again later. 401/403/404/410: this participant cannot donate here (left, study
 * closed or gone): stop and tell the participant. 400/413/422: the server will never take these
 * records as they are.
 */
export function classifySendFailure(status: number | undefined): SendFailure {
  if (status === undefined || status >= 500 || status === 408 || status === 429) return 'retry';
  if (status === 401 || status === 403 || status === 404 || status === 410) return 'blocked';
  if (status >= 400) return 'reject';
  return 'retry';
}
