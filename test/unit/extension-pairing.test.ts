// The background's pairing (extension/background/pairing.ts) against fake proxies: a real one
// that answers the challenge with the shared HMAC code, and the impostors the challenge is for.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { createBackgroundService } from '../../extension/background/service.ts';
import { createDb } from '../../extension/db/schema.ts';
import type { PairResponse } from '../../extension/messages.ts';
import type { Settings } from '../../extension/settings.ts';
import type { PairChallengeResponse, PairConfirmResponse } from '../../shared/api/pairing.ts';
import { pairingProof } from '../../shared/pairing.ts';

const EXT = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const GOOD = 'http://127.0.0.1:8787';
const OTHER = 'http://127.0.0.1:9999';
type Handler = (url: URL, init: RequestInit | undefined) => Response | Promise<Response>;

/** An Unspun proxy at `origin` holding `token`: /health, the challenge, and token checks. */
function unspunProxy(origin: string, token: string, version = '0.1.0'): Handler {
  return async (url, init) => {
    const auth = new Headers(init?.headers).get('authorization');
    if (url.pathname === '/health') return Response.json({ ok: true, service: 'unspun', version });
    if (url.pathname === '/v1/pair/challenge') {
      const { nonce } = JSON.parse(String(init?.body)) as { nonce: string };
      return Response.json({ service: 'unspun', version, proof: await pairingProof(token, nonce, origin) } satisfies PairChallengeResponse);
    }
    if (auth !== `Bearer ${token}`) return Response.json({ error: { message: 'unauthorized' } }, { status: 401 });
    if (url.pathname === '/v1/pair/confirm') return Response.json({ paired: true, origin: EXT, version } satisfies PairConfirmResponse);
    return Response.json({ moves: [] });
  };
}

/** Some other local program: 2xx JSON (claiming to be Unspun, even) on every path. */
const answersEverything: Handler = () => Response.json({ ok: true, service: 'unspun', version: '6.6.6', proof: 'A'.repeat(43) });

let n = 0;
function setup(initial: Partial<Settings>, servers: Record<string, Handler>) {
  let settings: Settings = { proxyUrl: GOOD, token: '', enabled: true, ...initial };
  const requests: { url: string; auth: string | null }[] = [];
  const fetchImpl = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    requests.push({ url: url.href, auth: new Headers(init?.headers).get('authorization') });
    const server = servers[url.origin];
    if (!server) throw new TypeError('Failed to fetch');
    return server(url, init);
  });
  const service = createBackgroundService({
    db: createDb(`pair-${n++}`, { indexedDB: new IDBFactory(), IDBKeyRange }),
    loadSettings: async () => settings,
    saveSettings: async (patch) => void (settings = { ...settings, ...patch }),
    sendToTab: async () => undefined,
    fetch: fetchImpl as unknown as typeof fetch,
    extensionOrigin: EXT,
    now: () => 1_700_000_000_000,
  });
  const pair = (proxyUrl: string, token: string, from: string, confirmReplace?: boolean) =>
    service.handleMessage({ type: 'pair', proxyUrl, token, ...(confirmReplace ? { confirmReplace } : {}) }, { url: from, id: 'ext' }) as Promise<PairResponse>;
  const pairWithoutSender = (proxyUrl: string, token: string) =>
    service.handleMessage({ type: 'pair', proxyUrl, token }, { id: 'ext' }) as Promise<PairResponse>;
  const status = () => service.handleMessage({ type: 'get-status' }, { id: 'ext' });
  return { pair, pairWithoutSender, status, settings: () => settings, requests };
}

