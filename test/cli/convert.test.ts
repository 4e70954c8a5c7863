// The convert CLI as researchers run it, in this process through its injected io (the modules load
// once) and once as a real process through npm (names found in a worker that tsx's hooks reach),
// on real files. Exit codes, failures named on stderr, records that validate, manifest.json with
// the right SHA-256 of the output, schema.json, redaction on by default, the Unspun round trip;
// and the anthropic judge through the real SDK against the fake Messages API.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConvertCli } from '../../proxy/cli/convert.ts';
import { type NameFinder, startNameWorker } from '../../proxy/cli/convert/names-client.ts';
import { type CliRun, ROOT, runInProcess, runNpmScript } from '../helpers/cli-run.ts';
import { startFakeAnthropic } from '../fake-anthropic/server.ts';
import { ExportManifest } from '#shared/export/manifest';
import { ExportRecord, exportJsonSchema } from '#shared/export/record';
import { versionWith } from '#shared/detect/index';
import { shippedModel } from '#shared/detect/learned/shipped';

/** What the offline judge records: the rules' version plus the shipped model's. */
const offlineVersion = versionWith(shippedModel());

const FIXTURES = resolve(ROOT, 'test/fixtures/exports');
const CHATGPT = join(FIXTURES, 'chatgpt-conversations.json');
const CLAUDE = join(FIXTURES, 'claude-conversations.json');
const UNSPUN = join(FIXTURES, 'unspun-export.jsonl');

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-convert-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh output directory per run, so manifest.json and schema.json of runs do not mix. */
function outDir(): string {
  const d = join(dir, `run-${n++}`);
  mkdirSync(d);
  return d;
}

/** One names worker for the whole file (it loads the full compromise build): each run borrows it. */
let names: NameFinder;
beforeAll(() => {
  names = startNameWorker();
});
afterAll(async () => {
  await names.close();
});

/** The CLI in this process, through its injected io, with its own config dir; names found by the shared worker. */
function convert(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runInProcess(runConvertCli, args, {
    stdin: options.stdin ?? '',
    env: { UNSPUN_CONFIG_DIR: join(dir, 'config'), ...options.env },
    extra: { names: { find: (texts: readonly string[]) => names.find(texts), close: async () => undefined } },
  });
}

