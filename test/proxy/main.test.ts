// `npm run proxy` as a real process: the banner (URL, token, where it is stored, pairing link),
// one-line start-up errors with exit 1, and a clean exit on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const proxies: TestProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The test runner's env without any Unspun/Anthropic settings of the machine it runs on. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(UNSPUN_|ANTHROPIC_)/.test(k)));
  return { ...env, ...extra };
}

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/main.ts'], { cwd: ROOT, env: cleanEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  const output = () => ({ stdout, stderr });
  return { child, exited, output };
}

async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('proxy/main.ts', () => {
  it('prints the URL, where the token is stored, and the pairing link (the token once, in it); SIGTERM exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unspun-main-test-'));
    dirs.push(dir);
    const run = startMain({ UNSPUN_CONFIG_DIR: dir, UNSPUN_PORT: '0' });
    await waitFor(() => run.output().stdout.includes('Demo chat page'));
    const { stdout } = run.output();
    const token = readFileSync(join(dir, 'token'), 'utf8').trim();
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(url).toBeDefined();
    expect(stdout).toContain(join(dir, 'token'));
    expect(stdout).toContain(`${url}/pair#${token}`);
    expect(stdout.split(token).length - 1).toBe(1);
    expect((await fetch(`${url}/health`)).status).toBe(200);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it.each([
    ['a bad port', { UNSPUN_PORT: 'abc' }, /^UNSPUN_PORT="abc" is not a port/],
    ['anthropic without a key', { UNSPUN_JUDGE: 'anthropic' }, /^UNSPUN_JUDGE=anthropic needs ANTHROPIC_API_KEY/],
  ])('fails with one line and exit 1 on %s', async (_name, env, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'unspun-main-test-'));
    dirs.push(dir);
    const run = startMain({ UNSPUN_CONFIG_DIR: dir, ...env });
    expect(await run.exited).toBe(1);
    const { stdout, stderr } = run.output();
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails with one line and exit 1 when the port is taken', async () => {
    const busy = await startTestProxy();
    proxies.push(busy);
    const dir = mkdtempSync(join(tmpdir(), 'unspun-main-test-'));
    dirs.push(dir);
    const run = startMain({ UNSPUN_CONFIG_DIR: dir, UNSPUN_PORT: String(busy.port) });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr.trim()).toBe(`Port ${busy.port} on 127.0.0.1 is already in use: stop the other process or set UNSPUN_PORT`);
  });
});
