// The model file shipped with Unspun, imported statically so the proxy (tsx) and the extension
// (Vite) load the very same weights with no file I/O. Written by `npm run train`; it is decoded
// and checked on first use. A damaged file is named in one console line and the detector runs
// rules only (its detectorVersion then ends in "+rules-only"); no reply goes unscored for it.
import raw from './model.json';
import { parseModel, type LearnedModel, type ModelLoad } from './model.ts';

export const SHIPPED_MODEL_PATH = 'shared/detect/learned/model.json';

let loaded: ModelLoad | undefined;

/** Reports a model that cannot be used, once per process: one line that names the file. */
export function describeUnusableModel(path: string, error: string): string {
  return `unspun: learned model ${path} is unusable (${error}); the offline detector runs rules only`;
}

export function shippedModel(): LearnedModel | null {
  if (!loaded) {
    loaded = parseModel(raw as unknown);
    if (!loaded.ok) console.warn(describeUnusableModel(SHIPPED_MODEL_PATH, loaded.error));
  }
  return loaded.ok ? loaded.model : null;
}
