// The app on a real port (@hono/node-server). Start-up failures reject with a one-line Error that
// says what to do; the request log is one line per request, never bodies or tokens.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { type App, createApp } from './app.ts';
import type { Logger } from './types.ts';
import type { ProxyConfig } from './config.ts';
import type { JudgeKind } from '#shared/schemas';
import type { Judges } from './judges/judge-interface.ts';
import { createBatchClient, createJudges, selectJudge } from './judges/registry.ts';
import { join } from 'node:path';
import { openDailySpend, SPEND_FILE } from './budget/daily-spend.ts';
import { openResultCache } from './cache/result-cache.ts';
import { createLimiter } from './limit.ts';
import { createStats } from './stats.ts';
import { createBatchStore } from './batch/store.ts';
import { openPairedExtension } from './pairing/paired-extension.ts';

export interface StartServerOptions {
  config: ProxyConfig;
  judges?: Judges;
  logger?: Logger;
  now?: () => number;
  /** Epoch milliseconds (budget days); default Date.now. */
  clock?: () => number;
}

export interface RunningServer {
  /** Base URL clients use, e.g. http://127.0.0.1:8787 (no trailing slash). */
  url: string;
  port: number;
  token: string;
  /** The judge a request that names none gets (config judge resolved against the judges we have). */
  judge: JudgeKind;
  close(): Promise<void>;
}

export const consoleLogger: Logger = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

/** The judges this config allows (judges/registry.ts): offline always, anthropic when a key is configured. */
export { createJudges };

export function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const logger = options.logger ?? consoleLogger;
  let judges: Judges;
  let judge: JudgeKind;
  try {
    judges = options.judges ?? createJudges(config);
    judge = selectJudge(judges, config.judge).kind;
  } catch (error) {
    return Promise.reject(error);
  }

  return new Promise((resolve, reject) => {
    // The app needs the real port for its Host check, known only once we listen (port 0 in tests).
    let app: App | undefined;
    const server = serve({
      fetch: (request, env) => {
        if (!app) return new Response('starting', { status: 503 });
        return app.fetch(request, env);
      },
      hostname: config.host,
      port: config.port,
    }) as Server;

    const onStartError = (error: NodeJS.ErrnoException) => {
      server.close();
      reject(new Error(describeListenError(error, config.host, config.port)));
    };
    server.once('error', onStartError);
    server.once('listening', () => {
      server.off('error', onStartError);
      server.on('error', (error) => logger.error(`server error: ${error.message}`));
      const port = (server.address() as AddressInfo).port;
      const clock = options.clock ?? Date.now;
      const onError = (message: string) => logger.warn(message);
      try {
        app = createApp({
          config: { ...config, port },
          judges,
          logger,
          clock,
          stats: createStats(clock),
          limiter: createLimiter(config.maxConcurrency),
          // Kept next to the token: the cache survives restarts, the spend counts per UTC day.
          cache: openResultCache({ dir: join(config.configDir, 'cache'), maxEntries: config.cacheMaxEntries, onError }),
          spend: openDailySpend({ budgetUsd: config.dailyBudgetUsd, file: join(config.configDir, SPEND_FILE), clock, onError }),
          // Jobs resume after a restart: each one's items, Message Batch (or the intent to create one) and results so far.
          batchStore: createBatchStore(join(config.configDir, 'batches'), onError),
          // The extension install that paired, so its origin alone is served after a restart too.
          pairedExtension: openPairedExtension(config.configDir, onError),
          batchClient: createBatchClient(config),
          ...(options.now ? { now: options.now } : {}),
        });
      } catch (error) {
        server.close();
        reject(
          new Error(
            `Cannot open the cache in ${config.configDir} (${(error as NodeJS.ErrnoException).code ?? String(error)}): fix its permissions or set UNSPUN_CONFIG_DIR`,
          ),
        );
        return;
      }
      resolve({
        url: `http://${urlHost(config.host)}:${port}`,
        port,
        token: config.token,
        judge,
        close: () => {
          app?.shutdown();
          return closeServer(server);
        },
      });
    });
  });
}

function describeListenError(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `Port ${port} on ${host} is already in use: stop the other process or set UNSPUN_PORT`;
    case 'EACCES':
      return `Not allowed to listen on port ${port} on ${host}: use a port above 1023 with UNSPUN_PORT`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `Cannot listen on ${host}: it is not an address of this machine; set UNSPUN_HOST (default 127.0.0.1)`;
    default:
      return `Cannot listen on ${host}:${port} (${error.code ?? error.message}): check UNSPUN_HOST and UNSPUN_PORT`;
  }
}

/** A host as it goes in a URL: wildcard binds are reached through loopback, IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections would hold close() open until they time out.
    server.closeAllConnections();
  });
}
