// npm run eval [-- --data DIR] [--files a,b] [--corpus DIR] [--blind DIR] [--folds K] [--moves] [--markdown]
//              [-- --judge anthropic --sample N --max-usd X [--cache DIR]]   (judge-eval.ts)
// Every dev set in ../shared/eval/data (and the project's corpus, test/corpus) through the keyword
// baseline, the detector with rules only, and the detector with its learned tier, scored by
// ../shared/eval/score.mjs (labelled sets) or ../shared/eval/flag-rate.mjs (ordinary answers).
// The learned tier is always measured on data it did not train on (held-out.ts says how, and each
// row names it). --markdown prints the README quality table. Exits non-zero when a gate in
// gates.ts fails (the issue-8 targets), so the table never hides a miss.
// npm run eval -- --judge-prompt-dump DIR --sample N [--prompt v1..v5] [--with-turns N] | --judge-verdicts DIR: see judge-prompt.ts
// npm run eval -- --judge anthropic --judge-prompt-dump DIR --sample N --max-usd X [--prompt v1..v4]: see judge-prompt-api.ts
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detect } from '#shared/detect/index';
import { shippedModel } from '#shared/detect/learned/shipped';
import { MOVE_IDS } from '#shared/schemas';
import { EVAL_DIR } from './paths.ts';
import { gateFor } from './gates.ts';
import { parseArgv } from '../../proxy/argv.ts';
import { isJudgePromptCommand, runJudgePromptCli } from './judge-prompt.ts';
import { runJudgePromptApiCli } from './judge-prompt-api.ts';
import { predictBaseline, predictDetector, toJsonl, type GoldUnit } from './predict.ts';
import { defaultCorpusDir, HeldOut, type HeldOutKind } from './held-out.ts';
import { corpusAsGold } from './corpus-gold.ts';
import { runJudgeEval } from './judge-eval.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

// Every flag of `npm run eval`, the judge-prompt tools' included (judge-prompt.ts reads its own):
// a mistyped flag stops the run with exit 2 instead of being ignored.
const FLAGS = {
  data: { type: 'string' },
  corpus: { type: 'string' },
  blind: { type: 'string' },
  folds: { type: 'string' },
  files: { type: 'string' },
  markdown: { type: 'boolean' },
  moves: { type: 'boolean' },
  judge: { type: 'string' },
  sample: { type: 'string' },
  'max-usd': { type: 'string' },
  cache: { type: 'string' },
  'judge-prompt-dump': { type: 'string' },
  'judge-verdicts': { type: 'string' },
  seed: { type: 'string' },
  'with-turns': { type: 'string' },
  prompt: { type: 'string' },
  'judge-mode': { type: 'string' },
  json: { type: 'boolean' },
} as const;
const flags = (() => {
  try {
    return parseArgv(process.argv.slice(2), { options: FLAGS }, (message) => new Error(message)).values;
  } catch (error) {
    console.error(
      `eval: ${(error as Error).message} (flags: ${Object.keys(FLAGS)
        .map((f) => `--${f}`)
        .join(', ')})`,
    );
    process.exit(2);
  }
})();

function arg(name: `--${keyof typeof FLAGS}`): string | undefined {
  const value = flags[name.slice(2)];
  return typeof value === 'string' ? value : undefined;
}

interface PerMove {
  move: string;
  support: number;
  n_pred: number;
  tp: number;
  precision: number;
  recall: number;
  f1: number;
}
interface Metrics {
  binary: { f1: number; precision: number; recall: number };
  per_move_avg: { micro: { f1: number; precision: number; recall: number }; macro: { f1: number } } | null;
  spans: { technique_agnostic: { f1: number } } | null;
  per_move: PerMove[];
}
interface FlagRate {
  replies_with_any_flag: number;
  replies_with_severity2_flag: number;
}

