// Reply-level score 0..100: how much the reply pushes without backing it up.
// Persuasion as such is not penalised: supported and requested moves weigh little, unsupported
// ones weigh most, and each added flag counts for less (saturating), so a long honest reply with
// one strong word does not outscore a short manipulative one.
import type { Flag, Support } from '../schemas.ts';

const SUPPORT_WEIGHT: Record<Support, number> = {
  unsupported: 1,
  weak: 0.6,
  supported: 0.15,
  requested: 0.1,
};

/** Flag weight at which the score reaches ~63 (1 - 1/e): one mild unsupported move scores ~12,
 * one strong one ~31, five strong ones ~85. */
const SCALE = 8;

export function scoreFlags(flags: readonly Flag[]): number {
  let load = 0;
  const seenMoves = new Set<string>();
  for (const f of flags) {
    // Repeats of a move already flagged count half: breadth of tactics matters more than repetition.
    const repeat = seenMoves.has(f.move) ? 0.5 : 1;
    seenMoves.add(f.move);
    load += f.severity * SUPPORT_WEIGHT[f.support] * repeat;
  }
  return Math.round(100 * (1 - Math.exp(-load / SCALE)));
}
