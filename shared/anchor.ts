// Quote -> offsets. A judge (or a person) quotes the reply loosely: other quote marks, collapsed
// whitespace, markdown stripped or kept, a word misremembered. We find the passage the quote refers
// to and return offsets into the *original* text, so a highlight always covers real reply text.
// Order: exact, then normalised (through an index map back to the original), then fuzzy.

export type AnchorMethod = 'exact' | 'normalized' | 'fuzzy';

export interface Anchor {
  /** UTF-16 offsets into the text, end exclusive. */
  start: number;
  end: number;
  method: AnchorMethod;
}

export interface AnchorOptions {
  /** Preferred offset (e.g. where the judge said the quote starts): picks among repeated matches. */
  near?: number;
}

/** Fuzzy matches must keep at least this share of the quote (1 - edits / quote length). */
export const FUZZY_THRESHOLD = 0.85;
/** Below this many normalised chars a fuzzy hit is too likely to be a different passage. */
const FUZZY_MIN_CHARS = 12;
/** Above this, fuzzy verification (quadratic in the quote) is not worth it; judges quote short spans. */
const FUZZY_MAX_CHARS = 2000;
const QGRAM = 4;
/** A q-gram repeated more often than this in the quote ("----", "aaaa") stops voting: keeps voting linear. */
const QGRAM_MAX_POSTINGS = 32;
/** How many candidate regions fuzzy verification looks at ... */
const FUZZY_CANDIDATES = 8;
/** ... within this many edit-distance cells (~20-60 ms), so repetitive text cannot stall a reply. */
const FUZZY_CELL_BUDGET = 16_000_000;
/** Word snapping never grows a boundary by more than this (long URLs, base64 ...). */
const SNAP_LIMIT = 40;
/** Largest gap an elided quote ("A ... B") may skip, in normalised chars. */
const ELISION_MAX_GAP = 2000;

export function anchorQuote(text: string, quote: string, options: AnchorOptions = {}): Anchor | null {
  if (text.length === 0) return null;
  // A quote with nothing a reader could see (blank, bare markdown, invisible marks) anchors nowhere.
  const q = normalize(quote).text;
  if (q.length === 0) return null;
  const near = options.near;

  const exact = findExact(text, quote, near);
  if (exact) return { ...exact, method: 'exact' };

  const t = normalizeCached(text);

  const normalized = findNormalized(t, q, near);
  if (normalized) return { ...balanceEmphasis(text, normalized), method: 'normalized' };

  const fuzzy = findFuzzy(t, q, near);
  if (fuzzy) return { ...balanceEmphasis(text, snapToWords(text, fuzzy.start, fuzzy.end)), method: 'fuzzy' };
  return null;
}

interface Span {
  start: number;
  end: number;
}

// ---------------------------------------------------------------------------------------------
// exact

function findExact(text: string, quote: string, near: number | undefined): Span | null {
  const found: Span[] = [];
  for (let i = text.indexOf(quote); i !== -1; i = text.indexOf(quote, i + 1)) {
    const end = i + quote.length;
    // A quote made of half a surrogate pair would cut a character in two.
    if (splitsPair(text, i) || splitsPair(text, end)) continue;
    if (near === undefined) return { start: i, end };
    found.push({ start: i, end });
  }
  return pickNearest(found, near);
}

function pickNearest(spans: readonly Span[], near: number | undefined): Span | null {
  let best: Span | null = null;
  for (const s of spans) {
    // Spans arrive in text order, so a strict comparison keeps the earlier one on a tie.
    if (!best || (near !== undefined && Math.abs(s.start - near) < Math.abs(best.start - near))) best = s;
  }
  return best;
}

function splitsPair(s: string, i: number): boolean {
  return i > 0 && i < s.length && isHigh(s.charCodeAt(i - 1)) && isLow(s.charCodeAt(i));
}
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

// ---------------------------------------------------------------------------------------------
// normalisation with an index map

interface Normalized {
  text: string;
  /** For each normalised UTF-16 unit, the original range [from, to) it came from. */
  from: Int32Array;
  to: Int32Array;
}

let cache: { source: string; value: Normalized } | null = null;

// One reply is usually anchored for many flags in a row: normalise it once.
function normalizeCached(text: string): Normalized {
  if (cache?.source === text) return cache.value;
  const value = normalize(text);
  cache = { source: text, value };
  return value;
}

