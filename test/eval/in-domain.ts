// Research measurement, never a shipped model: can the learned tier reach a dev set's target when
// it is trained on that very set? k-fold over the set's own units (grouped by unit id), each fold
// predicted by a model trained on everything shipped plus the set's other folds, with every move
// the set covers allowed to add flags (at precision floor IN_DOMAIN_FLOOR, default 0.5). Sets whose licence
// forbids shipping weights (cocolofa, LOGIC) can only ever be measured this way. Nothing is written
// but the prediction file.
//   npx tsx test/eval/in-domain.ts cocolofa-dev [--folds 3]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModel } from '#shared/detect/learned/model';
import type { MoveId } from '#shared/schemas';
import { coveredMoves, loadEvalSet, SHIPPABLE } from '../train/data.ts';
import { foldOf } from '../train/folds.ts';
import { EVAL_DIR } from './paths.ts';
import { predictDetector, toJsonl } from './predict.ts';

const set = process.argv[2];
if (!set) {
  console.error('usage: npx tsx test/eval/in-domain.ts SET [--folds K]');
  process.exit(2);
}
const at = process.argv.indexOf('--folds');
const folds = at > 0 ? Number(process.argv[at + 1]) : 3;
const floor = Number(process.env.IN_DOMAIN_FLOOR ?? 0.5);
// The trainer reads its add floors from the environment when it is first imported.
process.env.UNSPUN_TRAIN_ADD = JSON.stringify(Object.fromEntries(coveredMoves(set).map((m: MoveId) => [m, floor])));
const { prepare, train } = await import('../train/trainer.ts');

const own = loadEvalSet(set);
const shipped = Object.keys(SHIPPABLE).flatMap((s) => loadEvalSet(s));
const p = prepare([...shipped, ...own]);
const first = shipped.length;
const lines = [];
for (let k = 0; k < folds; k++) {
  const heldOut = new Set(own.map((u, i) => (foldOf(u.id, folds) === k ? first + i : -1)).filter((i) => i >= 0));
  const units = p.units.map((_, i) => i).filter((i) => !heldOut.has(i));
  const { model } = train(p, {
    seed: 1,
    units,
    trainedOn: [{ name: `in-domain:${set}:${k}`, licence: 'research only: never ship', units: units.length, source: 'eval' }],
  });
  const loaded = parseModel(model);
  if (!loaded.ok) throw new Error(loaded.error);
  console.log(`fold ${k}: ${Object.keys(model.moves).length} moves with weights`);
  const gold = own.filter((_, i) => heldOut.has(first + i)).map((u) => ({ id: u.id, text: u.text, dataset: set }));
  lines.push(...predictDetector(gold, () => loaded.model));
}
const out = join('.output', `in-domain-${set}.jsonl`);
writeFileSync(out, toJsonl(lines));
console.log(execFileSync('node', [join(EVAL_DIR, 'score.mjs'), '--gold', join(EVAL_DIR, 'data', `${set}.jsonl`), '--pred', out], { encoding: 'utf8' }));
