// The research CLI, in-process through its io: PTC files and the agreement CSV from an export's
// JSONL, and clear errors (exit 2 for usage, 1 for a bad file, with the line number).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { exportScore, newRecord } from '#shared/export/build';
import { toJsonlLine } from '#shared/export/formats';
import { runResearchCli } from '../../proxy/cli/research.ts';

const dir = mkdtempSync(join(tmpdir(), 'unspun-research-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = 'Experts agree 🎯 this works. Act now!';
function record(judges: ('offline' | 'anthropic')[]) {
  const rec = newRecord({
    id: 'c1',
    site: 'claude',
    source: 'extension',
    method: 'dom',
    completeness: 'complete',
    messages: [
      { id: 'u', index: 0, role: 'user', text: 'Does it work?', capture_method: 'dom' },
      { id: 'a', index: 1, role: 'assistant', text: TEXT, capture_method: 'dom' },
    ],
  });
  const flags = [
    {
      move: 'unsourced-authority' as const,
      start: 0,
      end: 13,
      quote: 'Experts agree',
      severity: 2,
      support: 'unsupported' as const,
      rationale: 'r',
      source: 'detector' as const,
    },
  ];
  rec.messages[1] = {
    ...rec.messages[1]!,
    scores: judges.map((kind) => exportScore({ score: 40, flags, judge: { kind, promptVersion: 'p', taxonomyVersion: 't' } }, TEXT, 0)),
  };
  return rec;
}

async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await runResearchCli({ argv, env: {}, stdin: new PassThrough(), stdout, stderr });
  return { code, out, err };
}

describe('research CLI', () => {
  const file = join(dir, 'conversations.jsonl');
  writeFileSync(file, toJsonlLine(record(['offline', 'anthropic'])) + '\n');

  it('ptc writes spans (code-point offsets), the index and one article per reply', async () => {
    const out = join(dir, 'ptc');
    const r = await run(['ptc', file, '--out', out]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.err).toContain('1 article, 1 span');
    expect(readFileSync(join(out, 'spans.txt'), 'utf8')).toBe('100000001\tAppeal_to_Authority\t0\t13\n');
    expect(readdirSync(join(out, 'articles'))).toEqual(['article100000001.txt']);
    expect(readFileSync(join(out, 'articles', 'article100000001.txt'), 'utf8')).toBe(TEXT);
  });

  it('agreement prints a CSV with kappa per move', async () => {
    const r = await run(['agreement', file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('anthropic,offline,unsourced-authority,1,1,0,0,0,1.0000,\r\n');
    expect(r.err).toContain('anthropic × offline (1 reply)');
  });

  it.each([
    [['html', file], 2, 'unknown command "html"'],
    [['ptc'], 2, "give the export's JSONL file"],
    [['ptc', file], 2, 'give --out DIR'],
    [['ptc', file, '--out', dir, '--techniques', 'mine'], 2, '--techniques must be ptc or unspun'],
    [['ptc', file, '--out', dir, '--judge', 'gpt'], 2, '--judge must be one of'],
    [['agreement', file, '--bogus'], 2, "Unknown option '--bogus'"],
    [['agreement', join(dir, 'missing.jsonl')], 1, 'no such file or directory'],
  ])('%j exits %i saying %s', async (argv, code, message) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(code);
    expect(r.err).toContain(message);
  });

  it('names the line of a record that is not valid, and writes nothing', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${toJsonlLine(record(['offline']))}{"schema_version":"1.0.0"}\n`);
    const r = await run(['ptc', bad, '--out', join(dir, 'never')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.jsonl:2: not an Unspun export record/);
    expect(() => readdirSync(join(dir, 'never'))).toThrow();
  });

  it('says how to get agreement when no reply has two judges', async () => {
    const one = join(dir, 'one.jsonl');
    writeFileSync(one, toJsonlLine(record(['offline'])));
    const r = await run(['agreement', one]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('scored by two judges');
  });
});
