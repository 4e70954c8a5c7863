// Readable pattern sources -> RegExp. Rules are written as regex sources where a literal space
// means "any run of whitespace" and a straight apostrophe also matches a curly one, so the data
// stays legible and still matches text pasted from chat UIs.

/** Turns a rule pattern source into the regex actually run (global, case-insensitive, unicode-safe). */
export function compilePattern(source: string, flags = 'gi', bounded = true): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      out += ch + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    if (!inClass && ch === ' ') out += '\\s+';
    else if (!inClass && ch === "'") out += "['\u2019]";
    else out += ch;
  }
  // Word boundaries on both sides: a cue never fires inside a longer word.
  // (A side that is itself a space or punctuation needs no boundary there.)
  return bounded
    ? new RegExp(`(?:(?!\\w)|(?<![\\w'\u2019-]))(?:${out})(?:(?<![\\w-])|(?![\\w-]))`, flags)
    : new RegExp(out, flags);
}

/** `alt(['a b', 'c'])` -> "(?:a b|c)": a list of phrases as one alternation source. */
export function alt(items: readonly string[]): string {
  return `(?:${items.join('|')})`;
}