const node = (script: string, args: string[]) =>
  execFileSync(process.execPath, [join(EVAL_DIR, script), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

const fmt = (n: number | undefined | null) => (n === undefined || n === null ? '   —  ' : n.toFixed(3).padStart(6));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Median ms per 4 KB reply for one detector configuration. */
function timeFourKb(replies: readonly string[], run: (t: string) => unknown): number {
  for (const r of replies) run(r);
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (const r of replies) run(r);
    times.push((performance.now() - t0) / replies.length);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

interface Row {
  set: string;
  units: number;
  heldOut: HeldOutKind;
  note: string;
  labelled?: { baseline: Metrics; rules: Metrics; learned: Metrics };
  ordinary?: { baseline: FlagRate; rules: FlagRate; learned: FlagRate };
  gateFailures: string[];
}

async function judgeEval(dataDir: string): Promise<void> {
  const judge = arg('--judge');
  if (judge !== 'anthropic') {
    console.error(`eval: --judge ${judge} is not supported: use --judge anthropic (the offline detector is the default)`);
    process.exit(2);
  }
  const sample = Number(arg('--sample') ?? 20);
  const maxUsd = Number(arg('--max-usd') ?? NaN);
  if (!Number.isInteger(sample) || sample < 1 || !Number.isFinite(maxUsd) || maxUsd < 0) {
    console.error('eval: --judge anthropic needs --sample N (units per set, ≥ 1) and --max-usd X (a dollar limit)');
    process.exit(2);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'unspun-judge-eval-'));
  try {
    const r = await runJudgeEval({
      dataDir,
      ...(arg('--files')
        ? {
            files: arg('--files')!
              .split(',')
              .map((s) => s.trim()),
          }
        : {}),
      sample,
      maxUsd,
      cacheDir: resolve(ROOT, arg('--cache') ?? join('.output', 'judge-eval-cache')),
      env: process.env,
      tmp,
      log: (l) => console.log(l),
      score: (_set, gold, pred, unlabelled): Record<string, number> => {
        if (unlabelled) {
          const rate = JSON.parse(node('flag-rate.mjs', ['--gold', gold, '--pred', pred, '--json'])) as FlagRate;
          return { anyFlag: rate.replies_with_any_flag, severe: rate.replies_with_severity2_flag };
        }
        const m = JSON.parse(node('score.mjs', ['--gold', gold, '--pred', pred, '--json'])) as Metrics;
        return { binaryF1: m.binary.f1, microF1: m.per_move_avg?.micro.f1 ?? 0 };
      },
    });
    if (r.refused) process.exit(2);
    console.log('\n| set (judge sample) | units | binary F1 | per-move micro-F1 | any flag | severity ≥ 2 |\n|---|---|---|---|---|---|');
    const f = (x: number | undefined, p = false) => (x === undefined ? '—' : p ? pct(x) : x.toFixed(2));
    for (const row of r.rows) {
      const m = row.metrics;
      console.log(`| ${row.set} | ${row.units} | ${f(m.binaryF1)} | ${f(m.microF1)} | ${f(m.anyFlag, true)} | ${f(m.severe, true)} |`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const given = arg('--data');
  const dataDir = given ? resolve(ROOT, given) : join(EVAL_DIR, 'data');
  if (!existsSync(dataDir)) {
    console.error(`eval: no data directory at ${dataDir}`);
    process.exit(2);
  }
  if (arg('--judge')) return judgeEval(dataDir);
  const corpusDir = resolve(ROOT, arg('--corpus') ?? defaultCorpusDir(ROOT));
  const folds = Number(arg('--folds') ?? 3);
  const markdown = flags.markdown === true;
  const say = markdown ? (_: string) => {} : (line: string) => console.log(line);
  const only = arg('--files')
    ?.split(',')
    .map((s) => s.trim().replace(/\.jsonl$/, ''));
  const shipped = shippedModel();
  if (!shipped) {
    console.error('eval: the shipped learned model cannot be loaded (see the line above); run npm run train');
    process.exit(2);
  }
  const baselineMod = (await import(pathToFileURL(join(EVAL_DIR, 'baseline.mjs')).href)) as {
    detect: (t: string) => { move: string; start: number; end: number }[];
  };
  const tmp = mkdtempSync(join(tmpdir(), 'unspun-eval-'));
  const heldOut = new HeldOut(corpusDir, folds, say);
  const sets: { name: string; gold: string; covered?: string }[] = readdirSync(dataDir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => ({ name: basename(f, '.jsonl'), gold: join(dataDir, f) }));
  /** A folder of replies in the corpus format as one set, judged on every move; false when empty. */
  const addCorpusSet = (name: string, dir: string): boolean => {
    const units = corpusAsGold(dir);
    if (units.length === 0) return false;
    const gold = join(tmp, `${name}.jsonl`);
    writeFileSync(gold, toJsonl(units));
    sets.push({ name, gold, covered: MOVE_IDS.join(',') });
    return true;
  };
  addCorpusSet('corpus', corpusDir);
  // --blind DIR: replies in the corpus format that nothing here was tuned or trained on (written
  // without reading the rules), measured with the shipped model as a held-out set.
  const blindDir = arg('--blind');
  if (blindDir && !addCorpusSet('corpus-blind', resolve(ROOT, blindDir))) {
    console.error(`eval: no replies (*.jsonl in the corpus format) in ${blindDir}`);
    process.exit(2);
  }
  const rows: Row[] = [];
  const fourKb: string[] = [];
  try {
    for (const set of sets.filter((s) => !only || only.includes(s.name))) {
      const units = readFileSync(set.gold, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as GoldUnit);
      for (const u of units) if (fourKb.length < 60 && u.text.length > 200) fourKb.push(u.text);
      const plan = heldOut.plan(set.name, shipped);
      say(`\n${set.name}  (${units.length} units; learned tier: ${plan.kind}, ${plan.note})`);
      const preds = {
        baseline: predictBaseline(units, baselineMod.detect),
        rules: predictDetector(units, () => null),
        learned: predictDetector(units, (u) => plan.modelFor(u.id)),
      };
      const gate = gateFor(set.name);
      const row: Row = { set: set.name, units: units.length, heldOut: plan.kind, note: plan.note, gateFailures: [] };
      if (gate.kind === 'unlabelled') {
        const rate = (tag: keyof typeof preds): FlagRate => {
          const pred = join(tmp, `${set.name}.${tag}.jsonl`);
          writeFileSync(pred, toJsonl(preds[tag]));
          return JSON.parse(node('flag-rate.mjs', ['--gold', set.gold, '--pred', pred, '--json'])) as FlagRate;
        };
        const ordinary = { baseline: rate('baseline'), rules: rate('rules'), learned: rate('learned') };
        row.ordinary = ordinary;
        say('              any flag   severity ≥ 2');
        for (const tag of ['baseline', 'rules', 'learned'] as const) {
          say(`  ${tag.padEnd(10)}  ${pct(ordinary[tag].replies_with_any_flag).padStart(7)}    ${pct(ordinary[tag].replies_with_severity2_flag).padStart(7)}`);
        }
        if (ordinary.learned.replies_with_any_flag > gate.maxAnyFlag)
          row.gateFailures.push(`any flag ${pct(ordinary.learned.replies_with_any_flag)} > ${pct(gate.maxAnyFlag)}`);
        if (ordinary.learned.replies_with_severity2_flag > gate.maxSevere)
          row.gateFailures.push(`severity ≥ 2 ${pct(ordinary.learned.replies_with_severity2_flag)} > ${pct(gate.maxSevere)}`);
      } else {
        const scored = (tag: keyof typeof preds): Metrics => {
          const pred = join(tmp, `${set.name}.${tag}.jsonl`);
          writeFileSync(pred, toJsonl(preds[tag]));
          return JSON.parse(node('score.mjs', ['--gold', set.gold, '--pred', pred, '--json', ...(set.covered ? ['--covered', set.covered] : [])])) as Metrics;
        };
        const m = { baseline: scored('baseline'), rules: scored('rules'), learned: scored('learned') };
        row.labelled = m;
        say('              binary-F1  micro-F1  (P / R)          macro-F1  span-F1');
        for (const tag of ['baseline', 'rules', 'learned'] as const) {
          const mi = m[tag].per_move_avg?.micro;
          say(
            `  ${tag.padEnd(10)}  ${fmt(m[tag].binary.f1)}    ${fmt(mi?.f1)}  (${(mi?.precision ?? 0).toFixed(2)} / ${(mi?.recall ?? 0).toFixed(2)})  ${fmt(m[tag].per_move_avg?.macro.f1)}   ${fmt(m[tag].spans?.technique_agnostic.f1)}`,
          );
        }
        if (flags.moves === true) {
          for (const pm of m.learned.per_move) {
            const r = m.rules.per_move.find((x) => x.move === pm.move);
            const b = m.baseline.per_move.find((x) => x.move === pm.move);
            say(
              `    ${pm.move.padEnd(24)} gold ${String(pm.support).padStart(5)}  pred ${String(pm.n_pred).padStart(5)}  P ${fmt(pm.precision)} R ${fmt(pm.recall)} F1 ${fmt(pm.f1)}  (rules ${fmt(r?.f1)}, baseline ${fmt(b?.f1)})`,
            );
          }
        }
        const learnedMicro = m.learned.per_move_avg?.micro.f1 ?? 0;
        const baseMicro = m.baseline.per_move_avg?.micro.f1 ?? 0;
        if (gate.minMicroRatio > 0 && !(learnedMicro > gate.minMicroRatio * baseMicro))
          row.gateFailures.push(`micro-F1 ${learnedMicro.toFixed(3)} not above ${gate.minMicroRatio} × baseline ${baseMicro.toFixed(3)}`);
        if (gate.minBinaryF1 !== undefined && m.learned.binary.f1 < gate.minBinaryF1)
          row.gateFailures.push(`binary F1 ${m.learned.binary.f1.toFixed(3)} < ${gate.minBinaryF1}`);
        const span = m.learned.spans?.technique_agnostic.f1;
        if (gate.minSpanF1 !== undefined && !(span !== undefined && span >= gate.minSpanF1)) row.gateFailures.push(`span F1 ${fmt(span)} < ${gate.minSpanF1}`);
        for (const [move, floor] of Object.entries(gate.movesAtPrecision ?? {})) {
          const pm = m.learned.per_move.find((x) => x.move === move);
          if (!pm || pm.precision < floor.precision || pm.recall < floor.recall)
            row.gateFailures.push(`${move} P ${fmt(pm?.precision)} R ${fmt(pm?.recall)} (needs R ≥ ${floor.recall} at P ≥ ${floor.precision})`);
        }
      }
      for (const f of row.gateFailures) say(`  GATE: ${f}`);
      rows.push(row);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const replies = fourKbReplies(fourKb);
  const rulesMs = timeFourKb(replies, (t) => detect(t, { model: null }));
  const learnedMs = timeFourKb(replies, (t) => detect(t, { model: shipped }));
  const failures = rows.flatMap((r) => r.gateFailures.map((f) => `${r.set}: ${f}`));
  if (markdown) console.log(markdownTable(rows, shipped.version, folds));
  else {
    console.log(
      `\n4 KB reply: rules only ${rulesMs.toFixed(2)} ms, with learned tier ${learnedMs.toFixed(2)} ms (${(learnedMs / rulesMs).toFixed(2)}×; medians, same run)`,
    );
    console.log(failures.length ? `gates failed:\n  ${failures.join('\n  ')}` : 'every gate in test/eval/gates.ts met');
    console.log(`\nREADME table (npm run eval -- --markdown prints only this):\n\n${markdownTable(rows, shipped.version, folds)}`);
  }
  if (failures.length) process.exitCode = 1;
}

function fourKbReplies(texts: readonly string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const t of texts) {
    cur += t + '\n\n';
    if (cur.length >= 4096) {
      out.push(cur.slice(0, 4096));
      cur = '';
    }
  }
  return out.length ? out : [cur];
}

const HELD_OUT_LABEL: Record<HeldOutKind, string> = {
  'cross-file': 'cross-file',
  'cross-validation': 'k-fold CV',
  'not trained on': 'never trained on',
};

function markdownTable(rows: readonly Row[], version: string, folds: number): string {
  const f3 = (n: number | undefined | null) => (n === undefined || n === null ? '—' : n.toFixed(2));
  const lines = [
    `Offline detector quality (\`npm run eval -- --markdown\`, model \`${version}\`). Learned-tier figures are held out: "k-fold CV" = ${folds}-fold cross-validation, "cross-file" = trained on the other spiral file, "never trained on" = the shipped model on a set it never saw.`,
    '',
    '| set | learned tier measured | binary F1 baseline / rules / learned | per-move micro-F1 baseline / rules / learned | learned ÷ baseline | span F1 rules / learned |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    if (!r.labelled) continue;
    const { baseline: b, rules: ru, learned: l } = r.labelled;
    const bm = b.per_move_avg?.micro.f1 ?? 0;
    const lm = l.per_move_avg?.micro.f1 ?? 0;
    lines.push(
      `| ${r.set} | ${HELD_OUT_LABEL[r.heldOut]} | ${f3(b.binary.f1)} / ${f3(ru.binary.f1)} / **${f3(l.binary.f1)}** | ${f3(bm)} / ${f3(ru.per_move_avg?.micro.f1)} / **${f3(lm)}** | ${bm > 0 ? `${(lm / bm).toFixed(1)}×` : '—'} | ${f3(ru.spans?.technique_agnostic.f1)} / ${f3(l.spans?.technique_agnostic.f1)} |`,
    );
  }
  const ordinary = rows.filter((r) => r.ordinary);
  if (ordinary.length) {
    lines.push('', '| ordinary answers (no labels) | any flag baseline / rules / learned | severity ≥ 2 baseline / rules / learned |', '|---|---|---|');
    for (const r of ordinary) {
      const o = r.ordinary!;
      lines.push(
        `| ${r.set} | ${pct(o.baseline.replies_with_any_flag)} / ${pct(o.rules.replies_with_any_flag)} / **${pct(o.learned.replies_with_any_flag)}** | ${pct(o.baseline.replies_with_severity2_flag)} / ${pct(o.rules.replies_with_severity2_flag)} / **${pct(o.learned.replies_with_severity2_flag)}** |`,
      );
    }
  }
  const spiral = rows.filter((r) => r.set.startsWith('spiral-') && r.labelled);
  if (spiral.length) {
    lines.push('', '| spiral (cross-file) | emotional-appeal P / R | relational-manipulation P / R |', '|---|---|---|');
    for (const r of spiral) {
      const pm = (m: string) => r.labelled!.learned.per_move.find((x) => x.move === m);
      const ea = pm('emotional-appeal');
      const rm = pm('relational-manipulation');
      lines.push(`| ${r.set} | ${f3(ea?.precision)} / ${f3(ea?.recall)} | ${f3(rm?.precision)} / ${f3(rm?.recall)} |`);
    }
  }
  return lines.join('\n');
}

// --judge anthropic with --judge-prompt-dump: the same dump, with the verdicts written through the API.
if (flags.judge !== undefined && flags['judge-prompt-dump'] !== undefined) process.exit(await runJudgePromptApiCli(flags, ROOT));
else if (isJudgePromptCommand(process.argv)) process.exit(await runJudgePromptCli(process.argv, ROOT));
else await main();
