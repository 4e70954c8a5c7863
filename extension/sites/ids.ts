// Message ids for sites whose DOM has none (Claude, Copilot, Perplexity, DeepSeek, Poe).
//
// The conversation id is already part of the storage key (site:conversation:message), so the
// fallback hashes what identifies a turn inside one conversation: its role, the turn index when the
// PAGE gives one (e.g. a virtual list's data-index), and the text prefix. The DOM position is never
// used: virtualized lists unmount turns, so a reply's DOM index changes as the reader scrolls and
// the same reply would be stored twice. A regenerated reply has new text, hence a new id.

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

export function fallbackTurnId(role: string, text: string, pageIndex?: string | number | null): string {
  const normalized = text.replace(/\s+/g, ' ').trim().slice(0, PREFIX_CHARS);
  const index = pageIndex === undefined || pageIndex === null || pageIndex === '' ? '' : String(pageIndex);
  return FALLBACK_ID_PREFIX + hash53(`${role}\u0000${index}\u0000${normalized}`).toString(36);
}

export function isFallbackId(id: string): boolean {
  return id.startsWith(FALLBACK_ID_PREFIX);
}
