// When to try a pending message again. Exponential backoff while the service worker lives
// (first retry after ~2 s, doubling, capped at 60 s); an alarm is the backstop when it does not.

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
}

export const RETRY_BASE_MS = 2_000;
export const RETRY_CAP_MS = 60_000;
/** browser.alarms minimum period in released Chrome is 30 s; one minute is the backstop. */
export const RETRY_ALARM_MINUTES = 1;

/** Delay before the next try after `failures` failed attempts (1 = the first failure). */
export function retryDelayMs(failures: number, { baseMs = RETRY_BASE_MS, capMs = RETRY_CAP_MS }: BackoffOptions = {}): number {
  if (failures < 1) return 0;
  // 2 ** 30 keeps the arithmetic finite for absurd attempt counts.
  return Math.min(capMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

export type FailureKind = 'retry' | 'fail';

/**
 * Whether a failed score request is worth retrying. No status = network failure (proxy down).
 * 5xx, 408 and 429 are transient. 401/403 mean "not paired with this proxy (yet)": the reply is
 * fine, so it waits for pairing. Any other 4xx is a request the proxy will never accept.
 */
export function classifyFailure(status: number | undefined): FailureKind {
  if (status === undefined) return 'retry';
  if (status >= 500 || status === 408 || status === 429 || status === 401 || status === 403) return 'retry';
  if (status >= 400) return 'fail';
  return 'retry';
}
