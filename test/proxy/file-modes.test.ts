// What the proxy does to the files and dirs it keeps (issue 10, item 5): new ones are created with
// their mode (0700 dirs, 0600 files), existing ones are never chmod-ed (a 1777 config dir such as
// /tmp stays 1777), and a symlinked secret is refused with a clear message while its target stays
// untouched. Writes go through new temp files, never through a symlink someone left in their place.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDailySpend, SPEND_FILE } from '../../proxy/budget/daily-spend.ts';
import { CACHE_FILE, openResultCache } from '../../proxy/cache/result-cache.ts';
import { ConfigError, ensureToken, KEY_FILE, loadConfig } from '../../proxy/config.ts';
import { startTestProxy } from '../helpers/proxy.ts';

let dir: string;
let outside: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-modes-test-'));
  outside = mkdtempSync(join(tmpdir(), 'unspun-modes-outside-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o7777;
const KEY = `${'sk-ant'}-test-modes-0123456789`;
const TOKEN = 'a-token-written-by-hand-0123456789';

function configError(configDir: string, env: Record<string, string> = {}): ConfigError {
  try {
    loadConfig({ UNSPUN_CONFIG_DIR: configDir, ...env }, []);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('dirs', () => {
  it('a 1777 config dir (UNSPUN_CONFIG_DIR=/tmp) stays 1777 through a whole start', async () => {
    chmodSync(dir, 0o1777);
    const proxy = await startTestProxy({ configDir: dir });
    await proxy.request('/v1/score/batch', { method: 'POST', body: JSON.stringify({ items: [{ reply: { text: 'Act now!' } }] }) });
    await proxy.close();
    expect(mode(dir)).toBe(0o1777);
    expect(mode(join(dir, 'token'))).toBe(0o600);
    expect(mode(join(dir, 'cache'))).toBe(0o700);
    expect(mode(join(dir, 'batches'))).toBe(0o700);
  });

  it('new dirs are created 0700, the missing parents too', () => {
    const configDir = join(dir, 'a', 'b', 'unspun');
    loadConfig({ UNSPUN_CONFIG_DIR: configDir }, []);
    expect(mode(join(dir, 'a'))).toBe(0o700);
    expect(mode(configDir)).toBe(0o700);
    expect(mode(join(configDir, 'token'))).toBe(0o600);
  });

  it('an existing 0755 dir keeps its mode', () => {
    chmodSync(dir, 0o755);
    loadConfig({ UNSPUN_CONFIG_DIR: dir }, []);
    expect(mode(dir)).toBe(0o755);
  });
});

describe('symlinked secrets are refused; their targets are not touched', () => {
  it.each([
    ['token', 'token', `${TOKEN}\n`, 'The token file'],
    ['key file', KEY_FILE, `${KEY}\n`, 'The key file'],
  ])('a symlinked %s', (_name, file, content, what) => {
    const target = join(outside, 'target');
    writeFileSync(target, content, { mode: 0o644 });
    chmodSync(target, 0o644);
    symlinkSync(target, join(dir, file));
    const error = configError(dir, file === 'token' ? {} : { UNSPUN_TOKEN: TOKEN });
    expect(error.message).toBe(
      `${what} ${join(dir, file)} is a symbolic link: the proxy does not follow links for its secrets; put the file itself there (mode 0600), or remove the link${file === 'token' ? '' : '; or use ANTHROPIC_API_KEY'}`,
    );
    expect(error.message).not.toContain(KEY);
    expect(mode(target)).toBe(0o644);
    expect(readFileSync(target, 'utf8')).toBe(content);
  });

  it('a dangling token symlink is refused, and nothing is created at its target', () => {
    const target = join(outside, 'planted');
    symlinkSync(target, join(dir, 'token'));
    expect(() => ensureToken(dir)).toThrow(/is a symbolic link/);
    expect(existsSync(target)).toBe(false);
  });

  it.runIf(process.getuid?.() === 0)('a token file owned by another user is refused', () => {
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    chownSync(join(dir, 'token'), 65534, 65534);
    expect(() => ensureToken(dir)).toThrow(/belongs to another user \(uid 65534\)/);
  });

  it('a private token file written by hand is read as before', () => {
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    expect(ensureToken(dir)).toMatchObject({ token: TOKEN, created: false });
  });
});

describe('data files are written without following links', () => {
  it('the result cache does not append through a symlink: the target is untouched, the cache works in memory and says so', () => {
    const target = join(outside, 'elsewhere.jsonl');
    writeFileSync(target, '', { mode: 0o644 });
    mkdirSync(join(dir, 'cache'));
    symlinkSync(target, join(dir, 'cache', CACHE_FILE));
    const messages: string[] = [];
    const cache = openResultCache({ dir: join(dir, 'cache'), onError: (m) => messages.push(m) });
    cache.set('0'.repeat(64), { score: 1, flags: [], judge: { kind: 'anthropic', model: 'm', promptVersion: 'p', taxonomyVersion: 't' } });
    expect(cache.size).toBe(1);
    expect(readFileSync(target, 'utf8')).toBe('');
    expect(mode(target)).toBe(0o644);
    expect(messages.join('\n')).toMatch(/cannot be written \(ELOOP\)/);
  });

  it("a symlink planted at the spend file's temp name is replaced, not written through", () => {
    const target = join(outside, 'victim');
    writeFileSync(target, 'keep me', { mode: 0o644 });
    symlinkSync(target, join(dir, `${SPEND_FILE}.tmp`));
    const spend = openDailySpend({ budgetUsd: 1, file: join(dir, SPEND_FILE) });
    spend.add(0.25);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(mode(join(dir, SPEND_FILE))).toBe(0o600);
    expect(openDailySpend({ budgetUsd: 1, file: join(dir, SPEND_FILE) }).state().spentUsd).toBe(0.25);
  });
});
