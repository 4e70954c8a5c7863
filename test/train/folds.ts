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
 * What a unit is folded by. The project corpus is written in batches of 80 by one writer each, as
 * minimal pairs (a flagged reply and its plain twin answer the same user turn). Its units fold by
 * batch: held out that way, a model is measured (and its add thresholds are chosen) on a writer's
 * wording it never trained on, which is what the product meets (folded by user turn, a held-out
 * fold still held the same writer's other replies). Without a batch, a corpus unit folds by its
 * user turn, so it never meets its twin; other sets fold by unit id.
 */
export function groupKey(u: Pick<TrainUnit, 'set' | 'id' | 'context' | 'batch'>): string {
  if (u.set !== 'corpus') return u.id;
  if (u.batch) return `batch:${u.batch}`;
  return u.context?.user ? `user:${u.context.user}` : u.id;
}
