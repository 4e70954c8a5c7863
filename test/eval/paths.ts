// Where the shared evaluation handout lives: `../shared/eval` beside the project.
// Resolved through symlinks, because score.mjs only runs its main() when argv[1] is its real path.
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';

const declared = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'eval');
export const EVAL_DIR = existsSync(declared) ? realpathSync(declared) : declared;

/** The handout's scorers are there (tests that score through them skip without it). */
export const HAS_SCORERS = ['score.mjs', 'flag-rate.mjs', 'datasets.json'].every((f) => existsSync(join(EVAL_DIR, f)));
