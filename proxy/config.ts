// Proxy configuration, resolved once at start from argv + env (DESIGN.md "Environment").
// Bad values fail fast with one ConfigError whose message is a single line saying what to fix.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { JudgeChoice } from '#shared/schemas';
import { parseArgv } from './argv.ts';
import { JUDGE_MODES, type JudgeMode } from './judges/judge-interface.ts';
import { createPrivateFile, ensurePrivateDir, readPrivateFile, UnsafeFileError } from './private-files.ts';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
/** Bodies above this are refused with 413. A reply is at most 200k chars; context turns add more. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Same alphabet as RFC 6750 bearer tokens minus padding, so any token fits an Authorization header. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]+$/;
const MIN_TOKEN_CHARS = 16;
/** Flags `npm start` passes through to us; accepted and ignored here so the launcher can share argv. */
const LAUNCHER_FLAGS = ['no-browser', 'open'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface AnthropicSettings {
  apiKey: string;
  baseURL?: string;
  model?: string;
  /**
   * UNSPUN_JUDGE_MODE: how the judge asks for its verdict. Absent means the judge's default
   * (structured output); "text" is for Anthropic-compatible endpoints with neither structured
   * output nor forced tool use (a local model), "tool" for those with tool use only.
   */
  mode?: JudgeMode;
}

export interface JudgeSettings {
  /** What UNSPUN_JUDGE (or --judge) asked for. */
  judge: JudgeChoice;
  /**
   * Present only when a key is configured (ANTHROPIC_API_KEY, or the key file in the config dir):
   * we decide "is a key configured" ourselves (STACK.md).
   */
  anthropic: AnthropicSettings | null;
  /** Where the key came from; absent when there is none. */
  anthropicKeySource?: 'env' | 'file';
  /** UNSPUN_DETECTOR_MODEL: a learned-tier model file to use instead of the shipped one (e.g. to measure a research model). */
  detectorModel?: string;
}

/** Cost and load settings (issue 3): budget, concurrency, deadline, cache size, batch polling. */
export interface LimitSettings {
  /** UNSPUN_DAILY_BUDGET_USD; null = no budget. Past it, auto falls back to offline, anthropic gets 429. */
  dailyBudgetUsd: number | null;
  /** UNSPUN_MAX_CONCURRENCY: requests in flight toward the upstream at once. */
  maxConcurrency: number;
  /** UNSPUN_DEADLINE_MS: one overall deadline per score, queueing, SDK retries and repair included. */
  deadlineMs: number;
  /** UNSPUN_CACHE_MAX_ENTRIES: results kept in the on-disk result cache. */
  cacheMaxEntries: number;
  /** UNSPUN_BATCH_POLL_MS: how often a running Message Batch is polled. */
  batchPollMs: number;
  /** UNSPUN_BATCH_TIMEOUT_MS: per call to the Message Batches API (create, list, poll, results). */
  batchTimeoutMs: number;
  /** UNSPUN_BATCH_KEEP_DAYS / UNSPUN_BATCH_KEEP_JOBS: finished batch jobs are deleted past either. */
  batchRetention: { keepDays: number; keepJobs: number };
  /** UNSPUN_LOG_TEXT=1: log lines may contain reply text (off by default). */
  logText: boolean;
}

export const DEFAULT_LIMITS: LimitSettings = Object.freeze({
  dailyBudgetUsd: null,
  maxConcurrency: 4,
  deadlineMs: 30_000,
  cacheMaxEntries: 5_000,
  batchPollMs: 30_000,
  batchTimeoutMs: 60_000,
  batchRetention: Object.freeze({ keepDays: 30, keepJobs: 100 }),
  logText: false,
});

/** The key file's name in the config dir, next to the token. */
export const KEY_FILE = 'anthropic-key';

export interface ProxyConfig extends JudgeSettings, LimitSettings {
  host: string;
  /** 0 asks the OS for a free port (tests). */
  port: number;
  configDir: string;
  token: string;
  tokenSource: 'env' | 'file' | 'created';
  /** Where the token is stored; null when UNSPUN_TOKEN overrides it. */
  tokenFile: string | null;
  /** Host header values accepted besides the loopback names on our port; see isAllowedHost. */
  allowedHosts: string[];
  maxBodyBytes: number;
  version: string;
}

type Env = Record<string, string | undefined>;

/** Resolves the whole proxy config, creating the token file on first start. Throws ConfigError. */
export function loadConfig(env: Env = process.env, argv: readonly string[] = process.argv.slice(2)): ProxyConfig {
  const args = parseArgs(argv);
  const port = parsePort(args.port ?? env.UNSPUN_PORT, args.port !== undefined ? '--port' : 'UNSPUN_PORT');
  const host = parseHost(args.host ?? env.UNSPUN_HOST, args.host !== undefined ? '--host' : 'UNSPUN_HOST');
  const configDir = resolveConfigDir(env, args.configDir);
  const judgeSettings = resolveJudgeSettings(env, args.judge, { configDir });
  const limits = resolveLimits(env);

  let token: string;
  let tokenSource: ProxyConfig['tokenSource'];
  let tokenFile: string | null;
  const envToken = nonEmpty(env.UNSPUN_TOKEN);
  if (envToken !== undefined) {
    token = checkToken(envToken, 'UNSPUN_TOKEN');
    tokenSource = 'env';
    tokenFile = null;
  } else {
    const ensured = ensureToken(configDir);
    token = ensured.token;
    tokenSource = ensured.created ? 'created' : 'file';
    tokenFile = ensured.path;
  }

  return {
    host,
    port,
    configDir,
    token,
    tokenSource,
    tokenFile,
    ...judgeSettings,
    ...limits,
    allowedHosts: [],
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    version: readVersion(),
  };
}

/**
 * The judge part of the config alone (the CLI needs no port or token).
 * The key comes from ANTHROPIC_API_KEY, else from `<configDir>/anthropic-key` when a config dir is
 * given. `anthropic` without a key fails fast; `auto` quietly means offline when there is none.
 */
export function resolveJudgeSettings(env: Env = process.env, judgeArg?: string, options: { configDir?: string } = {}): JudgeSettings {
  const raw = judgeArg ?? nonEmpty(env.UNSPUN_JUDGE) ?? 'auto';
  // Checked even without a key: a mistyped mode should fail now, not when a key is added later.
  const mode = parseJudgeMode(env.UNSPUN_JUDGE_MODE);
  const parsed = JudgeChoice.safeParse(raw);
  const source = judgeArg !== undefined ? '--judge' : 'UNSPUN_JUDGE';
  if (!parsed.success) {
    throw new ConfigError(`${source}=${JSON.stringify(raw)} is not a judge: use offline, anthropic or auto`);
  }
  let apiKey = nonEmpty(env.ANTHROPIC_API_KEY);
  let keySource: 'env' | 'file' | undefined = apiKey === undefined ? undefined : 'env';
  if (apiKey === undefined && options.configDir !== undefined) {
    apiKey = readKeyFile(join(options.configDir, KEY_FILE));
    if (apiKey !== undefined) keySource = 'file';
  }
  if (parsed.data === 'anthropic' && apiKey === undefined) {
    const where = options.configDir !== undefined ? ` (or put it in ${join(options.configDir, KEY_FILE)}, mode 0600)` : '';
    throw new ConfigError(`${source}=anthropic needs ANTHROPIC_API_KEY${where}: set the key, or set ${source} to offline or auto`);
  }
  let anthropic: AnthropicSettings | null = null;
  if (apiKey !== undefined) {
    anthropic = { apiKey };
    const baseURL = nonEmpty(env.ANTHROPIC_BASE_URL);
    if (baseURL !== undefined) anthropic.baseURL = parseBaseUrl(baseURL);
    const model = nonEmpty(env.UNSPUN_MODEL);
    if (model !== undefined) anthropic.model = model;
    if (mode !== undefined) anthropic.mode = mode;
  }
  const detectorModel = nonEmpty(env.UNSPUN_DETECTOR_MODEL);
  return {
    judge: parsed.data,
    anthropic,
    ...(keySource ? { anthropicKeySource: keySource } : {}),
    ...(detectorModel !== undefined ? { detectorModel } : {}),
  };
}

/**
 * Reads the key file once, at start. It must be a regular file of ours that only we can read: a
 * symlink, another user's file or looser permissions are refused (never chmod-ed: the proxy does
 * not change what it did not create). Messages name the file, never its content.
 */
export function readKeyFile(path: string): string | undefined {
  let text: string | undefined;
  try {
    text = readPrivateFile(path, 'The key file');
  } catch (error) {
    if (error instanceof UnsafeFileError) throw new ConfigError(`${error.message}; or use ANTHROPIC_API_KEY`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`Cannot use the key file ${path} (${code ?? 'unreadable'}): make it yours with mode 0600 (chmod 600), or use ANTHROPIC_API_KEY`);
  }
  if (text === undefined) return undefined;
  const key = text.trim();
  if (key === '') throw new ConfigError(`The key file ${path} is empty: put the Anthropic key in it, or delete it`);
  if (/\s/.test(key)) throw new ConfigError(`The key file ${path} must hold only the key, on one line`);
  return key;
}

/** Budget, concurrency, deadline, cache and batch settings from the environment. */
export function resolveLimits(env: Env = process.env): LimitSettings {
  const budget = nonEmpty(env.UNSPUN_DAILY_BUDGET_USD);
  let dailyBudgetUsd: number | null = null;
  if (budget !== undefined) {
    const value = Number(budget.replace(/^\$/, ''));
    if (!/^\$?\d+(\.\d+)?$/.test(budget) || !Number.isFinite(value)) {
      throw new ConfigError(
        `UNSPUN_DAILY_BUDGET_USD=${JSON.stringify(budget)} is not an amount: use US dollars such as 0.50 (0 turns the anthropic judge off)`,
      );
    }
    dailyBudgetUsd = value;
  }
  return {
    dailyBudgetUsd,
    maxConcurrency: parseWhole(env, 'UNSPUN_MAX_CONCURRENCY', DEFAULT_LIMITS.maxConcurrency, 1, 64),
    deadlineMs: parseWhole(env, 'UNSPUN_DEADLINE_MS', DEFAULT_LIMITS.deadlineMs, 100, 600_000),
    cacheMaxEntries: parseWhole(env, 'UNSPUN_CACHE_MAX_ENTRIES', DEFAULT_LIMITS.cacheMaxEntries, 0, 10_000_000),
    batchPollMs: parseWhole(env, 'UNSPUN_BATCH_POLL_MS', DEFAULT_LIMITS.batchPollMs, 10, 3_600_000),
    batchTimeoutMs: parseWhole(env, 'UNSPUN_BATCH_TIMEOUT_MS', DEFAULT_LIMITS.batchTimeoutMs, 100, 600_000),
    batchRetention: {
      keepDays: parseWhole(env, 'UNSPUN_BATCH_KEEP_DAYS', DEFAULT_LIMITS.batchRetention.keepDays, 1, 36_500),
      keepJobs: parseWhole(env, 'UNSPUN_BATCH_KEEP_JOBS', DEFAULT_LIMITS.batchRetention.keepJobs, 1, 100_000),
    },
    logText: parseFlag(env, 'UNSPUN_LOG_TEXT'),
  };
}

function parseWhole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = nonEmpty(env[name]);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name}=${JSON.stringify(value)} is not valid: use a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

