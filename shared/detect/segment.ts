// The compromise wrapper: sentence and term boundaries with exact UTF-16 offsets.
//
// Parsing is lazy and per piece: the text is cut (cheaply, by regex) into paragraphs, and long
// paragraphs into pieces of a few sentences; the regex prefilter decides where rules fired, and
// only the pieces holding a match are tokenised. A 4 KB reply with two flags costs two short
// parses, not one long one. We import the tokenizer build only (`compromise/one`): the rules need sentence
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
/** A likely sentence end: punctuation, optional closing quote/bracket, space, then a capital or quote. */
const SENTENCE_END = /[.!?]["'”’)\]]*\s+(?=["“‘(]?[A-Z0-9])/g;
const ABBREVIATION = /\b(?:Mr|Mrs|Ms|Dr|Prof|St|vs|etc|e\.g|i\.e|No|Fig|Jr|Sr|U\.S|a\.m|p\.m)\.$/;
/** Pieces longer than this are cut at sentence ends; compromise then parses only what it must. */
const PIECE_CHARS = 320;
const MAX_PIECE_CHARS = 2000;

function splitPieces(text: string, para: Range, out: Range[]): void {
  if (para.end - para.start <= PIECE_CHARS) {
    out.push(para);
    return;
  }
  const slice = text.slice(para.start, para.end);
  let pieceStart = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(slice); m; m = SENTENCE_END.exec(slice)) {
    const cut = m.index + m[0].length;
    if (cut - pieceStart < PIECE_CHARS) continue;
    if (ABBREVIATION.test(slice.slice(Math.max(0, m.index - 5), m.index + 1))) continue;
    out.push({ start: para.start + pieceStart, end: para.start + cut });
    pieceStart = cut;
  }
  if (pieceStart < slice.length) out.push({ start: para.start + pieceStart, end: para.end });
}

/** Text with no sentence ends (a pasted log, a wall of words) is cut at spaces so no parse is huge. */
function capPieces(text: string, pieces: Range[]): Range[] {
  const out: Range[] = [];
  for (const p of pieces) {
    let start = p.start;
    while (p.end - start > MAX_PIECE_CHARS) {
      const space = text.lastIndexOf(' ', start + MAX_PIECE_CHARS);
      const cut = space > start ? space + 1 : start + MAX_PIECE_CHARS;
      out.push({ start, end: cut });
      start = cut;
    }
    out.push({ start, end: p.end });
  }
  return out;
}

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
  // A piece is a paragraph or a run of its sentences; `continues[i]` says piece i+1 is the same paragraph.
  const pieces: Range[] = [];
  const continues: boolean[] = [];
  for (const para of paragraphs) {
    const split: Range[] = [];
    splitPieces(text, para, split);
    const capped = capPieces(text, split);
    for (let i = 0; i < capped.length; i++) {
      pieces.push(capped[i]!);
      continues.push(i < capped.length - 1);
    }
  }
  const cache = new Map<number, ParsedParagraph>();

  function pieceIndex(pos: number): number {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid]!.start <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  function parse(i: number): ParsedParagraph {
    const hit = cache.get(i);
    if (hit) return hit;
    const para = pieces[i]!;
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
      const p = parse(pieceIndex(pos));
      return p.sentences[sentenceIndex(p, pos)]!;
    },
    nextSentence(pos) {
      const i = pieceIndex(pos);
      const p = parse(i);
      const next = p.sentences[sentenceIndex(p, pos) + 1];
      if (next || !continues[i]) return next;
      return parse(i + 1).sentences[0];
    },
    snap(start, end) {
      const p = parse(pieceIndex(start));
      // Binary search for the first term ending after `start`, then walk while terms start before `end`.
      let lo = 0;
      let hi = p.terms.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (p.terms[mid]!.end <= start) lo = mid + 1;
        else hi = mid;
      }
      const first = p.terms[lo];
      if (!first || first.start >= end) return { start, end };
      let last = first;
      for (let i = lo + 1; i < p.terms.length && p.terms[i]!.start < end; i++) last = p.terms[i]!;
      // Term offsets exclude surrounding quotes, punctuation and space, so the span is clean words.
      return { start: first.start, end: last.end };
    },
  };
}
