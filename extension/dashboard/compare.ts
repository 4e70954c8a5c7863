// Side by side: two judges' flags on the same reply and how far they agree. Two flags match when
// they name the same move on overlapping spans (judges rarely choose the same exact offsets).
import type { Flag } from '#shared/schemas';

type Span = Pick<Flag, 'move' | 'start' | 'end'>;

export interface FlagComparison<F extends Span = Span> {
  /** Pairs of matching flags (a from the first judge, b from the second). */
  both: { a: F; b: F }[];
  onlyA: F[];
  onlyB: F[];
  /** |both| / (|both| + |onlyA| + |onlyB|); 1 when neither judge flagged anything. */
  agreement: number;
}

export function compareFlags<F extends Span>(a: readonly F[], b: readonly F[]): FlagComparison<F> {
  const used = new Set<number>();
  const both: { a: F; b: F }[] = [];
  const onlyA: F[] = [];
  for (const fa of [...a].sort((x, y) => x.start - y.start)) {
    const j = b.findIndex((fb, k) => !used.has(k) && fb.move === fa.move && fa.start < fb.end && fb.start < fa.end);
    if (j >= 0) {
      used.add(j);
      both.push({ a: fa, b: b[j]! });
    } else onlyA.push(fa);
  }
  const onlyB = b.filter((_, k) => !used.has(k));
  const union = both.length + onlyA.length + onlyB.length;
  return { both, onlyA, onlyB, agreement: union === 0 ? 1 : both.length / union };
}
