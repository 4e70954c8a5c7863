// Arguments of `npm run score`. Mistakes are UsageErrors: the CLI prints them with the usage, exit 2.
import { parseArgv, parseWholeNumber } from '../argv.ts';

export const USAGE = `Usage:
  npm run --silent score -- --in FILE.jsonl --out FILE.jsonl [--judge offline|anthropic|auto]
  echo "some assistant reply" | npm run --silent score

Reads JSONL lines {"id", "text", "context"?} and writes {"id", "score", "flags"} lines in input order
(score 0..100). "-" means stdin (for --in) or stdout (for --out); --out defaults to stdout.
With no --in, plain (non-JSON) text on stdin is scored as one reply and printed as a readable report.
Context may be a string (the user turn) or {"user", "previous": [{"role", "text"}]}.

Options:
  --in FILE|-          JSONL input (default: stdin)
  --out FILE|-         JSONL output (default: stdout)
  --judge NAME         offline, anthropic or auto (default: UNSPUN_JUDGE, else auto)
  --concurrency N      replies scored at once, 1..64 (default: 1 offline, 4 anthropic)
  --help               this text

Exit codes: 0 all lines scored, 1 some lines failed (reported on stderr), 2 usage error.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ScoreArgs {
  in?: string;
  out?: string;
  judge?: string;
  concurrency?: number;
  help: boolean;
}

const fail = (message: string) => new UsageError(message);

export function parseScoreArgs(argv: readonly string[]): ScoreArgs {
  const { values, positionals } = parseArgv(
    argv,
    {
      options: {
        in: { type: 'string' },
        out: { type: 'string' },
        judge: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      repeatable: ['concurrency'],
    },
    fail,
  );
  const first = positionals[0];
  if (first !== undefined) throw fail(`Unexpected argument ${JSON.stringify(first)}: give files with --in and --out`);
  const args: ScoreArgs = { help: values.help === true };
  if (typeof values.in === 'string') args.in = values.in;
  if (typeof values.out === 'string') args.out = values.out;
  if (typeof values.judge === 'string') args.judge = values.judge;
  if (typeof values.concurrency === 'string') args.concurrency = parseWholeNumber('--concurrency', values.concurrency, 1, 64, fail);
  return args;
}
