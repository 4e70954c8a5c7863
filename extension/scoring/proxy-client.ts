// The only code that talks to the proxy. `fetch` is injected so tests need no network. Every answer
// is parsed with its route's schema from shared/api/, the ones the proxy answers with.
import type { z } from 'zod';
import { ErrorBody } from '#shared/api/errors';
import { HealthIdentity, JudgesReport } from '#shared/api/health';
import { ScoreResult, type ScoreRequest } from '#shared/api/score';

export class ProxyError extends Error {
  constructor(
    message: string,
    /** HTTP status, or undefined when the proxy could not be reached at all. */
    readonly status?: number,
    /** The proxy's error code (`{error: {code}}`), e.g. origin_not_paired. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

/** ProxyError code of an answer that does not match its route's shared/api schema. */
export const INVALID_ANSWER = 'invalid_answer';

export interface ProxyClientOptions {
  proxyUrl: string;
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** What /health told us: who answered, and its judges when it says (older proxies do not, or differently). */
export interface Health extends HealthIdentity {
  judges?: JudgesReport;
}

export function createProxyClient({ proxyUrl, token, fetch: fetchImpl = globalThis.fetch.bind(globalThis), timeoutMs = 30_000 }: ProxyClientOptions) {
  const base = proxyUrl.replace(/\/+$/, '');

  async function request(path: string, init: RequestInit & { auth: boolean }): Promise<unknown> {
    const headers = new Headers(init.headers);
    if (init.auth) headers.set('Authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new ProxyError(`proxy unreachable at ${base}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const body = await response.text();
    if (!response.ok) {
      let detail = body.slice(0, 300);
      let code: string | undefined;
      try {
        const json = JSON.parse(body) as unknown;
        const proxyError = ErrorBody.safeParse(json);
        if (proxyError.success) {
          detail = proxyError.data.error.message;
          code = proxyError.data.error.code;
        } else {
          // Some other server on this port: its own `{error: "..."}`, `{error: {message}}` or `{message: "..."}`.
          const other = json as { error?: unknown; message?: unknown } | null;
          const message = other?.error ?? other?.message;
          if (typeof message === 'string') detail = message;
          else if (message && typeof message === 'object' && 'message' in message) detail = String(message.message);
        }
      } catch {
        // not JSON: keep the text
      }
      throw new ProxyError(`proxy answered ${response.status}${detail ? `: ${detail}` : ''}`, response.status, code);
    }
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw new ProxyError('proxy answered with something that is not JSON', response.status);
    }
  }

  return {
    async health(): Promise<Health> {
      const body = await request('/health', { method: 'GET', auth: false });
      const identity = HealthIdentity.safeParse(body);
      if (!identity.success) throw new ProxyError('the server at this address is not an Unspun proxy');
      const judges = JudgesReport.safeParse((body as { judges?: unknown }).judges);
      return { ...identity.data, ...(judges.success ? { judges: judges.data } : {}) };
    },
    async taxonomy(): Promise<unknown> {
      return request('/v1/taxonomy', { method: 'GET', auth: true });
    },
    /**
     * Any other JSON route (batches, the site list, pairing), its answer parsed with the route's
     * shared/api schema: an answer that does not match is the proxy's fault, a 502 like a bad score.
     * Authenticated unless `auth: false` (the pairing challenge, sent before the proxy is trusted).
     */
    async call<S extends z.ZodType>(
      path: string,
      answer: S,
      init: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown; auth?: boolean } = {},
    ): Promise<z.output<S>> {
      const raw = await request(path, {
        method: init.method ?? 'GET',
        auth: init.auth ?? true,
        ...(init.body !== undefined ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(init.body) } : {}),
      });
      const parsed = answer.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
        throw new ProxyError(
          `proxy returned an invalid answer to ${path.split('/').slice(0, 3).join('/')} (${where}${issue?.message ?? 'unexpected shape'})`.slice(0, 300),
          502,
          INVALID_ANSWER,
        );
      }
      return parsed.data;
    },
    async score(body: ScoreRequest): Promise<ScoreResult> {
      const raw = await request('/v1/score', {
        method: 'POST',
        auth: true,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const parsed = ScoreResult.safeParse(raw);
      // A malformed answer is the proxy's fault, not the reply's: treat it as a server error.
      if (!parsed.success) throw new ProxyError(`proxy returned an invalid score: ${parsed.error.message.slice(0, 200)}`, 502);
      return parsed.data;
    },
  };
}

export type ProxyClient = ReturnType<typeof createProxyClient>;
