// The score CLI as the evaluation harness runs it: in this process through its injected io (the
// modules load once), and once as a real process, node + tsx (a real stdin pipe and exit code).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flag, flagsMatchText } from '#shared/schemas';
import { runScoreCli } from '../../proxy/cli/score.ts';
import { type CliRun, runInProcess, runTsxScript } from '../helpers/cli-run.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-cli-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI in this process, through its injected io, with its own empty config dir. */
function score(args: string[], stdin = '', env: Record<string, string> = {}): Promise<CliRun> {
  return runInProcess(runScoreCli, args, { stdin, env: { UNSPUN_CONFIG_DIR: join(dir, 'config'), ...env } });
}

const LINES = [
  { id: 'a', text: 'Honestly, everyone knows this is the only way. Act now before it is too late!' },
  { id: 2, text: 'The boiling point of water at sea level is 100 °C.', context: 'What temperature does water boil at?' },
  {
    id: 'c',
    text: 'You are so smart to ask that! Experts agree you should buy it today.',
    context: { user: 'Should I buy it?', previous: [{ role: 'assistant', text: 'Hi!' }] },
  },
  { id: 'empty', text: '' },
];
const jsonl = (items: unknown[]) => `${items.map((i) => JSON.stringify(i)).join('\n')}\n`;

function parseOutput(stdout: string) {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: unknown; score: number; flags: unknown[] });
}

function expectValidResults(results: ReturnType<typeof parseOutput>, inputs: typeof LINES) {
  const textById = new Map(inputs.map((l) => [l.id, l.text]));
  for (const result of results) {
    expect(Object.keys(result).sort()).toEqual(['flags', 'id', 'score']);
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(100);
    const flags = result.flags.map((f) => Flag.parse(f));
    expect(flagsMatchText(textById.get(result.id as string)!, flags)).toBe(true);
  }
}

describe('score CLI', () => {
  it('file in, file out: one line per input line, in input order', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, jsonl(LINES));
    const run = await score(['--in', input, '--out', output]);
    expect(run.stderr.trim()).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const results = parseOutput(readFileSync(output, 'utf8'));
    expect(results.map((r) => r.id)).toEqual(['a', 2, 'c', 'empty']);
    expectValidResults(results, LINES);
    expect(results[3]).toEqual({ id: 'empty', score: 0, flags: [] });
  });

  it('"-" reads stdin and writes stdout; blank lines are ignored', async () => {
    const input = `\n${jsonl(LINES.slice(0, 2))}\n\n${jsonl(LINES.slice(2))}`;
    const run = await score(['--in', '-', '--out', '-', '--judge', 'offline'], input);
    expect(run.code).toBe(0);
    const results = parseOutput(run.stdout);
    expect(results.map((r) => r.id)).toEqual(['a', 2, 'c', 'empty']);
    expectValidResults(results, LINES);
  });

  it('JSONL piped with no --in is scored as JSONL', async () => {
    const run = await score([], jsonl(LINES.slice(0, 2)));
    expect(run.code).toBe(0);
    expect(parseOutput(run.stdout).map((r) => r.id)).toEqual(['a', 2]);
  });

  // The one real process (the script `npm run score` runs): JSONL piped into stdin, and its exit code.
  it('a real process: reports each bad line with its number and what is wrong, skips it, and exits 1', { timeout: 60_000 }, async () => {
    const input = [
      JSON.stringify(LINES[0]),
      '',
      '{"id": "broken", "text": ',
      JSON.stringify({ id: 'no-text' }),
      JSON.stringify({ id: 'wrong-context', text: 'hi', context: { previous: [{ role: 'system', text: 'x' }] } }),
      JSON.stringify(LINES[1]),
    ].join('\n');
    const run = await runTsxScript('proxy/cli/score.ts', ['--in', '-'], { stdin: input, env: { UNSPUN_CONFIG_DIR: join(dir, 'config') } });
    expect(run.code).toBe(1);
    expect(parseOutput(run.stdout).map((r) => r.id)).toEqual(['a', 2]);
    expect(run.stderr).toMatch(/^line 3: invalid JSON/m);
    expect(run.stderr).toMatch(/^line 4: text: /m);
    expect(run.stderr).toMatch(/^line 5: context/m);
    expect(run.stderr).toContain('3 of 5 lines failed');
  });

  it.each([
    ['no --in, nothing on stdin', [], ''],
    ['no --in, only blank lines', [], '\n  \n'],
    ['--in -, nothing on stdin', ['--in', '-'], ''],
  ])('empty stdin exits 2 and says what to send (%s)', async (_name, args, stdin) => {
    const run = await score([...args, '--judge', 'offline'], stdin);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Nothing to score: stdin was empty/);
    expect(run.stderr).toMatch(/echo "some assistant reply" \| npm run --silent score/);
    expect(run.stderr).toMatch(/--in FILE\.jsonl/);
  });

  it('plain text on stdin prints a readable report', async () => {
    const run = await score([], 'Honestly, everyone knows this is the only way. Act now before it is too late!\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Score: \d+\/100$/m);
    expect(run.stdout).toMatch(/^Judge: offline /m);
    expect(run.stdout).toMatch(/moves? flagged|No persuasive moves flagged/);
  });

  it.each([
    ['an unknown option', ['--bogus'], /Unknown option --bogus/],
    ['a missing input file', ['--in', '/nonexistent/in.jsonl'], /Cannot read --in \/nonexistent\/in.jsonl: no such file/],
    ['an unwritable --out', ['--in', '-', '--out', '/nonexistent/dir/out.jsonl'], /Cannot write --out \/nonexistent\/dir\/out.jsonl: no such file/],
    ['the same file for --in and --out', ['--in', 'x.jsonl', '--out', './x.jsonl'], /same file/],
    ['an unknown judge', ['--judge', 'gpt'], /--judge="gpt" is not a judge/],
  ])('exits 2 on %s', async (_name, args, message) => {
    const run = await score(args, '{"id":1,"text":"x"}\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await score(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('npm run --silent score -- --in FILE.jsonl --out FILE.jsonl');
  });

  it('does not create or read the token (no proxy needed)', async () => {
    await score(['--in', '-'], '{"id":1,"text":"hello"}\n');
    expect(existsSync(join(dir, 'config', 'token'))).toBe(false);
  });
});
