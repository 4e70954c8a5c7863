// Flags of every entry point (score, convert, the proxy) through node:util parseArgs: what each
// accepts, and that each mistake still names the flag and what to give (a UsageError is exit 2
// with the usage; a ConfigError stops the proxy with one line).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgv } from '../../proxy/argv.ts';
import { parseScoreArgs, UsageError } from '../../proxy/cli/score-args.ts';
import { parseConvertArgs } from '../../proxy/cli/convert/args.ts';
import { loadConfig } from '../../proxy/config.ts';

const fail = (message: string) => new UsageError(message);

/** The error `run` throws, as its class name and message. */
function thrown(run: () => unknown): { name: string; message: string } | undefined {
  try {
    run();
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  return undefined;
}

describe('parseArgv', () => {
  const spec = { options: { in: { type: 'string' }, n: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, repeatable: ['n'] } as const;
  it.each([
    [[], {}, []],
    [['--in', 'a', 'b'], { in: 'a' }, ['b']],
    [['--in=-', '-'], { in: '-' }, ['-']],
    [['-h', '--n', '1', '--n=2'], { help: true, n: '2' }, []],
    [['--in', '-x'], { in: '-x' }, []],
    [['--', '--in'], {}, ['--in']],
  ])('accepts %j', (argv, values, positionals) => {
    expect(parseArgv(argv, spec, fail)).toEqual({ values, positionals });
  });

  it.each([
    [['--bogus'], 'Unknown option --bogus'],
    [['-x'], 'Unknown option -x'],
    [['--in'], '--in needs a value'],
    [['--in='], '--in needs a value'],
    [['--in', '--n', '1'], '--in needs a value'],
    [['--in', 'a', '--in=b'], '--in given twice'],
    [['--help=yes'], '--help takes no value'],
  ])('refuses %j: %s', (argv, message) => {
    expect(thrown(() => parseArgv(argv, spec, fail))).toEqual({ name: 'UsageError', message });
  });
});

describe('parseScoreArgs (npm run score)', () => {
  it.each([
    [['-h'], { help: true }],
    [['--in', '-', '--concurrency', '2', '--concurrency=64'], { in: '-', concurrency: 64, help: false }],
    [['--judge', 'anthropic', '--out', 'o.jsonl'], { judge: 'anthropic', out: 'o.jsonl', help: false }],
  ])('accepts %j', (argv, expected) => {
    expect(parseScoreArgs(argv)).toEqual(expected);
  });

  it.each([
    [['-'], 'Unexpected argument "-": give files with --in and --out'],
    [['--out'], '--out needs a value'],
    [['--judge', 'offline', '--judge', 'auto'], '--judge given twice'],
    [['--concurrency', '65'], '--concurrency must be a whole number from 1 to 64, not "65"'],
    [['--concurrency', '1.5'], '--concurrency must be a whole number from 1 to 64, not "1.5"'],
    [['--help=1'], '--help takes no value'],
  ])('refuses %j: %s', (argv, message) => {
    expect(thrown(() => parseScoreArgs(argv))).toEqual({ name: 'UsageError', message });
  });
});

describe('parseConvertArgs (npm run convert)', () => {
  const base = ['--from', 'chatgpt', 'in.json', '--out', 'out.jsonl'];
  it.each([
    [base, { from: 'chatgpt', input: 'in.json', out: 'out.jsonl', redact: true, names: true, redactFirst: false, progress: true, help: false }],
    [['--from=claude', '-', '--out=o.jsonl', '--no-redact', '--no-progress'], { from: 'claude', input: '-', out: 'o.jsonl', redact: false, progress: false }],
    [
      [...base, '--redact', '--redact', '--no-names', '--redact-first', '--salt-file', 's.txt'],
      { redact: true, names: false, redactFirst: true, saltFile: 's.txt' },
    ],
    [
      [...base, '--csv', 'f.csv', '--sharegpt', 'g.jsonl', '--judge', 'offline', '--concurrency', '3'],
      { csv: 'f.csv', sharegpt: 'g.jsonl', judge: 'offline', concurrency: 3 },
    ],
    [['--help'], { help: true }],
  ])('accepts %j', (argv, expected) => {
    expect(parseConvertArgs(argv)).toMatchObject(expected);
  });

  it.each([
    [[], '--from is required: chatgpt, claude or unspun'],
    [['--from', 'bard', 'x', '--out', 'o'], '--from must be one of chatgpt, claude, unspun, not "bard"'],
    [['--from', 'chatgpt', '--from', 'claude'], '--from given twice'],
    [['--from', 'chatgpt', '--out', 'o.jsonl'], 'Give the export FILE to read (or "-" for stdin)'],
    [['--from', 'chatgpt', 'in.json'], '--out FILE.jsonl is required (manifest.json and schema.json are written beside it)'],
    [['--from', 'chatgpt', 'a.json', 'b.json', '--out', 'o'], 'Unexpected argument "b.json": give one input FILE'],
    [[...base, '--fast'], 'Unknown option --fast'],
    [[...base, '--out'], '--out needs a value'],
    [[...base, '--redact', '--no-redact'], '--redact and --no-redact contradict each other: give one'],
    [[...base, '--csv', 'out.jsonl'], '--out, --csv and --sharegpt must be different files'],
    [[...base, '--csv', '-'], '--csv and --sharegpt need a file (they are listed in manifest.json)'],
    [[...base, '--no-redact', '--salt-file', 's'], '--salt-file is for pseudonymous ids: it makes no sense with --no-redact'],
    [[...base, '--no-redact', '--no-names'], '--no-names is for redaction: it makes no sense with --no-redact'],
    [[...base, '--no-redact', '--redact-first'], '--redact-first is for redaction: it makes no sense with --no-redact'],
    [[...base, '--concurrency', '0'], '--concurrency must be a whole number from 1 to 64, not "0"'],
    [[...base, '--no-progress=1'], '--no-progress takes no value'],
  ])('refuses %j: %s', (argv, message) => {
    expect(thrown(() => parseConvertArgs(argv))).toEqual({ name: 'UsageError', message });
  });
});

describe('proxy flags (loadConfig)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unspun-argv-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { UNSPUN_CONFIG_DIR: dir, UNSPUN_TOKEN: 'a-token-of-sixteen-chars' };

  it.each([
    [['--port', '9001', '--host=::1', '--judge', 'offline'], { port: 9001, host: '::1', judge: 'offline' }],
    [['--no-browser', '--port=1', '--port', '2', '--open'], { port: 2 }],
    [['--config-dir', join(dir, 'other')], { configDir: join(dir, 'other') }],
  ])('accepts %j', (argv, expected) => {
    expect(loadConfig(env, argv)).toMatchObject(expected);
  });

  it.each([
    [['--prot', '1'], 'Unknown option --prot: use --port, --host, --judge or --config-dir'],
    [['8787'], 'Unknown option 8787: use --port, --host, --judge or --config-dir'],
    [['--port'], '--port needs a value'],
    [['--host', '--port', '1'], '--host needs a value'],
    [['--no-browser=yes'], '--no-browser takes no value'],
  ])('refuses %j: %s', (argv, message) => {
    expect(thrown(() => loadConfig(env, argv))).toEqual({ name: 'ConfigError', message });
  });
});
