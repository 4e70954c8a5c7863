// Key file next to the token, judge selection, the limit settings, and the key and reply text kept
// out of every response, log line and stored file (issue 3, "Security").
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScoreResult } from '#shared/schemas';
import type { Logger } from '../../proxy/app.ts';
import { ConfigError, KEY_FILE, loadConfig, resolveLimits } from '../../proxy/config.ts';
import { forLog } from '../../proxy/scoring.ts';
import { errorResponse, type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const KEY = `${'sk-ant'}-test-SECRET-0123456789abcdefXYZ`;
const mode = (path: string) => statSync(path).mode & 0o777;

let dir: string;
const running: TestProxy[] = [];
const fakes: FakeAnthropic[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-key-test-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  rmSync(dir, { recursive: true, force: true });
});

function writeKey(content: string, fileMode = 0o600): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, KEY_FILE);
  writeFileSync(path, content, { mode: fileMode });
  chmodSync(path, fileMode);
  return path;
}

function configError(env: Record<string, string>, argv: string[] = []): Error {
  try {
    loadConfig({ UNSPUN_CONFIG_DIR: dir, ...env }, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as Error;
  }
  throw new Error('expected a ConfigError');
}

describe('the Anthropic key: env or key file', () => {
  it.each([
    ['env only', { ANTHROPIC_API_KEY: KEY }, null, 'env', KEY],
    ['key file only', {}, `${KEY}\n`, 'file', KEY],
    ['env wins over the file', { ANTHROPIC_API_KEY: 'sk-ant-from-env-000000' }, KEY, 'env', 'sk-ant-from-env-000000'],
    ['blank env falls back to the file', { ANTHROPIC_API_KEY: '  ' }, KEY, 'file', KEY],
    ['neither', {}, null, undefined, null],
  ] as const)('%s', (_name, env, file, source, key) => {
    if (file !== null) writeKey(file);
    const config = loadConfig({ UNSPUN_CONFIG_DIR: dir, ...env }, []);
    expect(config.anthropicKeySource).toBe(source);
    expect(config.anthropic?.apiKey ?? null).toBe(key);
  });

  it('refuses a key file readable by others (no chmod: the proxy did not create it) and leaves the dir as it is', () => {
    const path = writeKey(KEY, 0o644);
    chmodSync(dir, 0o755);
    const error = configError({});
    expect(error.message).toMatch(/key file .* readable or writable by others \(mode 0644\): run chmod 600 .*ANTHROPIC_API_KEY/);
    expect(error.message).not.toContain(KEY);
    expect(mode(path)).toBe(0o644);
    expect(mode(dir)).toBe(0o755);
  });

  it.each([
    ['an empty key file', () => writeKey('\n'), /key file .* is empty/],
    ['a key file with two lines', () => writeKey(`${KEY}\nsecond line\n`), /only the key, on one line/],
    ['a directory in its place', () => mkdirSync(join(dir, KEY_FILE), { recursive: true }), /is not a file/],
  ])('refuses %s with one line that never shows the content', (_name, setup, message) => {
    setup();
    const error = configError({});
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('second line');
  });

  it.each([
    ['UNSPUN_JUDGE=anthropic', { UNSPUN_JUDGE: 'anthropic' }, []],
    ['--judge anthropic', {}, ['--judge', 'anthropic']],
  ])('%s with no key names both ways to add one', (_name, env, argv) => {
    const error = configError(env, argv);
    expect(error.message).toMatch(/ANTHROPIC_API_KEY/);
    expect(error.message).toContain(join(dir, KEY_FILE));
  });

  it.each([
    ['auto + key file', {}, true, 'anthropic'],
    ['auto, no key', {}, false, 'offline'],
    ['offline + key file', { UNSPUN_JUDGE: 'offline' }, true, 'offline'],
    ['anthropic + key file', { UNSPUN_JUDGE: 'anthropic' }, true, 'anthropic'],
  ] as const)('judge selection: %s → %s', async (_name, env, withKey, judge) => {
    if (withKey) writeKey(KEY);
    const proxy = await startTestProxy({ configDir: dir, env: { ...env, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
    running.push(proxy);
    expect(proxy.judge).toBe(judge);
  });
});

describe('limit settings', () => {
  it('has documented defaults', () => {
    expect(resolveLimits({})).toEqual({
      dailyBudgetUsd: null,
      maxConcurrency: 4,
      deadlineMs: 30_000,
      cacheMaxEntries: 5000,
      batchPollMs: 30_000,
      batchTimeoutMs: 60_000,
      batchRetention: { keepDays: 30, keepJobs: 100 },
      logText: false,
    });
  });

  it.each([
    [{ UNSPUN_DAILY_BUDGET_USD: '0.50' }, { dailyBudgetUsd: 0.5 }],
    [{ UNSPUN_DAILY_BUDGET_USD: '$2' }, { dailyBudgetUsd: 2 }],
    [{ UNSPUN_DAILY_BUDGET_USD: '0' }, { dailyBudgetUsd: 0 }],
    [{ UNSPUN_MAX_CONCURRENCY: '1' }, { maxConcurrency: 1 }],
    [{ UNSPUN_DEADLINE_MS: '5000' }, { deadlineMs: 5000 }],
    [{ UNSPUN_LOG_TEXT: '1' }, { logText: true }],
    [{ UNSPUN_LOG_TEXT: '0' }, { logText: false }],
  ])('accepts %o', (env, expected) => {
    expect(resolveLimits(env)).toMatchObject(expected);
  });

  it.each([
    [{ UNSPUN_DAILY_BUDGET_USD: 'ten' }, /UNSPUN_DAILY_BUDGET_USD="ten" is not an amount/],
    [{ UNSPUN_DAILY_BUDGET_USD: '-1' }, /UNSPUN_DAILY_BUDGET_USD/],
    [{ UNSPUN_MAX_CONCURRENCY: '0' }, /UNSPUN_MAX_CONCURRENCY="0" is not valid: use a whole number from 1 to 64/],
    [{ UNSPUN_MAX_CONCURRENCY: '2.5' }, /UNSPUN_MAX_CONCURRENCY/],
    [{ UNSPUN_DEADLINE_MS: '10' }, /UNSPUN_DEADLINE_MS/],
    [{ UNSPUN_LOG_TEXT: 'maybe' }, /UNSPUN_LOG_TEXT/],
  ])('refuses %o with one line', (env, message) => {
    expect(() => resolveLimits(env)).toThrow(message);
  });
});

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (l) => lines.push(l), warn: (l) => lines.push(l), error: (l) => lines.push(l) };
}

/** Every file under a dir except the key file itself, as text. */
function storedText(root: string): string {
  let out = '';
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) out += storedText(path);
    else if (entry.name !== KEY_FILE) out += readFileSync(path, 'utf8');
  }
  return out;
}

