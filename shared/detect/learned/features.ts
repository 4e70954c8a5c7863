// What the learned tier sees of a reply: its sentences, and for each one a bag of hashed features
// (word uni/bi-grams, character 4-grams, which rules fired here and elsewhere in the reply, where
// the sentence sits, and what the user's turn was like). The trainer (test/train) and the
// detector (apply.ts) both call featuresOf, so training and inference can never drift apart.
// Pure and allocation-light: hashes are computed without building n-gram strings.
import type { ScoreContext } from '../../schemas.ts';
import { isPersuasionRequested } from '../requested.ts';

/** Hash space: 2^BITS buckets shared by every move's weights. */
export const BITS = 18;
const MASK = (1 << BITS) - 1;
/** Character 4-grams inside words: spelling variants share weight (measured: without them, spiral recall collapses). */
const CHAR_GRAMS = true;

export interface Sentence {
  start: number;
  end: number;
}

/** One sentence's features: bucket ids and their values (same length). */
export interface FeatureVector {
  idx: Int32Array;
  val: Float32Array;
}

/** FNV-1a over UTF-16 units of s[from, to), seeded so feature kinds never collide by construction. */
function fnv(seed: number, s: string, from = 0, to = s.length): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hash of a short tag string ("rule:x", "ctx:pushback"): meta features. */
export const tagHash = (tag: string): number => fnv(7, tag) & MASK;

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;
/** Fenced code blocks: never a sentence of prose (identifiers are not rhetoric). */
const FENCE = /```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)/g;
/** Sentence ends: terminal punctuation (plus closing quotes/brackets) before space, or a line break. */
const BOUNDARY = /[.!?…]+["'”’)\]]*(?=\s)|\n+/g;
const MIN_SENTENCE_CHARS = 3;

/** Prose sentences of a reply with offsets into it; code blocks and blank pieces are skipped. */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  const push = (s: number, e: number) => {
    while (s < e && /\s|[-*•>#]/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e - s >= MIN_SENTENCE_CHARS) out.push({ start: s, end: e });
  };
  const prose = (from: number, to: number) => {
    BOUNDARY.lastIndex = from;
    let s = from;
    for (let m = BOUNDARY.exec(text); m && m.index < to; m = BOUNDARY.exec(text)) {
      const e = m.index + (m[0].startsWith('\n') ? 0 : m[0].length);
      push(s, Math.min(e, to));
      s = m.index + m[0].length;
      if (m[0].length === 0) BOUNDARY.lastIndex++;
    }
    push(s, to);
  };
  let last = 0;
  if (text.includes('```') || text.includes('~~~')) {
    FENCE.lastIndex = 0;
    for (let m = FENCE.exec(text); m; m = FENCE.exec(text)) {
      prose(last, m.index);
      last = m.index + m[0].length;
    }
  }
  prose(last, text.length);
  return out;
}

/** What the user's side of the conversation was like (the reply itself never decides these). */
export interface ContextSignals {
  question: boolean;
  persuasion: boolean;
  pushback: boolean;
  previousAssistant: boolean;
}

const PUSHBACK =
  /\b(?:no[,.!]|nope|you'?re wrong|that'?s (?:not|wrong|incorrect)|i (?:don'?t|do not) (?:think|agree|buy)|i disagree|are you sure|that can'?t be|actually,? (?:it|that|you)|wrong\b|not true|incorrect)/i;

export function contextSignals(context: ScoreContext | undefined): ContextSignals {
  const user = typeof context?.user === 'string' ? context.user : '';
  const previous = Array.isArray(context?.previous) ? context.previous : [];
  return {
    question: user.includes('?'),
    persuasion: isPersuasionRequested(context),
    pushback: PUSHBACK.test(user),
    previousAssistant: previous.some((t) => t.role === 'assistant'),
  };
}

/** Lower case with curly apostrophes straightened, keeping every offset (a few letters grow when lowered). */
function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  const same = lower.length === text.length ? lower : text.replace(/[^]/g, (c) => (c.toLowerCase().length === 1 ? c.toLowerCase() : c));
  return same.replace(/[’‘]/g, "'");
}

