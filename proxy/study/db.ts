// Opens the study database: PostgreSQL when DATABASE_URL is set (the path for real studies), else
// an embedded PGlite (PostgreSQL in WASM) in a dir of the config dir. Both go through Drizzle with
// the same schema, so every query in store.ts runs unchanged on either.
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { ensurePrivateDir } from '../private-files.ts';
import { migrate } from './migrations.ts';
import { schema } from './schema.ts';

export type StudyDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseTarget = { kind: 'pglite'; dataDir: string | null } | { kind: 'postgres'; url: string; poolSize?: number };

export interface OpenDatabase {
  db: StudyDb;
  kind: 'pglite' | 'postgres';
  /** Where it is, for the start banner: the PGlite dir, or the URL without its password. */
  where: string;
  close(): Promise<void>;
}

/** Start-up failures, one line that says what is wrong and how to fix it. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  if (target.kind === 'pglite') {
    let client: PGlite;
    try {
      if (target.dataDir !== null) ensurePrivateDir(target.dataDir);
      client = target.dataDir === null ? await PGlite.create() : await PGlite.create({ dataDir: target.dataDir });
    } catch (error) {
      throw new DatabaseError(
        `Cannot open the embedded study database in ${target.dataDir ?? 'memory'} (${describe(error)}): is another "npm run study" using it? Stop it, or set UNSPUN_CONFIG_DIR or DATABASE_URL`,
      );
    }
    const db = drizzlePglite({ client, schema }) as unknown as StudyDb;
    await migrateOrExplain(db, target.dataDir ?? 'memory', () => client.close());
    return { db, kind: 'pglite', where: target.dataDir ?? 'memory', close: () => client.close() };
  }
  const where = redactUrl(target.url);
  const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client whose server went away must not crash the process: the next query reports it.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseError(
      `Cannot reach PostgreSQL at DATABASE_URL=${where} (${describe(error)}): start PostgreSQL or fix DATABASE_URL (postgres://USER:PASSWORD@HOST:PORT/DB), or unset DATABASE_URL to use the embedded database`,
    );
  }
  const db = drizzlePg({ client: pool, schema }) as unknown as StudyDb;
  await migrateOrExplain(db, where, () => pool.end());
  return { db, kind: 'postgres', where, close: () => pool.end() };
}

async function migrateOrExplain(db: StudyDb, where: string, close: () => Promise<void>): Promise<void> {
  try {
    await migrate(db);
  } catch (error) {
    await close().catch(() => {});
    throw new DatabaseError(`Cannot set up the study tables in ${where} (${describe(error)}): the database user needs CREATE rights on its schema`);
  }
}

/** postgres://user:secret@host/db → postgres://user:***@host/db (never print a password). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  '53300',
]);

/** Whether an error (or its cause) means the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|connection timeout|Client has encountered a connection error|PGlite is closed|timeout exceeded when trying to connect/i.test(
        message,
      )
    )
      return true;
  }
  return false;
}

export function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const message = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: unknown }).code;
    const text = (typeof code === 'string' && !message.includes(code) ? `${code} ` : '') + message;
    if (text && !parts.some((p) => p.includes(text))) parts.push(text.split('\n')[0]!);
  }
  // Drizzle's "Failed query: <sql>" is noise on a start-up line; the cause says what went wrong.
  const useful = parts.filter((p) => !p.startsWith('Failed query'));
  return (useful.length > 0 ? useful : parts).join(': ').slice(0, 300);
}
