// Ordinary uses of words that rules look for: the same word can push or just name, quote or answer.
// A rule match is dropped when, in context, it is one of these:
//   - a name or a title: "Wicked" (the musical), *Evil Dead*, The Grapes of Wrath;
//   - a mention, not a use: words inside quotation marks in a chat reply ("calling someone
//     'crazy' can be offensive", an example sentence in quotes);
//   - the user's own topic: the reply repeats the words the user asked about ("what are the
//     largest cats" -> "the largest cats in the world"; "weird Christmas traditions");
//   - reported speech the reply keeps its distance from: "some argue ..., while others ...",
//     "critics called it evil, but ...": the reply reports a view and weighs it;
//   - a description the user asked for: a plot summary, a history, a costume idea describes its
//     subject with the subject's own charged words ("his evil army").
// Each is a general principle about how language is used, not a list of phrases to forgive.
import type { ScoreContext } from '../schemas.ts';
import type { MoveId } from '../schemas.ts';
import { compilePattern, alt } from './pattern.ts';

export interface ChatContext {
  /** Lower-cased word stems of the user's turn (what the user asked about). */
  userStems: ReadonlySet<string>;
  /** The user asked for a description, summary, story, history or list of something. */
  asksForDescription: boolean;
  /** The user asked what people think or argue (views, criticisms, a debate): attributions answer it. */
  asksForViews: boolean;
}