const SINGLE_QUOTES = new Set([0x2018, 0x2019, 0x201a, 0x201b, 0x2032, 0x2039, 0x203a, 0xff07]);
const DOUBLE_QUOTES = new Set([0x201c, 0x201d, 0x201e, 0x201f, 0x2033, 0x00ab, 0x00bb, 0xff02]);
const DASHES = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d]);
// Invisible characters that copy-paste adds or drops at will.
const INVISIBLE = new Set([0x00ad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
const WHITESPACE = /\s/;

/** The folded form of one code point ('' drops it). */
function fold(cp: number, ch: string): string {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : WHITESPACE.test(ch) ? ' ' : ch;
  if (INVISIBLE.has(cp)) return '';
  if (SINGLE_QUOTES.has(cp)) return "'";
  if (DOUBLE_QUOTES.has(cp)) return '"';
  if (DASHES.has(cp)) return '-';
  if (cp === 0x2026) return '...';
  // Full case folding where lower-casing alone disagrees with upper-casing: STRASSE = straße.
  if (cp === 0x00df || cp === 0x1e9e) return 'ss';
  if (cp === 0x03c2) return 'σ';
  if (WHITESPACE.test(ch)) return ' ';
  // NFKD per code point makes composed and decomposed accents, full-width forms and ligatures agree.
  return ch.normalize('NFKD').toLowerCase();
}

function normalize(source: string): Normalized {
  const drop = markdownMask(source);
  const units: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const last = () => units[units.length - 1];
  const pop = () => {
    units.pop();
    from.pop();
    to.pop();
  };

  for (let i = 0; i < source.length; ) {
    const cp = source.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (!drop[i]) {
      const folded = fold(cp, source.slice(i, i + width));
      for (const u of folded) {
        for (let k = 0; k < u.length; k++) {
          const c = u[k]!;
          if (c === ' ') {
            // Collapse whitespace runs, and spacing around dashes ("a - b", "a—b", "a -- b").
            if (units.length === 0 || last() === ' ' || last() === '-') continue;
          } else if (c === '-') {
            if (last() === '-') continue;
            if (last() === ' ') pop();
          }
          units.push(c);
          from.push(i);
          to.push(i + width);
        }
      }
    }
    i += width;
  }
  if (last() === ' ') pop();
  return { text: units.join(''), from: Int32Array.from(from), to: Int32Array.from(to) };
}

const LINK = /!?\[([^[\]\n]*)\](\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)|\[[^[\]\n]*\])/g;
const AUTOLINK = /<((?:https?|mailto):[^<>\s]+)>/g;
const LINE_MARKER = /(^|\n)[ \t]*((?:>[ \t]?)*)(#{1,6}(?=[ \t])|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))?/g;
const WORDISH = /[\p{L}\p{N}]/u;

/** 1 where a UTF-16 unit is markdown syntax that rendered text would not show. */
function markdownMask(s: string): Uint8Array {
  const drop = new Uint8Array(s.length);
  if (!/[*_~`[\]<>#\\\d+-]/.test(s)) return drop;

  for (const m of s.matchAll(LINK)) {
    const start = m.index;
    const labelStart = start + m[0].indexOf('[') + 1;
    const labelEnd = labelStart + m[1]!.length;
    drop.fill(1, start, labelStart);
    drop.fill(1, labelEnd, start + m[0].length);
  }
  for (const m of s.matchAll(AUTOLINK)) {
    drop[m.index] = 1;
    drop[m.index + m[0].length - 1] = 1;
  }
  for (const m of s.matchAll(LINE_MARKER)) {
    const markerStart = m.index + m[1]!.length;
    drop.fill(1, markerStart, m.index + m[0].length);
  }
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '*' || c === '`') drop[i] = 1;
    else if (c === '~' && (s[i + 1] === '~' || s[i - 1] === '~')) drop[i] = 1;
    // snake_case stays; _emphasis_ goes.
    else if (c === '_' && !(WORDISH.test(s[i - 1] ?? '') && WORDISH.test(s[i + 1] ?? ''))) drop[i] = 1;
    else if (c === '\\' && /[!-/:-@[-`{-~]/.test(s[i + 1] ?? '')) drop[i] = 1;
  }
  return drop;
}

/**
 * "**the best** plan" quoted as "the best plan" maps to "the best** plan": take in the opening
 * marker too, so a span over raw markdown never holds half an emphasis pair.
 */
function balanceEmphasis(text: string, span: Span): Span {
  let { start, end } = span;
  for (const mark of ['*', '_', '~', '`']) {
    if (countRuns(text.slice(start, end), mark) % 2 === 0) continue;
    if (text[start - 1] === mark) while (text[start - 1] === mark) start--;
    else if (text[end] === mark) while (text[end] === mark) end++;
  }
  return { start, end };
}

function countRuns(s: string, mark: string): number {
  let runs = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === mark && s[i - 1] !== mark) runs++;
  return runs;
}

function toOriginal(t: Normalized, a: number, b: number): Span {
  return { start: t.from[a]!, end: t.to[b - 1]! };
}

// ---------------------------------------------------------------------------------------------
// normalised search, including quotes that elide with "..."

function findNormalized(t: Normalized, q: string, near: number | undefined): Span | null {
  for (const variant of quoteVariants(q)) {
    const direct = allOccurrences(t.text, variant)
      .filter((a) => !splitsPair(t.text, a) && !splitsPair(t.text, a + variant.length))
      .map((a) => toOriginal(t, a, a + variant.length));
    if (direct.length > 0) return pickNearest(direct, near);
  }

  // "...the rest of the sentence" or "First part ... last part": the dots mark an omission.
  if (!q.includes('...')) return null;
  const parts = q
    .split(/\s?\.{3,}\s?/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0 || parts.some((p) => p.length < 3)) return null;

  const spans: Span[] = [];
  for (const a of allOccurrences(t.text, parts[0]!)) {
    let end = a + parts[0]!.length;
    let ok = true;
    for (const part of parts.slice(1)) {
      const next = t.text.indexOf(part, end);
      if (next === -1 || next - end > ELISION_MAX_GAP) {
        ok = false;
        break;
      }
      end = next + part.length;
    }
    if (ok) spans.push(toOriginal(t, a, end));
  }
  return pickNearest(spans, near);
}

/**
 * The quote as given, then without the quotation marks a judge wraps it in, then without its
 * closing punctuation ("Act now!" for "Act now."). Each drops only what is not the passage itself.
 */
function quoteVariants(q: string): string[] {
  const out = [q];
  const unwrapped = q.replace(/^(["'])(.+)\1$/s, '$2').trim();
  if (unwrapped !== q && unwrapped.length > 0) out.push(unwrapped);
  const bare = unwrapped.replace(/[.!?,;:]+$/, '').trim();
  if (bare !== unwrapped && bare.length > 0) out.push(bare);
  return out;
}

function allOccurrences(haystack: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) out.push(i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// fuzzy: q-gram diagonal voting finds candidate regions in linear time, then an edit-distance
// alignment (free start and end in the text) verifies each. Cost ~ O(n + candidates * m^2).

interface FuzzyHit extends Span {
  distance: number;
}

function findFuzzy(t: Normalized, q: string, near: number | undefined): Span | null {
  const m = q.length;
  const n = t.text.length;
  if (m < FUZZY_MIN_CHARS || m > FUZZY_MAX_CHARS) return null;
  const k = Math.floor(m * (1 - FUZZY_THRESHOLD) + 1e-9);
  if (n < m - k) return null;

  // q-gram lemma: a match with <= k edits shares >= (m - q + 1) - k*q q-grams with the quote,
  // all on diagonals (text pos - quote pos) within k of its start.
  const grams = new Map<string, number[]>();
  let silenced = 0;
  for (let j = 0; j + QGRAM <= m; j++) {
    const g = q.slice(j, j + QGRAM);
    const list = grams.get(g);
    if (!list) grams.set(g, [j]);
    else if (list.length < QGRAM_MAX_POSTINGS) list.push(j);
    else silenced++;
  }
  // Each silenced quote position could have been one of the shared q-grams: lower the bar by it.
  const needed = Math.max(1, m - QGRAM + 1 - k * QGRAM - silenced);
  const votes = new Int32Array(n + m + 1); // index = diagonal + m
  for (let i = 0; i + QGRAM <= n; i++) {
    const js = grams.get(t.text.slice(i, i + QGRAM));
    if (js) for (const j of js) votes[i - j + m]!++;
  }

  // Sliding sum over a band of 2k+1 diagonals; keep the strongest, non-overlapping bands.
  const width = 2 * k + 1;
  const bands: { center: number; sum: number }[] = [];
  let sum = 0;
  for (let d = 0; d < votes.length; d++) {
    sum += votes[d]!;
    if (d >= width) sum -= votes[d - width]!;
    if (sum >= needed && sum > 0) bands.push({ center: d - k - m, sum });
  }
  bands.sort((x, y) => y.sum - x.sum || x.center - y.center);
  const chosen: number[] = [];
  for (const b of bands) {
    if (chosen.length >= FUZZY_CANDIDATES) break;
    if (chosen.every((c) => Math.abs(c - b.center) > m)) chosen.push(b.center);
  }

  let best: FuzzyHit | null = null;
  const hits: FuzzyHit[] = [];
  let cells = 0;
  for (const center of chosen) {
    const lo = Math.max(0, center - 2 * k - 1);
    const hi = Math.min(n, center + m + 2 * k + 1);
    cells += (hi - lo) * m;
    if (best && cells > FUZZY_CELL_BUDGET) break;
    // Once a match is known, later candidates only need to equal it (ties go to `near`).
    const hit = align(t.text, q, lo, hi, best ? best.distance : k);
    if (hit) {
      hits.push(hit);
      if (!best || hit.distance < best.distance) best = hit;
    }
  }
  if (!best) return null;
  const bestDistance = best.distance;
  const tied = hits
    .filter((h) => h.distance === bestDistance)
    .sort((x, y) => x.start - y.start)
    .map((h) => trimSpaces(t, h));
  return pickNearest(tied, near);
}

function trimSpaces(t: Normalized, h: Span): Span {
  let a = h.start;
  let b = h.end;
  while (a < b && t.text[a] === ' ') a++;
  while (b > a && t.text[b - 1] === ' ') b--;
  return toOriginal(t, a, b);
}

/**
 * Best approximate occurrence of q in text[lo, hi) with at most maxDistance edits: semi-global
 * Levenshtein (Sellers) with Ukkonen's cut-off, so rows that already exceed the budget are
 * skipped. Each cell carries the text position where its alignment started.
 */
function align(text: string, q: string, lo: number, hi: number, maxDistance: number): FuzzyHit | null {
  const m = q.length;
  const over = maxDistance + 1;
  let prev = new Int32Array(m + 2);
  let cur = new Int32Array(m + 2);
  let prevStart = new Int32Array(m + 2);
  let curStart = new Int32Array(m + 2);
  for (let j = 0; j <= m + 1; j++) {
    prev[j] = Math.min(j, over);
    prevStart[j] = lo;
  }
  // Invariant: in the previous column, every row above `last` is > maxDistance.
  let last = Math.min(m, maxDistance);
  let best: FuzzyHit | null = null;
  for (let i = lo; i < hi; i++) {
    const c = text.charCodeAt(i);
    const top = Math.min(m, last + 1);
    cur[0] = 0;
    curStart[0] = i + 1;
    for (let j = 1; j <= top; j++) {
      // Prefer the diagonal (match/substitute) on ties: keeps alignments compact.
      let v = prev[j - 1]! + (q.charCodeAt(j - 1) === c ? 0 : 1);
      let s = prevStart[j - 1]!;
      const up = prev[j]! + 1; // extra text char
      if (up < v) {
        v = up;
        s = prevStart[j]!;
      }
      const left = cur[j - 1]! + 1; // quote char missing from the text
      if (left < v) {
        v = left;
        s = curStart[j - 1]!;
      }
      cur[j] = v > over ? over : v;
      curStart[j] = s;
    }
    cur[top + 1] = over; // the next column reads at most one row above this one's top
    last = top;
    while (last > 0 && cur[last]! > maxDistance) last--;
    if (last === m && (!best || cur[m]! < best.distance)) best = { start: curStart[m]!, end: i + 1, distance: cur[m]! };
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// word snapping (fuzzy only): a fuzzy edge may land mid-word; grow it to the whole word.

// Scripts written without spaces: any character boundary is a fine place to stop.
const SPACELESS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(ch: string): boolean {
  return WORD_CHAR.test(ch) && !SPACELESS.test(ch);
}

function charBefore(s: string, i: number): string {
  if (i <= 0) return '';
  return i >= 2 && isLow(s.charCodeAt(i - 1)) && isHigh(s.charCodeAt(i - 2)) ? s.slice(i - 2, i) : s.slice(i - 1, i);
}

function charAt(s: string, i: number): string {
  if (i >= s.length) return '';
  return isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1)) ? s.slice(i, i + 2) : s.slice(i, i + 1);
}

function snapToWords(text: string, start: number, end: number): Span {
  let s = start;
  for (let steps = 0; steps < SNAP_LIMIT && isWordChar(charBefore(text, s)) && isWordChar(charAt(text, s)); steps++) {
    s -= charBefore(text, s).length;
  }
  let e = end;
  for (let steps = 0; steps < SNAP_LIMIT && isWordChar(charBefore(text, e)) && isWordChar(charAt(text, e)); steps++) {
    e += charAt(text, e).length;
  }
  return { start: s, end: e };
}
