// Starts a real proxy on a free port (port 0) with a throwaway config dir, for tests that need
// one over HTTP (server, extension e2e, bench). Never touches the user's real config dir or env.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, silentLogger } from '../../proxy/app.ts';
import { loadConfig, type ProxyConfig } from '../../proxy/config.ts';
import type { Judges } from '../../proxy/judges/judge-interface.ts';
import { type RunningServer, startServer } from '../../proxy/server.ts';

export interface TestProxyOptions {
  /** Extra environment (UNSPUN_TOKEN, UNSPUN_JUDGE, ...). process.env is not read. */
  env?: Record<string, string | undefined>;
  judges?: Judges;
  logger?: Logger;
  /** Reuse a config dir (e.g. to test token reuse); by default a fresh temp dir, removed on close. */
  configDir?: string;
}

export interface TestProxy extends RunningServer {
  config: ProxyConfig;
  configDir: string;
  /** Authorization (and JSON content-type) headers for this proxy. */
  headers: Record<string, string>;
  /** fetch relative to the proxy URL, with the token unless `auth: false`. */
  request(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
}

export async function startTestProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const ownDir = options.configDir === undefined;
  const configDir = options.configDir ?? mkdtempSync(join(tmpdir(), 'unspun-proxy-test-'));
  const env = { UNSPUN_PORT: '0', UNSPUN_HOST: '127.0.0.1', UNSPUN_CONFIG_DIR: configDir, ...options.env };
  const config = loadConfig(env, []);
  let server: RunningServer;
  try {
    server = await startServer({ config, logger: options.logger ?? silentLogger, ...(options.judges ? { judges: options.judges } : {}) });
  } catch (error) {
    if (ownDir) rmSync(configDir, { recursive: true, force: true });
    throw error;
  }
  const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
  return {
    ...server,
    config,
    configDir,
    headers,
    request: (path, { auth = true, ...init } = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { ...(auth ? headers : {}), ...(init.headers as Record<string, string> | undefined) } }),
    close: async () => {
      await server.close();
      if (ownDir) rmSync(configDir, { recursive: true, force: true });
    },
  };
}
