// Pairing: which proxy gets the replies this browser captures. A pairing link names a loopback
// address and a token; before anything is stored the background checks, in order, that
//  1. the link came from that address's own /pair page (or the reader pasted it in the options page),
//  2. the server says it is an Unspun proxy (GET /health: service "unspun"),
//  3. it holds the token: it answers a fresh random nonce with HMAC-SHA256(token, nonce + its
//     origin) (shared/pairing.ts), so a program that answers 2xx JSON to anything, or replays an
//     old answer, fails, and the token itself is never sent to a server that has not proved it,
//  4. when another pairing exists and the link came from a page, the reader said yes to replacing it,
//  5. the proxy accepts the token (POST /v1/pair/confirm), which also records this extension's
//     origin there as the only one it serves.
import { createNonce, verifyPairingProof } from '#shared/pairing';
import { PairChallengeResponse, PairConfirmResponse } from '#shared/api/pairing';
import type { PairRequest, PairResponse, ProxyIdentity } from '../messages.ts';
import { createProxyClient, INVALID_ANSWER, ProxyError } from '../scoring/proxy-client.ts';
import { isLocalProxyUrl, type Settings } from '../settings.ts';

export interface PairingDeps {
  loadSettings(): Promise<Settings>;
  saveSettings(patch: Partial<Settings>): Promise<void>;
  /** This extension's own origin (chrome-extension://<id>): its pages may pair without the page check. */
  extensionOrigin?: string;
  fetch?: typeof fetch;
  now: () => number;
  /** Called after a new pairing is stored (the queue drains toward the new proxy). */
  onPaired?(): void;
}

export interface PairSender {
  url?: string;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createPairing(deps: PairingDeps) {
  const client = (proxyUrl: string, token: string) => createProxyClient({ proxyUrl, token, timeoutMs: 5_000, ...(deps.fetch ? { fetch: deps.fetch } : {}) });

  /** Steps 2 and 3: the proxy's identity and its proof of the token. Never sends the token. */
  async function verify(proxyUrl: string, token: string): Promise<{ ok: true; version?: string } | { ok: false; error: string }> {
    const c = client(proxyUrl, '');
    let version: string | undefined;
    try {
      const health = await c.health();
      if (typeof health.version === 'string') version = health.version.slice(0, 64);
    } catch (error) {
      return { ok: false, error: `Could not pair: ${errorText(error)}.` };
    }
    const nonce = createNonce();
    let proof: string;
    try {
      proof = (await c.call('/v1/pair/challenge', PairChallengeResponse, { method: 'POST', body: { nonce }, auth: false })).proof;
    } catch (error) {
      const why =
        error instanceof ProxyError && error.status === 404
          ? 'it does not know the pairing challenge (an older Unspun proxy? update it)'
          : error instanceof ProxyError && error.code === INVALID_ANSWER
            ? 'it gave no proof'
            : errorText(error);
      return { ok: false, error: `Could not pair: the server at ${proxyUrl} did not answer the pairing challenge: ${why}.` };
    }
    if (!(await verifyPairingProof(token, nonce, proxyUrl, proof))) {
      return {
        ok: false,
        error: `Could not pair: the server at ${proxyUrl} could not prove it holds this link's token, so it is not the Unspun proxy that printed the link. Nothing was changed.`,
      };
    }
    return version === undefined ? { ok: true } : { ok: true, version };
  }

  /** The current pairing's proxy, for the question "replace it?". */
  async function describe(settings: Settings): Promise<ProxyIdentity & { reachable: boolean }> {
    try {
      const health = await client(settings.proxyUrl, '').health();
      return { proxyUrl: settings.proxyUrl, reachable: true, ...(typeof health.version === 'string' ? { version: health.version.slice(0, 64) } : {}) };
    } catch {
      return { proxyUrl: settings.proxyUrl, reachable: false };
    }
  }

  async function pair(message: PairRequest, sender: PairSender): Promise<PairResponse> {
    if (!isLocalProxyUrl(message.proxyUrl)) return { ok: false, error: 'Unspun pairs only with a proxy on 127.0.0.1 or localhost.' };
    const proxyUrl = new URL(message.proxyUrl).origin;
    const { token } = message;
    // Step 1: only the proxy's own pairing page, or one of our own pages (options: a pasted token).
    const from = sender.url ? new URL(sender.url) : null;
    // protocol + host, not URL.origin: that is "null" for extension schemes outside browsers.
    const fromOwnPage = Boolean(from && deps.extensionOrigin && `${from.protocol}//${from.host}` === deps.extensionOrigin);
    const fromPairPage = Boolean(from && from.origin === proxyUrl && from.pathname.startsWith('/pair'));
    if (!fromOwnPage && !fromPairPage) return { ok: false, error: 'Pairing requests must come from the proxy’s own pairing page.' };

    const verified = await verify(proxyUrl, token);
    if (!verified.ok) return verified;
    const next: ProxyIdentity = { proxyUrl, ...(verified.version ? { version: verified.version } : {}) };

    // Step 4: a link opened from some page must not silently replace the pairing the reader has.
    const settings = await deps.loadSettings();
    const replacing = Boolean(settings.token) && (settings.token !== token || new URL(settings.proxyUrl).origin !== proxyUrl);
    if (replacing && fromPairPage && !message.confirmReplace) {
      return { ok: false, needsConfirm: true, current: await describe(settings), next };
    }

    // Step 5: the token goes to the proxy only now that it has proved it holds it.
    try {
      await client(proxyUrl, token).call('/v1/pair/confirm', PairConfirmResponse, { method: 'POST', body: {} });
    } catch (error) {
      const status = error instanceof ProxyError ? error.status : undefined;
      const reason = status === 401 || status === 403 ? 'the proxy did not accept this token' : errorText(error);
      return { ok: false, error: `Could not pair: ${reason}.` };
    }
    await deps.saveSettings({ proxyUrl, token, pairedAt: deps.now() });
    deps.onPaired?.();
    return { ok: true, proxy: next };
  }

  return { pair, verify };
}
