// Readable pattern sources -> RegExp. Rules are written as regex sources where a literal space
// means "any run of whitespace" and a straight apostrophe also matches a curly one, so the data
// stays legible and still matches text pasted from chat UIs.

/**
 * Contractions people often type without the apostrophe online ("dont", "youre", "thats", "Ive"):
 * n't, 're, 's, 'm, 've and 'd match with or without it. Not 'll ("well", "hell", "shell"), nor
 * we're, we'd, she'd ("were", "wed", "shed").
 */
const OPTIONAL_APOSTROPHE = /^(?:n't|.'(?:re|s|m|ve|d)(?![a-z]))/;
/** ...except where dropping it spells another word: we're/were, we'd/wed, she'd/shed, he'd/hed. */
const REAL_WORD_WITHOUT = /(?:^|[^a-z])(?:we'(?:re|d)|s?he'd)(?![a-z])/i;

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
    if (!inClass && ch === ' ' && source[i + 1] === '?') {
      out += '\\s*'; // "a ?b": optional whitespace
      i++;
    } else if (!inClass && ch === ' ') out += '\\s+';
    else if (!inClass && ch === "'") {
      const optional = OPTIONAL_APOSTROPHE.test(source.slice(i - 1, i + 3)) && !REAL_WORD_WITHOUT.test(source.slice(Math.max(0, i - 4), i + 3));
      out += optional ? "['\u2019]?" : "['\u2019]";
    } else out += ch;
  }
  // Word boundaries on both sides: a cue never fires inside a longer word. `\b` up front keeps
  // V8's fast scan (a lookbehind there costs 2-3x); the detector also drops matches glued to a
  // preceding apostrophe or hyphen (see isGluedToPrevious). A trailing space or punctuation
  // needs no boundary after it.
  return bounded ? new RegExp(`\\b(?:${out})(?:(?<![\\w-])|(?![\\w-]))`, flags) : new RegExp(out, flags);
}

/** `alt(['a b', 'c'])` -> "(?:a b|c)": a list of phrases as one alternation source. */
export function alt(items: readonly string[]): string {
  return `(?:${items.join('|')})`;
}

/** True when a match starting at `start` continues a word through an apostrophe or hyphen ("non-natural"). */
export function isGluedToPrevious(text: string, start: number): boolean {
  if (start === 0) return false;
  const prev = text[start - 1]!;
  return (prev === "'" || prev === '\u2019' || prev === '-') && /\w/.test(text[start] ?? '');
}

/** `re.test(text)` from the start of `text`, whatever a global pattern's last search left in `lastIndex`. */
export function testFromStart(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}
