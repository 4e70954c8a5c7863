// Pairing routes (how pairing works: shared/pairing.ts). POST /v1/pair/challenge (public): the
// proxy proves it holds the token; POST /v1/pair/confirm (token): the caller's extension origin
// becomes the paired one; POST /v1/pair/check (token): would this extension's requests be served?
import { z } from 'zod';

export { PairChallengeRequest, PairChallengeResponse } from '../pairing.ts';

export const PairConfirmResponse = z.object({
  /** false when the caller sent no Origin (a local tool): nothing recorded. */
  paired: z.boolean(),
  /** The paired extension origin, or null when none is. */
  origin: z.string().nullable(),
  version: z.string().max(64),
});
export type PairConfirmResponse = z.infer<typeof PairConfirmResponse>;

export const PairCheckResponse = z.object({ ok: z.literal(true), version: z.string().max(64) });
export type PairCheckResponse = z.infer<typeof PairCheckResponse>;
