// GET /v1/taxonomy: the moves the detector and judge flag, with their definitions (shared/taxonomy.ts).
import { z } from 'zod';
import { MoveDefinition } from '../taxonomy.ts';

export const TaxonomyResponse = z.object({
  taxonomyVersion: z.string(),
  moves: z.array(MoveDefinition),
});
export type TaxonomyResponse = z.infer<typeof TaxonomyResponse>;
