// `npm run study`: serves the study server (no command, or `serve`); with a command it is the
// researcher's CLI: create FILE.json | list | stats ID | export ID --out FILE.jsonl | close ID |
// delete-participant ID PARTICIPANT. Answers are JSON on stdout; errors one line on stderr, exit 1.
//
// The CLI opens the database itself, except when `npm run study` is running on the embedded
// PGlite (one process may open that dir): then it calls the running server with the admin token.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { StudyFile } from '#shared/api/study';
import { ConfigError, readVersion } from '../config.ts';
import { isEntryPoint } from '../entry.ts';
import { ApiError, zodIssues } from '../middleware/errors.ts';
import { readPrivateFile } from '../private-files.ts';
import { consoleLogger } from '../server.ts';
import { ensureAdminToken, loadStudyConfig, readAdminToken, RUNNING_FILE, type StudyServerConfig, urlHost } from './config.ts';
import { DatabaseError, openDatabase } from './db.ts';
import { createStudyOps, createHttpOps, writeExport, type StudyOps } from './ops.ts';
import { startStudyServer } from './server.ts';

const USAGE = `Usage: npm run --silent study -- [command]
  (no command)                          serve the study server (UNSPUN_STUDY_PORT, UNSPUN_STUDY_HOST, DATABASE_URL,
                                        UNSPUN_STUDY_TRUSTED_PROXIES, UNSPUN_STUDY_JOIN_BURST, UNSPUN_STUDY_JOINS_PER_HOUR)
  create FILE.json                      create a study; prints {studyId, joinUrl, researcherToken}
  list                                  list the studies
  stats STUDY_ID                        participants, donations per day, flags per move, site and model
  export STUDY_ID --out FILE.jsonl      write the export (and FILE.manifest.json beside it)
  close STUDY_ID                        stop taking participants and donations
  delete-participant STUDY_ID PARTICIPANT_ID   delete one participant and all they gave`;

export class CliError extends Error {
  override name = 'CliError';
}

export interface CliIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs one CLI command; resolves to the exit code. */
export async function runStudyCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const need = (n: number, names: string) => {
    if (rest.length !== n)
      throw new CliError(
        `${command} takes ${names}: ${
          USAGE.split('\n')
            .find((l) => l.trim().startsWith(command!))
            ?.trim() ?? ''
        }`,
      );
  };
  try {
    const config = loadStudyConfig(io.env);
    switch (command) {
      case 'create': {
        need(1, 'one study file');
        const file = readStudyFile(rest[0]!);
        return await withOps(config, io, async (ops) => print(io, await ops.create(file)));
      }
      case 'list':
        need(0, 'no arguments');
        return await withOps(config, io, async (ops) => print(io, { studies: await ops.list() }));
      case 'stats':
        need(1, 'a study id');
        return await withOps(config, io, async (ops) => print(io, await ops.stats(rest[0]!)));
      case 'close':
        need(1, 'a study id');
        return await withOps(config, io, async (ops) => print(io, await ops.close(rest[0]!)));
      case 'delete-participant':
        need(2, 'a study id and a participant id');
        return await withOps(config, io, async (ops) => print(io, await ops.deleteParticipant(rest[0]!, rest[1]!)));
      case 'export': {
        need(1, 'a study id');
        const out = parsed.values.out;
        if (!out) throw new CliError('export needs --out FILE.jsonl: where to write the records (the manifest goes beside it)');
        return await withOps(config, io, async (ops) => print(io, await writeExport(await ops.exportStream(rest[0]!), out)));
      }
      default:
        throw new CliError(`Unknown command ${JSON.stringify(command)}.\n${USAGE}`);
    }
  } catch (error) {
    io.err(`${oneLine(error)}\n`);
    return 1;
  }
}

function print(io: CliIo, value: unknown): number {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
  return 0;
}

