// Pairing on the proxy's side: the challenge (a proof of the token that never reveals it), the
// confirm step that records the paired extension's origin, and the origin check that follows,
// in memory through app.request() and on disk across a restart.
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../proxy/app.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { openPairedExtension, PAIRED_EXTENSION_FILE } from '../../proxy/pairing/paired-extension.ts';
import { createNonce, pairingProof, verifyPairingProof } from '#shared/pairing';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const TOKEN = 'test-token-0123456789abcdef';
const BASE = 'http://127.0.0.1:8787';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const EXT_A = 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const EXT_B = 'chrome-extension://bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

const makeApp = (deps: Partial<Parameters<typeof createApp>[0]> = {}) =>
  createApp({ config: { token: TOKEN, port: 8787, version: '9.9.9' }, judges: { offline: createOfflineJudge() }, ...deps });

const challenge = (app: ReturnType<typeof makeApp>, nonce: string, headers: Record<string, string> = {}) =>
  app.request(`${BASE}/v1/pair/challenge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: EXT_A, ...headers },
    body: JSON.stringify({ nonce }),
  });

describe('POST /v1/pair/challenge', () => {
  it('answers a nonce, without the token, with a proof only the token holder can make', async () => {
    const nonce = createNonce();
    const res = await challenge(makeApp(), nonce);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { service: string; version: string; proof: string };
    expect(body).toMatchObject({ service: 'unspun', version: '9.9.9' });
    expect(JSON.stringify(body)).not.toContain(TOKEN);
    expect(await verifyPairingProof(TOKEN, nonce, BASE, body.proof)).toBe(true);
    expect(await verifyPairingProof('another-token-0123456789', nonce, BASE, body.proof)).toBe(false);
    // Bound to this proxy's address: the same proof does not vouch for another port.
    expect(await verifyPairingProof(TOKEN, nonce, 'http://127.0.0.1:9999', body.proof)).toBe(false);
  });

  it('refuses a malformed nonce with 400 and a web page with 403', async () => {
    const app = makeApp();
    const bad = await challenge(app, 'short');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/nonce/);
    expect((await challenge(app, createNonce(), { origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('the paired extension origin', () => {
  it('is recorded only by a confirm that carries the token', async () => {
    const app = makeApp();
    const anonymous = await app.request(`${BASE}/v1/pair/confirm`, { method: 'POST', headers: { origin: EXT_B } });
    expect(anonymous.status).toBe(401);
    // Before any pairing, every extension origin with the token is served.
    expect((await app.request(`${BASE}/v1/taxonomy`, { headers: { ...AUTH, origin: EXT_B } })).status).toBe(200);
    const confirm = await app.request(`${BASE}/v1/pair/confirm`, { method: 'POST', headers: { ...AUTH, origin: `${EXT_A}/` } });
    expect(await confirm.json()).toMatchObject({ paired: true, origin: EXT_A });
  });

  it('once paired, another extension origin is refused with 403 and told to re-pair; no Origin (CLI) still works', async () => {
    const app = makeApp();
    await app.request(`${BASE}/v1/pair/confirm`, { method: 'POST', headers: { ...AUTH, origin: EXT_A } });
    expect((await app.request(`${BASE}/v1/taxonomy`, { headers: { ...AUTH, origin: EXT_A } })).status).toBe(200);
    const other = await app.request(`${BASE}/v1/score`, {
      method: 'POST',
      headers: { ...AUTH, origin: EXT_B, 'content-type': 'application/json' },
      body: JSON.stringify({ reply: { text: 'Act now.' } }),
    });
    expect(other.status).toBe(403);
    const error = ((await other.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('origin_not_paired');
    expect(error.message).toMatch(/re-pair/);
    expect((await app.request(`${BASE}/v1/taxonomy`, { headers: AUTH })).status).toBe(200);
    // The status check (a POST, so browsers send the Origin) tells each install where it stands.
    expect((await app.request(`${BASE}/v1/pair/check`, { method: 'POST', headers: { ...AUTH, origin: EXT_B } })).status).toBe(403);
    expect((await app.request(`${BASE}/v1/pair/check`, { method: 'POST', headers: { ...AUTH, origin: EXT_A } })).status).toBe(200);
    // /health stays open to anyone, so the other install can still say what is wrong.
    expect((await app.request(`${BASE}/health`, { headers: { origin: EXT_B } })).status).toBe(200);
  });

  it('changes only when another install re-pairs with the token', async () => {
    const app = makeApp();
    await app.request(`${BASE}/v1/pair/confirm`, { method: 'POST', headers: { ...AUTH, origin: EXT_A } });
    await app.request(`${BASE}/v1/pair/confirm`, { method: 'POST', headers: { authorization: 'Bearer wrong-token-0123456789', origin: EXT_B } });
    expect((await app.request(`${BASE}/v1/taxonomy`, { headers: { ...AUTH, origin: EXT_B } })).status).toBe(403);
    await app.request(`${BASE}/v1/pair/confirm`, { method: 'POST', headers: { ...AUTH, origin: EXT_B } });
    expect((await app.request(`${BASE}/v1/taxonomy`, { headers: { ...AUTH, origin: EXT_B } })).status).toBe(200);
    expect((await app.request(`${BASE}/v1/taxonomy`, { headers: { ...AUTH, origin: EXT_A } })).status).toBe(403);
  });
});

describe('<configDir>/paired-extension', () => {
  const dirs: string[] = [];
  const proxies: TestProxy[] = [];
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'unspun-paired-'));
    dirs.push(dir);
    return dir;
  };

  it('keeps the paired origin across a restart, in a file of mode 0600', async () => {
    const configDir = tempDir();
    const first = await startTestProxy({ configDir });
    proxies.push(first);
    const confirm = await first.request('/v1/pair/confirm', { method: 'POST', headers: { origin: EXT_A } });
    expect(confirm.status).toBe(200);
    const file = join(configDir, PAIRED_EXTENSION_FILE);
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ origin: EXT_A });
    await first.close();
    proxies.length = 0;

    const second = await startTestProxy({ configDir });
    proxies.push(second);
    expect((await second.request('/v1/taxonomy', { headers: { origin: EXT_B } })).status).toBe(403);
    expect((await second.request('/v1/taxonomy', { headers: { origin: EXT_A } })).status).toBe(200);
    expect((await second.request('/v1/taxonomy')).status).toBe(200);
  });

  it('ignores a malformed file or a symlink with a message, and never writes through the link', () => {
    const dir = tempDir();
    const messages: string[] = [];
    writeFileSync(join(dir, PAIRED_EXTENSION_FILE), 'not json');
    expect(openPairedExtension(dir, (m) => messages.push(m)).get()).toBeNull();
    expect(messages.join()).toMatch(/ignored/);

    const other = tempDir();
    const target = join(other, 'target');
    writeFileSync(target, 'keep me', { mode: 0o644 });
    rmSync(join(dir, PAIRED_EXTENSION_FILE));
    symlinkSync(target, join(dir, PAIRED_EXTENSION_FILE));
    messages.length = 0;
    const store = openPairedExtension(dir, (m) => messages.push(m));
    expect(messages.join()).toMatch(/symbolic link/);
    store.set(EXT_A, new Date(0));
    expect(store.get()?.origin).toBe(EXT_A);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(lstatSync(target).mode & 0o777).toBe(0o644);
  });
});

describe('the proof itself (shared/pairing.ts)', () => {
  it('is a function of token, nonce and proxy origin alone', async () => {
    const nonce = createNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createNonce()).not.toBe(nonce);
    const proof = await pairingProof(TOKEN, nonce, BASE);
    expect(await pairingProof(TOKEN, nonce, `${BASE}/pair`)).toBe(proof);
    expect(await pairingProof(TOKEN, createNonce(), BASE)).not.toBe(proof);
    expect(await verifyPairingProof(TOKEN, nonce, BASE, 'not base64 !')).toBe(false);
    expect(await verifyPairingProof(TOKEN, nonce, BASE, '')).toBe(false);
  });
});
