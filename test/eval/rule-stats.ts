// Dev helper: which rules earn their keep? For every rule, on every gold file whose covered moves
// include the rule's move, count the units it fires on and how many of those the gold confirms.
//   npx tsx test/eval/rule-stats.ts [--files a,b] [--rule ID] [--show fp|tp] [--n 10]
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { detect } from '#shared/detect/index';
import { EVAL_DIR } from './paths.ts';
const arg = (n: string) => {
  const i = process.argv.indexOf(n);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
interface Unit {
  id: string;
  text: string;
  moves: string[];
  partial_moves: string[];
}
const meta = JSON.parse(readFileSync(join(EVAL_DIR, 'datasets.json'), 'utf8')) as {
  datasets: { name: string; covered_moves: string[] }[];
};
const only = arg('--files')?.split(',');
const ruleFilter = arg('--rule');
const show = arg('--show');
const nShow = Number(arg('--n') ?? 8);
const files = readdirSync(join(EVAL_DIR, 'data'))
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => basename(f, '.jsonl'))
  .filter((f) => !only || only.includes(f));
const byQuote = new Map<string, { fire: number; tp: number }>();
const total = new Map<string, { fire: number; tp: number; per: string[] }>();
for (const name of files) {
  const covered = new Set(meta.datasets.find((d) => d.name === name)?.covered_moves ?? []);
  const units = readFileSync(join(EVAL_DIR, 'data', `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Unit);
  const stats = new Map<string, { fire: number; tp: number }>();
  for (const u of units) {
    const r = detect(u.text);
    const seen = new Set<string>();
    for (const f of r.flags) {
      if (!covered.has(f.move) || u.partial_moves.includes(f.move) || seen.has(f.ruleId!)) continue;
      seen.add(f.ruleId!);
      const s = stats.get(f.ruleId!) ?? { fire: 0, tp: 0 };
      s.fire++;
      const tp = u.moves.includes(f.move);
      if (tp) s.tp++;
      stats.set(f.ruleId!, s);
      if (ruleFilter && f.ruleId === ruleFilter) {
        const q = f.quote.toLowerCase().replace(/\s+/g, ' ');
        const bq = byQuote.get(q) ?? { fire: 0, tp: 0 };
        bq.fire++;
        if (tp) bq.tp++;
        byQuote.set(q, bq);
      }
      if (ruleFilter && f.ruleId === ruleFilter && show && (show === 'tp') === tp && nShow > 0) {
        console.log(
          `[${name}] ${tp ? 'TP' : 'FP'} «${f.quote}» :: ${u.text.slice(Math.max(0, f.start - 80), f.end + 80).replace(/\s+/g, ' ')}  gold=${u.moves.join(',')}`,
        );
      }
    }
  }
  for (const [id, s] of stats) {
    const t = total.get(id) ?? { fire: 0, tp: 0, per: [] };
    t.fire += s.fire;
    t.tp += s.tp;
    t.per.push(`${name.replace('-train', '-t').replace('-dev', '-d')}:${s.tp}/${s.fire}`);
    total.set(id, t);
  }
}
if (ruleFilter && process.argv.includes('--quotes')) {
  for (const [q, t] of [...byQuote].sort((a, b) => b[1].fire - a[1].fire).slice(0, 150)) {
    console.log(`  ${t.tp}/${t.fire}\t${q}`);
  }
}
if (!show) {
  for (const [id, t] of [...total].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`${id.padEnd(48)} ${String(t.tp).padStart(5)}/${String(t.fire).padEnd(5)} ${(t.tp / t.fire).toFixed(2)}  ${t.per.join(' ')}`);
  }
}
