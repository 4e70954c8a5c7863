// Where a stored flag sits in the reply text as the page shows it now.
import { anchorQuote } from '#shared/anchor';
import type { Flag } from '#shared/schemas';

/**
 * The flag's own offsets when the text there is still its quote; else the quote found again
 * (exact or whitespace/quote-normalised, nearest the old offset). A fuzzy match could be a
 * different passage on a changed page, so it is not used: such a flag is not drawn.
 */
export function locateFlag(text: string, flag: Pick<Flag, 'start' | 'end' | 'quote'>): { start: number; end: number } | null {
  if (flag.end > flag.start && text.slice(flag.start, flag.end) === flag.quote) return { start: flag.start, end: flag.end };
  const anchor = anchorQuote(text, flag.quote, { near: flag.start });
  return anchor && anchor.method !== 'fuzzy' ? { start: anchor.start, end: anchor.end } : null;
}
