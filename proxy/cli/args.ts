// Arguments of `npm run score`. Mistakes are UsageErrors: the CLI prints them with the usage, exit 2.

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

const VALUE_OPTIONS = { '--in': 'in', '--out': 'out', '--judge': 'judge', '--concurrency': 'concurrency' } as const;

export function parseScoreArgs(argv: readonly string[]): ScoreArgs {
  const args: ScoreArgs = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(name in VALUE_OPTIONS)) {
      throw new UsageError(arg.startsWith('-') && arg !== '-' ? `Unknown option ${name}` : `Unexpected argument ${JSON.stringify(arg)}: give files with --in and --out`);
    }
    const key = VALUE_OPTIONS[name as keyof typeof VALUE_OPTIONS];
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
    if (key === 'concurrency') {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) {
        throw new UsageError(`--concurrency must be a whole number from 1 to 64, not ${JSON.stringify(value)}`);
      }
      args.concurrency = Number(value);
    } else {
      if (args[key] !== undefined) throw new UsageError(`${name} given twice`);
      args[key] = value;
    }
  }
  return args;
}
