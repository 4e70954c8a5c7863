// Arguments of `npm run convert`. Mistakes are UsageErrors: the CLI prints them with the usage, exit 2.
import { IMPORT_FORMATS, type ImportFormat } from '#shared/import/index';
import { parseArgv, parseWholeNumber } from '../../argv.ts';
import { UsageError } from '../score-args.ts';

export { UsageError };

export const CONVERT_USAGE = `Usage:
  npm run --silent convert -- --from chatgpt|claude|unspun FILE --out FILE.jsonl [options]

Reads a data export (ChatGPT's or Claude's conversations.json, or Unspun's own JSONL), scores every
assistant reply, and writes Unspun export records (one conversation a JSON line, schema_version
1.0.0), with manifest.json (counts, redaction counts, SHA-256 of each file) and schema.json (the
record's JSON Schema) beside the output. FILE may be "-" for stdin. The same redaction applies to
every file written.

Options:
  --from FORMAT        chatgpt, claude or unspun (required)
  --out FILE.jsonl     where the records go (required; manifest.json and schema.json go beside it)
  --judge NAME         offline, anthropic or auto (default: UNSPUN_JUDGE, else auto: anthropic when a
                       key is configured, else offline)
  --redact             redact PII and use pseudonymous ids (the default)
  --no-redact          keep texts and site ids as they are
  --redact-first       redact before judging, so the judge (Anthropic's API with --judge anthropic)
                       never sees the PII; by default replies are judged as written and the flags
                       are moved onto the redacted text
  --no-names           redact, but leave person names (finding them is the slow part: about 150 KB
                       of text a second, against about 1 MB a second without)
  --salt-file FILE     keep pseudonymous ids stable across exports: the salt is read from FILE, or made
                       and saved there (mode 0600) when FILE does not exist. Default: a new random salt
                       per export, so ids cannot be joined across exports.
  --csv FILE.csv       also write one row per flag (RFC 4180; cells that a spreadsheet would run as a
                       formula start with an apostrophe)
  --sharegpt FILE      also write the ShareGPT view, one {"id", "conversations": [{"from", "value"}]} a line
  --no-progress        no progress lines on stderr (by default: about one a second, with how much
                       of the input is read and how many conversations and replies are done)
  --concurrency N      conversations in flight, 1..64 (default: 4 anthropic; offline 2 while names
                       are found in a worker thread, else 1)
  --help               this text

Records from --from unspun keep their scores; a reply gets a new score only when no judge of the
chosen kind (offline or anthropic) has scored it yet.

The input is read as a stream, one conversation at a time; time grows linearly with the number of
messages. The outputs are written to temp files beside them and renamed when the run is complete,
so a run that stops leaves no partial file.

Exit codes: 0 all records converted; 1 some records failed (each named on stderr; the others are
written); 2 usage or setup error, or an input that is not a complete export (not a JSON array,
truncated), or an output that cannot be written: nothing is written.`;

export interface ConvertArgs {
  from?: ImportFormat;
  input?: string;
  out?: string;
  judge?: string;
  redact: boolean;
  names: boolean;
  redactFirst: boolean;
  progress: boolean;
  saltFile?: string;
  csv?: string;
  sharegpt?: string;
  concurrency?: number;
  help: boolean;
}

const fail = (message: string) => new UsageError(message);

const OPTIONS = {
  from: { type: 'string' },
  out: { type: 'string' },
  judge: { type: 'string' },
  'salt-file': { type: 'string' },
  csv: { type: 'string' },
  sharegpt: { type: 'string' },
  concurrency: { type: 'string' },
  redact: { type: 'boolean' },
  'no-redact': { type: 'boolean' },
  'no-names': { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'redact-first': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseConvertArgs(argv: readonly string[]): ConvertArgs {
  const { values, positionals } = parseArgv(argv, { options: OPTIONS, repeatable: ['concurrency'] }, fail);
  const text = (name: keyof typeof OPTIONS): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  if (values.redact && values['no-redact']) throw fail('--redact and --no-redact contradict each other: give one');
  const args: ConvertArgs = {
    redact: !values['no-redact'],
    names: !values['no-names'],
    redactFirst: values['redact-first'] === true,
    progress: !values['no-progress'],
    help: values.help === true,
  };
  const [input, extra] = positionals;
  if (extra !== undefined) throw fail(`Unexpected argument ${JSON.stringify(extra)}: give one input FILE`);
  if (input !== undefined) args.input = input;
  const from = text('from');
  if (from !== undefined) {
    if (!(IMPORT_FORMATS as readonly string[]).includes(from)) throw fail(`--from must be one of ${IMPORT_FORMATS.join(', ')}, not ${JSON.stringify(from)}`);
    args.from = from as ImportFormat;
  }
  const concurrency = text('concurrency');
  if (concurrency !== undefined) args.concurrency = parseWholeNumber('--concurrency', concurrency, 1, 64, fail);
  for (const [key, name] of [
    ['out', 'out'],
    ['judge', 'judge'],
    ['saltFile', 'salt-file'],
    ['csv', 'csv'],
    ['sharegpt', 'sharegpt'],
  ] as const) {
    const value = text(name);
    if (value !== undefined) args[key] = value;
  }
  if (args.help) return args;
  if (args.from === undefined) throw new UsageError('--from is required: chatgpt, claude or unspun');
  if (args.input === undefined) throw new UsageError('Give the export FILE to read (or "-" for stdin)');
  if (args.out === undefined || args.out === '-') throw new UsageError('--out FILE.jsonl is required (manifest.json and schema.json are written beside it)');
  const paths = [args.out, args.csv, args.sharegpt].filter((p): p is string => p !== undefined);
  if (new Set(paths).size < paths.length) throw new UsageError('--out, --csv and --sharegpt must be different files');
  if (args.csv === '-' || args.sharegpt === '-') throw new UsageError('--csv and --sharegpt need a file (they are listed in manifest.json)');
  if (!args.redact && args.saltFile !== undefined) throw new UsageError('--salt-file is for pseudonymous ids: it makes no sense with --no-redact');
  if (!args.redact && !args.names) throw new UsageError('--no-names is for redaction: it makes no sense with --no-redact');
  if (!args.redact && args.redactFirst) throw new UsageError('--redact-first is for redaction: it makes no sense with --no-redact');
  return args;
}
