// `npm run --silent score`: scores replies in-process (no running proxy needed), for the evaluation
// harness and for researchers. JSONL in, JSONL out in input order; bad lines are reported on stderr
// with their line number and skipped, never silently dropped. Exit 0 ok, 1 some lines failed, 2 usage.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CliInputLine, MAX_REPLY_CHARS, type ScoreContext, type ScoreRequest } from '#shared/schemas';
import { resolveConfigDir, resolveJudgeSettings } from '../config.ts';
import { type Judge, type Judges, keepAnchoredFlags } from '../judges/judge-interface.ts';
import { createJudges, selectJudge } from '../judges/registry.ts';
import { parseScoreArgs, USAGE, UsageError } from './score-args.ts';
import { DEFAULT_MAX_LINE_CHARS, type NumberedLine, orderedPool, prepend, splitLines } from './lines.ts';
import { formatReport } from './report.ts';
import { isEntryPoint } from '../entry.ts';
import { describeFsError, runAsProcess, sameFile } from './process.ts';

export interface ScoreCliIo {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  /** Injected in tests; default: the judges the env configures. */
  judges?: Judges;
}

const EMPTY_STDIN =
  'Nothing to score: stdin was empty. Pipe in the reply\'s text (echo "some assistant reply" | npm run --silent score) or JSONL lines {"id", "text"}, or give --in FILE.jsonl.';

type LineOutcome = { ok: true; json: string } | { ok: false; message: string };

/** Runs the CLI and resolves to its exit code. */
export async function runScoreCli(io: ScoreCliIo): Promise<number> {
  const say = (text: string) => io.stderr.write(`${text}\n`);

  let judge: Judge;
  let concurrency: number;
  let args;
  try {
    args = parseScoreArgs(io.argv);
    if (args.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    // Same key sources as the proxy: ANTHROPIC_API_KEY, else the key file beside the token.
    const settings = resolveJudgeSettings(io.env, args.judge, { configDir: resolveConfigDir(io.env, undefined) });
    judge = selectJudge(io.judges ?? createJudges(settings), settings.judge);
    concurrency = args.concurrency ?? (judge.kind === 'offline' ? 1 : 4);
    if (args.in === undefined && io.stdin.isTTY) {
      throw new UsageError('Nothing to score: give --in FILE.jsonl, or pipe text or JSONL into stdin');
    }
    if (args.in !== undefined && args.out !== undefined && args.in !== '-' && args.out !== '-' && sameFile(args.in, args.out)) {
      throw new UsageError('--in and --out are the same file: writing would destroy the input');
    }
  } catch (error) {
    if (error instanceof UsageError) {
      say(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof Error) {
      // ConfigError, or a judge that this setup cannot provide: a setup mistake, not a line failure.
      say(error.message);
      return 2;
    }
    throw error;
  }

  let input: Readable | undefined;
  let output: Writable;
  try {
    input = args.in === undefined || args.in === '-' ? io.stdin : await openInput(args.in);
    output = args.out === undefined || args.out === '-' ? io.stdout : await openOutput(args.out);
  } catch (error) {
    if (input !== io.stdin) input?.destroy();
    say((error as Error).message);
    return 2;
  }
  input.setEncoding('utf8');

  // A closed pipe (e.g. `| head`) ends the run quietly; any other write error is reported.
  let outputError: NodeJS.ErrnoException | null = null;
  output.on('error', (error: NodeJS.ErrnoException) => {
    outputError ??= error;
  });
  const write = async (text: string) => {
    if (outputError) return;
    if (!output.write(text)) {
      await new Promise<void>((resolveWrite) => {
        const done = () => {
          output.off('drain', done);
          output.off('error', done);
          output.off('close', done);
          resolveWrite();
        };
        output.on('drain', done);
        output.on('error', done);
        output.on('close', done);
      });
    }
  };
  const writeFailed = (): number | null => {
    if (!outputError) return null;
    if (outputError.code === 'EPIPE') return 0;
    say(`Cannot write the output: ${outputError.message}`);
    return 1;
  };

  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<string>;
  let lines: AsyncIterable<NumberedLine>;
  if (args.in === undefined) {
    // No --in: JSONL if the first non-blank text starts with "{", else one plain-text reply.
    const head: string[] = [];
    let seen = '';
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(next.value);
      seen = `${seen}${next.value}`.trimStart();
      if (seen.length > 0) break;
    }
    if (seen.length === 0) {
      // Nothing (or only blank lines) came in: say what to send rather than exit 0 with no output.
      say(EMPTY_STDIN);
      return 2;
    }
    if (!seen.startsWith('{')) {
      const code = await scorePlainText(prepend(head, chunks), judge, write, say);
      await finish(output, io.stdout);
      return writeFailed() ?? code;
    }
    lines = splitLines(prepend(head, chunks));
  } else {
    lines = splitLines(prepend([], chunks));
  }

  let total = 0;
  let failed = 0;
  const nonBlank = filterBlank(lines, () => outputError !== null);
  await orderedPool(
    nonBlank,
    concurrency,
    (line) => scoreLine(line, judge, say),
    async (outcome) => {
      total++;
      if (outcome.ok) await write(`${outcome.json}\n`);
      else {
        failed++;
        say(outcome.message);
      }
    },
  );
  await finish(output, io.stdout);
  const broken = writeFailed();
  if (broken !== null) return broken;
  if (total === 0 && input === io.stdin) {
    say(EMPTY_STDIN);
    return 2;
  }
  if (failed > 0) say(`${failed} of ${total} line${total === 1 ? '' : 's'} failed and were skipped (see above).`);
  return failed > 0 ? 1 : 0;
}

/** Non-blank lines, until `stop()` says nobody is reading the output any more. */
async function* filterBlank(lines: AsyncIterable<NumberedLine>, stop: () => boolean): AsyncGenerator<NumberedLine> {
  for await (const line of lines) {
    if (stop()) return;
    if (line.tooLong || line.text.trim() !== '') yield line;
  }
}

/** Never rejects: every problem becomes a message naming the line. */
async function scoreLine(line: NumberedLine, judge: Judge, say: (text: string) => void): Promise<LineOutcome> {
  const where = `line ${line.number}`;
  if (line.tooLong) return { ok: false, message: `${where}: longer than the ${DEFAULT_MAX_LINE_CHARS / (1024 * 1024)}M characters a line may have; skipped` };
  let raw: unknown;
  try {
    raw = JSON.parse(line.text);
  } catch (error) {
    return { ok: false, message: `${where}: invalid JSON (${(error as Error).message})` };
  }
  const parsed = CliInputLine.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(line)'}: ${i.message}`).join('; ');
    return { ok: false, message: `${where}: ${issues}` };
  }
  const { id, text, context } = parsed.data;
  const label = `${where} (id ${JSON.stringify(id)})`;
  // An empty reply has no moves; the judges only take non-empty text.
  if (text.trim() === '') return { ok: true, json: JSON.stringify({ id, score: 0, flags: [] }) };
  try {
    const verdict = await judge.score(toRequest(text, context));
    if (!Number.isFinite(verdict.score) || verdict.score < 0 || verdict.score > 100) {
      return { ok: false, message: `${label}: the ${judge.kind} judge returned score ${verdict.score}, outside 0..100` };
    }
    const { flags, dropped } = keepAnchoredFlags(text, verdict.flags);
    if (dropped > 0) say(`${label}: dropped ${dropped} flag(s) whose quote did not match the text`);
    return { ok: true, json: JSON.stringify({ id, score: verdict.score, flags }) };
  } catch (error) {
    return { ok: false, message: `${label}: the ${judge.kind} judge failed: ${(error as Error).message ?? String(error)}` };
  }
}