const records = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => ExportRecord.parse(JSON.parse(l)));
const manifestOf = (d: string) => ExportManifest.parse(JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

// A whole export per test, with names found in a worker: a longer timeout than the unit default.
describe('convert CLI', { timeout: 60_000 }, () => {
  it('ChatGPT export: good conversations written and redacted, malformed ones named, exit 1, manifest with the right SHA-256', async () => {
    const d = outDir();
    const out = join(d, 'chatgpt.jsonl');
    const run = await convert(['--from', 'chatgpt', CHATGPT, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('conversation 2 (id "6740e3c8-2d4e-8003-b5f6-7a8b9c0d1e2f"): current_node "does-not-exist" is not in mapping; skipped');
    expect(run.stderr).toContain('conversation 3 (id "6740e4d9-3e5f-8003-c6a7-8b9c0d1e2f3a"): mapping: Invalid input: expected record, received null; skipped');
    expect(run.stderr).toContain('3 conversations (8 messages');
    expect(run.stdout).toBe('');

    const written = records(out);
    expect(written).toHaveLength(3);
    const text = readFileSync(out, 'utf8');
    for (const pii of ['jane.doe@example.org', '(555) 201-3344', 'Mark Stevens', '6740e0a1-8b2c-8003-9d1e-2f4c5a6b7c8d', 'chatgpt.com/c/', 'ods.od.nih.gov'])
      expect(text).not.toContain(pii);
    expect(text).toContain('order #555-123-4567 (dated 2024-03-15)');
    for (const record of written) {
      expect(record.redaction).toMatchObject({ redacted: true, ids: 'pseudonymous' });
      for (const m of record.messages.filter((x) => x.role === 'assistant')) {
        expect(m.scores).toHaveLength(1);
        expect(m.scores![0]!.judge).toMatchObject({ kind: 'offline', prompt_version: offlineVersion });
        for (const f of m.scores![0]!.flags) expect(f.quote_verified).toBe(true);
      }
    }

    const manifest = manifestOf(d);
    expect(manifest.files).toEqual([
      { name: 'chatgpt.jsonl', role: 'records', bytes: statSync(out).size, sha256: sha256(out) },
      { name: 'schema.json', role: 'schema', bytes: statSync(join(d, 'schema.json')).size, sha256: sha256(join(d, 'schema.json')) },
    ]);
    expect(manifest.counts).toMatchObject({ conversations: 3, messages: 8, assistant_messages: 4, scored_messages: 4, failed: 2 });
    expect(manifest.counts.flags).toBe(written.flatMap((r) => r.messages.flatMap((m) => m.scores?.flatMap((s) => s.flags) ?? [])).length);
    expect(manifest.redaction).toMatchObject({ texts: true, ids: 'pseudonymous', salt: 'per-export' });
    expect(manifest.redaction.counts).toMatchObject({ EMAIL: 3, PHONE: 2, URL: 1 });
    expect(manifest.redaction.counts.NAME).toBeGreaterThanOrEqual(3);
    expect(manifest.source).toEqual({ format: 'chatgpt', file: 'chatgpt-conversations.json', sha256: sha256(CHATGPT) });
    expect(manifest.filters).toEqual({ from: 'chatgpt', judge: 'offline', redact: true, names: true, redact_first: false });
    expect(manifest.judges).toEqual([{ kind: 'offline', prompt_version: offlineVersion, taxonomy_version: expect.any(String) }]);
    expect(manifest.date_range).toEqual({ from: '2024-11-22T07:20:01.500Z', to: '2024-11-26T05:46:43.000Z' });
    expect(JSON.parse(readFileSync(join(d, 'schema.json'), 'utf8'))).toEqual(exportJsonSchema());
  });

  it('all good: exit 0 and nothing on stderr but the summary; --no-redact keeps site ids, URL and texts', async () => {
    const d = outDir();
    const input = join(d, 'good.json');
    writeFileSync(input, JSON.stringify(JSON.parse(readFileSync(CLAUDE, 'utf8')).slice(0, 2)));
    const out = join(d, 'claude.jsonl');
    // --no-progress: a slow machine may take over a second, and this checks stderr line by line.
    const run = await convert(['--from', 'claude', input, '--out', out, '--no-redact', '--no-progress']);
    expect(run.code).toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([`2 conversations (6 messages, ${manifestOf(d).counts.flags} flags, judge offline) written to ${out}`]);
    const [first] = records(out);
    expect(first!.conversation).toMatchObject({
      id: '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b',
      url: 'https://claude.ai/chat/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b',
    });
    expect(first!.redaction).toEqual({ redacted: false, ids: 'site', counts: {} });
    expect(first!.messages[2]!.text).toContain('linda.park@acme-corp.com');
    expect(manifestOf(d).redaction).toEqual({ texts: false, ids: 'site', salt: 'none', counts: {} });
  });

  it('Unspun JSONL round trip: converting an export again gives the same bytes (redacted or not)', async () => {
    for (const extra of [['--no-redact'], []]) {
      const d = outDir();
      const out = join(d, 'again.jsonl');
      const run = await convert(['--from', 'unspun', UNSPUN, '--out', out, ...extra]);
      expect(run.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(UNSPUN, 'utf8'));
    }
  });

  it('malformed Unspun lines are named by line and conversation; the good lines are written', async () => {
    const d = outDir();
    const out = join(d, 'some.jsonl');
    const run = await convert(['--from', 'unspun', join(FIXTURES, 'unspun-malformed.jsonl'), '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/line 2: invalid JSON/);
    expect(run.stderr).toMatch(/line 4 \(conversation "c_[0-9a-f]{32}"\): schema_version/);
    expect(records(out)).toHaveLength(2);
    expect(manifestOf(d).counts).toMatchObject({ conversations: 2, failed: 2 });
  });

  it('a truncated file: exit 2, the break named, and nothing written (no partial out.jsonl, no manifest; an earlier output kept)', async () => {
    const d = outDir();
    const input = join(d, 'cut.json');
    const text = readFileSync(CLAUDE, 'utf8');
    writeFileSync(input, text.slice(0, text.indexOf('"Broken message"')));
    const out = join(d, 'cut.jsonl');
    writeFileSync(out, 'the output of an earlier run\n');
    const run = await convert(['--from', 'claude', input, '--out', out, '--no-redact']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${input}: the file ends inside the array, in element 2`);
    expect(run.stderr).toContain('Nothing was written');
    expect(readFileSync(out, 'utf8')).toBe('the output of an earlier run\n');
    expect(readdirSync(d).sort()).toEqual(['cut.json', 'cut.jsonl']);
  });

  it('a file that is not a JSON array: exit 2 and no file at all beside --out', async () => {
    const d = outDir();
    const input = join(d, 'object.json');
    writeFileSync(input, '{"conversations": []}');
    const run = await convert(['--from', 'chatgpt', input, '--out', join(d, 'x.jsonl'), '--csv', join(d, 'x.csv')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected the file to be a JSON array');
    expect(readdirSync(d)).toEqual(['object.json']);
  });

  it('reads stdin with "-", and a salt file keeps pseudonymous ids stable across exports', async () => {
    const salt = join(dir, 'salt.txt');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const d = outDir();
      const out = join(d, 'x.jsonl');
      const run = await convert(['--from', 'claude', '-', '--out', out, '--salt-file', salt, '--no-names'], {
        stdin: JSON.stringify(JSON.parse(readFileSync(CLAUDE, 'utf8')).slice(1, 2)),
      });
      expect(run.code).toBe(0);
      if (i === 0) expect(run.stderr).toContain(`Made a new salt in ${salt}`);
      ids.push(records(out)[0]!.conversation.id);
      expect(manifestOf(d).redaction.salt).toBe('per-user');
      expect(manifestOf(d).source).toEqual({ format: 'claude', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
    expect(ids[0]).toBe(ids[1]);
    expect(statSync(salt).mode & 0o777).toBe(0o600);
  });

  it('--csv and --sharegpt write the same (redacted) conversations, listed with their SHA-256 in the manifest', async () => {
    const d = outDir();
    const out = join(d, 'records.jsonl');
    const csv = join(d, 'flags.csv');
    const sharegpt = join(d, 'sharegpt.jsonl');
    const run = await convert(['--from', 'chatgpt', CHATGPT, '--out', out, '--csv', csv, '--sharegpt', sharegpt, '--no-names']);
    expect(run.code).toBe(1);
    const manifest = manifestOf(d);
    expect(manifest.files.map((f) => [f.name, f.role])).toEqual([
      ['records.jsonl', 'records'],
      ['flags.csv', 'csv'],
      ['sharegpt.jsonl', 'sharegpt'],
      ['schema.json', 'schema'],
    ]);
    for (const file of manifest.files) expect(file.sha256).toBe(sha256(join(d, file.name)));
    const rows = readFileSync(csv, 'utf8').split('\r\n').filter(Boolean);
    expect(rows[0]!.startsWith('conversation_id,site,message_id')).toBe(true);
    expect(rows).toHaveLength(1 + manifest.counts.flags);
    const views = readFileSync(sharegpt, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; conversations: { from: string; value: string }[] });
    expect(views.map((v) => v.id)).toEqual(records(out).map((r) => r.conversation.id));
    expect(views[0]!.conversations[0]).toEqual({ from: 'human', value: expect.stringContaining('[EMAIL]') });
    expect(readFileSync(csv, 'utf8')).not.toContain('jane.doe@example.org');
  });

  it.each([
    [[], /--from is required/],
    [['--from', 'bard', CHATGPT, '--out', 'x.jsonl'], /--from must be one of chatgpt, claude, unspun/],
    [['--from', 'chatgpt', '--out', 'x.jsonl'], /Give the export FILE/],
    [['--from', 'chatgpt', CHATGPT], /--out FILE.jsonl is required/],
    [['--from', 'chatgpt', CHATGPT, '--out', '-'], /--out FILE.jsonl is required/],
    [['--from', 'chatgpt', CHATGPT, CLAUDE, '--out', 'x.jsonl'], /give one input FILE/],
    [['--from', 'chatgpt', CHATGPT, '--out', 'x.jsonl', '--fast'], /Unknown option --fast/],
    [['--from', 'chatgpt', CHATGPT, '--out', 'x.jsonl', '--redact', '--no-redact'], /contradict/],
    [['--from', 'chatgpt', CHATGPT, '--out', 'x.jsonl', '--judge', 'gpt'], /judge/i],
    [['--from', 'chatgpt', CHATGPT, '--out', 'x.jsonl', '--judge', 'anthropic'], /anthropic/],
    [['--from', 'chatgpt', CHATGPT, '--out', CHATGPT], /same file/],
    [['--from', 'chatgpt', CHATGPT, '--out', 'x.jsonl', '--csv', CHATGPT], /input FILE and --csv are the same file/],
    [['--from', 'chatgpt', CHATGPT, '--out', 'x.jsonl', '--csv', 'x.jsonl'], /must be different files/],
    [['--from', 'chatgpt', CHATGPT, '--out', 'x.jsonl', '--sharegpt', 'manifest.json'], /--sharegpt must not be manifest.json/],
    [['--from', 'chatgpt', join(FIXTURES, 'nope.json'), '--out', join(tmpdir(), 'unspun-nope.jsonl')], /Cannot read .*nope.json: no such file or directory/],
  ])('usage or setup error %j exits 2', async (args, message) => {
    const run = await convert(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await convert(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('npm run --silent convert -- --from chatgpt|claude|unspun FILE --out FILE.jsonl');
  });

  // The one real process: the documented entry, its exit code, and its own names worker.
  it('npm run --silent convert redacts names through the worker (tsx hooks reach it)', async () => {
    const d = outDir();
    const out = join(d, 'npm.jsonl');
    const run = await runNpmScript('convert', ['--from', 'chatgpt', CHATGPT, '--out', out], { env: { UNSPUN_CONFIG_DIR: join(dir, 'config') } });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('worker');
    expect(readFileSync(out, 'utf8')).not.toContain('Stevens');
    expect(manifestOf(d).redaction.counts.NAME).toBeGreaterThanOrEqual(3);
  });
});

describe('runConvertCli with the anthropic judge (real SDK, fake Messages API)', () => {
  it('auto picks anthropic when a key is set; every reply scored with its provenance and anchored quotes', async () => {
    const fake = await startFakeAnthropic();
    const d = outDir();
    const out = join(d, 'anthropic.jsonl');
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c) => (err += c));
    try {
      const code = await runConvertCli({
        argv: ['--from', 'claude', CLAUDE, '--out', out],
        env: { ANTHROPIC_API_KEY: 'sk-ant-test-key-0123456789', ANTHROPIC_BASE_URL: fake.url, UNSPUN_CONFIG_DIR: join(dir, 'config') },
        stdin: Readable.from([]),
        stdout: new PassThrough(),
        stderr,
        names: { find: async (texts) => texts.map(() => []), close: async () => undefined },
      });
      expect(code).toBe(1); // the two malformed conversations of the sample
      const written = records(out);
      expect(written).toHaveLength(2);
      const replies = written.flatMap((r) => r.messages.filter((m) => m.role === 'assistant'));
      expect(fake.messageRequests()).toHaveLength(replies.length);
      for (const reply of replies) {
        expect(reply.scores![0]!.judge.kind).toBe('anthropic');
        expect(reply.scores![0]!.judge.model).toBeTruthy();
      }
      // The judge saw the conversation before each reply as context (requests run 4 at a time: find it).
      const body = fake
        .messageRequests()
        .map((r) => JSON.stringify(r.body))
        .find((b) => b.includes("I can't send email"))!;
      expect(body).toContain('Email my plan to');
      expect(body).toContain('quitting my job');
      expect(manifestOf(d).judges[0]!.kind).toBe('anthropic');
      expect(err).toContain('judge anthropic');
    } finally {
      await fake.close();
    }
  });

  it('--redact-first: the judge never sees the PII, and flags point into the redacted text', async () => {
    const fake = await startFakeAnthropic();
    const d = outDir();
    const out = join(d, 'first.jsonl');
    try {
      const code = await runConvertCli({
        argv: ['--from', 'claude', CLAUDE, '--out', out, '--redact-first'],
        env: { ANTHROPIC_API_KEY: 'sk-ant-test-key-0123456789', ANTHROPIC_BASE_URL: fake.url, UNSPUN_CONFIG_DIR: join(dir, 'config') },
        stdin: Readable.from([]),
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        names: { find: async (texts) => texts.map(() => []), close: async () => undefined },
      });
      expect(code).toBe(1);
      const sent = fake
        .messageRequests()
        .map((r) => JSON.stringify(r.body))
        .join('\n');
      expect(sent).not.toContain('linda.park@acme-corp.com');
      expect(sent).not.toContain('+1 415 555 0132');
      expect(sent).toContain('[EMAIL]');
      expect(records(out).length).toBe(2);
      expect(manifestOf(d).filters).toMatchObject({ redact_first: true });
    } finally {
      await fake.close();
    }
  });
});