function parseFlag(env: Env, name: string): boolean {
  const value = nonEmpty(env[name])?.toLowerCase();
  if (value === undefined || value === '0' || value === 'false' || value === 'no') return false;
  if (value === '1' || value === 'true' || value === 'yes') return true;
  throw new ConfigError(`${name}=${JSON.stringify(value)} is not valid: use 1 or 0`);
}

export interface EnsuredToken {
  token: string;
  path: string;
  created: boolean;
}

/**
 * Returns the token stored in `<configDir>/token`, creating it (crypto random, url-safe, 32 bytes)
 * on first use. A new dir is made 0700 and a new file 0600 as they are created; existing ones are
 * never chmod-ed. A token file that is a symlink, another user's, or readable by others is refused.
 */
export function ensureToken(configDir: string): EnsuredToken {
  const path = join(configDir, 'token');
  try {
    ensurePrivateDir(configDir);
    const existing = readPrivateFile(path, 'The token file');
    if (existing !== undefined) return { token: checkToken(existing.trim(), path), path, created: false };
    const token = randomBytes(32).toString('base64url');
    // O_EXCL so two proxies starting at once cannot overwrite each other's token.
    createPrivateFile(path, `${token}\n`);
    return { token, path, created: true };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof UnsafeFileError) throw new ConfigError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return ensureToken(configDir);
    throw new ConfigError(`Cannot use the token file ${path} (${code ?? String(error)}): fix its permissions or set UNSPUN_CONFIG_DIR`);
  }
}

