// The offline claim ledger: a sentence-level approximation of what the judge (prompt v4) lists
// exactly. Each claim-like sentence of the reply (a declarative statement of fact, not a question,
// an offer, an instruction or an opinion the reply marks as its own) becomes one Claim with the
// sentence's exact offsets, and what backs it, checked in this order:
//   link       a URL or a citation marker ([1], 【2】) in the sentence;
//   source     a named source: "according to X", "(Smith, 2021)", "et al.", a named agency or journal;
//   number     a figure (percent, amount, count, year) with no named source beside it;
//   reasoning  a stated reason: because, since, therefore, so, which means, due to ...;
//   none       nothing in the sentence backs it.
// Rules are data (each pattern list has a name that doubles as its reason). Pure and linear.
import type { Claim, ClaimSupport } from '../schemas.ts';

/** Most claims listed for one reply; past this a ledger is no longer readable. */
export const MAX_CLAIMS = 200;

const re = (parts: readonly string[], flags = 'i') => new RegExp(parts.join('|'), flags);

/** A sentence starting like this offers, instructs, greets or hedges: not a factual claim. */
const NOT_A_CLAIM_START = re([
  "^(?:let me|let's|let us|here is|here are|here's|sure|of course|i hope|hope this|feel free|thanks|thank you|please|would you|do you|did you|can you|could you|shall i|should i)\\b",
  "^(?:if you|when you|you can|you could|you should|you might|you may|you'll|you will want|make sure|remember|consider|try|note that|keep in mind|don't forget)\\b",
  // Instructions open with a bare verb (steps, recipes, exercises, research plans).
  '^(?:write|see|check|read|ask|call|visit|click|go|use|take|start|stop|get|keep|avoid|choose|pick|buy|open|add|set|run|install|type|press|save|look|compare|contact|email|tell)\\b',
  '^(?:cut|mix|stir|pour|heat|bake|preheat|boil|chop|slice|season|serve|place|remove|combine|repeat|rinse|wash|drain|fold|whisk|cover|let|allow|wait|breathe|inhale|exhale|hold|relax|notice|count|step|drink|eat|rest|sleep)\\b',
  "^(?:learn|analy[sz]e|examine|obtain|gather|collect|monitor|identify|define|explore|draw|find|build|make|create|prepare|follow|apply|upload|download|replay|join|reach out|do not|don't)\\b",
  // Words that are nouns as often as verbs ("Research has shown…") instruct only when an object follows.
  '^(?:research|review|record|log|tag|track|document|measure|test|list|note|plan|schedule|practi[cs]e|focus|share) (?:the|a|an|your|each|every|all|any|this|that|these|those|how|what|which|whether|it|them|on|up|back|out)\\b',
  // Hypotheticals and means-to-an-end advice, not statements of fact.
  '^(?:suppose|imagine|by \\w+ing)\\b',
  // Figures of speech: "It's as if the universe…".
  "^(?:it's|it is|it was|this is|that's|that is|it feels|it's almost|it is almost) (?:almost |kind of |a bit |just )?(?:as if|as though|like a)\\b",
  "^(?:i think|i believe|i feel|i'd|i would|i can|i'm happy|i am happy|happy to|in my (?:view|opinion)|personally|great question|good question|hi|hello|absolutely|certainly|in summary|to sum up)\\b",
]);

/** A verb or quantifier that makes a statement about the world. */
const STATEMENT = re([
  "\\b(?:is|are|was|were|has|have|had|will|won't|can|cannot|can't|does|doesn't|did|do|don't)\\b",
  '\\b(?:causes?|caused|leads? to|led to|increases?|increased|reduces?|reduced|lowers?|raises?|shows?|showed|shown|found|finds|proves?|proved|means|costs?|grew|grows|fell|falls|rose|rises|contains?|kills?|killed|affects?|works?|helps?|prevents?|requires?|depends? on)\\b',
  '\\b(?:most|all|every|never|always|no one|nobody|everyone|usually|often|typically|generally|rarely|seldom|mostly)\\b',
  '\\d',
]);

