// Request bodies checked against their shared/api schema before the handler runs. The checked value
// goes into Hono's validated-data slot, as hono/validator does, so handlers read c.req.valid('json'),
// typed from the schema. Not validator('json') itself (nor @hono/zod-validator, built on it), for
// what the API already promises: it reads a body only under a JSON Content-Type (curl -d sends a
// form type; the proxy reads any body as JSON), its malformed-JSON answer does not say what to send,
// and a 32 MB batch body is checked a slice at a time (batch/intake.ts), not after one JSON.parse.
import type { Context, Env, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { ApiError, type ErrorIssue, zodIssues } from './errors.ts';

type JsonInput<In, Out> = { in: { json: In }; out: { json: Out } };

/** The general form: `parse` reads and checks the body, or throws an ApiError that says what to fix. */
export function validBody<Out, In = Out>(parse: (c: Context) => Promise<Out>): MiddlewareHandler<Env, string, JsonInput<In, Out>> {
  return async (c, next) => {
    c.req.addValidatedData('json', (await parse(c)) as object);
    await next();
  };
}

export interface JsonBodyOptions {
  /** What to send instead of a body that is not JSON: "a ScoreRequest such as {...}", "e.g. {...}". */
  send: string;
  /** The 400 for a body that is JSON but does not match the schema. */
  invalid: (issues: ErrorIssue[]) => ApiError;
}

/** The body as JSON checked against `schema`. */
export function jsonBody<S extends z.ZodType>(schema: S, options: JsonBodyOptions): MiddlewareHandler<Env, string, JsonInput<z.input<S>, z.output<S>>> {
  return validBody<z.output<S>, z.input<S>>(async (c) => {
    const parsed = schema.safeParse(parseJson(await c.req.text(), options.send));
    if (!parsed.success) throw options.invalid(zodIssues(parsed.error));
    return parsed.data;
  });
}

/** The body as JSON, or a 400 that says what to send instead. */
export function parseJson(raw: string, send: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    const why = raw.trim() === '' ? 'the body is empty' : (error as Error).message;
    throw new ApiError(400, 'invalid_json', `The body is not valid JSON (${why}): send ${send}.`);
  }
}

/** `path: message; ...` for the first few issues, for an error message. */
export function issueSummary(issues: readonly ErrorIssue[], max = issues.length): string {
  return issues
    .slice(0, max)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
}