/** The package version, for /health and the start banner. */
export function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

interface ParsedArgs {
  port?: string;
  host?: string;
  judge?: string;
  configDir?: string;
}

const fail = (message: string) => new ConfigError(message);

function parseArgs(argv: readonly string[]): ParsedArgs {
  const { values, positionals } = parseArgv(
    argv,
    {
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        judge: { type: 'string' },
        'config-dir': { type: 'string' },
        ...Object.fromEntries(LAUNCHER_FLAGS.map((flag) => [flag, { type: 'boolean' }] as const)),
      },
      // Later flags win, as with the environment: `npm start -- --port 9000` can follow a script's own --port.
      repeatable: ['port', 'host', 'judge', 'config-dir'],
      unknown: (name) => `Unknown option ${name}: use --port, --host, --judge or --config-dir`,
    },
    fail,
  );
  const first = positionals[0];
  if (first !== undefined) throw fail(`Unknown option ${first}: use --port, --host, --judge or --config-dir`);
  const out: ParsedArgs = {};
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  for (const [key, name] of [
    ['port', 'port'],
    ['host', 'host'],
    ['judge', 'judge'],
    ['configDir', 'config-dir'],
  ] as const) {
    const value = text(name);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function parsePort(raw: string | undefined, source: string): number {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`${source}=${JSON.stringify(value)} is not a port: use a whole number from 0 to 65535`);
  }
  return Number(value);
}