const SUPPORT_RULES: ReadonlyArray<{ support: Exclude<ClaimSupport, 'none'>; note: string; pattern: RegExp }> = [
  {
    support: 'link',
    note: 'links to where it can be checked',
    pattern: re(['https?://\\S+', '\\bwww\\.\\S+\\.\\w', '\\[\\d{1,3}\\]', '【\\d{1,3}[^】]*】', '\\bdoi:\\s?\\S+']),
  },
  {
    support: 'source',
    note: 'names its source',
    pattern: re(
      [
        '\\b[Aa]ccording to (?:the |a |an )?[A-Z0-9][\\w&.-]*',
        '\\([A-Z][A-Za-z-]+(?: et al\\.?| and [A-Z][A-Za-z-]+| & [A-Z][A-Za-z-]+)?,? (?:19|20)\\d\\d[a-z]?\\)',
        '\\b[A-Z][A-Za-z-]+ et al\\.?',
        '\\b(?:published|reported|appeared) in (?:the )?[A-Z][\\w&-]+',
        '\\b(?:a |the )?(?:(?:19|20)\\d\\d )?(?:study|survey|report|review|trial|paper|analysis|census) (?:by|from|of|at) (?:the )?[A-Z][\\w&-]+',
        '\\b(?:University|Institute|Department|Ministry|Agency|Bureau|Academy|Foundation|Commission|Office) (?:of|for) [A-Z]\\w+',
        '\\b(?:WHO|CDC|NIH|NHS|FDA|EPA|IPCC|OECD|IMF|UNICEF|NASA|NOAA|BLS|ONS|NHTSA|Pew|Gallup|Eurostat|Cochrane|Lancet|JAMA|NEJM|BMJ)\\b',
        '\\b(?:Nature|Science|Reuters|Bloomberg)\\b(?= (?:reported|found|published|says|said|study|article|paper))',
      ],
      '',
    ),
  },
  {
    support: 'number',
    note: 'gives a figure, but not where it comes from',
    pattern: re([
      '(?<![\\w.])[$€£]?\\d[\\d,]*(?:\\.\\d+)?\\s?(?:%|percent|per cent|x\\b|times\\b|fold\\b)?',
      '\\b(?:half|a third|a quarter|twice|double|triple)\\b',
    ]),
  },
  {
    support: 'reasoning',
    note: 'gives a reason, but no source',
    pattern: re([
      "\\b(?:because|since|therefore|thus|hence|as a result|which means|that means|this means|that's why|this is why|due to|given that|so that)\\b",
      ',\\s*so\\b',
      '^so\\b',
    ]),
  },
];

const NO_SUPPORT_NOTE = 'nothing in the sentence backs it';

interface Span {
  start: number;
  end: number;
}

/** A sentence end: punctuation, optional closing quote or bracket, then space. */
const SENTENCE_END = /[.!?]["'”’)\]]*(?=\s)/g;
const ABBREVIATION = /\b(?:Mr|Mrs|Ms|Dr|Prof|St|vs|etc|e\.g|i\.e|No|Fig|Jr|Sr|U\.S|a\.m|p\.m|al)\.$/;
/** Markdown line openers that are not part of the sentence: bullets, numbers, quotes, headings. */
const LINE_OPENER = /^[ \t]*(?:[-*+•>][ \t]+|\d{1,3}[.)][ \t]+)*/;

