// `npm run --silent convert`: a data export (ChatGPT, Claude, or Unspun's own JSONL) in, scored and
// (by default) redacted Unspun export records out, one conversation a line, with manifest.json and
// schema.json beside them. For researchers scoring exports on a server, without a browser.
// Streaming: one conversation is read, scored, redacted and written at a time (a few in flight with
// the anthropic judge), so memory is bounded by the largest conversation, not the file.
// Exit 0 ok, 1 some records failed (each named on stderr, the others written), 2 usage or setup.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { csvHeader, csvRows, toJsonlLine, toShareGpt } from '#shared/export/formats';
import { buildManifest, createExportStats, type ManifestFile } from '#shared/export/manifest';
import type { NameSpan } from '#shared/export/names';
import { exportJsonSchema, type ExportRecord } from '#shared/export/record';
import { namesLookup, redactableTexts, redactRecord } from '#shared/export/redact-record';
import { type ImportOutcome, importRecords } from '#shared/import/index';
import { readVersion, resolveConfigDir, resolveJudgeSettings } from '../config.ts';
import { isEntryPoint } from '../entry.ts';
import { type Judge, type Judges, selectJudge } from '../judges/judge.ts';
import { createJudges } from '../server.ts';
import { CONVERT_USAGE, type ConvertArgs, parseConvertArgs, UsageError } from './convert/args.ts';
import { type NameFinder, startNameWorker } from './convert/names.ts';
import { type HashedOutput, openHashedOutput } from './convert/output.ts';
import { scoreRecord } from './convert/score-record.ts';
import { orderedPool } from './lines.ts';
import { describeFsError, runAsProcess, sameFile } from './process.ts';

export interface ConvertCliIo {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Injected in tests; default: the judges the env configures. */
  judges?: Judges;
  /** Injected in tests; default: a worker thread with full compromise. */
  names?: NameFinder;
  now?: () => Date;
}

type RecordOutcome = { ok: true; line: string; record: ExportRecord } | { ok: false; where: string; message: string };

