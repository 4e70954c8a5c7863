// `npm start -- --no-browser` as a newcomer runs it: a real process on a real port.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScoreResult, flagsMatchText } from '#shared/schemas';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

describe('npm start -- --no-browser', () => {
  let child: ChildProcess;
  let output = '';
  let base = '';
  let token = '';
  const configDir = mkdtempSync(join(tmpdir(), 'unspun-start-test-'));

  beforeAll(async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'proxy/start.ts', '--no-browser'], {
      cwd: root,
      env: { ...process.env, UNSPUN_PORT: String(port), UNSPUN_CONFIG_DIR: configDir, UNSPUN_TOKEN: '', UNSPUN_JUDGE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = Date.now();
    while (!/Press Ctrl\+C to stop/.test(output)) {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      if (Date.now() - started > 90_000) throw new Error(`npm start did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const link = /http:\/\/127\.0\.0\.1:(\d+)\/pair#([A-Za-z0-9_-]+)/.exec(output);
    expect(link, output).not.toBeNull();
    base = `http://127.0.0.1:${link![1]}`;
    token = link![2]!;
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(configDir, { recursive: true, force: true });
  });

  it('prints the pairing link once (the only place the token appears) and how to load the extension by hand', () => {
    expect(output.split(token).length - 1).toBe(1);
    expect(output).toContain('.output/chrome-mv3');
    expect(output).toMatch(/Load unpacked/);
  });

  it('serves /health, /, /demo and /pair without the token', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, service: 'unspun' });
    for (const page of ['/', '/demo', '/pair']) {
      const res = await fetch(base + page);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
  });

  it('refuses /v1/score without the token (401) and from a web page origin (403)', async () => {
    const body = JSON.stringify({ reply: { text: 'Experts agree you must act now.' } });
    const json = { 'content-type': 'application/json' };
    const anonymous = await fetch(`${base}/v1/score`, { method: 'POST', headers: json, body });
    expect(anonymous.status).toBe(401);
    const foreign = await fetch(`${base}/v1/score`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}`, origin: 'https://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
  });

  it('scores a reply with the token: flags whose quote is the text at their offsets', async () => {
    const text =
      "Great question! 🙂 Experts agree that you need to act now, before it's too late. " +
      'Either you switch today or you lose everything. Everyone is already doing it.';
    const res = await fetch(`${base}/v1/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ reply: { text }, context: { user: 'Should I switch banks?' } }),
    });
    expect(res.status).toBe(200);
    const result = ScoreResult.parse(await res.json());
    expect(result.judge.kind).toBe('offline');
    expect(result.flags.length).toBeGreaterThan(0);
    expect(result.score).toBeGreaterThan(0);
    expect(flagsMatchText(text, result.flags)).toBe(true);
  });

  it('shows no build output before the links', () => {
    expect(output).not.toMatch(/Finished in|\.output\/chrome-mv3\/manifest\.json|Building chrome-mv3/);
  });

  it('never logs the token', () => {
    const lines = output.split('\n').filter((l) => l.includes(token));
    // The banner prints it once on purpose, in the pairing link; request logs must not.
    expect(lines.every((l) => /pair#/.test(l))).toBe(true);
  });
});