describe('pairing', () => {
  it('pairs with an Unspun proxy that proves it holds the token, and stores when', async () => {
    const t = setup({}, { [GOOD]: unspunProxy(GOOD, 'good-token') });
    expect(await t.pair(GOOD, 'good-token', `${GOOD}/pair`)).toEqual({ ok: true, proxy: { proxyUrl: GOOD, version: '0.1.0' } });
    expect(t.settings()).toMatchObject({ proxyUrl: GOOD, token: 'good-token', pairedAt: 1_700_000_000_000 });
  });

  it('refuses a link whose token the proxy does not hold, and never sends that token', async () => {
    const t = setup({}, { [GOOD]: unspunProxy(GOOD, 'good-token') });
    const answer = await t.pair(GOOD, 'wrong-token', `${GOOD}/pair`);
    expect(answer).toMatchObject({ ok: false, error: expect.stringMatching(/could not prove it holds this link's token/) });
    expect(t.settings().token).toBe('');
    expect(t.requests.some((r) => r.auth?.includes('wrong-token'))).toBe(false);
  });

  it('refuses a program that answers 2xx JSON to everything, and a server that is not Unspun', async () => {
    const t = setup({}, { [OTHER]: answersEverything, [GOOD]: () => Response.json({ ok: true }) });
    expect(await t.pair(OTHER, 'its-own-token', `${OTHER}/pair`)).toMatchObject({ ok: false, error: expect.stringMatching(/could not prove/) });
    expect(await t.pair(GOOD, 'its-own-token', `${GOOD}/pair`)).toMatchObject({ ok: false, error: expect.stringMatching(/not an Unspun proxy/) });
    expect(t.settings().token).toBe('');
    expect(t.requests.filter((r) => r.auth !== null)).toEqual([]);
  });

  it('refuses a replayed proof: an answer recorded for an earlier nonce does not answer a new one', async () => {
    const real = unspunProxy(GOOD, 'good-token');
    let recorded: Response | undefined;
    const recorder: Handler = async (url, init) => {
      const response = await real(url, init);
      if (url.pathname === '/v1/pair/challenge') recorded = response.clone();
      return response;
    };
    const first = setup({}, { [GOOD]: recorder });
    expect((await first.pair(GOOD, 'good-token', `${GOOD}/pair`)).ok).toBe(true);
    // The impostor knows the token (it wrote the link) and replays the real proxy's old answer.
    const replay: Handler = (url, init) => (url.pathname === '/v1/pair/challenge' ? recorded!.clone() : real(url, init));
    const second = setup({}, { [GOOD]: replay });
    expect(await second.pair(GOOD, 'good-token', `${GOOD}/pair`)).toMatchObject({ ok: false, error: expect.stringMatching(/could not prove/) });
  });

  it('refuses a proof made by the same token for another address (a relayed answer)', async () => {
    const t = setup({}, { [OTHER]: unspunProxy(GOOD, 'good-token') });
    expect(await t.pair(OTHER, 'good-token', `${OTHER}/pair`)).toMatchObject({ ok: false });
  });

  it('asks before replacing an existing pairing from a link, and replaces it only when told to', async () => {
    const t = setup(
      { proxyUrl: GOOD, token: 'good-token' },
      { [GOOD]: unspunProxy(GOOD, 'good-token', '0.1.0'), [OTHER]: unspunProxy(OTHER, 'new-token', '0.2.0') },
    );
    expect(await t.pair(OTHER, 'new-token', `${OTHER}/pair`)).toEqual({
      ok: false,
      needsConfirm: true,
      current: { proxyUrl: GOOD, version: '0.1.0', reachable: true },
      next: { proxyUrl: OTHER, version: '0.2.0' },
    });
    expect(t.settings()).toMatchObject({ proxyUrl: GOOD, token: 'good-token' });
    expect(t.requests.some((r) => r.url.startsWith(OTHER) && r.auth !== null)).toBe(false);
    expect(await t.pair(OTHER, 'new-token', `${OTHER}/pair`, true)).toMatchObject({ ok: true });
    expect(t.settings()).toMatchObject({ proxyUrl: OTHER, token: 'new-token' });
  });

  it('re-pairing with the same proxy and token asks nothing', async () => {
    const t = setup({ proxyUrl: GOOD, token: 'good-token' }, { [GOOD]: unspunProxy(GOOD, 'good-token') });
    expect((await t.pair(GOOD, 'good-token', `${GOOD}/pair`)).ok).toBe(true);
  });

  it('a token pasted in the options page gets the same check, without the question', async () => {
    const t = setup({ proxyUrl: GOOD, token: 'good-token' }, { [OTHER]: unspunProxy(OTHER, 'new-token'), [GOOD]: answersEverything });
    expect(await t.pair(OTHER, 'wrong', `${EXT}/options.html`)).toMatchObject({ ok: false, error: expect.stringMatching(/could not prove/) });
    expect(await t.pair(OTHER, 'new-token', `${EXT}/options.html`)).toMatchObject({ ok: true });
    expect(t.settings()).toMatchObject({ proxyUrl: OTHER, token: 'new-token' });
  });

  it('the status says so when the proxy serves another extension install (403 on the check)', async () => {
    const t = setup(
      { proxyUrl: GOOD, token: 'good-token' },
      {
        [GOOD]: (url) =>
          url.pathname === '/health'
            ? Response.json({ ok: true, service: 'unspun', version: '0.1.0' })
            : Response.json(
                {
                  error: {
                    code: 'origin_not_paired',
                    message:
                      'This proxy is paired with another Unspun extension install (chrome-extension://x): open the pairing link the proxy printed in this browser to re-pair.',
                  },
                },
                { status: 403 },
              ),
      },
    );
    const status = (await t.status()) as { paired: boolean; detail: string };
    expect(status.paired).toBe(false);
    expect(status.detail).toMatch(/paired with another browser or Unspun install.*open the pairing link/);
  });

  it('refuses pairing from another page, a sender without a URL, or a non-local proxy', async () => {
    const t = setup({}, { [GOOD]: unspunProxy(GOOD, 'good-token') });
    expect(await t.pair(GOOD, 'good-token', `${GOOD}/demo`)).toMatchObject({ ok: false });
    expect(await t.pair(GOOD, 'good-token', `${OTHER}/pair`)).toMatchObject({ ok: false });
    expect(await t.pair(GOOD, 'good-token', 'chrome-extension://someoneelse/options.html')).toMatchObject({ ok: false });
    expect(await t.pair('http://evil.example', 'good-token', 'http://evil.example/pair')).toMatchObject({ ok: false });
    expect(await t.pairWithoutSender(GOOD, 'good-token')).toMatchObject({ ok: false });
    expect(t.settings().token).toBe('');
  });
});