export async function runConvertCli(io: ConvertCliIo): Promise<number> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  const now = io.now ?? (() => new Date());

  let args: ConvertArgs;
  let judge: Judge;
  let salt: { value: string; kind: 'per-export' | 'per-user' } | undefined;
  try {
    args = parseConvertArgs(io.argv);
    if (args.help) {
      io.stdout.write(`${CONVERT_USAGE}\n`);
      return 0;
    }
    const settings = resolveJudgeSettings(io.env, args.judge, { configDir: resolveConfigDir(io.env, undefined) });
    judge = selectJudge(io.judges ?? createJudges(settings), settings.judge);
    const written = [['--out', args.out!], ['--csv', args.csv], ['--sharegpt', args.sharegpt]].filter((w): w is [string, string] => w[1] !== undefined);
    for (const [option, path] of written) {
      if (args.input !== '-' && sameFile(args.input!, path)) throw new UsageError(`The input FILE and ${option} are the same file: writing would destroy the input`);
      for (const side of ['manifest.json', 'schema.json']) {
        if (sameFile(path, join(dirname(resolve(args.out!)), side))) throw new UsageError(`${option} must not be ${side} beside --out: that file is written there`);
      }
    }
    for (const side of ['manifest.json', 'schema.json']) {
      if (args.input !== '-' && sameFile(args.input!, join(dirname(resolve(args.out!)), side))) throw new UsageError(`The input FILE is the ${side} that is written beside --out: pick another --out directory`);
    }
    if (args.redact) salt = args.saltFile ? { value: readOrMakeSalt(args.saltFile, say), kind: 'per-user' } : { value: randomBytes(32).toString('hex'), kind: 'per-export' };
  } catch (error) {
    if (error instanceof UsageError) {
      say(`${error.message}\n\n${CONVERT_USAGE}`);
      return 2;
    }
    if (error instanceof Error) {
      say(error.message);
      return 2;
    }
    throw error;
  }

  const inputPath = args.input!;
  const outPath = args.out!;
  const dir = dirname(resolve(outPath));
  let input: Readable;
  try {
    input = inputPath === '-' ? io.stdin : await openStream(createReadStream(inputPath), `Cannot read ${inputPath}`);
  } catch (error) {
    say((error as Error).message);
    return 2;
  }
  const outputs: { records?: HashedOutput; csv?: HashedOutput; sharegpt?: HashedOutput } = {};
  try {
    outputs.records = await openHashedOutput(outPath, 'records', dir, '--out');
    if (args.csv) outputs.csv = await openHashedOutput(args.csv, 'csv', dir, '--csv');
    if (args.sharegpt) outputs.sharegpt = await openHashedOutput(args.sharegpt, 'sharegpt', dir, '--sharegpt');
  } catch (error) {
    if (input !== io.stdin) input.destroy();
    await Promise.all(Object.values(outputs).map((o) => o.close()));
    say((error as Error).message);
    return 2;
  }
  if (outputs.csv) await outputs.csv.write(csvHeader());

  const names = args.redact && args.names ? (io.names ?? startNameWorker()) : undefined;
  const stats = createExportStats();
  const inHash = createHash('sha256');
  const startedAt = now();

  input.setEncoding('utf8');
  async function* hashed(): AsyncGenerator<string> {
    for await (const chunk of input as AsyncIterable<string>) {
      inHash.update(chunk);
      yield chunk;
    }
  }

  const convert = async (outcome: ImportOutcome): Promise<RecordOutcome> => {
    if (!outcome.ok) return outcome;
    try {
      const redact = async (record: ExportRecord) => {
        const found = names ? await nameLookup(names, redactableTexts(record)) : undefined;
        return redactRecord(record, { texts: true, ids: true, salt: salt!.value, ...(found ? { names: found } : {}) });
      };
      // Scored on the original text (the detector's support checks see real URLs and numbers), then
      // redacted with the flags moved; --redact-first redacts before the judge sees anything.
      let record = args.redactFirst ? await redact(outcome.record) : outcome.record;
      record = (await scoreRecord(record, judge, now())).record;
      if (args.redact && !args.redactFirst) record = await redact(record);
      return { ok: true, line: toJsonlLine(record), record };
    } catch (error) {
      return { ok: false, where: outcome.where, message: error instanceof Error ? error.message : String(error) };
    }
  };

  let fatal: string | undefined;
  // The file itself may be broken (not a JSON array, truncated): what came before is still written.
  async function* guarded(source: AsyncIterable<ImportOutcome>): AsyncGenerator<ImportOutcome> {
    try {
      yield* source;
    } catch (error) {
      fatal = `${inputPath === '-' ? 'stdin' : inputPath}: ${(error as Error).message}`;
      stats.fail();
    }
  }
  try {
    await orderedPool(guarded(importRecords(args.from!, hashed())), args.concurrency ?? (judge.kind === 'offline' ? (names ? 2 : 1) : 4), convert, async (result) => {
      if (result.ok) {
        stats.add(result.record);
        await outputs.records!.write(result.line);
        if (outputs.csv) await outputs.csv.write(csvRows(result.record));
        if (outputs.sharegpt) await outputs.sharegpt.write(`${JSON.stringify(toShareGpt(result.record))}\n`);
      } else {
        stats.fail();
        say(`${result.where}: ${result.message}; skipped`);
      }
    });
  } finally {
    await names?.close();
  }

  const files: ManifestFile[] = [];
  for (const output of [outputs.records, outputs.csv, outputs.sharegpt]) {
    if (!output) continue;
    const { file, error } = await output.close();
    if (error) {
      say(`Cannot write ${file.name}: ${error.message}`);
      return 1;
    }
    files.push(file);
  }

  // schema.json and manifest.json beside the records.
  const schemaText = `${JSON.stringify(exportJsonSchema(), null, 2)}\n`;
  files.push({ name: 'schema.json', role: 'schema', bytes: Buffer.byteLength(schemaText), sha256: createHash('sha256').update(schemaText).digest('hex') });
  const manifest = buildManifest({
    stats,
    files,
    generator: { name: 'unspun convert', version: readVersion() },
    createdAt: startedAt,
    source: { format: args.from!, ...(inputPath !== '-' ? { file: basename(inputPath) } : {}), sha256: inHash.digest('hex') },
    filters: { from: args.from, judge: judge.kind, redact: args.redact, names: args.redact && args.names, redact_first: args.redactFirst },
    redaction: { texts: args.redact, ids: args.redact ? 'pseudonymous' : 'site', salt: salt?.kind ?? 'none' },
  });
  try {
    writeFileSync(join(dir, 'schema.json'), schemaText);
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    say(`Cannot write manifest.json / schema.json beside ${outPath}: ${(error as Error).message}`);
    return 1;
  }

  if (fatal) say(fatal);
  const c = manifest.counts;
  say(
    `${c.conversations} conversation${c.conversations === 1 ? '' : 's'} (${c.messages} messages, ${c.flags} flags, judge ${judge.kind}${args.redact ? ', redacted' : ''}) written to ${outPath}` +
      (c.failed > 0 ? `; ${c.failed} failed (see above)` : ''),
  );
  return c.failed > 0 ? 1 : 0;
}

/** Finds names in all texts of a record at once (one round trip to the worker). */
async function nameLookup(names: NameFinder, texts: string[]): Promise<(text: string) => readonly NameSpan[]> {
  const unique = [...new Set(texts)];
  return namesLookup(unique, await names.find(unique));
}

function readOrMakeSalt(path: string, say: (text: string) => void): string {
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value.length < 16) throw new UsageError(`--salt-file ${path} holds ${value.length} characters: a salt needs at least 16 (delete the file to make a new one)`);
    return value;
  }
  const value = randomBytes(32).toString('hex');
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  say(`Made a new salt in ${path}: keep it private, and reuse it to keep pseudonymous ids stable across exports.`);
  return value;
}

async function openStream<T extends Readable>(stream: T, what: string): Promise<T> {
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new Error(`${what}: ${describeFsError(error)}`);
  }
  return stream;
}

if (isEntryPoint(import.meta.url)) runAsProcess('convert', runConvertCli);
