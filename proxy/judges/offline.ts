import { detect, detectorVersion } from '#shared/detect';
import { taxonomyVersion } from '#shared/taxonomy';
import type { Judge, JudgeDefinition } from './judge.ts';

/** The offline detector behind the Judge interface: no key, no network. */
export function createOfflineJudge(): Judge {
  return {
    kind: 'offline',
    promptVersion: detectorVersion,
    async score(request) {
      const { flags, score } = detect(request.reply.text, { context: request.context });
      return {
        flags,
        score,
        judge: { kind: 'offline', promptVersion: detectorVersion, taxonomyVersion },
      };
    },
  };
}

export const offlineJudge: JudgeDefinition = {
  kind: 'offline',
  // Local and free, and faster than a cache lookup: nothing to cache, budget, queue or batch.
  capabilities: { cache: false, budget: false, upstream: false, batches: false },
  promptVersion: detectorVersion,
  create: () => createOfflineJudge(),
};
