// The proxy over a real port (port 0): start-up errors, token file, Host checks and the request log.
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScoreResult, flagsMatchText } from '#shared/schemas';
import { loadConfig } from '../../proxy/config.ts';
import { startServer } from '../../proxy/server.ts';
import { errorResponse, type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const running: TestProxy[] = [];
const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startTestProxy>[0] = {}): Promise<TestProxy> {
  const proxy = await startTestProxy(options);
  running.push(proxy);
  return proxy;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'unspun-server-test-'));
  tempDirs.push(dir);
  return dir;
}

/** A raw GET with a chosen Host header (fetch will not let us forge one). */
function getWithHost(port: number, path: string, host: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { ...headers, host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startServer', () => {
  it('listens on a free port and answers /health and /v1/score', async () => {
    const proxy = await start();
    expect(proxy.port).toBeGreaterThan(0);
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    const health = await proxy.request('/health', { auth: false });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, service: 'unspun', judge: 'offline' });

    const res = await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: 'Everyone agrees: act now!' } }) });
    expect(res.status).toBe(200);
    expect(ScoreResult.safeParse(await res.json()).success).toBe(true);
  });

  it.each([
    ['no token', false, undefined, 401],
    ['token', true, undefined, 200],
    ['token + web Origin', true, 'https://evil.example', 403],
    ['token + extension Origin', true, 'chrome-extension://abcdefghijklmnopabcdefghijklmnop', 200],
  ] as const)('/v1/taxonomy with %s → %s', async (_name, auth, origin, status) => {
    const proxy = await start();
    const res = await proxy.request('/v1/taxonomy', { auth, headers: origin ? { origin } : {} });
    expect(res.status).toBe(status);
  });

  it.each([
    ['127.0.0.1', (port: number) => `127.0.0.1:${port}`, 200],
    ['localhost', (port: number) => `localhost:${port}`, 200],
    ['a rebinding name', (port: number) => `attacker.example:${port}`, 403],
    ['the default port instead of ours', () => '127.0.0.1:8787', 403],
  ])('checks the Host header over the wire: %s', async (_name, host, status) => {
    const proxy = await start();
    expect(await getWithHost(proxy.port, '/health', host(proxy.port))).toBe(status);
  });

  it('reports the default judge it resolved', async () => {
    expect((await start()).judge).toBe('offline');
  });

  it.each([
    ['with Content-Length', false],
    ['chunked (no Content-Length)', true],
  ])('an oversized body sent %s → 413 JSON over the wire', async (_name, chunked) => {
    const proxy = await start();
    const payload = JSON.stringify({ reply: { text: 'x'.repeat(1_100_000) } });
    const body = chunked
      ? new ReadableStream({
          start(controller) {
            for (let i = 0; i < payload.length; i += 64 * 1024) controller.enqueue(new TextEncoder().encode(payload.slice(i, i + 64 * 1024)));
            controller.close();
          },
        })
      : payload;
    const res = await proxy.request('/v1/score', { method: 'POST', body, ...(chunked ? { duplex: 'half' } : {}) } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('malformed JSON over the wire → 400 invalid_json', async () => {
    const proxy = await start();
    const res = await proxy.request('/v1/score', { method: 'POST', body: '{"reply":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  it.each([
    ['auto without a key', {}, 'offline'],
    ['offline with a key', { UNSPUN_JUDGE: 'offline', ANTHROPIC_API_KEY: 'sk-ant-test-000000' }, 'offline'],
    ['auto with a key', { ANTHROPIC_API_KEY: 'sk-ant-test-000000' }, 'anthropic'],
    ['anthropic with a key', { UNSPUN_JUDGE: 'anthropic', ANTHROPIC_API_KEY: 'sk-ant-test-000000' }, 'anthropic'],
  ])('starts with the judge the config asks for: %s → %s', async (_name, env, judge) => {
    const proxy = await start({ env });
    expect(proxy.judge).toBe(judge);
    expect(await (await proxy.request('/health', { auth: false })).json()).toMatchObject({ judge });
  });

  it.each([
    ['offline only', { UNSPUN_JUDGE: 'offline' }, ['offline'], 'offline', ['anthropic']],
    ['auto without a key', {}, ['offline'], 'offline', ['anthropic']],
    ['offline with a key', { UNSPUN_JUDGE: 'offline', ANTHROPIC_API_KEY: 'sk-ant-test-000000' }, ['offline', 'anthropic'], 'offline', []],
    ['auto with a key', { ANTHROPIC_API_KEY: 'sk-ant-test-000000' }, ['offline', 'anthropic'], 'anthropic', []],
  ])('/health names the judges it can use and its default (%s), and no secret', async (_name, env, available, fallback, off) => {
    const proxy = await start({ env });
    const res = await proxy.request('/health', { auth: false });
    const text = await res.text();
    const body = JSON.parse(text) as {
      service: string;
      version: string;
      judge: string;
      judges: { available: string[]; default: string; unavailable: { kind: string; reason: string; message: string }[] };
    };
    expect(body).toMatchObject({ ok: true, service: 'unspun', judge: fallback, judges: { available, default: fallback } });
    expect(typeof body.version).toBe('string');
    expect(body.judges.unavailable.map((u) => u.kind)).toEqual(off);
    for (const u of body.judges.unavailable) {
      expect(u.reason).toBe('not_configured');
      expect(u.message).toMatch(/ANTHROPIC_API_KEY/);
    }
    expect(text).not.toContain('sk-ant');
    expect(text).not.toContain(proxy.token);
  });

  it('a second server on the same port rejects with one clear line', async () => {
    const first = await start();
    const config = loadConfig({ UNSPUN_CONFIG_DIR: tempDir(), UNSPUN_PORT: String(first.port) }, []);
    const error = await startServer({ config, logger: { info() {}, warn() {}, error() {} } }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe(`Port ${first.port} on 127.0.0.1 is already in use: stop the other process or set UNSPUN_PORT`);
    // The first one is unharmed.
    expect((await first.request('/health', { auth: false })).status).toBe(200);
  });

  it('a host that is not ours rejects with one clear line', async () => {
    const config = loadConfig({ UNSPUN_CONFIG_DIR: tempDir(), UNSPUN_PORT: '0', UNSPUN_HOST: '203.0.113.7' }, []);
    const error = await startServer({ config }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^Cannot listen on 203\.0\.113\.7: .*UNSPUN_HOST/);
    expect(error?.message).not.toContain('\n');
  });

  it('creates the token file 0600 on first start and reuses it on the next', async () => {
    const configDir = tempDir();
    const first = await start({ configDir });
    const tokenPath = join(configDir, 'token');
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    expect(first.config.tokenSource).toBe('created');
    const token = first.token;
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await start({ configDir });
    expect(second.token).toBe(token);
    expect(second.config.tokenSource).toBe('file');
    expect((await second.request('/v1/taxonomy')).status).toBe(200);
  });

  it('UNSPUN_TOKEN overrides the stored token', async () => {
    const configDir = tempDir();
    const stored = await start({ configDir });
    const storedToken = stored.token;
    await stored.close();
    running.splice(running.indexOf(stored), 1);

    const proxy = await start({ configDir, env: { UNSPUN_TOKEN: 'override-token-0123456789' } });
    expect(proxy.token).toBe('override-token-0123456789');
    expect((await proxy.request('/v1/taxonomy')).status).toBe(200);
    const withStored = await proxy.request('/v1/taxonomy', { auth: false, headers: { authorization: `Bearer ${storedToken}` } });
    expect(withStored.status).toBe(401);
  });

  it('logs one line per request without query strings, tokens or bodies', async () => {
    const lines: string[] = [];
    const logger = { info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
    const proxy = await start({ logger });
    await proxy.request(`/pair?token=${proxy.token}`, { auth: false });
    await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: 'my private reply' } }) });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^GET \/pair (200|404) \d+ms$/);
    expect(lines[1]).toMatch(/^POST \/v1\/score 200 \d+ms$/);
    expect(lines.join('\n')).not.toContain(proxy.token);
    expect(lines.join('\n')).not.toContain('private');
  });

  it('close() returns with a keep-alive connection and a client stuck mid-request open', async () => {
    const proxy = await startTestProxy();
    await fetch(`${proxy.url}/health`, { headers: { connection: 'keep-alive' } });
    // A request whose headers never end: the server would wait for it until its headers timeout
    // (60 s, past this test's timeout) unless close() drops open connections. No wall-clock bound.
    const socket = connect(Number(new URL(proxy.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // Dropped by the server: a reset is the expected way to end.
    const dropped = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    await proxy.close();
    await dropped;
    await expect(fetch(`${proxy.url}/health`)).rejects.toThrow();
  });
});

describe('with the anthropic judge against a fake Messages API', () => {
  const KEY = 'sk-ant-test-key-0123456789';
  const fakes: FakeAnthropic[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });

  async function startWithFake() {
    const fake = await startFakeAnthropic();
    fakes.push(fake);
    const proxy = await start({ env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } });
    return { fake, proxy };
  }

  const REPLY = 'Experts agree this is the best plan. You should sign up today before the offer ends.';

  it('auto scores with anthropic; the result parses and every quote is the text at its offsets', async () => {
    const { fake, proxy } = await startWithFake();
    const res = await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: REPLY } }) });
    expect(res.status).toBe(200);
    const result = ScoreResult.parse(await res.json());
    expect(result.judge.kind).toBe('anthropic');
    expect(flagsMatchText(REPLY, result.flags)).toBe(true);
    expect(fake.messageRequests()).toHaveLength(1);
    expect(fake.messageRequests()[0]!.headers.authorization ?? fake.messageRequests()[0]!.headers['x-api-key']).toContain(KEY);
  });

  it('judge "offline" in the request skips the API', async () => {
    const { fake, proxy } = await startWithFake();
    const res = await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: REPLY }, judge: 'offline' }) });
    expect(ScoreResult.parse(await res.json()).judge.kind).toBe('offline');
    expect(fake.messageRequests()).toHaveLength(0);
  });

  it.each([
    ['a refused key', [errorResponse(401, `invalid x-api-key ${KEY}`)], 502, 'upstream_auth'],
    ['overload that outlasts the retries', [errorResponse(529), errorResponse(529), errorResponse(529)], 503, 'upstream_overloaded'],
  ] as const)('maps %s to %s %s without leaking the key', async (_name, responses, status, code) => {
    const { fake, proxy } = await startWithFake();
    fake.enqueue(...responses);
    const res = await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: REPLY } }) });
    expect(res.status).toBe(status);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe(code);
    expect(text).not.toContain(KEY);
  });
});
