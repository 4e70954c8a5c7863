// Only the extension and local tools may talk to the proxy. Extension fetches bypass CORS (STACK.md),
// so CORS headers would protect nothing: we check Origin and Host ourselves, before the token.
// - Origin: web pages always send one on cross-origin and non-GET requests; only extension
//   origins are let through. No Origin (CLI, curl, navigations) is fine; the token still applies.
// - Host: a DNS-rebinding page reaches us under its own host name, so only the names we were
//   bound to (and IP literals, which cannot be rebound) on our port are accepted.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.ts';

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[A-Za-z0-9-]+\/?$/;
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

export function isExtensionOrigin(origin: string): boolean {
  return EXTENSION_ORIGIN.test(origin);
}

export interface HostPolicy {
  /** The port we listen on (the real one, not 0). */
  port: number;
  /** The address we are bound to. */
  host: string;
  /** Extra host names to accept (without port). */
  allowedHosts?: readonly string[];
}

/** Is `hostHeader` (e.g. `127.0.0.1:8787`) one of our own names on our port? */
export function isAllowedHost(hostHeader: string, policy: HostPolicy): boolean {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!match) return false;
  const name = match[1]!;
  const port = match[2] === undefined ? 80 : Number(match[2]);
  if (port !== policy.port) return false;
  const bound = bracket(policy.host.toLowerCase());
  const names = new Set([...LOOPBACK_NAMES, bound, ...(policy.allowedHosts ?? []).map((h) => bracket(h.toLowerCase()))]);
  if (names.has(name)) return true;
  // Bound to every interface: any IP literal is one of ours, and IP literals cannot be rebound.
  return WILDCARD_HOSTS.has(bound) && isIpLiteral(name);
}

export function localOnly(policy: HostPolicy): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !isExtensionOrigin(origin)) {
      throw new ApiError(
        403,
        'forbidden_origin',
        `Requests from web pages (Origin ${truncate(origin)}) are refused: only the Unspun extension and local tools without an Origin header may call the proxy.`,
      );
    }
    // In-process requests (app.request) have no Host header; then the URL's host stands in.
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!isAllowedHost(host, policy)) {
      throw new ApiError(
        403,
        'forbidden_host',
        `Host ${truncate(host)} is not this proxy: use http://127.0.0.1:${policy.port} (or set UNSPUN_HOST to the address you connect to).`,
      );
    }
    await next();
  };
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/.test(name);
}

function truncate(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
