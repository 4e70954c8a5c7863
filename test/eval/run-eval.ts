// npm run eval [-- --data DIR] [--files a,b]
// npm run eval -- --judge-prompt-dump DIR --sample N [--prompt v1|v2|v3] | --judge-verdicts DIR: see judge-prompt.ts
// Runs the offline detector and the keyword baseline over every gold file in ../shared/eval/data,
// scores both with ../shared/eval/score.mjs --json and prints one table per file. Exits non-zero
// unless the detector beats the baseline on per-move micro-F1 on every file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detect } from '#shared/detect';
import { EVAL_DIR } from './paths.ts';
import { isJudgePromptCommand, runJudgePromptCli } from './judge-prompt.ts';
import { predictBaseline, predictDetector, toJsonl, type GoldUnit } from './predict.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Metrics {
  binary: { f1: number };
  per_move_avg: { micro: { f1: number; precision: number; recall: number }; macro: { f1: number } };
  spans: { technique_agnostic: { f1: number } } | null;
  per_move: { move: string; support: number; n_pred: number; tp: number; precision: number; recall: number; f1: number }[];
}

function score(gold: string, pred: string): Metrics {
  const out = execFileSync(process.execPath, [join(EVAL_DIR, 'score.mjs'), '--gold', gold, '--pred', pred, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Metrics;
}

function spanF1(m: Metrics): number | undefined {
  if (!m.spans) return undefined;
  return m.spans.technique_agnostic.f1;
}

const fmt = (n: number | undefined) => (n === undefined ? '   —  ' : n.toFixed(3).padStart(6));

/** Median ms to detect on 4 KB replies stitched from dev texts (in memory only, nothing kept). */
function timeFourKb(texts: readonly string[]): number {
  const replies: string[] = [];
  let cur = '';
  for (const t of texts) {
    cur += t + '\n\n';
    if (cur.length >= 4096) {
      replies.push(cur.slice(0, 4096));
      cur = '';
    }
    if (replies.length >= 50) break;
  }
  if (replies.length === 0) return 0;
  for (const r of replies) detect(r); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (const r of replies) detect(r);
    times.push((performance.now() - t0) / replies.length);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function main(): Promise<void> {
  const given = arg('--data');
  const dataDir = given ? resolve(ROOT, given) : join(EVAL_DIR, 'data');
  if (!existsSync(dataDir)) {
    console.error(`eval: no data directory at ${dataDir}`);
    process.exit(2);
  }
  const only = arg('--files')?.split(',').map((s) => s.trim().replace(/\.jsonl$/, ''));
  const files = readdirSync(dataDir)
    .filter((f) => f.endsWith('.jsonl'))
    .filter((f) => !only || only.includes(basename(f, '.jsonl')))
    .sort();
  const baselineMod = (await import(pathToFileURL(join(EVAL_DIR, 'baseline.mjs')).href)) as {
    detect: (t: string) => { move: string; start: number; end: number }[];
  };
  const tmp = mkdtempSync(join(tmpdir(), 'unspun-eval-'));
  let allAhead = files.length > 0;
  let totalUnits = 0;
  let totalBytes = 0;
  let totalMs = 0;
  const summary: string[] = [];
  const lastTexts: string[] = [];
  try {
    for (const file of files) {
      const name = basename(file, '.jsonl');
      const goldPath = join(dataDir, file);
      const units = readFileSync(goldPath, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as GoldUnit);
      const t0 = performance.now();
      const ours = predictDetector(units);
      const ms = performance.now() - t0;
      totalMs += ms;
      totalUnits += units.length;
      const bytes = units.reduce((s, u) => s + (u.text?.length ?? 0), 0);
      totalBytes += bytes;
      for (const u of units) if (lastTexts.length < 2000) lastTexts.push(u.text ?? '');
      const base = predictBaseline(units, baselineMod.detect);
      const oursPath = join(tmp, `${name}.detector.jsonl`);
      const basePath = join(tmp, `${name}.baseline.jsonl`);
      writeFileSync(oursPath, toJsonl(ours));
      writeFileSync(basePath, toJsonl(base));
      const d = score(goldPath, oursPath);
      const b = score(goldPath, basePath);
      const ahead = d.per_move_avg.micro.f1 > b.per_move_avg.micro.f1;
      allAhead &&= ahead;
      console.log(`\n${name}  (${units.length} units, ${(units.length / (ms / 1000)).toFixed(0)} units/s)`);
      console.log('              binary-F1  micro-F1  (P / R)          macro-F1  span-F1');
      for (const [label, m] of [
        ['detector', d],
        ['baseline', b],
      ] as const) {
        const mi = m.per_move_avg.micro;
        console.log(
          `  ${label.padEnd(10)}  ${fmt(m.binary.f1)}    ${fmt(mi.f1)}  (${mi.precision.toFixed(2)} / ${mi.recall.toFixed(2)})  ${fmt(m.per_move_avg.macro.f1)}   ${fmt(spanF1(m))}`,
        );
      }
      if (process.argv.includes('--moves')) {
        for (const pm of d.per_move) {
          const bm = b.per_move.find((x) => x.move === pm.move);
          console.log(
            `    ${pm.move.padEnd(24)} gold ${String(pm.support).padStart(5)}  pred ${String(pm.n_pred).padStart(5)}  tp ${String(pm.tp).padStart(5)}  F1 ${fmt(pm.f1)}  (baseline ${fmt(bm?.f1)})`,
          );
        }
      }
      summary.push(`${name}: ${ahead ? 'ahead' : 'BEHIND'} (${d.per_move_avg.micro.f1.toFixed(3)} vs ${b.per_move_avg.micro.f1.toFixed(3)})`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`\n4 KB reply: ${timeFourKb(lastTexts).toFixed(2)} ms each (median of repeated runs, dev texts joined into 4 KB replies)`);
  console.log(`throughput: ${(totalUnits / (totalMs / 1000)).toFixed(0)} units/s, ${(totalBytes / 1024 / (totalMs / 1000)).toFixed(0)} KB/s (${totalUnits} units, ${(totalBytes / 1024).toFixed(0)} KB of text in ${totalMs.toFixed(0)} ms)`);
  console.log(summary.join('\n'));
  console.log(allAhead ? 'detector ahead of baseline on micro-F1 on every file: yes' : 'detector ahead of baseline on micro-F1 on every file: NO');
  if (!allAhead) process.exit(1);
}

if (isJudgePromptCommand(process.argv)) process.exit(await runJudgePromptCli(process.argv, ROOT));
else await main();
