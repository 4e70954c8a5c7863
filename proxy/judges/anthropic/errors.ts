// Upstream failures as one typed error with the HTTP status the proxy should answer with.
// The SDK has already retried what is retryable (408/409/429/5xx, honouring retry-after) by the time
// an error reaches us, so everything here is final for this request. Statuses:
//   502 the upstream answered, but not usefully (5xx, refused key, bad request, unusable output);
//   503 the upstream is there but cannot take the request now (rate limited after retries, 529
//       overloaded): retry later. We do NOT pass a 429 through: to the extension a 429 from the proxy
//       means "you (or the daily budget) are over the limit", while here the proxy's own upstream is
//       saturated, which is a temporary unavailability; Retry-After is carried along when known;
//   504 no answer in time (our overall deadline, the SDK's per-attempt timeout) or the caller left.
// Messages never contain the key: every message passes through redactSecrets.
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { UpstreamError, type UpstreamCode, type UpstreamStatus } from '../upstream-error.ts';

// The typed error every judge throws for upstream failures lives beside the Judge interface, so the
// proxy core maps it without importing this judge; re-exported here for the judge's own callers.
export { JudgeOutputError, UpstreamError, type JudgeOutputCode, type UpstreamCode, type UpstreamStatus } from '../upstream-error.ts';

const KEY_LIKE = /sk-ant-[A-Za-z0-9_-]{6,}/g;

/** Removes the given secrets, and anything shaped like an Anthropic key, from a message. */
export function redactSecrets(message: string, secrets: readonly (string | undefined)[] = []): string {
  let out = message;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(KEY_LIKE, '[redacted]');
}

export interface MapContext {
  /** Fired when our overall deadline passed. */
  deadline: AbortSignal;
  /** The caller's signal (the HTTP client went away). */
  caller?: AbortSignal | undefined;
  deadlineMs: number;
  model: string;
  secrets: readonly (string | undefined)[];
  /** Appended to a 400's message, e.g. how to use a server that lacks structured output. */
  badRequestHint?: string | undefined;
}

function retryAfter(error: APIError): number | undefined {
  const header = error.headers?.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function upstreamMessage(error: APIError): string {
  return error.apiMessage ?? error.message;
}

/** Maps anything the SDK (or our deadline) throws to an UpstreamError; other errors pass through. */
export function toUpstreamError(error: unknown, ctx: MapContext): unknown {
  if (error instanceof UpstreamError) return error;
  const make = (status: UpstreamStatus, code: UpstreamCode, message: string, retryAfterSeconds?: number) =>
    new UpstreamError(status, code, redactSecrets(message, ctx.secrets), { retryAfterSeconds });

  // Our deadline wins over whatever the SDK saw while being aborted.
  if (ctx.deadline.aborted && !ctx.caller?.aborted) {
    return make(504, 'upstream_timeout', `The Anthropic API did not answer within the ${ctx.deadlineMs} ms deadline (retries included).`);
  }
  if (error instanceof APIUserAbortError || (ctx.caller?.aborted && !(error instanceof APIError && error.status))) {
    return make(504, 'aborted', 'The request was cancelled before the Anthropic API answered.');
  }
  if (error instanceof APIConnectionTimeoutError) {
    return make(504, 'upstream_timeout', 'The Anthropic API timed out (after the SDK retries).');
  }
  if (error instanceof APIConnectionError) {
    return make(502, 'upstream_unreachable', `Could not reach the Anthropic API: ${error.message}`);
  }
  if (error instanceof RateLimitError) {
    const wait = retryAfter(error);
    return make(
      503,
      'upstream_rate_limited',
      `The Anthropic API rate limit was hit and the retries did not get through${wait !== undefined ? `; it asks to wait ${wait} s` : ''}. Try again later.`,
      wait,
    );
  }
  if (error instanceof OverloadedError) {
    return make(503, 'upstream_overloaded', 'The Anthropic API is overloaded (529) and the retries did not get through. Try again later.', retryAfter(error));
  }
  if (error instanceof AuthenticationError) {
    return make(502, 'upstream_auth', 'The Anthropic API refused the configured key (401): check ANTHROPIC_API_KEY and restart the proxy.');
  }
  if (error instanceof PermissionDeniedError) {
    return make(502, 'upstream_forbidden', `The Anthropic API refused this request for the configured key (403): ${upstreamMessage(error)}`);
  }
  if (error instanceof NotFoundError) {
    return make(502, 'upstream_not_found', `The Anthropic API does not know this model or path (404; model "${ctx.model}"): ${upstreamMessage(error)}`);
  }
  if (error instanceof BadRequestError) {
    return make(
      502,
      'upstream_bad_request',
      `The Anthropic API rejected the request (400): ${upstreamMessage(error)}${ctx.badRequestHint ? ` ${ctx.badRequestHint}` : ''}`,
    );
  }
  if (error instanceof APIError && error.status !== undefined) {
    return make(502, 'upstream_error', `The Anthropic API failed (${error.status}): ${upstreamMessage(error)}`);
  }
  return error;
}
