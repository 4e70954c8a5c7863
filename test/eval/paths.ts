// Where the shared evaluation handout lives: `../shared/eval` beside the project.
// Resolved through symlinks, because score.mjs only runs its main() when argv[1] is its real path.
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';

const declared = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'eval');
export const EVAL_DIR = existsSync(declared) ? realpathSync(declared) : declared;
