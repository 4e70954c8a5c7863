// The offline detector: text -> flags with exact offsets, and a reply-level score 0..100.
// Pure, synchronous, fast. Rules are data (detect/rules.ts); this file runs them:
//   1. every rule's regex over the raw text (cheap prefilter: no match, no parse);
//   2. compromise (tokenizer build) parses only the few-sentence pieces that matched; a flag
//      highlights the clause that carries its cue, or the sentence for argument-shaped moves,
//      snapped to whole terms (detect/segment.ts);
//   3. each flag gets a support status from its sentence and the next (detect/support.ts);
//   4. the reply score weighs unsupported moves most (detect/score.ts).
// Only `text` is scored; the context only decides whether persuasion was requested.
import type { Flag, MoveId, ScoreContext } from '../schemas.ts';
import { alt, compilePattern, isGluedToPrevious } from './pattern.ts';
import { RULES, type Rule } from './rules.ts';
import { MOVES, MOVES_BY_ID } from '../taxonomy.ts';
import { HEDGES } from './lexicon.ts';
import { contentVersion } from '../hash.ts';
import { createSegmenter, type Range, type Segmenter } from './segment.ts';
import { supportFor } from './support.ts';
import { isPersuasionRequested } from './requested.ts';
import { MAKERS, makerPromotions } from './makers.ts';
import { readTurns } from './turns.ts';
import {
  answersAskedViews,
  describesAskedSubject,
  isNegated,
  echoesUser,
  isCapitalisedName,
  isReportedAtDistance,
  isTitleLike,
  quotedRanges,
  readChatContext,
  type ChatContext,
} from './ordinary.ts';
import { scoreFlags } from './score.ts';
import { applyLearned } from './learned/apply.ts';
import type { LearnedModel } from './learned/model.ts';
import { shippedModel } from './learned/shipped.ts';
import { ASK_BACK_TEMPLATES, withAskBacks } from '../ask-back.ts';
import { CLAIM_RULES } from './claims.ts';

/** Bump when the code that applies the rules changes what they flag (the data is hashed below). */
const ENGINE_REVISION = 6;

/**
 * The detector's version from its content: the rules, the word lists, the text a flag carries and
 * the claim ledger's rules (the offline judge's result carries the ledger too) and the sites' makers.
 * A changed rule gives a new version, so the proxy cache never serves a result made by an old one.
 * `extra` is for further content that decides flags (e.g. a model file).
 */
export function detectorVersionOf(rules: readonly Rule[], extra: readonly unknown[] = []): string {
  const moveText = MOVES.map((m) => [m.id, m.wouldSupport, ASK_BACK_TEMPLATES[m.id]]);
  return contentVersion('detector', [ENGINE_REVISION, rules, HEDGES, moveText, CLAIM_RULES, MAKERS, ...extra]);
}

export const detectorVersion = detectorVersionOf(RULES);

export interface DetectOptions {
  context?: ScoreContext;
  /** The chat site the reply came from (`chatgpt`, `copilot`…): who is speaking, for self-serving bias. */
  site?: string;
  /** The learned tier's model: omitted = the shipped one, null = rules only. */
  model?: LearnedModel | null;
}

export interface Detection {
  flags: Flag[];
  score: number;
}

interface CompiledRule {
  rule: Rule;
  pattern: RegExp;
  unless?: RegExp;
  inReplyNeeds?: RegExp;
  inReplyUnless?: RegExp;
}

