import { readFileSync } from 'node:fs';
import { detect, versionWith } from '#shared/detect/index';
import { detectClaims } from '#shared/detect/claims';
import { parseModel, type LearnedModel } from '#shared/detect/learned/model';
import { describeUnusableModel, shippedModel } from '#shared/detect/learned/shipped';
import { taxonomyVersion } from '#shared/taxonomy';
import type { Judge, JudgeDefinition } from './judge-interface.ts';

export interface OfflineJudgeOptions {
  /** The learned tier's model: omitted = the shipped one, null = rules only. */
  model?: LearnedModel | null;
}

/**
 * A model file named at start (UNSPUN_DETECTOR_MODEL, e.g. a research model to measure): read
 * once; a missing or damaged file is named in one line and the detector runs rules only.
 */
export function loadModelFile(path: string, warn: (line: string) => void = (l) => console.warn(l)): LearnedModel | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    warn(describeUnusableModel(path, code === 'ENOENT' ? 'no such file' : (code ?? String(error))));
    return null;
  }
  const loaded = parseModel(text);
  if (!loaded.ok) {
    warn(describeUnusableModel(path, loaded.error));
    return null;
  }
  return loaded.model;
}

/** The offline detector behind the Judge interface: no key, no network. */
export function createOfflineJudge(options: OfflineJudgeOptions = {}): Judge & { promptVersion: string } {
  const model = options.model === undefined ? shippedModel() : options.model;
  // The cache key reads promptVersion: a new model or rule table never serves an old entry.
  const promptVersion = versionWith(model);
  return {
    kind: 'offline',
    promptVersion,
    async score(request) {
      const { flags, score, detectorVersion } = detect(request.reply.text, {
        context: request.context,
        ...(request.site ? { site: request.site } : {}),
        model,
      });
      return {
        flags,
        score,
        claims: detectClaims(request.reply.text),
        judge: { kind: 'offline', promptVersion: detectorVersion, taxonomyVersion, detectorVersion },
      };
    },
  };
}

export const offlineJudge: JudgeDefinition = {
  kind: 'offline',
  // Local and free, and faster than a cache lookup: nothing to cache, budget, queue or batch.
  capabilities: { cache: false, budget: false, upstream: false, batches: false },
  promptVersion: versionWith(shippedModel()),
  // UNSPUN_DETECTOR_MODEL names another model file (read once, here, at start).
  create: (settings) => createOfflineJudge(settings.detectorModel ? { model: loadModelFile(settings.detectorModel) } : {}),
};