const lengthBucket = (words: number) => (words < 4 ? 0 : words < 8 ? 1 : words < 16 ? 2 : words < 32 ? 3 : 4);

/**
 * Features of every sentence of `text` (already split by sentencesOf). N-gram features are
 * scaled by 1/sqrt(count) so long sentences do not outvote short ones; meta features count 1.
 *
 * Rule hits are deliberately not features. The rules are written from this corpus's misses, so in
 * training they explain its positives away: a model that could lean on them learned almost nothing
 * from the words, and on blind batches (written after the rules) it added no flags where the rules
 * missed. Without them, the words carry the model (2026-12-07, blind batches 47-48, 160 replies:
 * binary F1 0.537 rules only and with a rule-hit model, which added nothing at any precision floor;
 * 0.563 without rule-hit features, sycophancy's floor at 0.6: see trainer.ts).
 */
export function featuresOf(text: string, sentences: readonly Sentence[], ctx: ContextSignals): FeatureVector[] {
  const lower = lowerSameLength(text);
  const replyMeta: number[] = [];
  const ctxTags: string[] = [];
  if (ctx.question) ctxTags.push('ctx:question');
  if (ctx.persuasion) ctxTags.push('ctx:persuasion');
  if (ctx.pushback) ctxTags.push('ctx:pushback');
  if (ctx.previousAssistant) ctxTags.push('ctx:previous-assistant');
  for (const t of ctxTags) replyMeta.push(tagHash(t));

  return sentences.map((s, i) => {
    const grams: number[] = [];
    const meta: number[] = [...replyMeta];
    WORD.lastIndex = s.start;
    let prev = 0x9e3779b9;
    let words = 0;
    for (let m = WORD.exec(lower); m && m.index < s.end; m = WORD.exec(lower)) {
      const a = m.index;
      const b = a + m[0].length;
      const w = fnv(1, lower, a, b);
      grams.push(w & MASK);
      grams.push((Math.imul(prev, 31) ^ w ^ 0x5bd1e995) & MASK);
      prev = w;
      words++;
      // Character 4-grams inside the word padded with one boundary mark on each side.
      if (CHAR_GRAMS && b - a >= 3) {
        for (let j = a - 1; j + 4 <= b + 1; j++) {
          let h = 0x811c9dc5 ^ 3;
          for (let k = j; k < j + 4; k++) {
            h ^= k < a || k >= b ? 32 : lower.charCodeAt(k);
            h = Math.imul(h, 0x01000193);
          }
          grams.push((h >>> 0) & MASK);
        }
      }
      if (ctx.pushback && i < 2 && words <= 12) meta.push(fnv(5, lower, a, b) & MASK);
    }
    meta.push(tagHash(`len:${lengthBucket(words)}`));
    if (i === 0) meta.push(tagHash('pos:first'));
    if (i === sentences.length - 1 && i > 0) meta.push(tagHash('pos:last'));
    const tail = text.slice(Math.max(s.start, s.end - 2), s.end);
    if (tail.includes('?')) meta.push(tagHash('end:?'));
    if (tail.includes('!')) meta.push(tagHash('end:!'));

    const n = grams.length + meta.length;
    const idx = new Int32Array(n);
    const val = new Float32Array(n);
    const g = grams.length > 0 ? 1 / Math.sqrt(grams.length) : 0;
    for (let k = 0; k < grams.length; k++) {
      idx[k] = grams[k]!;
      val[k] = g;
    }
    for (let k = 0; k < meta.length; k++) {
      idx[grams.length + k] = meta[k]!;
      val[grams.length + k] = 1;
    }
    return { idx, val };
  });
}
