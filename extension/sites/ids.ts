// Message ids for sites whose DOM has none (Claude, Perplexity, DeepSeek, Poe; others when their
// ids drift away).
//
// The conversation id is already part of the storage key (site:conversation:message), so a
// fallback id hashes what identifies a turn inside one conversation and survives a re-render:
// - its role and normalised text prefix (a regenerated reply has new text, hence a new id);
// - for a reply, the text of the user turn it answers: two identical replies ("Done.") to
//   different questions stay two messages;
// - a key the PAGE gives the turn (a virtual list's item key, `data-index`) when there is one:
//   then the user turn is left out, since a virtual list may have unmounted it;
// - an occurrence number, only when the same turn occurs again (the same question asked twice
//   and answered alike).
// Never the DOM position: virtual lists unmount turns and sites re-render them, so a position
// changes while the reply does not, and the same reply would be stored twice.
// Adapters give the role, text and page key; `settleTurns` (sites/turns.ts) adds the context.

const PREFIX_CHARS = 200;

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain). Not cryptographic; needs not be. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Ids made by `fallbackTurnId` start with this, so stored records say they are not the site's. */
export const FALLBACK_ID_PREFIX = 'fb-';

export interface FallbackContext {
  /** A key the page itself gives the turn (virtual-list key, data-index). */
  pageKey?: string | number | null;
  /** For a reply: the text of the user turn it answers. Ignored when there is a page key. */
  answers?: string | null;
  /** 0 for the first such turn in the thread, 1 for its first repeat, … */
  occurrence?: number;
}

const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, PREFIX_CHARS);

export function fallbackTurnId(role: string, text: string, context: FallbackContext = {}): string {
  const key = context.pageKey === undefined || context.pageKey === null || context.pageKey === '' ? '' : String(context.pageKey);
  const answers = key ? '' : normalise(context.answers ?? '');
  const occurrence = context.occurrence ? `\u0000#${context.occurrence}` : '';
  return FALLBACK_ID_PREFIX + hash53(`${role}\u0000${key}\u0000${answers}\u0000${normalise(text)}${occurrence}`).toString(36);
}

export function isFallbackId(id: string): boolean {
  return id.startsWith(FALLBACK_ID_PREFIX);
}
