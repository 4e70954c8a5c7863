// Dev helper: sample gold units the detector misses for one move.
//   npx tsx test/eval/misses.ts FILE MOVE [N]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detect } from '#shared/detect/index';
import { EVAL_DIR } from './paths.ts';

const [file, move, n = '15'] = process.argv.slice(2);
const units = readFileSync(join(EVAL_DIR, 'data', `${file}.jsonl`), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { text: string; moves: string[] });
const misses = units.filter((u) => u.moves.includes(move!) && !detect(u.text).flags.some((f) => f.move === move));
console.log(`${misses.length} of ${units.filter((u) => u.moves.includes(move!)).length} missed`);
for (let i = 0; i < misses.length && i < Number(n); i += 1) {
  const u = misses[Math.floor((i * misses.length) / Number(n))]!;
  console.log(' -', u.text.slice(0, 200).replace(/\s+/g, ' '));
}
