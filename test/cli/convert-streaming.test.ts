// The convert CLI on long inputs, in process: work per reply that does not grow with the
// conversation (counted, not timed), progress on stderr driven by an injected clock, and output
// files that neither leak listeners on backpressure nor appear before the run commits them.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportMessage } from '#shared/export/record';
import { runConvertCli } from '../../proxy/cli/convert.ts';
import { openHashedOutput } from '../../proxy/cli/convert/output.ts';
import { requestFor } from '../../proxy/cli/convert/score-record.ts';
import { writeChatgptExport } from '../bench/chatgpt-export-file.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-convert-stream-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A conversation whose element reads are counted (a copy of the array counts each element it copies). */
function countedConversation(length: number): { messages: ExportMessage[]; reads: () => number } {
  const plain: ExportMessage[] = Array.from({ length }, (_, i) => ({
    id: `m${i}`,
    index: i,
    role: i % 2 ? 'assistant' : 'user',
    text: `message ${i}`,
    capture_method: 'import',
  }));
  let reads = 0;
  const messages = new Proxy(plain, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { messages, reads: () => reads };
}

describe('requestFor: the context of one reply', () => {
  it('reads the same number of messages for the last reply of 1,000 and of 100,000 messages (it used to copy every earlier one)', () => {
    const counts = [1_000, 100_000].map((length) => {
      const { messages, reads } = countedConversation(length);
      const request = requestFor(messages, length - 1);
      expect(request.context!.user).toBe(`message ${length - 2}`);
      expect(request.context!.previous).toHaveLength(200);
      expect(request.context!.previous![199]!.text).toBe(`message ${length - 3}`);
      return reads();
    });
    expect(counts[1]).toBe(counts[0]);
    // role and text of the 200 earlier turns sent, and a few looks at the reply and the user turn.
    expect(counts[0]).toBeLessThan(420);
  });

  it('keeps the shape it had: no user turn before an assistant that follows an assistant, short conversations whole', () => {
    const m = (role: 'user' | 'assistant', text: string, i: number): ExportMessage => ({ id: `m${i}`, index: i, role, text, capture_method: 'import' });
    const messages = [m('user', 'hi', 0), m('assistant', 'hello', 1), m('assistant', 'again', 2)];
    expect(requestFor(messages, 1)).toEqual({ reply: { text: 'hello', id: 'm1' }, context: { user: 'hi' } });
    expect(requestFor(messages, 2)).toEqual({
      reply: { text: 'again', id: 'm2' },
      context: {
        previous: [
          { role: 'user', text: 'hi' },
          { role: 'assistant', text: 'hello' },
        ],
      },
    });
    expect(requestFor([m('assistant', 'first', 0)], 0)).toEqual({ reply: { text: 'first', id: 'm0' } });
  });
});

function io(argv: string[], clock: () => Date) {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c) => (text += c));
  return {
    run: () =>
      runConvertCli({
        argv,
        env: { UNSPUN_JUDGE: 'offline', UNSPUN_CONFIG_DIR: join(dir, 'config') },
        stdin: Readable.from([]),
        stdout: new PassThrough(),
        stderr,
        now: clock,
      }),
    stderr: () => text,
  };
}

describe('progress on stderr', () => {
  it('reports read bytes, scored replies and written conversations as the clock moves; --no-progress keeps stderr to the summary', async () => {
    const input = join(dir, 'long.json');
    await writeChatgptExport(input, { conversations: 3, messages: 40 });
    // A clock that moves two seconds at every look: every report point prints.
    let t = Date.UTC(2026, 0, 1);
    const clock = () => new Date((t += 2000));
    const on = io(['--from', 'chatgpt', input, '--out', join(dir, 'on.jsonl'), '--no-names'], clock);
    expect(await on.run()).toBe(0);
    const lines = on.stderr().trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.at(-1)).toMatch(/^3 conversations \(120 messages, \d+ flags, judge offline, redacted\) written to /);
    const progress = lines.filter((l) => l.startsWith('progress: '));
    expect(progress.length).toBe(lines.length - 1);
    expect(progress.some((l) => /of 0\.0 MB read \(\d+%\), 0 conversations written, [1-9]\d* replies scored/.test(l))).toBe(true);
    expect(progress.at(-1)).toMatch(/\(100%\), 3 conversations written, 60 replies scored$/);

    const off = io(['--from', 'chatgpt', input, '--out', join(dir, 'off.jsonl'), '--no-names', '--no-progress'], clock);
    expect(await off.run()).toBe(0);
    expect(off.stderr().trim().split('\n')).toHaveLength(1);
  });

  it('counts texts searched for names, a batch at a time', async () => {
    const input = join(dir, 'names.json');
    await writeChatgptExport(input, { conversations: 1, messages: 1200 });
    let t = 0;
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (c) => (text += c));
    const seen: number[] = [];
    const code = await runConvertCli({
      argv: ['--from', 'chatgpt', input, '--out', join(dir, 'names.jsonl')],
      env: { UNSPUN_JUDGE: 'offline', UNSPUN_CONFIG_DIR: join(dir, 'config') },
      stdin: Readable.from([]),
      stdout: new PassThrough(),
      stderr,
      now: () => new Date((t += 2000)),
      names: { find: async (texts) => (seen.push(texts.length), texts.map(() => [])), close: async () => undefined },
    });
    expect(code).toBe(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(500);
    // 1,200 message texts and the title, plus what the scorer wrote about flagged replies (rationales,
    // questions, claim notes quote the reply, so they are searched too): how many depends on the rules.
    const searched = seen.reduce((a, b) => a + b, 0);
    expect(searched).toBeGreaterThanOrEqual(1201);
    expect(text).toContain(`${searched.toLocaleString('en-US')} texts searched for names`);
  });
});

describe('output files', () => {
  it('waiting for drain thousands of times leaves no listener behind (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const path = join(dir, 'big.jsonl');
      const out = await openHashedOutput(path, 'records', dir, '--out');
      // Each write is bigger than the stream's buffer, so each one waits for 'drain'.
      const line = `${'x'.repeat(64 * 1024)}\n`;
      for (let i = 0; i < 200; i++) await out.write(line);
      const { file, error } = await out.close();
      out.commit();
      expect(error).toBeNull();
      expect(file.bytes).toBe(200 * line.length);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
      expect(readFileSync(path, 'utf8').length).toBe(200 * line.length);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('is written to a hidden temp file and appears under its name only on commit; discard leaves nothing', async () => {
    const sub = mkdtempSync(join(dir, 'commit-'));
    const kept = await openHashedOutput(join(sub, 'a.jsonl'), 'records', sub, '--out');
    await kept.write('{"a":1}\n');
    expect(readdirSync(sub)).toEqual([expect.stringMatching(/^\.a\.jsonl\.tmp-[0-9a-f]{12}$/)]);
    await kept.close();
    kept.commit();
    expect(readdirSync(sub)).toEqual(['a.jsonl']);
    const dropped = await openHashedOutput(join(sub, 'b.jsonl'), 'records', sub, '--out');
    await dropped.write('{"b":1}\n');
    await dropped.discard();
    expect(readdirSync(sub)).toEqual(['a.jsonl']);
    await expect(openHashedOutput(sub, 'records', dir, '--out')).rejects.toThrow(/it is a directory/);
  });
});
