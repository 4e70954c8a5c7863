// Once an extension has paired (pairing/paired-extension.ts), only that extension's origin may
// call the API. Browsers put the extension's origin in the Origin header of its requests (always
// on POST); where they send none (CLI, curl, some extension GETs) the bearer token alone decides.
// The pairing routes stay open to other extension origins, so a new install can re-pair with the
// token and take over; that is the only way the recorded origin changes.
import type { MiddlewareHandler } from 'hono';
import type { PairedExtensionStore } from '../pairing/paired-extension.ts';
import { ApiError } from './errors.ts';
import { isExtensionOrigin } from './local-only.ts';

export interface PairedOriginOptions {
  store: PairedExtensionStore;
  /** Paths any extension origin may reach (public pages, /health, the pairing routes). */
  exempt: readonly string[];
}

export function pairedOrigin({ store, exempt }: PairedOriginOptions): MiddlewareHandler {
  const open = new Set(exempt);
  return async (c, next) => {
    const origin = c.req.header('origin');
    const paired = store.get();
    if (origin !== undefined && paired && isExtensionOrigin(origin) && normalise(origin) !== paired.origin && !open.has(c.req.path)) {
      throw new ApiError(
        403,
        'origin_not_paired',
        `This proxy is paired with another Unspun extension install (${paired.origin}), not ${normalise(origin).slice(0, 100)}: open the pairing link the proxy printed in this browser to re-pair.`,
      );
    }
    await next();
  };
}

/** `chrome-extension://id/` and `chrome-extension://id` are the same origin. */
export function normalise(origin: string): string {
  return origin.replace(/\/+$/, '');
}
