// `npm run eval -- --judge anthropic --sample N --max-usd X` against the local fake Anthropic
// server: the estimate comes before any call, a limit below it sends nothing, the real cost is
// reported after, and a rerun is answered from the cache (no request, no cost).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/server.ts';
import { runJudgeEval, stratifiedSample, type JudgeEvalOptions } from '../eval/judge-eval.ts';

const KEY = `${'sk-ant'}-api03-UNSPUN-JUDGE-EVAL-TEST-0123456789`;

function goldUnit(i: number, positive: boolean) {
  const text = positive ? `Act now, before it is too late! Reply ${i} says everyone agrees.` : `The train leaves at ${i} o'clock from platform two.`;
  return {
    id: `tiny:${i}`,
    dataset: 'tiny',
    text,
    context: null,
    spans: [],
    labels: [],
    moves: positive ? ['false-urgency'] : [],
    has_move: positive,
    partial_moves: [],
    unmapped_labels: [],
    ignore_spans: [],
  };
}

describe('judge eval against the fake Anthropic API', () => {
  let fake: FakeAnthropic;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
    dir = mkdtempSync(join(tmpdir(), 'unspun-judge-eval-test-'));
    const units = Array.from({ length: 12 }, (_, i) => goldUnit(i, i % 3 === 0));
    writeFileSync(join(dir, 'tiny.jsonl'), units.map((u) => JSON.stringify(u)).join('\n') + '\n');
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (over: Partial<JudgeEvalOptions> = {}): JudgeEvalOptions & { lines: string[] } => {
    const lines: string[] = [];
    return {
      dataDir: dir,
      sample: 6,
      maxUsd: 1,
      cacheDir: join(dir, 'cache'),
      env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url },
      tmp: mkdtempSync(join(dir, 'scored-')),
      log: (l) => lines.push(l),
      score: (_set, _gold, pred) => ({ predLines: pred.length > 0 ? 1 : 0 }),
      lines,
      ...over,
    };
  };

  it('samples positives and negatives in proportion, the same ones every time', () => {
    const units = Array.from({ length: 30 }, (_, i) => ({ id: `u${i}`, has_move: i < 10 }));
    const a = stratifiedSample(units, 9);
    expect(a).toHaveLength(9);
    expect(a.filter((u) => u.has_move)).toHaveLength(3);
    expect(stratifiedSample(units, 9)).toEqual(a);
  });

  it('refuses to send anything when the estimate is above --max-usd', async () => {
    fake.reset();
    const o = options({ maxUsd: 0 });
    const r = await runJudgeEval(o);
    expect(r.refused).toBe(true);
    expect(r.estimatedUsd).toBeGreaterThan(0);
    expect(fake.messageRequests()).toHaveLength(0);
    expect(o.lines.join('\n')).toMatch(/estimated cost of 6 calls .*\$0\.\d{4}/);
  });

  it('estimates first, reports the real cost after, and a rerun is free', async () => {
    fake.reset();
    const first = options();
    const r1 = await runJudgeEval(first);
    expect(first.lines[0]).toMatch(/^judge eval: 6 units .* 0 cached; estimated cost of 6 calls/);
    expect(r1.calls).toBe(6);
    expect(fake.messageRequests()).toHaveLength(6);
    expect(r1.realUsd).toBeGreaterThan(0);
    expect(first.lines.at(-1)).toMatch(/real cost \$\d+\.\d{4} for 6 calls \(0 answered from the cache/);
    expect(r1.rows).toEqual([{ set: 'tiny', units: 6, metrics: { predLines: 1 } }]);

    fake.reset();
    const second = options();
    const r2 = await runJudgeEval(second);
    expect(fake.messageRequests()).toHaveLength(0);
    expect(r2).toMatchObject({ calls: 0, cached: 6, realUsd: 0, estimatedUsd: 0 });
    expect(r2.rows[0]!.units).toBe(6);
  });
});
