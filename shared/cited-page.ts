// "Check the cited page": does the page a claim cites contain the claim's figures and key words?
// Pure: the background fetches the page (extension/background/cited-page.ts) and hands its text
// here. The page is never rendered or run: its HTML is reduced to plain text by dropping scripts,
// styles and tags. A match says the words are there, not that the page supports the claim.

/** Entities common in page text; anything else numeric is decoded by code point. */
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  rsquo: '’',
  lsquo: '‘',
  ldquo: '“',
  rdquo: '”',
  hellip: '…',
  percnt: '%',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** A page's readable text from its HTML (or plain text): no scripts, styles or markup. */
export function pageText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style|noscript|template|svg|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words too common to say anything about a page. */
const COMMON = new Set(
  'about above after again against among around because been before being below between both could does doing during each every from further have having here into itself just more most much other over same should some such than that their them then there these they this those through under until very what when where which while will with would your years year people percent according cites source sources'.split(
    ' ',
  ),
);

/** A figure: digits with separators, an optional decimal part and unit. */
const FIGURE = /(?<![\w.])[$€£]?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent\b|per cent\b))?/g;

export interface KeyTerms {
  figures: string[];
  words: string[];
}

/** What to look for: the claim's figures (all) and up to 6 of its longer or capitalised words. */
export function claimKeyTerms(quote: string): KeyTerms {
  const plain = quote.replace(/【[^】]*】|\[\d{1,3}\]/g, ' ');
  const figures = [...new Set((plain.match(FIGURE) ?? []).map((f) => f.replace(/\s?(?:percent|per cent)$/i, '%').replace(/\s%$/, '%')))];
  const words: string[] = [];
  for (const m of plain.matchAll(/\p{L}[\p{L}'’-]*/gu)) {
    const word = m[0].replace(/['’]s$/, '');
    const lower = word.toLowerCase();
    if (COMMON.has(lower) || words.some((w) => w.toLowerCase() === lower)) continue;
    const acronym = /^\p{Lu}{2,}$/u.test(word);
    if (word.length >= 6 || acronym || (word.length >= 3 && /^\p{Lu}/u.test(word) && m.index! > 0)) words.push(word);
    if (words.length >= 6) break;
  }
  return { figures, words };
}

const digitsOnly = (figure: string) => figure.replace(/[$€£,\s]/g, '');

function hasFigure(pageDigits: string, figure: string): boolean {
  const bare = digitsOnly(figure);
  const percent = bare.endsWith('%');
  const number = (percent ? bare.slice(0, -1) : bare).replace('.', '\\.');
  // Whole numbers only: "38%" is not in "138%" or "3.8%".
  const unit = percent ? '\\s?(?:%|percent|per cent)' : '(?![\\d]|\\.\\d)';
  return new RegExp(`(?<![\\d.])${number}${unit}`, 'i').test(pageDigits);
}

export type PageVerdict = 'found' | 'partly' | 'not-found' | 'nothing-to-check';

export interface PageMatch {
  verdict: PageVerdict;
  found: string[];
  missing: string[];
}

/**
 * Which key terms of the claim the page's text holds. found: every figure and at least half the
 * words; not-found: none of them; partly: in between.
 */
export function matchClaim(quote: string, text: string): PageMatch {
  const { figures, words } = claimKeyTerms(quote);
  if (figures.length === 0 && words.length === 0) return { verdict: 'nothing-to-check', found: [], missing: [] };
  const page = text.toLowerCase();
  const pageDigits = page.replace(/(\d),(?=\d{3})/g, '$1');
  const found: string[] = [];
  const missing: string[] = [];
  for (const f of figures) (hasFigure(pageDigits, f.toLowerCase()) ? found : missing).push(f);
  let wordsFound = 0;
  for (const w of words) {
    // A longer word may end differently on the page (adult → adults); a short one must match whole.
    const end = w.length < 5 ? '(?![\\p{L}])' : '';
    if (new RegExp(`(?<![\\p{L}])${w.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${end}`, 'u').test(page)) {
      found.push(w);
      wordsFound++;
    } else missing.push(w);
  }
  const figuresOk = figures.every((f) => found.includes(f));
  const verdict: PageVerdict = found.length === 0 ? 'not-found' : figuresOk && wordsFound * 2 >= words.length ? 'found' : 'partly';
  return { verdict, found, missing };
}
