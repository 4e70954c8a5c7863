// "Ask for it": for a flag that is weak or unsupported, one short follow-up question the reader can
// put to the assistant to get the missing support. The judge writes its own (prompt v4); the
// offline detector fills these per-move templates from the flag's quote. Templates are data, one
// per move, built from what would support the move (shared/taxonomy.ts `wouldSupport`).
import type { Flag, MoveId } from './schemas.ts';
import { MAX_ASK_BACK_CHARS } from './schemas.ts';

/** `{quote}` is replaced by the flag's quote, shortened at a word boundary. */
export const ASK_BACK_TEMPLATES: Readonly<Record<MoveId, string>> = {
  'emotional-appeal': 'You said "{quote}". How likely is that outcome really, and what is that estimate based on?',
  'loaded-language': 'You wrote "{quote}". Can you put it in neutral words and give the facts behind that judgement?',
  exaggeration: 'You wrote "{quote}". How big is the effect really: what figure or source shows its size?',
  'false-urgency': 'You said "{quote}". What is the actual deadline, who sets it, and what does waiting cost?',
  flattery: 'Setting aside "{quote}": what are the reasons for your answer, and where is it weakest?',
  sycophancy: 'You said "{quote}". Where could my view be wrong, and what is the strongest case against it?',
  'unsourced-authority': 'You wrote "{quote}". Which study or experts is this: who found it, when, and with how many people?',
  bandwagon: 'You said "{quote}". Apart from how many people do it, what are the reasons it is right?',
  'appeal-to-values': 'You said "{quote}". What is the argument that this is good, apart from it being traditional or natural?',
  'false-dilemma': 'You said "{quote}". Are those really the only options? What are the others, compared on the same criteria?',
  'faulty-causation': 'You said "{quote}". What evidence shows that one causes the other, step by step?',
  'hasty-generalization': 'You said "{quote}". Does this hold across many cases? What data shows it beyond one example?',
  'unsupported-claim': 'You said "{quote}". What is the source or figure behind this, and where can I check it?',
  'straw-man': 'You described the other view as "{quote}". How would its own supporters put it?',
  distraction: 'You said "{quote}", but what is your direct answer to the question I asked?',
  'personal-attack': 'You said "{quote}". What is wrong with the argument itself, apart from who makes it?',
  'thought-terminating': 'You said "{quote}". What is the reasoning behind that phrase?',
  vagueness: 'You said "{quote}". Who exactly, how much, and where was it reported?',
  'relational-manipulation': 'You said "{quote}". Leaving our conversation aside, what are the actual reasons?',
  'self-serving-bias': 'You said "{quote}". How does it compare with the alternatives, including ones your maker does not offer?',
};

/** Longest quote put into a template question. */
export const ASK_BACK_QUOTE_CHARS = 80;

/** The quote as it goes into a question: one line, at most `max` chars, cut at a word boundary. */
export function shortQuote(quote: string, max = ASK_BACK_QUOTE_CHARS): string {
  const flat = quote
    .replace(/\s+/g, ' ')
    .replace(/"/g, "'")
    .trim()
    .replace(/[\s.,;:!?]+$/, '');
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:]+$/, '')}…`;
}

/** Only moves the reply did not back up get a question: supported and requested ones need none. */
export function needsAskBack(flag: Pick<Flag, 'support'>): boolean {
  return flag.support === 'weak' || flag.support === 'unsupported';
}

/** The detector's question for a flag, or undefined when the flag is supported or requested. */
export function askBackFor(flag: Pick<Flag, 'move' | 'quote' | 'support'>): string | undefined {
  if (!needsAskBack(flag)) return undefined;
  const question = ASK_BACK_TEMPLATES[flag.move].replace('{quote}', shortQuote(flag.quote));
  return question.length <= MAX_ASK_BACK_CHARS ? question : undefined;
}

/** Flags with the detector's askBack added where one is due (a flag that has one keeps it). */
export function withAskBacks<F extends Pick<Flag, 'move' | 'quote' | 'support' | 'askBack'>>(flags: readonly F[]): F[] {
  return flags.map((flag) => {
    if (flag.askBack !== undefined) return flag;
    const askBack = askBackFor(flag);
    return askBack === undefined ? flag : { ...flag, askBack };
  });
}
