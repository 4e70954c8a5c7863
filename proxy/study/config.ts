// The study server's settings, read once from the environment at start: where it listens, the
// public URL join links are built on, the database (DATABASE_URL, else PGlite in the config dir)
// and the admin token. Bad values fail fast with one line that says what to set.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { ConfigError, resolveConfigDir } from '../config.ts';
import { createPrivateFile, ensurePrivateDir, readPrivateFile, UnsafeFileError } from '../private-files.ts';
import { parseTrustedProxies } from './client-address.ts';
import type { DatabaseTarget } from './db.ts';

export const DEFAULT_STUDY_PORT = 8788;
export const DEFAULT_STUDY_HOST = '127.0.0.1';
/**
 * Joins per client address: a whole classroom behind one school NAT joins within minutes of the
 * link going up, so the burst must hold a large class (60); after that one join a minute, which
 * refills the bucket for the next class an hour later but lets a bot on one address (or one IPv6
 * /64) make only ~1,500 participants a day instead of thousands a minute.
 */
export const DEFAULT_JOIN_LIMIT = { burst: 60, perHour: 60 } as const;
export const ADMIN_TOKEN_FILE = 'study-admin-token';
export const PGLITE_DIR = 'study-db';
/** Written while a server runs, so the CLI talks to it instead of opening the same PGlite dir twice. */
export const RUNNING_FILE = 'study-server.json';

type Env = Record<string, string | undefined>;

export interface StudyServerConfig {
  host: string;
  port: number;
  /** UNSPUN_STUDY_PUBLIC_URL, when set (else http://HOST:PORT once the port is known). */
  publicUrl: string | null;
  configDir: string;
  database: DatabaseTarget;
  /** UNSPUN_STUDY_JOIN_BURST and UNSPUN_STUDY_JOINS_PER_HOUR: joins each client address may make. */
  joinLimit: { burst: number; perHour: number };
  /**
   * UNSPUN_STUDY_TRUSTED_PROXIES: addresses/CIDRs of our own reverse proxies. Only requests whose
   * socket comes from one of them have their X-Forwarded-For read; empty (the default) never reads it.
   */
  trustedProxies: string[];
}

export function loadStudyConfig(env: Env = process.env): StudyServerConfig {
  const configDir = resolveConfigDir(env, undefined);
  const url = nonEmpty(env.DATABASE_URL);
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL such as postgres://USER:PASSWORD@HOST:5432/DB (unset it to use the embedded database)');
  }
  return {
    host: parseHost(env.UNSPUN_STUDY_HOST),
    port: parsePort(env.UNSPUN_STUDY_PORT),
    publicUrl: parsePublicUrl(env.UNSPUN_STUDY_PUBLIC_URL),
    configDir,
    database: url !== undefined ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: join(configDir, PGLITE_DIR) },
    joinLimit: {
      burst: parseCount(env, 'UNSPUN_STUDY_JOIN_BURST', DEFAULT_JOIN_LIMIT.burst),
      perHour: parseCount(env, 'UNSPUN_STUDY_JOINS_PER_HOUR', DEFAULT_JOIN_LIMIT.perHour),
    },
    trustedProxies: parseTrustedProxyList(env.UNSPUN_STUDY_TRUSTED_PROXIES),
  };
}

/** UNSPUN_STUDY_ADMIN_TOKEN, else `<configDir>/study-admin-token` (made on first use, 0600). */
export function ensureAdminToken(configDir: string, env: Env = process.env): { token: string; path: string | null } {
  const fromEnv = nonEmpty(env.UNSPUN_STUDY_ADMIN_TOKEN);
  if (fromEnv !== undefined) {
    if (fromEnv.length < 32) throw new ConfigError('UNSPUN_STUDY_ADMIN_TOKEN must be at least 32 characters');
    return { token: fromEnv, path: null };
  }
  const path = join(configDir, ADMIN_TOKEN_FILE);
  try {
    ensurePrivateDir(configDir);
    const existing = readPrivateFile(path, 'The study admin token file');
    if (existing !== undefined && existing.trim() !== '') return { token: existing.trim(), path };
    const token = `usa_${randomBytes(32).toString('base64url')}`;
    createPrivateFile(path, `${token}\n`);
    return { token, path };
  } catch (error) {
    if (error instanceof UnsafeFileError) throw new ConfigError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return ensureAdminToken(configDir, env);
    throw new ConfigError(`Cannot use the study admin token file ${path} (${code ?? String(error)}): fix its permissions or set UNSPUN_CONFIG_DIR`);
  }
}

/** Reads the admin token without creating one (the CLI talking to a running server). */
export function readAdminToken(configDir: string, env: Env = process.env): string | undefined {
  return nonEmpty(env.UNSPUN_STUDY_ADMIN_TOKEN) ?? readPrivateFile(join(configDir, ADMIN_TOKEN_FILE), 'The study admin token file')?.trim();
}

/** A host as it goes in a URL: wildcard binds are reached through loopback, IPv6 in brackets. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function parsePort(raw: string | undefined): number {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_STUDY_PORT;
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new ConfigError(`UNSPUN_STUDY_PORT=${JSON.stringify(value)} is not a port: use a whole number from 0 to 65535`);
  return Number(value);
}

function parseHost(raw: string | undefined): string {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_STUDY_HOST;
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIP(bare) === 0 && !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(bare))
    throw new ConfigError(`UNSPUN_STUDY_HOST=${JSON.stringify(value)} is not a host name or IP address`);
  return bare;
}

function parsePublicUrl(raw: string | undefined): string | null {
  const value = nonEmpty(raw);
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `UNSPUN_STUDY_PUBLIC_URL=${JSON.stringify(value)} is not a URL: use the https:// address participants reach, e.g. https://study.example.org`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError('UNSPUN_STUDY_PUBLIC_URL must be an https:// (or http:// on this machine) URL');
  if (url.search || url.hash || url.username) throw new ConfigError('UNSPUN_STUDY_PUBLIC_URL must have no query, fragment or user name');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseCount(env: Env, name: string, fallback: number): number {
  const value = nonEmpty(env[name]);
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new ConfigError(`${name}=${JSON.stringify(value)} is not a count: use a whole number of at least 1`);
  return Number(value);
}

function parseTrustedProxyList(raw: string | undefined): string[] {
  const entries = (nonEmpty(raw) ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  try {
    parseTrustedProxies(entries);
  } catch (error) {
    throw new ConfigError(
      `UNSPUN_STUDY_TRUSTED_PROXIES: ${(error as Error).message}; list your reverse proxy's addresses, comma-separated (e.g. 127.0.0.1,::1 when Caddy or nginx runs on this machine)`,
    );
  }
  return entries;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