describe('the key and the reply text stay out of responses, logs and stored files', () => {
  const MARKER = 'zebra-marker-7731 says the moon is cheese';
  const REPLY = `Experts agree ${MARKER}. You must decide now.`;

  async function startWithFake(source: 'env' | 'file', extraEnv: Record<string, string> = {}) {
    const fake = await startFakeAnthropic();
    fakes.push(fake);
    if (source === 'file') writeKey(KEY);
    const logger = captureLogger();
    const proxy = await startTestProxy({
      configDir: dir,
      logger,
      env: { ANTHROPIC_BASE_URL: fake.url, UNSPUN_MODEL: 'claude-haiku-4-5', ...(source === 'env' ? { ANTHROPIC_API_KEY: KEY } : {}), ...extraEnv },
    });
    running.push(proxy);
    return { fake, proxy, logger };
  }

  it.each(['env', 'file'] as const)('key from %s: success, upstream errors echoing key and reply, stats, health', async (source) => {
    const { fake, proxy, logger } = await startWithFake(source);
    const bodies: string[] = [];
    const score = async () => {
      const res = await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: REPLY } }) });
      const text = await res.text();
      bodies.push(text, JSON.stringify([...res.headers]));
      return { status: res.status, text };
    };
    const ok = await score();
    expect(ok.status).toBe(200);
    const result = ScoreResult.parse(JSON.parse(ok.text));
    expect(result.judge).toMatchObject({ kind: 'anthropic', model: 'claude-haiku-4-5' });
    // The key did reach the upstream: it is configured, just never repeated back.
    expect(JSON.stringify(fake.messageRequests()[0]!.headers)).toContain(KEY);

    fake.enqueue(errorResponse(401, `invalid x-api-key: ${KEY}`));
    fake.enqueue(errorResponse(400, `bad request about "${REPLY}" with key ${KEY}`));
    fake.enqueue(errorResponse(500, `boom ${KEY}`), errorResponse(500, `boom ${KEY}`), errorResponse(500, `boom ${KEY}`));
    for (const status of [502, 502, 502]) {
      const res = await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: `${REPLY} ${status}${bodies.length}` } }) });
      expect(res.status).toBe(status);
      bodies.push(await res.text());
    }
    for (const path of ['/health', '/v1/stats', '/v1/taxonomy']) bodies.push(await (await proxy.request(path)).text());

    const everything = [...bodies, ...logger.lines, storedText(dir)].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain('SECRET-0123456789');
    // Reply text is in the responses (the caller sent it), never in the log.
    expect(logger.lines.join('\n')).not.toContain(MARKER);
    expect(logger.lines.some((l) => l.includes('upstream_bad_request'))).toBe(true);
  });

  it('UNSPUN_LOG_TEXT=1 lets reply text into the log', async () => {
    const { proxy, logger } = await startWithFake('env', { UNSPUN_LOG_TEXT: '1' });
    await proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: REPLY } }) });
    expect(logger.lines.join('\n')).toContain(MARKER);
    expect(logger.lines.join('\n')).not.toContain(KEY);
  });
});

describe('forLog', () => {
  const request = { reply: { text: 'The quick brown fox jumps over the lazy dog again and again.' }, context: { user: 'tell me about foxes and dogs please' } };
  it.each([
    ['no overlap', 'upstream said no', false, 'upstream said no'],
    ['echoed reply', 'rejected: "The quick brown fox jumps" (400)', false, 'rejected: "[text]" (400)'],
    ['echoed user turn', 'about foxes and dogs please!', false, '[text]!'],
    ['short overlap is kept', 'the lazy', false, 'the lazy'],
    ['UNSPUN_LOG_TEXT=1 keeps all', 'rejected: "The quick brown fox jumps"', true, 'rejected: "The quick brown fox jumps"'],
  ])('%s', (_name, message, logText, expected) => {
    expect(forLog(message, request, logText)).toBe(expected);
  });
});
