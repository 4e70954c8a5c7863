// Every error leaves the proxy as JSON `{error:{code, message, issues?}}` whose message says what to
// fix. Expected failures throw ApiError; one onError maps everything else without leaking internals.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { ErrorBody, ErrorIssue } from '#shared/api/errors';

// The body's schema is shared/api/errors.ts (the extension reads the code and message from it).
export type { ErrorBody, ErrorIssue } from '#shared/api/errors';

export class ApiError extends HTTPException {
  readonly code: string;
  readonly issues: ErrorIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    options: { issues?: ErrorIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(status, { message, cause: options.cause });
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }
}

export function errorBody(code: string, message: string, issues?: ErrorIssue[]): ErrorBody {
  return { error: issues ? { code, message, issues } : { code, message } };
}

/** Zod issues as `{path: 'reply.text', message}` so the caller sees which field to fix. */
export function zodIssues(error: ZodError): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Fallback codes for HTTPExceptions thrown by Hono's own middleware (no ApiError code attached). */
const CODE_BY_STATUS: Record<number, [string, string]> = {
  400: ['bad_request', 'The request is malformed: check the method, headers and body.'],
  401: ['unauthorized', 'Send Authorization: Bearer <token>.'],
  403: ['forbidden', 'This request is not allowed.'],
  404: ['not_found', 'No such route.'],
  413: ['payload_too_large', 'The request body is too large.'],
};

export interface OnErrorOptions {
  logError?: (line: string) => void;
}

export function createOnError(options: OnErrorOptions = {}): ErrorHandler {
  return (err, c) => {
    if (err instanceof ApiError) {
      return c.json(errorBody(err.code, err.message, err.issues), err.status, err.headers);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const [code, message] = CODE_BY_STATUS[err.status] ?? ['request_failed', 'The request failed.'];
      return c.json(errorBody(code, message), err.status as ContentfulStatusCode);
    }
    // Unexpected: log the detail here, send nothing of it to the client.
    options.logError?.(`error ${c.req.method} ${safePath(c)}: ${describe(err)}`);
    return c.json(errorBody('internal', 'The proxy hit an unexpected error; the details are in the proxy log.'), 500);
  };
}

export const notFound: NotFoundHandler = (c) =>
  c.json(
    errorBody(
      'not_found',
      `No route ${c.req.method} ${safePath(c)}: use GET /health, GET /v1/taxonomy, POST /v1/score, GET /v1/stats, POST /v1/score/batch, GET /v1/batches/:id, GET /demo or GET /pair.`,
    ),
    404,
  );

/** The path only (never the query, which could carry a secret), trimmed and free of control chars. */
export function safePath(c: Context): string {
  // eslint-disable-next-line no-control-regex
  const path = c.req.path.replace(/[\u0000-\u001f\u007f]/g, '?');
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}
