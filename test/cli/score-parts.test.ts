// The score CLI in-process: argument parsing, line splitting, ordered concurrency, the report,
// and runScoreCli over in-memory streams with injected judges.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Flag, flagsMatchText } from '#shared/schemas';
import { taxonomyVersion } from '#shared/taxonomy';
import { parseScoreArgs, UsageError } from '../../proxy/cli/score-args.ts';
import { orderedPool, splitLines } from '../../proxy/cli/lines.ts';
import { formatReport } from '../../proxy/cli/report.ts';
import { runScoreCli } from '../../proxy/cli/score.ts';
import type { Judge } from '../../proxy/judges/judge-interface.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { startFakeAnthropic } from '../fake-anthropic/server.ts';

describe('parseScoreArgs', () => {
  it.each([
    [[], { help: false }],
    [['--in', 'a.jsonl', '--out', 'b.jsonl'], { in: 'a.jsonl', out: 'b.jsonl' }],
    [['--in=-', '--out=-', '--judge=offline'], { in: '-', out: '-', judge: 'offline' }],
    [['--concurrency', '8'], { concurrency: 8 }],
    [['--help'], { help: true }],
  ])('accepts %j', (argv, expected) => {
    expect(parseScoreArgs(argv)).toMatchObject(expected);
  });

  it.each([
    [['--bogus'], /Unknown option --bogus/],
    [['file.jsonl'], /Unexpected argument "file.jsonl"/],
    [['--in'], /--in needs a value/],
    [['--in', '--out', 'x'], /--in needs a value/],
    [['--in', 'a', '--in', 'b'], /--in given twice/],
    [['--concurrency', '0'], /--concurrency must be/],
    [['--concurrency', 'many'], /--concurrency must be/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseScoreArgs(argv)).toThrow(UsageError);
    expect(() => parseScoreArgs(argv)).toThrow(message);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* chunksOf(...chunks: string[]) {
  yield* chunks;
}

describe('splitLines', () => {
  it.each([
    ['LF', ['a\nb\n'], ['a', 'b']],
    ['CRLF', ['a\r\nb\r\n'], ['a', 'b']],
    ['no final newline', ['a\nb'], ['a', 'b']],
    ['line split across chunks', ['{"id":', '1}\n{"id"', ':2}'], ['{"id":1}', '{"id":2}']],
    ['blank lines kept (and counted)', ['a\n\n\nb\n'], ['a', '', '', 'b']],
    ['empty input', [], []],
    ['CR inside a line is kept', ['a\rb\n'], ['a\rb']],
  ])('%s', async (_name, chunks, expected) => {
    const lines = await collect(splitLines(chunksOf(...chunks)));
    expect(lines.map((l) => l.text)).toEqual(expected);
    expect(lines.map((l) => l.number)).toEqual(expected.map((_, i) => i + 1));
  });
});

describe('splitLines with a line-length cap', () => {
  it.each([
    [
      'a long line in one chunk',
      ['ok\n', 'x'.repeat(20), '\nafter\n'],
      [
        ['ok', false],
        ['', true],
        ['after', false],
      ],
    ],
    [
      'a long line across chunks',
      ['ok\nxxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'x\nafter'],
      [
        ['ok', false],
        ['', true],
        ['after', false],
      ],
    ],
    [
      'a long last line with no newline',
      ['ok\n', 'x'.repeat(11), 'x'.repeat(11)],
      [
        ['ok', false],
        ['', true],
      ],
    ],
    ['a line exactly at the cap is kept', ['x'.repeat(10), '\n'], [['x'.repeat(10), false]]],
  ] as const)('%s', async (_name, chunks, expected) => {
    const lines = await collect(splitLines(chunksOf(...chunks), 10));
    expect(lines.map((l) => [l.text, Boolean(l.tooLong)])).toEqual(expected);
    expect(lines.map((l) => l.number)).toEqual(expected.map((_, i) => i + 1));
  });
});

describe('orderedPool', () => {
  it.each([1, 3, 10])('emits in input order with concurrency %i even when later items finish first', async (concurrency) => {
    const emitted: number[] = [];
    let running = 0;
    let maxRunning = 0;
    await orderedPool(
      chunksOf('5', '1', '4', '2', '3', '0'),
      concurrency,
      async (item) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, Number(item) * 3));
        running--;
        return Number(item);
      },
      (n) => {
        emitted.push(n);
      },
    );
    expect(emitted).toEqual([5, 1, 4, 2, 3, 0]);
    expect(maxRunning).toBeLessThanOrEqual(concurrency);
  });
});

const TEXT = 'Everyone knows this is the only way.';
function flag(quote: string, overrides: Partial<Flag> = {}): Flag {
  const start = TEXT.indexOf(quote);
  return {
    move: 'bandwagon',
    start,
    end: start + quote.length,
    quote,
    severity: 2,
    support: 'unsupported',
    rationale: 'Appeals to   what everyone\nthinks.',
    source: 'detector',
    ...overrides,
  };
}
const JUDGE_INFO = { kind: 'offline' as const, promptVersion: 'p-1', taxonomyVersion };

describe('formatReport', () => {
  it('shows the score, the judge and each flag in text order with name, quote, support and reason', () => {
    const report = formatReport({
      score: 62.4,
      judge: JUDGE_INFO,
      flags: [flag('the only way', { move: 'false-dilemma', support: 'weak', wouldSupport: 'Name the alternatives.' }), flag('Everyone knows')],
    });
    expect(report).toMatch(/^Score: 62\/100\n/);
    expect(report).toContain('Judge: offline (prompt p-1');
    expect(report).toContain('2 moves flagged');
    expect(report.indexOf('(bandwagon)')).toBeLessThan(report.indexOf('(false-dilemma)'));
    expect(report).toContain('"Everyone knows"');
    expect(report).toContain('weakly supported');
    expect(report).toContain('Why: Appeals to what everyone thinks.');
    expect(report).toContain('Would support it: Name the alternatives.');
  });

  it('says so when nothing is flagged', () => {
    const report = formatReport({ score: 0, judge: JUDGE_INFO, flags: [] });
    expect(report).toContain('No persuasive moves flagged.');
    expect(report).not.toContain('Why:');
  });
});

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function run(argv: string[], stdin: string | Readable, judges?: { offline: Judge }) {
  const out = sink();
  const err = sink();
  const input = typeof stdin === 'string' ? Readable.from([stdin]) : stdin;
  // An empty config dir of its own, so a developer's real key file never changes the outcome.
  const env = { UNSPUN_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'unspun-cli-test-')) };
  const code = await runScoreCli({ argv, env, stdin: input, stdout: out.stream, stderr: err.stream, ...(judges ? { judges } : {}) });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('runScoreCli in-process', () => {
  it('keeps input order with concurrency when later replies finish first', async () => {
    const slowFirst: Judge = {
      kind: 'offline',
      async score(request) {
        await new Promise((r) => setTimeout(r, request.reply.text.length));
        return { score: request.reply.text.length, flags: [], judge: JUDGE_INFO };
      },
    };
    const input = ['x'.repeat(40), 'x'.repeat(1), 'x'.repeat(20), 'x'.repeat(5)].map((text, id) => JSON.stringify({ id, text })).join('\n');
    const { code, stdout } = await run(['--concurrency', '4'], input, { offline: slowFirst });
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual([0, 1, 2, 3]);
  });

  it('drops flags whose quote does not match, and says so on stderr', async () => {
    const sloppy: Judge = {
      kind: 'offline',
      async score() {
        return { score: 30, judge: JUDGE_INFO, flags: [flag('Everyone knows'), { ...flag('only way'), start: 0, end: 8 }] };
      },
    };
    const { code, stdout, stderr } = await run([], JSON.stringify({ id: 'a', text: TEXT }), { offline: sloppy });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).flags.map((f: Flag) => f.quote)).toEqual(['Everyone knows']);
    expect(stderr).toMatch(/line 1 \(id "a"\): dropped 1 flag/);
  });

  it('a judge that throws fails that line only', async () => {
    const flaky: Judge = {
      kind: 'offline',
      async score(request) {
        if (request.reply.text === 'boom') throw new Error('upstream down');
        return { score: 1, flags: [], judge: JUDGE_INFO };
      },
    };
    const input = ['{"id":1,"text":"ok"}', '{"id":2,"text":"boom"}', '{"id":3,"text":"ok"}'].join('\n');
    const { code, stdout, stderr } = await run([], input, { offline: flaky });
    expect(code).toBe(1);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual([1, 3]);
    expect(stderr).toContain('line 2 (id 2): the offline judge failed: upstream down');
  });

  it('streams: the first result is written before the input ends', async () => {
    const input = new PassThrough();
    const out = sink();
    const done = runScoreCli({
      argv: ['--in', '-'],
      env: {},
      stdin: input,
      stdout: out.stream,
      stderr: sink().stream,
      judges: { offline: createOfflineJudge() },
    });
    input.write('{"id":"first","text":"Act now!"}\n');
    for (let i = 0; i < 100 && out.text() === ''; i++) await new Promise((r) => setTimeout(r, 10));
    expect(out.text()).toContain('"first"');
    input.end('{"id":"second","text":"Fine."}\n');
    expect(await done).toBe(0);
    expect(out.text().trim().split('\n')).toHaveLength(2);
  });

  it('scores many lines', async () => {
    const lines = Array.from({ length: 2000 }, (_, id) => JSON.stringify({ id, text: `Reply number ${id}. Everyone knows it.` }));
    const { code, stdout } = await run(['--in', '-'], Readable.from(lines.map((l) => `${l}\n`)));
    expect(code).toBe(0);
    const ids = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(ids).toHaveLength(2000);
    expect(ids[1999]).toBe(1999);
  });

  it.each([
    ['EPIPE (reader went away, e.g. | head) stops quietly', 'EPIPE', 0, ''],
    ['any other write error is reported', 'ENOSPC', 1, 'Cannot write the output'],
  ])('%s', async (_name, code, exitCode, message) => {
    let writes = 0;
    const failing = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, done) {
        writes++;
        done(writes > 1 ? Object.assign(new Error(`write ${code}`), { code }) : undefined);
      },
    });
    const err = sink();
    const lines = Array.from({ length: 200 }, (_, id) => `${JSON.stringify({ id, text: 'Act now!' })}\n`);
    const result = await runScoreCli({ argv: ['--in', '-'], env: {}, stdin: Readable.from(lines), stdout: failing, stderr: err.stream });
    expect(result).toBe(exitCode);
    if (message) expect(err.text()).toContain(message);
    else expect(err.text()).toBe('');
    // It stopped early instead of scoring everything for nobody.
    expect(writes).toBeLessThan(200);
  });

  it('a TTY stdin with no --in is a usage error, not a hang', async () => {
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    const { code, stderr } = await run([], tty);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Nothing to score/);
    expect(stderr).toContain('Usage:');
  });

  it.each([
    ['--judge gpt', ['--judge', 'gpt'], /--judge="gpt" is not a judge/],
    ['--judge anthropic with no key', ['--judge', 'anthropic'], /ANTHROPIC_API_KEY/],
  ])('%s exits 2', async (_name, argv, message) => {
    const { code, stderr } = await run(argv, '{"id":1,"text":"x"}');
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('runScoreCli with the anthropic judge (fake Messages API)', () => {
  it('auto picks anthropic when a key is set, keeps order, and anchors every quote', async () => {
    const fake = await startFakeAnthropic();
    try {
      const texts = ['Experts agree this is the best plan.', 'Water boils at 100 °C at sea level.', 'Act now, before it is too late!'];
      const out = sink();
      const err = sink();
      const code = await runScoreCli({
        argv: ['--in', '-'],
        env: { ANTHROPIC_API_KEY: 'sk-ant-test-key-0123456789', ANTHROPIC_BASE_URL: fake.url },
        stdin: Readable.from(texts.map((text, id) => `${JSON.stringify({ id, text })}\n`)),
        stdout: out.stream,
        stderr: err.stream,
      });
      expect(err.text()).toBe('');
      expect(code).toBe(0);
      const results = out
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: number; score: number; flags: Flag[] });
      expect(results.map((r) => r.id)).toEqual([0, 1, 2]);
      for (const r of results) expect(flagsMatchText(texts[r.id]!, r.flags)).toBe(true);
      expect(fake.messageRequests()).toHaveLength(3);
    } finally {
      await fake.close();
    }
  });

  it('reads the key from the key file beside the token, like the proxy', async () => {
    const fake = await startFakeAnthropic();
    const configDir = mkdtempSync(join(tmpdir(), 'unspun-cli-key-'));
    writeFileSync(join(configDir, 'anthropic-key'), `${'sk-ant'}-test-keyfile-0123456789\n`, { mode: 0o600 });
    try {
      const out = sink();
      const err = sink();
      const code = await runScoreCli({
        argv: ['--in', '-', '--judge', 'anthropic'],
        env: { UNSPUN_CONFIG_DIR: configDir, ANTHROPIC_BASE_URL: fake.url },
        stdin: Readable.from([`${JSON.stringify({ id: 'a', text: 'Experts agree this is the best plan.' })}\n`]),
        stdout: out.stream,
        stderr: err.stream,
      });
      expect(err.text()).toBe('');
      expect(code).toBe(0);
      expect(fake.messageRequests()).toHaveLength(1);
      expect(fake.messageRequests()[0]!.headers.authorization).toBe(`Bearer ${'sk-ant'}-test-keyfile-0123456789`);
    } finally {
      await fake.close();
      rmSync(configDir, { recursive: true, force: true });
    }
  });
});
