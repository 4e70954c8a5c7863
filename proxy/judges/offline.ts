import { detect, detectorVersion } from '#shared/detect';
import { taxonomyVersion } from '#shared/taxonomy';
import type { Judge } from './judge.ts';

/** The offline detector behind the Judge interface: no key, no network. */
export function createOfflineJudge(): Judge {
  return {
    kind: 'offline',
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
