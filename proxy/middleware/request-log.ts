// One line per request: method, path (never the query), status, milliseconds. Never bodies or
// headers, so neither replies nor tokens reach the log.
import type { MiddlewareHandler } from 'hono';
import { safePath } from './errors.ts';

export function requestLog(log: (line: string) => void, now: () => number = () => performance.now()): MiddlewareHandler {
  return async (c, next) => {
    const started = now();
    try {
      await next();
    } finally {
      const ms = Math.round(now() - started);
      log(`${c.req.method} ${safePath(c)} ${c.res.status} ${ms}ms`);
    }
  };
}