/** A word reduced to a crude stem (enough to tell "traditions" and "traditional" share a root). */
export function stemOf(word: string): string {
  const w = word.toLowerCase().replace(/[’']s$/, '');
  return w.length <= 5 ? w : w.slice(0, Math.max(5, w.length - 3));
}

const WORD = /\p{L}[\p{L}'’-]*/gu;

/** Requests whose answer describes a subject: a work, a period, a place, a custom, a word. */
const ASKS_FOR_DESCRIPTION = compilePattern(
  alt([
    'summar(?:y|ise|ize)',
    'plot',
    'synopsis',
    'describe',
    'description',
    '(?:tell|teach) me about',
    'what (?:happened|is|was|were|are) (?:the )?(?:story|plot|history)',
    'what if',
    'what would (?:have )?happen(?:ed)?',
    'histor(?:y|ical)',
    '(?:book|novel|movie|film|series|show|episode|play|musical|song|album|game|character)s?',
    'costume',
    'halloween',
    'legend',
    'myth(?:s|ology)?',
    'folklore',
    'traditions?',
    'customs?',
    '(?:a |the )?words? (?:for|that|to)',
    'synonyms?',
    'define',
    'definition',
    'meaning of',
    'translat(?:e|ion)',
    'itinerary',
    'places? to (?:visit|see|go)',
    '(?:visit|trip|travel|tour)',
    'recommend(?:ation)?s?',
    'expand',
    'rewrite',
    'paraphrase',
    'continue (?:the|this)',
  ]),
  'i',
);

/** Requests for what others think: the answer attributes views by design. */
const ASKS_FOR_VIEWS = compilePattern(
  alt([
    "why (?:do|don't|does|doesn't|did|didn't|would|are|aren't|is|isn't) (?:some |many |most )?(?:people|scientists|experts|critics|others|researchers|philosophers)",
    'arguments?',
    'critici[sz](?:e|ed|ism|isms)',
    'critics',
    'debate[sd]?',
    'controvers(?:y|ial)',
    'implications',
    'pros and cons',
    'views?',
    'perspectives?',
    'opinions?',
    'what do (?:people|experts|scientists|critics) (?:think|say|believe)',
    'concerns?',
  ]),
  'i',
);

export function readChatContext(context: ScoreContext | undefined, site?: string): ChatContext | undefined {
  const user = context?.user;
  // A reply captured on a chat site is a chat reply even when its user turn was not found: the
  // chat gates (inReplyNeeds) apply, or "beautiful beaches" would read like opinion writing.
  if (!user?.trim()) return site ? { userStems: new Set(), asksForDescription: false, asksForViews: false } : undefined;
  const userStems = new Set<string>();
  for (const m of user.matchAll(WORD)) if (m[0].length >= 4) userStems.add(stemOf(m[0]));
  return { userStems, asksForDescription: ASKS_FOR_DESCRIPTION.test(user), asksForViews: ASKS_FOR_VIEWS.test(user) };
}

/** Every content word of the cue (≥ 4 letters) is one the user used: the reply is on the user's topic. */
export function echoesUser(cue: string, chat: ChatContext): boolean {
  const words = [...cue.matchAll(WORD)].map((m) => m[0]).filter((w) => w.length >= 4 && !FUNCTION_WORDS.has(w.toLowerCase()));
  return words.length > 0 && words.every((w) => chat.userStems.has(stemOf(w)));
}

/** Words too common to say what a sentence is about (also the base of turns.ts's stop list). */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'that',
  'this',
  'with',
  'from',
  'have',
  'been',
  'they',
  'them',
  'their',
  'there',
  'were',
  'what',
  'when',
  'which',
  'will',
  'would',
  'your',
  'about',
  'most',
  'more',
  'some',
  'very',
  'the',
]);

/**
 * The cue is a name or a title: its first letter is a capital in the middle of a sentence
 * (after a lower-case word, a comma or "the"), as in "her role in Wicked" or "The Grapes of Wrath".
 */
export function isCapitalisedName(text: string, start: number): boolean {
  const ch = text[start] ?? '';
  if (ch.toLowerCase() === ch) return false;
  const before = text.slice(Math.max(0, start - 40), start);
  // Sentence start (or a list item, heading, line start): a capital there says nothing.
  if (/(?:^|[.!?:;]["'”’)\]]*\s+|\n\s*(?:[-*•>#]+|\d+[.)])?\s*|["“‘(*_]\s*)$/.test(before) && !/\b(?:the|of|and|a)\s+$/i.test(before)) return false;
  // A capital after a lower-case word: a proper noun or a title word. After another capitalised
  // word it may be a headline in title case ("Senator Slams Outrageous Deal"), so no conclusion.
  const prevWord = /([\p{L}'’-]+)[^\p{L}]*$/u.exec(before)?.[1] ?? '';
  return prevWord !== '' && /^\p{Ll}/u.test(prevWord);
}

/** Quoted or italic spans: [start, end) of the content between the marks. */
export function quotedRanges(reply: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /"([^"\n]{1,300})"|“([^”\n]{1,300})”|(?<![\p{L}\p{N}])\*([^*\n]{1,80})\*(?!\*)|(?<![\p{L}\p{N}_])_([^_\n]{1,80})_(?![\p{L}\p{N}_])/gu;
  for (let m = re.exec(reply); m; m = re.exec(reply)) out.push([m.index + 1, m.index + m[0].length - 1]);
  return out;
}

/** A quoted span that reads as a title: short, every word of four letters or more capitalised. */
export function isTitleLike(quoted: string): boolean {
  const words = quoted.trim().split(/\s+/);
  if (words.length === 0 || words.length > 8) return false;
  const long = words.filter((w) => /^\p{L}{4,}/u.test(w));
  return long.length > 0 && long.every((w) => /^\p{Lu}/u.test(w));
}

/** Someone else's view, attributed: "some argue", "critics say", "X called it". */
const ATTRIBUTION = compilePattern(
  alt([
    '(?:some|many|other|certain) (?:people|scholars|critics|researchers|scientists|experts|economists|historians|philosophers|observers|commentators|analysts|theorists|users|fans|viewers|readers|argue|believe|say|claim|think|suggest|contend)',
    '(?:critics|opponents|proponents|supporters|skeptics|sceptics|detractors|advocates|defenders|others) (?:of [^.!?\\n]{1,40} )?(?:say|said|argue|argued|claim|claimed|believe|contend|maintain|point out|call|called|describe|described|see|view|consider|worry|fear)',
    '(?:was|were|is|are|has been|have been) (?:widely |often |sometimes )?(?:called|described as|labell?ed|branded|dubbed|denounced as|criticized as|criticised as|seen as|viewed as)',
    '(?:called|described|labell?ed|branded|dubbed|denounced|criticized|criticised) (?:it|him|her|them|this|the \\w+) (?:as )?',
    'according to (?:some|critics|opponents|supporters|proponents|skeptics)',
    'the (?:argument|claim|view|belief|idea) (?:is )?that',
    'it is (?:widely |commonly |generally |often )?(?:said|believed|thought|accepted|claimed|held)',
    '(?:widely|generally|commonly|universally) (?:believed|accepted|held|thought|agreed)',
  ]),
  'i',
);

/** The reply weighs the view it reported: the other side, a "however", a correction. */
const WEIGHING = compilePattern(
  alt([
    'however',
    'but',
    'while',
    'whereas',
    'although',
    'though',
    'on the other hand',
    'in contrast',
    'others',
    'other (?:people|researchers|scholars|scientists|experts|critics)',
    'critics',
    'proponents',
    'supporters',
    'opponents',
    'counter(?:s|ed)?',
    'not without',
    "it(?:'s| is) (?:important|worth) (?:to note|noting)",
    'there is no (?:consensus|agreement)',
    'debated',
    'despite',
    'unproven',
    '(?:no|a) (?:definitive )?proof',
    'conjecture',
    'open question',
    'remains? (?:unclear|uncertain|mysterious|debated|open)',
  ]),
  'i',
);

/** Moves that a reported, weighed view cannot make on the reply's behalf. */
const REPORTABLE: ReadonlySet<MoveId> = new Set<MoveId>([
  'loaded-language',
  'vagueness',
  'unsourced-authority',
  'bandwagon',
  'appeal-to-values',
  'faulty-causation',
  'exaggeration',
  'personal-attack',
]);

/**
 * The sentence reports someone else's view and the reply keeps its distance: it weighs the view in
 * the same sentence or the next one ("some argue X, while others ...", "critics call it evil, but").
 */
export function isReportedAtDistance(move: MoveId, sentence: string, next: string): boolean {
  if (!REPORTABLE.has(move)) return false;
  ATTRIBUTION.lastIndex = 0;
  const attributed = ATTRIBUTION.exec(sentence);
  if (!attributed) return false;
  const after = sentence.slice(attributed.index + attributed[0].length);
  WEIGHING.lastIndex = 0;
  if (WEIGHING.test(after)) return true;
  WEIGHING.lastIndex = 0;
  return WEIGHING.test(next);
}

/** Moves whose words describe a subject the user asked to have described. */
const DESCRIPTIVE: ReadonlySet<MoveId> = new Set<MoveId>(['loaded-language', 'exaggeration', 'appeal-to-values', 'vagueness']);

export function describesAskedSubject(move: MoveId, chat: ChatContext | undefined): boolean {
  return !!chat?.asksForDescription && DESCRIPTIVE.has(move);
}

/** Moves the reply reports on when the user asked what people think ("why don't people like X?"). */
const VIEW_MOVES: ReadonlySet<MoveId> = new Set<MoveId>(['vagueness', 'unsourced-authority', 'bandwagon']);

export function answersAskedViews(move: MoveId, chat: ChatContext | undefined): boolean {
  return !!chat?.asksForViews && VIEW_MOVES.has(move);
}

/**
 * Moves a negation in front of the cue turns around: "not scientifically proven", "no universally
 * agreed"; a charged word the reply denies ("no mockery", "it wasn't a sham") passes no verdict.
 */
const NEGATABLE: ReadonlySet<MoveId> = new Set<MoveId>([
  'unsourced-authority',
  'bandwagon',
  'exaggeration',
  'unsupported-claim',
  'vagueness',
  'loaded-language',
]);
const NEGATION_BEFORE = /\b(?:not|no|never|nor|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|hardly|lack of|without|rather than)\s+(?:[\p{L}-]+\s+)?$/iu;

/** The reply denies the cue rather than asserting it. */
export function isNegated(move: MoveId, text: string, start: number): boolean {
  return NEGATABLE.has(move) && NEGATION_BEFORE.test(text.slice(Math.max(0, start - 30), start));
}