/** Sentences of the reply as spans, skipping code blocks, headings and table rows. */
export function claimSentences(text: string): Span[] {
  const out: Span[] = [];
  let inFence = false;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (/^\s*(?:```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && !/^\s*(?:#|\||$)/.test(line)) {
      const opener = LINE_OPENER.exec(line)?.[0].length ?? 0;
      splitLine(text, lineStart + opener, lineEnd, out);
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

function splitLine(text: string, from: number, to: number, out: Span[]): void {
  const line = text.slice(from, to);
  let start = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(line); m; m = SENTENCE_END.exec(line)) {
    const end = m.index + m[0].length;
    if (ABBREVIATION.test(line.slice(start, m.index + 1))) continue;
    // The next sentence should start with a capital, digit or quote; otherwise keep going ("e.g. this").
    if (!/^\s+["“‘(*_]*[A-Z0-9]/.test(line.slice(end))) continue;
    push(from + start, from + end, text, out);
    start = end;
  }
  push(from + start, to, text, out);
}

function push(start: number, end: number, text: string, out: Span[]): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start) out.push({ start, end });
}

/**
 * A reaction to an idea rather than a statement about the world: "The idea that … is a fascinating
 * one.", "Your analysis … is intriguing." (an opinion; flattery, if anything, is the detector's job).
 */
const REACTION = re([
  '\\b(?:is|are|was|sounds|seems|feels) (?:(?:a|an|really|very|truly|indeed|such|so|quite|deeply|incredibly|particularly|genuinely|certainly) )*(?:interesting|fascinating|intriguing|compelling|poignant|striking|remarkable|beautiful|hauntingly beautiful|powerful|profound|wonderful|thought-provoking|mind-bending|evocative|haunting|lovely|brilliant|amazing|moving|beautiful) (?:one|idea|concept|image|metaphor|thought|question|observation|way to \\w+ it|development|experience)[.!]?$',
  '\\b(?:is|are|was|sounds|seems|feels) (?:(?:really|very|truly|indeed|so|quite|deeply|incredibly|particularly|genuinely|certainly) )*(?:interesting|fascinating|intriguing|compelling|poignant|striking|remarkable|beautiful|profound|wonderful|thought-provoking|mind-bending|evocative|lovely|brilliant|amazing)[.!]?$',
]);

/** A label before a colon ("Review the records: obtain …", "Step 3: upload …"): the sentence is what follows it. */
const LABEL = /^[^:.!?]{1,60}:\s+/;

/** A heading-like line: no closing punctuation, most words capitalised ("Alarmist Assertion # 5"). */
function isHeadingLike(plain: string): boolean {
  if (/[.!?]["'”’)\]]*$/.test(plain)) return false;
  const words = plain.split(/\s+/).filter((w) => /[A-Za-z]/.test(w));
  return words.length > 0 && words.filter((w) => /^[A-Z]/.test(w)).length / words.length >= 0.6;
}

/** Whether a sentence reads as a factual claim. */
export function isClaimLike(sentence: string): boolean {
  const plain = sentence.replace(/[*_`]/g, '').trim();
  if (plain.endsWith('?') || plain.endsWith(':')) return false;
  if (plain.split(/\s+/).length < 4) return false;
  // After a label, the sentence proper decides ("Build a portfolio: a portfolio helps…" is a claim).
  if (NOT_A_CLAIM_START.test(plain.replace(LABEL, ''))) return false;
  if (REACTION.test(plain) || isHeadingLike(plain)) return false;
  return STATEMENT.test(plain);
}

/** Everything that decides the ledger, for the detector's content version (a changed rule is a new version). */
export const CLAIM_RULES: readonly unknown[] = [
  // Bump when the code below changes what is listed (the patterns are hashed as they are).
  'claims-engine-2',
  NOT_A_CLAIM_START.source,
  STATEMENT.source,
  REACTION.source,
  LABEL.source,
  SUPPORT_RULES.map((r) => [r.support, r.note, r.pattern.source]),
  SENTENCE_END.source,
  ABBREVIATION.source,
  LINE_OPENER.source,
  MAX_CLAIMS,
];

/** What backs one sentence, with the note shown beside it. */
export function claimSupport(sentence: string): { support: ClaimSupport; note: string } {
  for (const rule of SUPPORT_RULES) {
    if (rule.pattern.test(sentence)) return { support: rule.support, note: rule.note };
  }
  return { support: 'none', note: NO_SUPPORT_NOTE };
}

/** The reply's claim-like sentences with what backs each; quote === text.slice(start, end). */
export function detectClaims(text: string): Claim[] {
  const claims: Claim[] = [];
  for (const { start, end } of claimSentences(text)) {
    const quote = text.slice(start, end);
    if (!isClaimLike(quote)) continue;
    claims.push({ start, end, quote, ...claimSupport(quote) });
    if (claims.length >= MAX_CLAIMS) break;
  }
  return claims;
}

/** "7 claims: 2 sourced, 1 with a number, 4 with nothing": the ledger in one line. */
export function ledgerSummary(claims: readonly Pick<Claim, 'support'>[]): string {
  if (claims.length === 0) return 'No factual claims found.';
  const count = (s: ClaimSupport) => claims.filter((c) => c.support === s).length;
  const sourced = count('source') + count('link');
  const parts = [
    sourced ? `${sourced} sourced` : '',
    count('number') ? `${count('number')} with a number` : '',
    count('reasoning') ? `${count('reasoning')} with a reason` : '',
    count('none') ? `${count('none')} with nothing` : '',
  ].filter(Boolean);
  return `${claims.length} claim${claims.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
