// The only code that talks to the proxy. `fetch` is injected so tests need no network.
import { ScoreResult, type ScoreRequest } from '#shared/schemas';

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

export interface ProxyClientOptions {
  proxyUrl: string;
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface Health {
  ok: boolean;
  service?: string;
  [key: string]: unknown;
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
        const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
        const message = parsed.error ?? parsed.message;
        if (typeof message === 'string') detail = message;
        else if (message && typeof message === 'object' && 'message' in message) detail = String((message as { message: unknown }).message);
        if (message && typeof message === 'object' && 'code' in message && typeof message.code === 'string') code = message.code.slice(0, 64);
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
      if (!body || typeof body !== 'object' || (body as Health).service !== 'unspun') {
        throw new ProxyError('the server at this address is not an Unspun proxy');
      }
      return body as Health;
    },
    async taxonomy(): Promise<unknown> {
      return request('/v1/taxonomy', { method: 'GET', auth: true });
    },
    /**
     * Any other JSON route (batches, the site list, pairing); the caller validates the answer.
     * Authenticated unless `auth: false` (the pairing challenge, sent before the proxy is trusted).
     */
    async call(path: string, init: { method?: 'GET' | 'POST'; body?: unknown; auth?: boolean } = {}): Promise<unknown> {
      return request(path, {
        method: init.method ?? 'GET',
        auth: init.auth ?? true,
        ...(init.body !== undefined ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(init.body) } : {}),
      });
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
