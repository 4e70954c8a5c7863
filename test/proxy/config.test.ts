// Config resolution: defaults, env and argv, fail-fast messages, token file creation and reuse.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ensureToken, loadConfig, resolveJudgeSettings } from '../../proxy/config.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-config-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('loadConfig defaults and overrides', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({ UNSPUN_CONFIG_DIR: join(dir, 'cfg') }, []);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8787, judge: 'auto', anthropic: null, maxBodyBytes: 1024 * 1024 });
    expect(config.configDir).toBe(join(dir, 'cfg'));
    expect(config.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    ['XDG_CONFIG_HOME', { XDG_CONFIG_HOME: 'XDG' }, ['XDG', 'unspun']],
    ['HOME when XDG_CONFIG_HOME is unset', { HOME: 'HOME' }, ['HOME', '.config', 'unspun']],
    ['UNSPUN_CONFIG_DIR over XDG_CONFIG_HOME', { UNSPUN_CONFIG_DIR: 'EXPLICIT', XDG_CONFIG_HOME: 'XDG' }, ['EXPLICIT']],
  ])('config dir from %s', (_name, env, parts) => {
    const withDir = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, join(dir, v)]));
    const config = loadConfig(withDir, []);
    const expected = join(dir, ...parts);
    expect(config.configDir).toBe(expected);
    expect(existsSync(join(expected, 'token'))).toBe(true);
  });

  it.each([
    ['env', { UNSPUN_PORT: '9000', UNSPUN_HOST: 'localhost', UNSPUN_JUDGE: 'offline' }, [], { port: 9000, host: 'localhost', judge: 'offline' }],
    ['argv over env', { UNSPUN_PORT: '9000' }, ['--port', '9001', '--host=::1', '--judge', 'offline'], { port: 9001, host: '::1', judge: 'offline' }],
    ['port 0 for tests', { UNSPUN_PORT: '0' }, [], { port: 0 }],
    ['launcher flag ignored', {}, ['--no-browser'], { port: 8787 }],
    ['blank values mean unset', { UNSPUN_PORT: ' ', UNSPUN_JUDGE: '' }, [], { port: 8787, judge: 'auto' }],
  ])('%s', (_name, env, argv, expected) => {
    expect(loadConfig({ UNSPUN_CONFIG_DIR: dir, ...env }, argv)).toMatchObject(expected);
  });

  it('keeps the anthropic settings when a key is set, and auto stays auto', () => {
    const config = loadConfig({ UNSPUN_CONFIG_DIR: dir, ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000', UNSPUN_MODEL: 'm' }, []);
    expect(config.judge).toBe('auto');
    expect(config.anthropic).toEqual({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:4000', model: 'm' });
  });
});

describe('loadConfig fails fast with one clear line', () => {
  it.each([
    ['UNSPUN_PORT=abc', { UNSPUN_PORT: 'abc' }, [], /UNSPUN_PORT="abc" is not a port/],
    ['UNSPUN_PORT too big', { UNSPUN_PORT: '70000' }, [], /UNSPUN_PORT="70000" is not a port/],
    ['UNSPUN_PORT negative', { UNSPUN_PORT: '-1' }, [], /UNSPUN_PORT/],
    ['UNSPUN_PORT fractional', { UNSPUN_PORT: '80.5' }, [], /UNSPUN_PORT/],
    ['--port abc', {}, ['--port', 'abc'], /--port="abc"/],
    ['--port without value', {}, ['--port'], /--port needs a value/],
    ['UNSPUN_HOST with a port', { UNSPUN_HOST: '127.0.0.1:80' }, [], /UNSPUN_HOST/],
    ['UNSPUN_HOST with a path', { UNSPUN_HOST: 'http://x/' }, [], /UNSPUN_HOST/],
    ['UNSPUN_JUDGE unknown', { UNSPUN_JUDGE: 'gpt' }, [], /UNSPUN_JUDGE="gpt" is not a judge: use offline, anthropic or auto/],
    ['UNSPUN_JUDGE=anthropic without key', { UNSPUN_JUDGE: 'anthropic' }, [], /UNSPUN_JUDGE=anthropic needs ANTHROPIC_API_KEY/],
    ['--judge anthropic without key', {}, ['--judge', 'anthropic'], /--judge=anthropic needs ANTHROPIC_API_KEY/],
    ['bad ANTHROPIC_BASE_URL', { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'not a url' }, [], /ANTHROPIC_BASE_URL/],
    ['non-http ANTHROPIC_BASE_URL', { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'file:///etc' }, [], /http:\/\/ or https:\/\//],
    ['short UNSPUN_TOKEN', { UNSPUN_TOKEN: 'short' }, [], /UNSPUN_TOKEN must be at least 16 characters/],
    ['UNSPUN_TOKEN with a space', { UNSPUN_TOKEN: 'abcdefgh ijklmnopqrst' }, [], /UNSPUN_TOKEN/],
    ['unknown option', {}, ['--prot', '1'], /Unknown option --prot/],
  ])('%s', (_name, env, argv, message) => {
    let error: unknown;
    try {
      loadConfig({ UNSPUN_CONFIG_DIR: dir, ...env }, argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('resolveJudgeSettings needs no config dir (the CLI uses it)', () => {
    expect(resolveJudgeSettings({}, undefined)).toEqual({ judge: 'auto', anthropic: null });
    expect(resolveJudgeSettings({ UNSPUN_JUDGE: 'anthropic' }, 'offline').judge).toBe('offline');
    expect(() => resolveJudgeSettings({}, 'anthropic')).toThrow(/ANTHROPIC_API_KEY/);
  });
});

describe('token', () => {
  it('is created on first start (0600 in a 0700 dir, url-safe, 32 random bytes) and reused after', () => {
    const configDir = join(dir, 'unspun');
    const first = loadConfig({ UNSPUN_CONFIG_DIR: configDir }, []);
    expect(first.tokenSource).toBe('created');
    expect(first.tokenFile).toBe(join(configDir, 'token'));
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mode(join(configDir, 'token'))).toBe(0o600);
    expect(mode(configDir)).toBe(0o700);
    const second = loadConfig({ UNSPUN_CONFIG_DIR: configDir }, []);
    expect(second.token).toBe(first.token);
    expect(second.tokenSource).toBe('file');
  });

  it('differs between config dirs', () => {
    expect(ensureToken(join(dir, 'a')).token).not.toBe(ensureToken(join(dir, 'b')).token);
  });

  it('refuses a token file others can read, saying how to fix it, and changes no mode', () => {
    const { path } = ensureToken(dir);
    chmodSync(path, 0o644);
    chmodSync(dir, 0o755);
    expect(() => ensureToken(dir)).toThrow(/readable or writable by others \(mode 0644\): run chmod 600/);
    expect(mode(path)).toBe(0o644);
    expect(mode(dir)).toBe(0o755);
  });

  it('reads a token file written by hand (trailing newline trimmed)', () => {
    writeFileSync(join(dir, 'token'), 'hand-written-token-0123456789\n', { mode: 0o600 });
    expect(ensureToken(dir).token).toBe('hand-written-token-0123456789');
  });

  it.each([
    ['empty', ''],
    ['too short', 'abc\n'],
  ])('refuses a %s token file, saying how to fix it', (_name, content) => {
    writeFileSync(join(dir, 'token'), content, { mode: 0o600 });
    expect(() => ensureToken(dir)).toThrow(/delete the file/);
  });

  it('UNSPUN_TOKEN overrides and writes no file', () => {
    const config = loadConfig({ UNSPUN_CONFIG_DIR: dir, UNSPUN_TOKEN: 'env-token-0123456789abcdef' }, []);
    expect(config.token).toBe('env-token-0123456789abcdef');
    expect(config.tokenSource).toBe('env');
    expect(config.tokenFile).toBeNull();
    expect(existsSync(join(dir, 'token'))).toBe(false);
  });

  it('UNSPUN_TOKEN wins over an existing file without changing it', () => {
    const { path, token } = ensureToken(dir);
    const config = loadConfig({ UNSPUN_CONFIG_DIR: dir, UNSPUN_TOKEN: 'env-token-0123456789abcdef' }, []);
    expect(config.token).toBe('env-token-0123456789abcdef');
    expect(readFileSync(path, 'utf8').trim()).toBe(token);
  });
});