function oneLine(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Reads and validates a study file; the error names the file and the field to fix. */
export function readStudyFile(path: string): StudyFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the study file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`The study file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = StudyFile.safeParse(value);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error).map((i) => `${i.path}: ${i.message}`);
    throw new CliError(`The study file ${path} is not valid: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Direct database access, or the running server over HTTP when it holds the PGlite dir. */
async function withOps(config: StudyServerConfig, io: CliIo, run: (ops: StudyOps) => Promise<number>): Promise<number> {
  const running = config.database.kind === 'pglite' ? runningServer(config.configDir) : null;
  if (running) {
    const token = readAdminToken(config.configDir, io.env);
    if (!token)
      throw new CliError(`The study server (pid ${running.pid}) is running but ${join(config.configDir, 'study-admin-token')} is missing: restart it`);
    return run(createHttpOps(running.url, token));
  }
  const database = await openDatabase(config.database);
  try {
    const publicUrl = config.publicUrl ?? `http://${urlHost(config.host)}:${config.port}`;
    return await run(createStudyOps(database, publicUrl, readVersion()));
  } finally {
    await database.close();
  }
}

/** The server recorded in the config dir, when its process is still alive. */
export function runningServer(configDir: string): { pid: number; url: string } | null {
  let text: string | undefined;
  try {
    text = readPrivateFile(join(configDir, RUNNING_FILE), 'The running-server file');
  } catch {
    return null;
  }
  if (!text) return null;
  try {
    const { pid, url } = JSON.parse(text) as { pid: number; url: string };
    if (pid === process.pid) return null;
    process.kill(pid, 0);
    return { pid, url };
  } catch {
    return null; // gone (kill -9 leaves the file behind) or unreadable
  }
}

/** `npm run study` with no command: serve until SIGINT/SIGTERM. */
export async function serveStudy(env: Record<string, string | undefined>, print: (line: string) => void) {
  const config = loadStudyConfig(env);
  const other = config.database.kind === 'pglite' ? runningServer(config.configDir) : null;
  if (other)
    throw new ConfigError(
      `Another study server (pid ${other.pid}, ${other.url}) is using ${config.database.kind === 'pglite' ? config.database.dataDir : ''}: stop it first, or set UNSPUN_CONFIG_DIR`,
    );
  const admin = ensureAdminToken(config.configDir, env);
  const server = await startStudyServer({ config, adminToken: admin.token, logger: consoleLogger });
  print(
    `Unspun study server ${readVersion()} listening on ${server.url} (database: ${server.database.kind === 'pglite' ? `embedded PGlite in ${server.database.where}` : `PostgreSQL ${server.database.where}`})`,
  );
  if (server.publicUrl !== server.url) print(`Join links use ${server.publicUrl}`);
  print(`Create a study: npm run --silent study -- create study.json   (admin token: ${admin.path ?? 'UNSPUN_STUDY_ADMIN_TOKEN'})`);
  if (config.host === '0.0.0.0' || config.host === '::')
    print('Listening on every interface: put HTTPS in front (Caddy or nginx) and set UNSPUN_STUDY_PUBLIC_URL to its https:// address.');
  if (config.trustedProxies.length > 0)
    print(
      `Joins through ${config.trustedProxies.join(', ')} count against the address they report in X-Forwarded-For (${config.joinLimit.burst} at once, then ${config.joinLimit.perHour} an hour per address).`,
    );
  else if (config.publicUrl !== null)
    print("Behind a reverse proxy? Set UNSPUN_STUDY_TRUSTED_PROXIES to its address (e.g. 127.0.0.1,::1), or every participant shares the proxy's join limit.");
  const stop = () => {
    print('Stopping the Unspun study server.');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}

if (isEntryPoint(import.meta.url)) {
  const argv = process.argv.slice(2);
  const io: CliIo = { env: process.env, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  if (argv.length === 0 || argv[0] === 'serve') {
    serveStudy(process.env, (line) => console.log(line)).catch((error: unknown) => {
      const known = error instanceof ConfigError || error instanceof DatabaseError;
      console.error(known || error instanceof Error ? (error as Error).message : String(error));
      process.exit(1);
    });
  } else {
    runStudyCli(argv, io).then((code) => process.exit(code));
  }
}
