// The moves Unspun flags, as data. Single source of truth for the detector, the judge prompt,
// the UI legend and exports. Ids are stable: stored scores and exports use them.
import { z } from 'zod';
import { MOVE_IDS, MoveId } from './schemas.ts';

export const taxonomyVersion = '2026-11-23.1';

export const FAMILIES = ['emotion', 'rapport', 'authority', 'logic', 'evidence', 'rhetoric', 'interest'] as const;
export const Family = z.enum(FAMILIES);
export type Family = z.infer<typeof Family>;

export const MoveDefinition = z.object({
  id: MoveId,
  name: z.string().min(1),
  family: Family,
  /** Plain language, one or two sentences, for readers. */
  definition: z.string().min(1),
  /** What would make the move *supported* (a source, a number, an argument ...). */
  supportedWhen: z.string().min(1),
  examples: z.array(z.string().min(1)).min(2),
  counterExamples: z.array(z.string().min(1)).min(2),
});
export type MoveDefinition = z.infer<typeof MoveDefinition>;

// TODO(taxonomy helper): fill in all 20 moves.
export const MOVES: readonly MoveDefinition[] = [];

export const MOVES_BY_ID = Object.fromEntries(MOVES.map((m) => [m.id, m])) as Record<MoveId, MoveDefinition>;
export { MOVE_IDS };
