// npm run train [-- --corpus DIR] [--seed N] [--out FILE] [--research]
// Trains the detector's learned tier, deterministically and offline, and writes the model file.
//   shipped (default): sahai-*, argotario, spiral-* (licences allow it) and the project's corpus
//                      (test/corpus) -> shared/detect/learned/model.json, loaded by proxy and extension;
//   --research:        also every other labelled dev set, for measurement only -> .output/ by default;
//                      refuses to write the shipped file (such weights must never ship).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgv } from '../../proxy/argv.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const SHIPPED_FILE = join(ROOT, 'shared', 'detect', 'learned', 'model.json');

const FLAGS = { corpus: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, research: { type: 'boolean' } } as const;
const flags = (() => {
  try {
    return parseArgv(process.argv.slice(2), { options: FLAGS }, (message) => new Error(message)).values;
  } catch (error) {
    console.error(`train: ${(error as Error).message} (flags: --corpus DIR, --seed N, --out FILE, --research)`);
    process.exit(2);
  }
})();
const arg = (name: `--${keyof typeof FLAGS}`): string | undefined => {
  const value = flags[name.slice(2)];
  return typeof value === 'string' ? value : undefined;
};

// The detector imports the shipped model file statically; a missing one is recreated as an
// unusable placeholder first (the detector then runs rules only) so training can always start.
if (!existsSync(SHIPPED_FILE)) {
  console.warn(`train: ${relative(ROOT, SHIPPED_FILE)} is missing; writing a placeholder so the rules can run`);
  writeFileSync(SHIPPED_FILE, '{}\n');
}

const { CORPUS_LICENCE, loadCorpus, loadEvalSet, RESEARCH_ONLY, SHIPPABLE } = await import('./data.ts');
const { prepare, train } = await import('./trainer.ts');

const research = flags.research === true;
const corpusDir = resolve(ROOT, arg('--corpus') ?? join('test', 'corpus'));
const seed = Number(arg('--seed') ?? 1);
if (!Number.isInteger(seed)) {
  console.error(`train: --seed must be a whole number, not ${JSON.stringify(arg('--seed'))}`);
  process.exit(2);
}
const out = resolve(ROOT, arg('--out') ?? (research ? join('.output', 'research-model.json') : SHIPPED_FILE));
if (research && out === SHIPPED_FILE) {
  console.error(`train: --research weights use data whose licence forbids shipping; refusing to write ${relative(ROOT, SHIPPED_FILE)}`);
  process.exit(2);
}

const started = performance.now();
const sets = [...Object.keys(SHIPPABLE), ...(research ? RESEARCH_ONLY : [])];
const units = sets.flatMap((s) => loadEvalSet(s));
const corpus = loadCorpus(corpusDir);
if (corpus.length === 0) console.warn(`train: no corpus at ${relative(ROOT, corpusDir) || corpusDir} (*.jsonl); training without it`);
const all = [...units, ...corpus];
const trainedOn = [
  ...sets.map((s) => ({
    name: s,
    licence: SHIPPABLE[s] ?? 'research only: never ship',
    units: units.filter((u) => u.set === s).length,
    source: '../shared/eval/data',
  })),
  ...(corpus.length ? [{ name: 'corpus', licence: CORPUS_LICENCE, units: corpus.length, source: relative(ROOT, corpusDir) }] : []),
];
console.log(
  `train: ${all.length} replies (${all.reduce((n, u) => n + u.sentences.length, 0)} sentences) from ${trainedOn.map((t) => `${t.name} ${t.units}`).join(', ')}`,
);
const prepared = prepare(all);
console.log(`train: rules and features ready in ${((performance.now() - started) / 1000).toFixed(1)} s; fitting (seed ${seed})`);
const { model } = train(prepared, { seed, trainedOn, log: (l) => console.log(l) });
mkdirSync(dirname(out), { recursive: true });
const text = JSON.stringify(model, null, 1) + '\n';
writeFileSync(out, text);
console.log(
  `train: wrote ${relative(ROOT, out)} (${model.version}, ${Object.keys(model.moves).length} moves, ${(text.length / 1024).toFixed(0)} KB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
