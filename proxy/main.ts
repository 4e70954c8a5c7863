// `npm run proxy`: load the config, start the server, print how to reach and pair with it.
// Start-up errors print one line and exit 1; SIGINT/SIGTERM close the server cleanly.
import type { Logger } from './types.ts';
import { loadConfig, type ProxyConfig } from './config.ts';
import { consoleLogger, type RunningServer, startServer } from './server.ts';
import { isEntryPoint } from './entry.ts';

export interface RunProxyOptions {
  env?: Record<string, string | undefined>;
  argv?: readonly string[];
  /** Where the banner goes; default stdout. */
  print?: (line: string) => void;
  logger?: Logger;
  /** Close on SIGINT/SIGTERM and exit 0 (default true). Launchers that own signals pass false. */
  handleSignals?: boolean;
  /** Print the pairing link (default true). `npm start` prints it itself, once, with its own steps. */
  printPairLink?: boolean;
}

export interface RunningProxy extends RunningServer {
  config: ProxyConfig;
  pairUrl: string;
  demoUrl: string;
}

/**
 * Starts the proxy and prints its URL, where the token is kept and the pairing link. The token
 * appears once, in the link's fragment (the part after #, also what the options page takes).
 * Rejects with a one-line Error.
 */
export async function runProxy(options: RunProxyOptions = {}): Promise<RunningProxy> {
  const print = options.print ?? ((line: string) => console.log(line));
  const config = loadConfig(options.env ?? process.env, options.argv ?? process.argv.slice(2));
  const server = await startServer({ config, logger: options.logger ?? consoleLogger });
  const pairUrl = `${server.url}/pair#${server.token}`;
  const demoUrl = `${server.url}/demo`;

  const judgeKind = config.judge === 'auto' ? `auto → ${server.judge}` : server.judge;
  print(`Unspun proxy ${config.version} listening on ${server.url} (judge: ${judgeKind})`);
  print(
    config.tokenFile
      ? `Token ${config.tokenSource === 'created' ? 'created and stored' : 'stored'} in ${config.tokenFile} (it is the part of the pairing link after #)`
      : 'Token from UNSPUN_TOKEN (not stored; it is the part of the pairing link after #)',
  );
  if (config.anthropic) {
    const model = config.anthropic.model ?? 'default model';
    const from = config.anthropicKeySource === 'file' ? 'the key file in the config dir' : 'ANTHROPIC_API_KEY';
    const budget = config.dailyBudgetUsd === null ? 'no daily budget' : `daily budget $${config.dailyBudgetUsd.toFixed(2)}`;
    print(`Anthropic judge: ${model}, key from ${from}, ${budget}, at most ${config.maxConcurrency} upstream requests at once`);
  }
  if (options.printPairLink ?? true) print(`Pair the extension by opening: ${pairUrl}`);
  print(`Demo chat page: ${demoUrl}`);
  if (config.host === '0.0.0.0' || config.host === '::') {
    print('Warning: listening on every network interface; anyone who can reach this machine and has the token can use the proxy.');
  }

  if (options.handleSignals ?? true) {
    const stop = () => {
      print('Stopping the Unspun proxy.');
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return { ...server, config, pairUrl, demoUrl };
}

if (isEntryPoint(import.meta.url)) {
  runProxy().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
