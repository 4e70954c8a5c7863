import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { detect } from '#shared/detect';
import { parseModel } from '#shared/detect/learned/model';
import { loadCorpus, loadEvalSet, SHIPPABLE } from '../train/data.ts';
import { prepare, train, HYPER } from '../train/trainer.ts';
import { chatContext, predictDetector, toJsonl } from './predict.ts';
const units = [...Object.keys(SHIPPABLE).flatMap((s) => loadEvalSet(s)), ...loadCorpus(process.env.CORPUS ?? '/work/wt/corpus/test/corpus')];
const p = prepare(units);
const read = (f: string) => readFileSync(`/work/shared/eval/data/${f}.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const ord = read('ordinary-alpacaeval');
const configs = JSON.parse(process.argv[2] ?? '[{}]') as Record<string, number>[];
for (const c of configs) {
  Object.assign(HYPER, c);
  const t0 = performance.now();
  const full = parseModel(train(p, { seed: 1, trainedOn: [] }).model);
  if (!full.ok) throw new Error(full.error);
  let any = 0, sev = 0;
  for (const u of ord) { const ctx = chatContext(u); const r = detect(u.text, { ...(ctx ? { context: ctx } : {}), model: full.model }); if (r.flags.length) any++; if (r.flags.some(f => f.severity >= 2)) sev++; }
  const out: string[] = [`ordinary any ${(100*any/ord.length).toFixed(1)}% sev2 ${(100*sev/ord.length).toFixed(1)}%`];
  for (const s of ['spiral-kimi-k2', 'spiral-llama-4-maverick']) {
    const m = parseModel(train(p, { seed: 1, trainedOn: [], units: p.units.map((_, i) => i).filter((i) => p.units[i]!.set !== s) }).model);
    if (!m.ok) throw new Error(m.error);
    writeFileSync(`/tmp/_exp_${s}.jsonl`, toJsonl(predictDetector(read(s), () => m.model)));
    const r = JSON.parse(execFileSync(process.execPath, ['/work/shared/eval/score.mjs', '--gold', `/work/shared/eval/data/${s}.jsonl`, '--pred', `/tmp/_exp_${s}.jsonl`, '--json'], { encoding: 'utf8' }));
    const pm = (mv: string) => { const x = r.per_move.find((y: any) => y.move === mv); return `${x.precision.toFixed(2)}/${x.recall.toFixed(2)}`; };
    out.push(`${s.slice(7, 12)} bin ${r.binary.f1.toFixed(3)} EA ${pm('emotional-appeal')} RM ${pm('relational-manipulation')}`);
  }
  console.log(JSON.stringify(c), out.join(' | '), `${((performance.now() - t0) / 1000).toFixed(0)}s`);
}
