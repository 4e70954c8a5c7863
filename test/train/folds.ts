// How units are split into folds, for the held-out measurement (test/eval/held-out.ts) and for the
// trainer's inner folds that choose its thresholds: the same rule in both places.
import type { TrainUnit } from './data.ts';

/** A unit's fold: a hash of its id, so folds do not depend on file order. */
export function foldOf(id: string, folds: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return (h >>> 0) % folds;
}

/**
 * What a unit is folded by. The project corpus writes minimal pairs: a flagged reply and its plain
 * twin answer the same user turn, so its units fold by that turn (group k-fold); otherwise a model
 * would be measured on the twin of a reply it trained on. Other sets fold by unit id.
 */
export function groupKey(u: Pick<TrainUnit, 'set' | 'id' | 'context'>): string {
  return u.set === 'corpus' && u.context?.user ? `user:${u.context.user}` : u.id;
}
