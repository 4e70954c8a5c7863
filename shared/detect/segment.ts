// The compromise wrapper: sentence and term boundaries with exact UTF-16 offsets.
//
// Parsing is lazy and per paragraph: the regex prefilter decides where rules fired, and only the
// paragraphs holding a match are tokenised. A 4 KB reply with two flags costs two short parses,
// not one long one. We import the tokenizer build only (`compromise/one`): the rules need sentence
// and term boundaries, not part-of-speech tags, and the full tagger is ~8x slower.
import nlp from 'compromise/one';

export interface Range {
  start: number;
  end: number;
}

interface ParsedParagraph {
  sentences: Range[];
  /** Non-empty terms in text order (implicit contraction halves are dropped). */
  terms: Range[];
}

interface CompromiseTerm {
  text: string;
  offset?: { start: number; length: number };
}

interface CompromiseView {
  compute(method: string): unknown;
  document: CompromiseTerm[][];
}

const PARAGRAPH_BREAK = /\n[ \t]*\n|\n(?=[ \t]*(?:[-*•>#]|\d+[.)]) )/g;

export interface Segmenter {
  /** The sentence holding `pos` (absolute offsets). */
  sentenceAt(pos: number): Range;
  /** The sentence after the one holding `pos`, if any, in the same paragraph. */
  nextSentence(pos: number): Range | undefined;
  /** Shrinks/extends [start,end) to whole terms: first and last term overlapping the range. */
  snap(start: number, end: number): Range;
}

export function createSegmenter(text: string): Segmenter {
  const paragraphs: Range[] = [];
  let last = 0;
  PARAGRAPH_BREAK.lastIndex = 0;
  for (let m = PARAGRAPH_BREAK.exec(text); m; m = PARAGRAPH_BREAK.exec(text)) {
    if (m.index > last) paragraphs.push({ start: last, end: m.index });
    last = m.index + m[0].length;
  }
  if (last < text.length || paragraphs.length === 0) paragraphs.push({ start: last, end: text.length });
  const cache = new Map<number, ParsedParagraph>();

  function paragraphIndex(pos: number): number {
    let lo = 0;
    let hi = paragraphs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (paragraphs[mid]!.start <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  function parse(i: number): ParsedParagraph {
    const hit = cache.get(i);
    if (hit) return hit;
    const para = paragraphs[i]!;
    const slice = text.slice(para.start, para.end);
    const view = nlp(slice) as unknown as CompromiseView;
    view.compute('offset');
    const sentences: Range[] = [];
    const terms: Range[] = [];
    for (const sentence of view.document) {
      let first = -1;
      let lastEnd = -1;
      for (const term of sentence) {
        if (!term.offset || term.offset.length === 0 || term.text === '') continue;
        const start = para.start + term.offset.start;
        const end = start + term.offset.length;
        terms.push({ start, end });
        if (first < 0) first = start;
        lastEnd = end;
      }
      if (first >= 0) sentences.push({ start: first, end: lastEnd });
    }
    // Sentences cover the whole paragraph so that every offset falls in one.
    for (let s = 0; s < sentences.length; s++) {
      sentences[s]!.start = s === 0 ? para.start : sentences[s - 1]!.end;
      if (s === sentences.length - 1) sentences[s]!.end = para.end;
    }
    if (sentences.length === 0) sentences.push({ start: para.start, end: para.end });
    const parsed = { sentences, terms };
    cache.set(i, parsed);
    return parsed;
  }

  function sentenceIndex(p: ParsedParagraph, pos: number): number {
    const s = p.sentences.findIndex((r) => pos >= r.start && pos < r.end);
    return s < 0 ? p.sentences.length - 1 : s;
  }

  return {
    sentenceAt(pos) {
      const p = parse(paragraphIndex(pos));
      return p.sentences[sentenceIndex(p, pos)]!;
    },
    nextSentence(pos) {
      const p = parse(paragraphIndex(pos));
      return p.sentences[sentenceIndex(p, pos) + 1];
    },
    snap(start, end) {
      const p = parse(paragraphIndex(start));
      let first: Range | undefined;
      let lastTerm: Range | undefined;
      for (const t of p.terms) {
        if (t.end <= start) continue;
        if (t.start >= end) break;
        first ??= t;
        lastTerm = t;
      }
      if (!first || !lastTerm) return { start, end };
      // Term offsets exclude surrounding quotes, punctuation and space, so the span is clean words.
      return { start: first.start, end: lastTerm.end };
    },
  };
}