function parseHost(raw: string | undefined, source: string): string {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_HOST;
  // Accept names and IP literals (IPv6 with or without brackets); nothing with spaces, ports or paths.
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIP(bare) === 0 && !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(bare)) {
    throw new ConfigError(`${source}=${JSON.stringify(value)} is not a host name or IP address`);
  }
  return bare;
}

export function resolveConfigDir(env: Env, fromArg: string | undefined): string {
  const explicit = fromArg ?? nonEmpty(env.UNSPUN_CONFIG_DIR);
  if (explicit !== undefined) return explicit;
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  return join(xdg ?? join(nonEmpty(env.HOME) ?? homedir(), '.config'), 'unspun');
}

function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`ANTHROPIC_BASE_URL=${JSON.stringify(value)} is not a URL: use e.g. http://127.0.0.1:11434`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`ANTHROPIC_BASE_URL must be an http:// or https:// URL, not ${url.protocol}`);
  }
  return value;
}

function checkToken(token: string, source: string): string {
  if (token.length < MIN_TOKEN_CHARS || !TOKEN_PATTERN.test(token)) {
    throw new ConfigError(
      `The token from ${source} must be at least ${MIN_TOKEN_CHARS} characters of A-Z a-z 0-9 . _ ~ + / -` +
        (source === 'UNSPUN_TOKEN' ? '' : ': delete the file to get a new one'),
    );
  }
  return token;
}

function parseJudgeMode(value: string | undefined): JudgeMode | undefined {
  const raw = nonEmpty(value);
  if (raw === undefined) return undefined;
  if (!(JUDGE_MODES as readonly string[]).includes(raw)) {
    throw new ConfigError(
      `UNSPUN_JUDGE_MODE=${JSON.stringify(raw)} is not a judge mode: use ${JUDGE_MODES.join(', ')} (text for a local model with neither structured output nor tool use)`,
    );
  }
  return raw as JudgeMode;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