/** How far (UTF-16 units) around a match its sentence is read, so run-on text stays linear. */
const NEARBY_CHARS = 400;
/** Sentence-scoped flags fall back to the cue itself in run-on sentences longer than this. */
const MAX_SENTENCE_SPAN = 400;
/** Clause-scoped flags fall back to the cue itself in clauses longer than this. */
const MAX_CLAUSE_SPAN = 250;
/** Where a clause ends inside a sentence: , ; : brackets, double quotation marks, a dash, a line break. */
const CLAUSE_BREAK = /[,;:()[\]{}"“”„«»]|\s[-–—]\s|[—–]|\n/g;

let compiled: CompiledRule[] | undefined;

/** Compiles the rule table once, on first use (keeps module load cheap in the extension). */
function compiledRules(): CompiledRule[] {
  compiled ??= RULES.map((rule) => ({
    rule,
    pattern: compilePattern(alt(rule.pattern)),
    ...(rule.unless ? { unless: compilePattern(alt(rule.unless), 'i', false) } : {}),
    ...(rule.inReplyNeeds ? { inReplyNeeds: compilePattern(alt(rule.inReplyNeeds), 'i') } : {}),
    ...(rule.inReplyUnless ? { inReplyUnless: compilePattern(alt(rule.inReplyUnless), 'i') } : {}),
  }));
  return compiled;
}

interface RawMatch {
  c: CompiledRule;
  start: number;
  end: number;
}

/** Fenced and inline code in chat replies: identifiers like destroy() or either() are not rhetoric. */
// (Doubled backticks are left alone: news corpora use ``like this'' for quotation marks.)
const CODE = /```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)|(?<!`)`(?!`)[^`\n]+`(?!`)/g;

function codeRanges(text: string): [number, number][] {
  if (!text.includes('`') && !text.includes('~~~')) return [];
  const out: [number, number][] = [];
  CODE.lastIndex = 0;
  for (let m = CODE.exec(text); m; m = CODE.exec(text)) out.push([m.index, m.index + m[0].length]);
  return out;
}

function insideAny(ranges: readonly [number, number][], start: number, end: number): boolean {
  return ranges.some(([s, e]) => start < e && s < end);
}

/**
 * Markdown emphasis markers (`_like this_`, `**this**`) blanked out, same length, so word
 * boundaries see the words; underscores inside identifiers (snake_case) are kept.
 */
function withoutEmphasis(text: string): string {
  if (!text.includes('_') && !text.includes('*')) return text;
  return text.replace(/\*+|(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, (m) => ' '.repeat(m.length));
}

/** `text` is the emphasis-blanked reply; `code` the code ranges of the original. */
function findMatches(text: string, code: readonly [number, number][]): RawMatch[] {
  const out: RawMatch[] = [];
  for (const c of compiledRules()) {
    const re = c.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (isGluedToPrevious(text, m.index)) continue;
      if (code.length > 0 && insideAny(code, m.index, m.index + m[0].length)) continue;
      out.push({ c, start: m.index, end: m.index + m[0].length });
    }
  }
  return out;
}

/**
 * Same move, overlapping spans: keep the stronger flag (higher severity, then the longer cue: the
 * more specific rule, then the longer span). `cueLength` holds each rule flag's cue length.
 */
function dedupe(flags: Flag[], cueLength: ReadonlyMap<Flag, number> = new Map()): Flag[] {
  flags.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Flag[] = [];
  // Sorted by start, so only the latest kept flag of each move can overlap the next one.
  const lastOfMove = new Map<string, number>();
  for (const f of flags) {
    const i = lastOfMove.get(f.move);
    const k = i === undefined ? undefined : kept[i]!;
    if (i === undefined || !k || f.start >= k.end) {
      lastOfMove.set(f.move, kept.length);
      kept.push(f);
      continue;
    }
    const cueDiff = (cueLength.get(f) ?? f.end - f.start) - (cueLength.get(k) ?? k.end - k.start);
    if (f.severity > k.severity || (f.severity === k.severity && (cueDiff > 0 || (cueDiff === 0 && f.end - f.start > k.end - k.start)))) kept[i] = f;
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** A clause span without a dash or other loose punctuation the tokenizer left at either end. */
function trimDashes(text: string, span: Range, cueStart: number, cueEnd: number): Range {
  let { start, end } = span;
  while (start < cueStart && /[\s\-–—,;:]/.test(text[start]!)) start++;
  while (end > cueEnd && /[\s\-–—,;:]/.test(text[end - 1]!)) end--;
  return { start, end };
}

const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

const LIST_MARKER = /^(?:\d+[.)]|[-*•>#]+)\s+/;

/** A sentence span without a leading list marker and with a bracket it opens also closed. */
function tidySentenceSpan(text: string, span: Range, cueStart: number): Range {
  let { start, end } = span;
  const marker = LIST_MARKER.exec(text.slice(start, end));
  if (marker && start + marker[0].length <= cueStart) start += marker[0].length;
  const quote = text.slice(start, end);
  const opens = (quote.match(/\(/g) ?? []).length;
  const closes = (quote.match(/\)/g) ?? []).length;
  if (opens > closes && text[end] === ')') end += 1;
  return { start, end };
}

/**
 * The clause of the sentence that holds [start, end): what a word-choice flag highlights. A
 * charged word, a superlative or a borrowed authority frames a claim; the clause is that claim,
 * and the flag's rationale names the cue words (see detectRules).
 */
function clauseSpan(text: string, sentence: Range, start: number, end: number): Range {
  let from = sentence.start;
  let to = Math.max(sentence.end, end);
  const piece = text.slice(from, to);
  CLAUSE_BREAK.lastIndex = 0;
  for (let m = CLAUSE_BREAK.exec(piece); m; m = CLAUSE_BREAK.exec(piece)) {
    const at = sentence.start + m.index;
    if (at + m[0].length <= start) from = at + m[0].length;
    else if (at >= end) {
      to = at;
      break;
    }
  }
  return to - from > MAX_CLAUSE_SPAN ? { start, end } : { start: from, end: to };
}

/** Word-choice moves, whose cue can be a name or a title ("Wicked", The Grapes of Wrath). */
const NAMEABLE = new Set<string>(['loaded-language', 'exaggeration', 'personal-attack', 'thought-terminating', 'appeal-to-values', 'emotional-appeal']);
/** Moves whose cue is no push when it only repeats the user's own topic words. */
const TOPICAL = new Set<string>([
  'loaded-language',
  'exaggeration',
  'appeal-to-values',
  'vagueness',
  'thought-terminating',
  'personal-attack',
  'hasty-generalization',
  'faulty-causation',
]);

interface Scene {
  reply: string;
  text: string;
  chat: ChatContext | undefined;
  quotes: readonly [number, number][];
}

/** The match is an ordinary use of its words here (see detect/ordinary.ts), so no flag. */
function isOrdinaryUse(scene: Scene, c: CompiledRule, start: number, end: number, sentence: Range, next: Range | undefined): boolean {
  const { reply, text, chat } = scene;
  const move = c.rule.move;
  const cue = reply.slice(start, end);
  if (NAMEABLE.has(move) && !/^I\b/.test(cue) && isCapitalisedName(reply, start)) return true;
  for (const [qs, qe] of scene.quotes) {
    if (start < qs || end > qe) continue;
    // In a chat reply, quoted words are mentioned, not used; elsewhere only quoted titles are names.
    const quoted = reply.slice(qs, qe);
    const italic = reply[qs - 1] === '*' || reply[qs - 1] === '_';
    if (isTitleLike(quoted) || (chat && !italic)) return true;
  }
  if (chat && TOPICAL.has(move) && echoesUser(cue, chat)) return true;
  if (describesAskedSubject(move, chat) || answersAskedViews(move, chat)) return true;
  if (isNegated(move, text, start)) return true;
  const sentenceText = text.slice(sentence.start, Math.max(sentence.end, end));
  if (isReportedAtDistance(move, sentenceText, next ? text.slice(next.start, next.end) : '')) return true;
  if (chat && c.inReplyNeeds) {
    c.inReplyNeeds.lastIndex = 0;
    if (!c.inReplyNeeds.test(sentenceText)) return true;
  }
  if (chat && c.inReplyUnless) {
    c.inReplyUnless.lastIndex = 0;
    if (c.inReplyUnless.test(sentenceText)) return true;
  }
  return false;
}

/** The rules alone (the first tier): what detect() shows when no usable model is loaded. */
export function detectRules(reply: string, options: DetectOptions = {}): Detection {
  return readRules(reply, options).detection;
}

/** The rule tier, with what the learned tier reads next: the text it read and the turns' verdict. */
interface RuleReading {
  detection: Detection;
  /** The reply with markdown emphasis blanked out (same length, so every offset holds). */
  text: string;
  /** The user corrected the earlier answer with evidence (see detect/turns.ts). */
  correctedWithEvidence: boolean;
}

function readRules(reply: string, options: DetectOptions): RuleReading {
  // Rules, terms and support all read `text`: the reply with markdown emphasis blanked out (same
  // length, so every offset holds). Quotes are cut from the reply itself.
  const text = withoutEmphasis(reply);
  const matches = findMatches(text, codeRanges(reply));
  const turns = readTurns(text, options.context);
  const reading = (detection: Detection): RuleReading => ({ detection, text, correctedWithEvidence: turns.correctedWithEvidence });
  // Built only when something may be flagged: most sentences of most replies match nothing.
  let segmenter: Segmenter | undefined;
  const segment = () => (segmenter ??= createSegmenter(text));
  const promotions = makerPromotions(text, options.site, (pos) => segment().sentenceAt(pos));
  if (matches.length === 0 && turns.findings.length === 0 && promotions.length === 0) return reading({ flags: [], score: 0 });
  const seg = segment();
  const requested = isPersuasionRequested(options.context);
  const scene: Scene = { reply, text, chat: readChatContext(options.context, options.site), quotes: quotedRanges(reply) };
  const flags: Flag[] = [];
  const cueLength = new Map<Flag, number>();
  for (const { c, start, end } of matches) {
    const sentence = seg.sentenceAt(start);
    const next = seg.nextSentence(start);
    if (isOrdinaryUse(scene, c, start, end, sentence, next)) continue;
    if (c.unless) {
      c.unless.lastIndex = 0;
      const from = Math.max(sentence.start, start - NEARBY_CHARS);
      if (c.unless.test(text.slice(from, Math.min(Math.max(sentence.end, end), end + NEARBY_CHARS)))) continue;
    }
    const cue = seg.snap(start, end);
    const wholeSentence = c.rule.scope === 'sentence' && sentence.end - sentence.start <= MAX_SENTENCE_SPAN;
    let span = cue;
    if (wholeSentence) span = tidySentenceSpan(text, seg.snap(Math.min(sentence.start, start), Math.max(sentence.end, end)), start);
    else if (c.rule.scope !== 'cue') {
      const clause = clauseSpan(text, sentence, start, end);
      span = trimDashes(text, tidySentenceSpan(text, seg.snap(clause.start, clause.end), start), start, end);
    }
    if (span.end <= span.start) continue;
    // A clause-wide highlight says which words carry the move: its rationale starts with them.
    const namesCue = !wholeSentence && (span.start < cue.start || span.end > cue.end);
    // The move's own words never count as its support ("100% guaranteed" is not a figure).
    const windowStart = Math.max(sentence.start, start - NEARBY_CHARS);
    const windowEnd = Math.min(next ? next.end : Math.max(sentence.end, end), end + 2 * NEARBY_CHARS);
    const window = `${text.slice(windowStart, start)} … ${text.slice(end, windowEnd)}`;
    const flag: Flag = {
      move: c.rule.move,
      start: span.start,
      end: span.end,
      quote: reply.slice(span.start, span.end),
      severity: c.rule.severity,
      support: supportFor(c.rule.support, window, requested),
      rationale: namesCue ? `“${reply.slice(cue.start, cue.end)}”: ${lowerFirst(c.rule.reason)}` : c.rule.reason,
      source: 'detector',
      ruleId: c.rule.id,
      wouldSupport: MOVES_BY_ID[c.rule.move].wouldSupport,
    };
    cueLength.set(flag, cue.end - cue.start);
    flags.push(flag);
  }
  // Findings read from the turns or the site rather than from a cue: no support to look for.
  const readFlag = (move: MoveId, span: Range, severity: Flag['severity'], rationale: string, ruleId: string): void => {
    if (span.end <= span.start) return;
    flags.push({
      move,
      start: span.start,
      end: span.end,
      quote: reply.slice(span.start, span.end),
      severity,
      support: requested ? 'requested' : 'unsupported',
      rationale,
      source: 'detector',
      ruleId,
      wouldSupport: MOVES_BY_ID[move].wouldSupport,
    });
  };
  for (const t of turns.findings) readFlag('sycophancy', seg.snap(t.start, t.end), t.severity, t.reason, t.ruleId);
  for (const p of promotions) {
    const rationale = `“${p.product}” is made by ${p.maker}, the company behind this assistant: it recommends its own maker’s product without saying so or comparing it.`;
    readFlag('self-serving-bias', tidySentenceSpan(text, seg.snap(p.start, p.end), p.start), 2, rationale, 'self-serving-bias/own-maker');
  }
  // A correction that came with evidence or an argument is right to accept: the one-turn
  // concession rules ("you're right, I apologise") stand down for it.
  const conceding = turns.correctedWithEvidence ? new Set(['sycophancy/caves-with-apology', 'sycophancy/you-are-absolutely-right']) : undefined;
  let pool = conceding ? flags.filter((f) => !conceding.has(f.ruleId ?? '')) : flags;
  // In a chat reply a charged word inside a sentence another move already explains adds a second,
  // vaguer card: writers of assistant replies name the other move (flattery, a jab, a promise), and
  // on its own the charged-word flag was right about one time in four there.
  if (scene.chat)
    pool = pool.filter((f) => f.move !== 'loaded-language' || !pool.some((o) => o.move !== 'loaded-language' && o.start < f.end && f.start < o.end));
  const kept = dedupe(pool, cueLength);
  return reading({ flags: kept, score: scoreFlags(kept) });
}

export interface TieredDetection extends Detection {
  /** Rules version + learned model version, or "+rules-only" when no usable model was loaded. */
  detectorVersion: string;
  tier: 'learned' | 'rules';
}

/** Which detector answers with this model: part of every result and of the proxy's cache key. */
export const versionWith = (model: LearnedModel | null): string => `${detectorVersion}+${model ? model.version : 'rules-only'}`;

/** Rules, then the learned tier (detect/learned/apply.ts) when a model is loaded. */
export function detect(reply: string, options: DetectOptions = {}): TieredDetection {
  const model = options.model === undefined ? shippedModel() : options.model;
  const { detection: rules, text, correctedWithEvidence } = readRules(reply, options);
  // Weak and unsupported flags carry a follow-up question to ask (shared/ask-back.ts).
  if (!model) return { ...rules, flags: withAskBacks(rules.flags), detectorVersion: versionWith(null), tier: 'rules' };
  // Accepting a correction that came with evidence is right: the model may not add sycophancy there.
  const vetoed = new Set<MoveId>(correctedWithEvidence ? ['sycophancy'] : []);
  const flags = applyLearned(model, reply, rules.flags, options.context, text, vetoed);
  return { flags: withAskBacks(flags), score: scoreFlags(flags), detectorVersion: versionWith(model), tier: 'learned' };
}
