// The learned tier's cost: a 4 KB reply through detect() with the shipped model against the same
// reply with rules only (model: null), measured in the same run, alternating, medians. Target
// (issue 8): with the learned tier ≤ 2× rules only. Run alone: npx tsx test/bench/learned-tier.ts
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { detect } from '#shared/detect/index';
import { shippedModel } from '#shared/detect/learned/shipped';
import { MOVES } from '#shared/taxonomy';
import { EVAL_DIR } from '../eval/paths.ts';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** 4 KB replies cut from texts joined end to end. */
function fourKb(texts: readonly string[], count: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; out.length < count && texts.length > 0 && i < texts.length * 50; i++) {
    cur += texts[i % texts.length] + (i % 3 === 2 ? '\n\n' : ' ');
    if (cur.length >= 4096) {
      out.push(cur.slice(0, 4096));
      cur = '';
    }
  }
  return out;
}

function assistantTexts(): string[] {
  const file = join(EVAL_DIR, 'data', 'spiral-kimi-k2.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 120)
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

export function benchLearnedTier(runs: number): void {
  const model = shippedModel();
  console.log(`\nLearned tier (median of ${runs} runs; 4 KB replies; same run, alternating)`);
  if (!model) {
    console.log('no usable shipped model: nothing to compare (run npm run train)');
    return;
  }
  const sets: Array<[string, string[]]> = [
    [
      'taxonomy examples',
      fourKb(
        MOVES.flatMap((m) => [...m.examples, ...m.counterExamples]),
        100,
      ),
    ],
    ['assistant replies (spiral)', fourKb(assistantTexts(), 100)],
  ];
  console.log('set                          rules ms/reply  learned ms/reply  ratio');
  for (const [name, replies] of sets) {
    if (replies.length === 0) {
      console.log(`${name.padEnd(29)}(no data)`);
      continue;
    }
    for (const r of replies) detect(r, { model: null }), detect(r, { model });
    const rules: number[] = [];
    const learned: number[] = [];
    for (let run = 0; run < runs; run++) {
      let t0 = performance.now();
      for (const r of replies) detect(r, { model: null });
      rules.push((performance.now() - t0) / replies.length);
      t0 = performance.now();
      for (const r of replies) detect(r, { model });
      learned.push((performance.now() - t0) / replies.length);
    }
    const a = median(rules);
    const b = median(learned);
    console.log(`${name.padEnd(29)}${a.toFixed(3).padStart(14)}  ${b.toFixed(3).padStart(16)}  ${(b / a).toFixed(2).padStart(5)}x  (target ≤ 2x)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchLearnedTier(Number(process.env.BENCH_RUNS ?? 7));