async function scorePlainText(
  chunks: AsyncIterable<string>,
  judge: Judge,
  write: (text: string) => Promise<void>,
  say: (text: string) => void,
): Promise<number> {
  const parts: string[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    length += chunk.length;
    if (length > MAX_REPLY_CHARS) {
      say(`The text on stdin is longer than ${MAX_REPLY_CHARS} characters: score it in parts, or as JSONL lines with --in.`);
      return 1;
    }
    parts.push(chunk);
  }
  const text = parts.join('').trim();
  try {
    const verdict = await judge.score(toRequest(text, undefined));
    const { flags, dropped } = keepAnchoredFlags(text, verdict.flags);
    if (dropped > 0) say(`dropped ${dropped} flag(s) whose quote did not match the text`);
    await write(formatReport({ ...verdict, flags }));
    return 0;
  } catch (error) {
    say(`The ${judge.kind} judge failed: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}

function toRequest(text: string, context: CliInputLine['context']): ScoreRequest {
  const request: ScoreRequest = { reply: { text } };
  // A bare string is the user turn this reply answers.
  const ctx: ScoreContext | undefined = typeof context === 'string' ? { user: context } : (context ?? undefined);
  if (ctx) request.context = ctx;
  return request;
}

async function openInput(path: string): Promise<Readable> {
  const stream = createReadStream(path);
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new Error(`Cannot read --in ${path}: ${describeFsError(error)}`);
  }
  return stream;
}

async function openOutput(path: string): Promise<Writable> {
  const stream = createWriteStream(path);
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new Error(`Cannot write --out ${path}: ${describeFsError(error)}`);
  }
  return stream;
}

async function finish(output: Writable, stdout: Writable): Promise<void> {
  if (output === stdout) return;
  output.end();
  // finished() also settles for a stream that already failed (once('finish') would wait forever).
  await finished(output).catch(() => undefined);
}

if (isEntryPoint(import.meta.url)) runAsProcess('score', runScoreCli);
