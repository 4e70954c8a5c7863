// An upstream failure as one typed error with the HTTP status the proxy should answer with, shared by
// every judge that calls out (statuses explained in judges/anthropic/errors.ts): 502 the upstream
// answered but not usefully, 503 it cannot take the request now (retry later, Retry-After carried
// when known), 504 no answer in time or the caller left. Messages are already worded for the caller,
// secrets redacted. The proxy core (scoring, batch runner) knows only this class, never a judge's SDK.

export type UpstreamStatus = 502 | 503 | 504 | 429;

export type UpstreamCode =
  | 'upstream_rate_limited'
  | 'upstream_overloaded'
  | 'upstream_error'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_auth'
  | 'upstream_forbidden'
  | 'upstream_not_found'
  | 'upstream_bad_request'
  | 'aborted'
  | JudgeOutputCode;

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  readonly status: UpstreamStatus;
  readonly code: UpstreamCode;
  /** Seconds the upstream asked us to wait, when it said (retry-after). */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: UpstreamStatus, code: UpstreamCode, message: string, options: { retryAfterSeconds?: number | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export type JudgeOutputCode = 'parse_failed' | 'refused' | 'truncated';

/**
 * The model answered, but nothing usable came back (after the one repair attempt). Never carries a
 * half-parsed verdict: the caller gets no flags rather than some of them presented as complete.
 */
export class JudgeOutputError extends UpstreamError {
  override name = 'JudgeOutputError';
  declare readonly code: JudgeOutputCode;
  constructor(code: JudgeOutputCode, message: string) {
    super(502, code, message);
  }
}
