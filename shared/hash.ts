// Content hashes for versions: a detector or a judge prompt that changes gets a new version, so a
// result cached under the old one is never served for it. Pure (no node:crypto: shared/ also runs
// in the extension). FNV-1a is not a cryptographic hash; it only has to tell versions apart.

/** FNV-1a over the UTF-16 code units of `text`, 64 bits as 16 hex digits (two 32-bit lanes). */
export function fnv1a64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f; // a second lane with its own offset basis
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c ^ (a >>> 24), 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** `prefix-<12 hex>` from the JSON of every part, in order. */
export function contentVersion(prefix: string, parts: readonly unknown[]): string {
  return `${prefix}-${fnv1a64(JSON.stringify(parts)).slice(0, 12)}`;
}
