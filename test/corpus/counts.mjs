// Prints the corpus counts pasted into test/corpus/README.md: replies per kind and site, and per
// move the replies where it is flagged (unsupported/weak) and where it was requested.
// Run: node test/corpus/counts.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const replies = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)));

const tally = (pick) => {
  const out = new Map();
  for (const r of replies) for (const key of new Set(pick(r))) out.set(key, (out.get(key) ?? 0) + 1);
  return out;
};
const kinds = tally((r) => [r.kind]);
const sites = tally((r) => [r.site]);
const flagged = tally((r) => r.moves.filter((m) => m.support !== 'requested').map((m) => m.move));
const requested = tally((r) => r.moves.filter((m) => m.support === 'requested').map((m) => m.move));
const negatives = replies.length - (kinds.get('positive') ?? 0);

console.log(`Replies: ${replies.length}; with earlier turns (context.previous): ${replies.filter((r) => r.context.previous).length}`);
console.log(`Negatives: ${negatives} (${((100 * negatives) / replies.length).toFixed(1)}%)\n`);
console.log('| kind | replies |\n|---|---|');
for (const [k, n] of [...kinds].sort()) console.log(`| ${k} | ${n} |`);
console.log('\n| site | replies |\n|---|---|');
for (const [k, n] of [...sites].sort((a, b) => b[1] - a[1])) console.log(`| ${k} | ${n} |`);
console.log('\n| move | positive replies (unsupported/weak) | requested |\n|---|---|---|');
const ids = [...new Set([...flagged.keys(), ...requested.keys()])].sort();
for (const id of ids) console.log(`| ${id} | ${flagged.get(id) ?? 0} | ${requested.get(id) ?? 0} |`);
