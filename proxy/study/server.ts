// The study app on a real port (@hono/node-server), its database opened and migrated first, and
// a purge of data past its retention at start and every hour. Start-up failures reject with a
// one-line Error that says what to fix (the database unreachable, the port taken).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { readVersion } from '../config.ts';
import { writePrivateFileAtomic } from '../private-files.ts';
import type { Logger } from '../types.ts';
import { createStudyApp, type StudyApp } from './app.ts';
import { RUNNING_FILE, type StudyServerConfig, urlHost } from './config.ts';
import { type OpenDatabase, openDatabase } from './db.ts';
import type { RateLimiter } from './rate-limit.ts';
import { createStudyStore, type StudyStore } from './store.ts';

export interface RunningStudyServer {
  url: string;
  publicUrl: string;
  port: number;
  database: OpenDatabase;
  store: StudyStore;
  app: StudyApp;
  close(): Promise<void>;
}

export interface StartStudyOptions {
  config: StudyServerConfig;
  adminToken: string | null;
  logger: Logger;
  clock?: () => number;
  rateLimiter?: RateLimiter;
  joinLimiter?: RateLimiter;
  /** Already open (tests, the bench); default: open config.database. */
  database?: OpenDatabase;
}

const PURGE_EVERY_MS = 3_600_000;

export async function startStudyServer(options: StartStudyOptions): Promise<RunningStudyServer> {
  const { config, logger } = options;
  const database = options.database ?? (await openDatabase(config.database));
  const clock = options.clock ?? Date.now;
  const store = createStudyStore(database.db, clock);
  const purge = () =>
    store.purgeExpired().then(
      (n) => n > 0 && logger.info(`retention: deleted the data of ${n} participants of ended studies`),
      (error: unknown) => logger.warn(`retention purge failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`),
    );
  await purge();

  let app: StudyApp | undefined;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({
      fetch: (request, env) => (app ? app.fetch(request, env) : new Response('starting', { status: 503 })),
      hostname: config.host,
      port: config.port,
    }) as Server;
    s.once('error', (error: NodeJS.ErrnoException) => {
      s.close();
      reject(new Error(describeListenError(error, config.host, config.port)));
    });
    s.once('listening', () => resolve(s));
  }).catch(async (error: unknown) => {
    if (!options.database) await database.close().catch(() => {});
    throw error;
  });
  server.on('error', (error) => logger.error(`server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(config.host)}:${port}`;
  const publicUrl = config.publicUrl ?? url;
  app = createStudyApp({
    config: { publicUrl, adminToken: options.adminToken, version: readVersion(), joinLimit: config.joinLimit, trustedProxies: config.trustedProxies },
    store,
    logger,
    clock,
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    ...(options.joinLimiter ? { joinLimiter: options.joinLimiter } : {}),
  });
  const timer = setInterval(purge, PURGE_EVERY_MS);
  timer.unref();

  const runningFile = join(config.configDir, RUNNING_FILE);
  if (database.kind === 'pglite' && !options.database) {
    writePrivateFileAtomic(runningFile, `${JSON.stringify({ pid: process.pid, url, publicUrl, database: database.where })}\n`);
  }
  let closed: Promise<void> | undefined;
  return {
    url,
    publicUrl,
    port,
    database,
    store,
    app,
    close: () =>
      (closed ??= (async () => {
        clearInterval(timer);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (database.kind === 'pglite' && !options.database) rmSync(runningFile, { force: true });
        if (!options.database) await database.close();
      })()),
  };
}

function describeListenError(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `Port ${port} on ${host} is already in use (another "npm run study"?): stop it or set UNSPUN_STUDY_PORT`;
    case 'EACCES':
      return `Not allowed to listen on port ${port} on ${host}: use a port above 1023 with UNSPUN_STUDY_PORT`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `Cannot listen on ${host}: it is not an address of this machine; set UNSPUN_STUDY_HOST (default 127.0.0.1)`;
    default:
      return `Cannot listen on ${host}:${port} (${error.code ?? error.message}): check UNSPUN_STUDY_HOST and UNSPUN_STUDY_PORT`;
  }
}
