// `Authorization: Bearer <token>` on every route that is not public. Compared in constant time
// (both sides hashed first, so neither the content nor the length of the token leaks by timing).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.ts';

const HOW_TO_FIX =
  'The token is printed when the proxy starts and stored in the "token" file of the Unspun config dir (UNSPUN_CONFIG_DIR); pair the extension again if it changed.';

export interface BearerTokenOptions {
  token: string;
  /** Paths reachable without a token. */
  publicPaths?: readonly string[];
}

export function bearerToken({ token, publicPaths = [] }: BearerTokenOptions): MiddlewareHandler {
  const expected = digest(token);
  const open = new Set(publicPaths);
  return async (c, next) => {
    if (open.has(c.req.path)) return next();
    const header = c.req.header('authorization');
    const challenge = { 'WWW-Authenticate': 'Bearer realm="unspun"' };
    if (header === undefined || header.trim() === '') {
      throw new ApiError(401, 'unauthorized', `Missing Authorization header: send "Authorization: Bearer <token>". ${HOW_TO_FIX}`, {
        headers: challenge,
      });
    }
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      throw new ApiError(
        401,
        'unauthorized',
        match ? `Wrong token in the Authorization header. ${HOW_TO_FIX}` : `The Authorization header must be "Bearer <token>". ${HOW_TO_FIX}`,
        { headers: { 'WWW-Authenticate': 'Bearer realm="unspun", error="invalid_token"' } },
      );
    }
    await next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
