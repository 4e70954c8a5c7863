// Dev helper: time each rule's regex over a sample of the eval texts (which rules cost the most).
//   npx tsx test/eval/rule-timing.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '#shared/detect/rules';
import { alt, compilePattern } from '#shared/detect/pattern';
import { EVAL_DIR } from './paths.ts';
const texts: string[] = [];
for (const f of ['ptc20-train', 'sahai-train', 'cocolofa-dev']) {
  const lines = readFileSync(join(EVAL_DIR, 'data', `${f}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean);
  for (const l of lines.slice(0, 2000)) texts.push((JSON.parse(l) as { text: string }).text);
}
const kb = texts.reduce((s, t) => s + t.length, 0) / 1024;
const rows: [string, number][] = [];
for (const r of RULES) {
  const re = compilePattern(alt(r.pattern));
  const t0 = performance.now();
  for (const t of texts) {
    re.lastIndex = 0;
    while (re.exec(t)) {
      /* count nothing: timing only */
    }
  }
  rows.push([r.id, performance.now() - t0]);
}
rows.sort((a, b) => b[1] - a[1]);
const total = rows.reduce((s, r) => s + r[1], 0);
console.log(`${kb.toFixed(0)} KB, all rules ${total.toFixed(0)} ms (${(kb / (total / 1000)).toFixed(0)} KB/s)`);
for (const [id, ms] of rows) console.log(`${ms.toFixed(1).padStart(8)} ms  ${id}`);
