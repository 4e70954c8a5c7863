// `npm run --silent convert`: a data export (ChatGPT, Claude, or Unspun's own JSONL) in, scored and
// (by default) redacted Unspun export records out, one conversation a line, with manifest.json and
// schema.json beside them. For researchers scoring exports on a server, without a browser.
// Streaming: the export's JSON array is split into its elements as the bytes arrive, and one
// conversation is parsed, scored, redacted and written at a time (a few in flight with the
// anthropic judge), so memory is bounded by the largest conversation, not the file. (A ChatGPT
// conversation is a tree keyed by node id in no set order: it has to be whole before its active
// branch can be followed.) Every step is linear in the conversation's length. Progress goes to
// stderr about once a second. Outputs are written to temp files and renamed at the end.
// Exit 0 ok; 1 some records failed (each named on stderr, the others written); 2 usage, setup,
// an input file that is not a readable export (not a JSON array, truncated) or an output that
// could not be written: then nothing is written.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
import type { Judge, Judges } from '../judges/judge-interface.ts';
import { createJudges, selectJudge } from '../judges/registry.ts';
import { CONVERT_USAGE, type ConvertArgs, parseConvertArgs, UsageError } from './convert/args.ts';
import { type NameFinder, startNameWorker } from './convert/names-client.ts';
import { type HashedOutput, openHashedOutput, tempPathFor } from './convert/output.ts';
import { type ConvertProgress, createProgress, NO_PROGRESS } from './convert/progress.ts';
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
  const sayLine = (text: string): void => void io.stderr.write(`${text}\n`);
  let say = sayLine;
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
    const written = [
      ['--out', args.out!],
      ['--csv', args.csv],
      ['--sharegpt', args.sharegpt],
    ].filter((w): w is [string, string] => w[1] !== undefined);
    for (const [option, path] of written) {
      if (args.input !== '-' && sameFile(args.input!, path))
        throw new UsageError(`The input FILE and ${option} are the same file: writing would destroy the input`);
      for (const side of ['manifest.json', 'schema.json']) {
        if (sameFile(path, join(dirname(resolve(args.out!)), side)))
          throw new UsageError(`${option} must not be ${side} beside --out: that file is written there`);
      }
    }
    for (const side of ['manifest.json', 'schema.json']) {
      if (args.input !== '-' && sameFile(args.input!, join(dirname(resolve(args.out!)), side)))
        throw new UsageError(`The input FILE is the ${side} that is written beside --out: pick another --out directory`);
    }
    if (args.redact)
      salt = args.saltFile ? { value: readOrMakeSalt(args.saltFile, say), kind: 'per-user' } : { value: randomBytes(32).toString('hex'), kind: 'per-export' };
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
  const discardAll = () => Promise.all(Object.values(outputs).map((o) => o.discard()));
  try {
    outputs.records = await openHashedOutput(outPath, 'records', dir, '--out');
    if (args.csv) outputs.csv = await openHashedOutput(args.csv, 'csv', dir, '--csv');
    if (args.sharegpt) outputs.sharegpt = await openHashedOutput(args.sharegpt, 'sharegpt', dir, '--sharegpt');
  } catch (error) {
    if (input !== io.stdin) input.destroy();
    await discardAll();
    say((error as Error).message);
    return 2;
  }
  if (outputs.csv) await outputs.csv.write(csvHeader());

  const names = args.redact && args.names ? (io.names ?? startNameWorker()) : undefined;
  const stats = createExportStats();
  const inHash = createHash('sha256');
  const startedAt = now();
  const progress: ConvertProgress = args.progress
    ? createProgress(io.stderr, { now: () => now().getTime(), ...(inputPath !== '-' ? { totalBytes: statSync(inputPath).size } : {}) })
    : NO_PROGRESS;
  say = (text: string) => {
    progress.end();
    sayLine(text);
  };

  input.setEncoding('utf8');
  async function* hashed(): AsyncGenerator<string> {
    for await (const chunk of input as AsyncIterable<string>) {
      inHash.update(chunk);
      progress.read(Buffer.byteLength(chunk));
      yield chunk;
    }
  }

  const convert = async (outcome: ImportOutcome): Promise<RecordOutcome> => {
    if (!outcome.ok) return outcome;
    try {
      const redact = async (record: ExportRecord) => {
        const found = names ? await nameLookup(names, redactableTexts(record), (n) => progress.named(n)) : undefined;
        return redactRecord(record, { texts: true, ids: true, salt: salt!.value, ...(found ? { names: found } : {}) });
      };
      // Scored on the original text (the detector's support checks see real URLs and numbers), then
      // redacted with the flags moved; --redact-first redacts before the judge sees anything.
      let record = args.redactFirst ? await redact(outcome.record) : outcome.record;
      record = (await scoreRecord(record, judge, now(), (n) => progress.scored(n))).record;
      if (args.redact && !args.redactFirst) record = await redact(record);
      return { ok: true, line: toJsonlLine(record), record };
    } catch (error) {
      return { ok: false, where: outcome.where, message: error instanceof Error ? error.message : String(error) };
    }
  };

  let fatal: string | undefined;
  // The file itself may be broken (not a JSON array, truncated): then nothing is written.
  async function* guarded(source: AsyncIterable<ImportOutcome>): AsyncGenerator<ImportOutcome> {
    try {
      yield* source;
    } catch (error) {
      fatal = `${inputPath === '-' ? 'stdin' : inputPath}: ${(error as Error).message}`;
    }
  }
  try {
    await orderedPool(
      guarded(importRecords(args.from!, hashed())),
      args.concurrency ?? (judge.kind === 'offline' ? (names ? 2 : 1) : 4),
      convert,
      async (result) => {
        if (result.ok) {
          stats.add(result.record);
          await outputs.records!.write(result.line);
          if (outputs.csv) await outputs.csv.write(csvRows(result.record));
          if (outputs.sharegpt) await outputs.sharegpt.write(`${JSON.stringify(toShareGpt(result.record))}\n`);
          progress.written(1);
        } else {
          stats.fail();
          say(`${result.where}: ${result.message}; skipped`);
        }
      },
    );
  } finally {
    await names?.close();
  }
  if (fatal) {
    await discardAll();
    say(
      `${fatal}\nNothing was written: the input is not a complete ${args.from} export (${stats.counts.conversations} conversation${stats.counts.conversations === 1 ? '' : 's'} read before the break).`,
    );
    return 2;
  }

  const files: ManifestFile[] = [];
  for (const output of [outputs.records, outputs.csv, outputs.sharegpt]) {
    if (!output) continue;
    const { file, error } = await output.close();
    if (error) {
      await discardAll();
      say(`Cannot write ${file.name}: ${error.message}; nothing was written`);
      return 2;
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
  // Every file complete in its temp file first; then the renames, the manifest last (it vouches for the others).
  const sides = [
    { path: join(dir, 'schema.json'), temp: tempPathFor(join(dir, 'schema.json')), text: schemaText },
    { path: join(dir, 'manifest.json'), temp: tempPathFor(join(dir, 'manifest.json')), text: `${JSON.stringify(manifest, null, 2)}\n` },
  ];
  try {
    for (const side of sides) writeFileSync(side.temp, side.text, { flag: 'wx' });
    for (const output of [outputs.records, outputs.csv, outputs.sharegpt]) output?.commit();
    for (const side of sides) renameSync(side.temp, side.path);
  } catch (error) {
    for (const side of sides) rmSync(side.temp, { force: true });
    await discardAll();
    say(`Cannot write manifest.json / schema.json beside ${outPath}: ${(error as Error).message}`);
    return 2;
  }

  progress.end();
  const c = manifest.counts;
  say(
    `${c.conversations} conversation${c.conversations === 1 ? '' : 's'} (${c.messages} messages, ${c.flags} flags, judge ${judge.kind}${args.redact ? ', redacted' : ''}) written to ${outPath}` +
      (c.failed > 0 ? `; ${c.failed} failed (see above)` : ''),
  );
  return c.failed > 0 ? 1 : 0;
}

/** Texts sent to the names worker per round trip: progress between them, and no 100k-text message. */
const NAMES_BATCH = 500;

/** Finds names in all texts of a record, NAMES_BATCH texts per round trip to the worker. */
async function nameLookup(names: NameFinder, texts: string[], onNamed: (texts: number) => void): Promise<(text: string) => readonly NameSpan[]> {
  const unique = [...new Set(texts)];
  const found: NameSpan[][] = [];
  for (let i = 0; i < unique.length; i += NAMES_BATCH) {
    const batch = unique.slice(i, i + NAMES_BATCH);
    for (const spans of await names.find(batch)) found.push(spans);
    onNamed(batch.length);
  }
  return namesLookup(unique, found);
}

function readOrMakeSalt(path: string, say: (text: string) => void): string {
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value.length < 16)
      throw new UsageError(`--salt-file ${path} holds ${value.length} characters: a salt needs at least 16 (delete the file to make a new one)`);
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
