// Perplexity (www.perplexity.ai). Tailwind class chains, few data hooks (SITES.md fragility H).
//
// One thread entry = a query (`[class~="group/query"]`, text in `span.select-text`) and an answer
// in `div#markdown-content-<n>` (n = the entry's index; the page has no message ids). Since the
// 2026-08 rollout `markdown-content-<n>` may be an empty placeholder with the answer rendered in a
// sibling `.prose`, so the answer's turn is the PARENT of `markdown-content-<n>`: it holds both
// layouts, and a reply streaming into the sibling still mutates inside its turn.
// Finished: the stop button is gone and the entry's action bar (Copy / Helpful) is shown.
import { fallbackTurnId } from './ids.ts';
import { readMarkdown } from './markdown.ts';
import { queryFirst, readAllTurns } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';

const ANSWER = '[id^="markdown-content-"]';
/** A rendered answer with no markdown-content-<n> around or before it (those ids gone). */
const ORPHAN_PROSE = `div.prose[class~="dark:prose-invert"]:not(${ANSWER} *, ${ANSWER} ~ *)`;
/** One match per answer in either layout, and with the ids gone. */
const ANSWERS = `${ANSWER}, ${ORPHAN_PROSE}`;

const selectors = {
  thread: ['div[class*="max-w-threadContentWidth"]', 'main'],
  // Each entry is a whole layout (queries AND answers): the core uses the first that matches.
  turn: [
    `[class~="group/query"], div:has(> ${ANSWER}), ${ORPHAN_PROSE}`,
    `.font-display.text-pretty, div:has(> ${ANSWER}), ${ORPHAN_PROSE}`,
  ],
  /** The answer body, tried inside the turn in this order; see `answerBody`. */
  body: [ANSWER, '.prose[class~="dark:prose-invert"]', '.prose'],
  userBody: ['span.select-text', '[class*="select-text"]'],
  /** Composer stop button while an answer streams. */
  stop: ['button[aria-label*="stop" i]'],
  /** The entry's action bar, shown once the answer is complete. */
  finished: ['button[aria-label="Helpful"]', 'button[aria-label="Not helpful"]', 'button[aria-label="Rewrite Thread"]', 'button[aria-label="Copy"]'],
  /** "Prepared using <model>" under the answer. */
  model: ['div[class*="text-quiet"]', 'div'],
  chrome: [
    '[data-testid="code-language-indicator"]',
    '[data-testid="copy-code-button"]',
    // Inline source chips ("reuters +2") read as words inside sentences; sources are not reply text.
    'span.citation',
    '[data-pplx-citation-url]',
  ],
} as const;

/** Conversation id: the thread slug of `/search/<slug>`. Null elsewhere (home, discover, spaces). */
export function perplexityConversationId(url: URL): string | null {
  const m = /^\/search\/([A-Za-z0-9._~%-]{4,})\/?$/.exec(url.pathname);
  return m ? m[1]! : null;
}

/** The model from the "Prepared using …" line, if that is what the text says. */
export function perplexityModelFromText(text: string): string | null {
  // A model name: words, digits, dots, dashes and pluses; never a sentence (no commas).
  const m = /^\s*Prepared (?:using|with|by)\s+([\w][\w .+-]{1,47}?)\s*$/i.exec(text);
  return m ? m[1]! : null;
}

/** The entry index of `markdown-content-<n>`. */
export function perplexityAnswerIndex(elementId: string): string | null {
  const m = /^markdown-content-(\d+)$/.exec(elementId);
  return m ? m[1]! : null;
}

const isQuery = (turn: Element): boolean => turn.matches('[class~="group/query"], .font-display.text-pretty');

/** A body counts when it reads as some text (a placeholder reads as ''). */
const readIfAny = (body: Element) => {
  const map = readMarkdown(body, { skip: selectors.chrome });
  return map.text.trim() ? map : null;
};

/**
 * The answer body: `markdown-content-<n>` when it holds the answer; otherwise (the 2026-08
 * placeholder) the sibling `.prose` that does.
 */
function answerBody(turn: Element): { body: Element; map: ReturnType<typeof readMarkdown> } {
  const placeholder = turn.querySelector(`:scope > ${ANSWER}`) ?? turn.querySelector(ANSWER);
  const candidates: Element[] = [];
  if (placeholder) candidates.push(placeholder);
  for (const selector of selectors.body.slice(1)) {
    for (const el of Array.from(turn.querySelectorAll(selector))) {
      if (!placeholder?.contains(el)) candidates.push(el);
    }
  }
  if (turn.matches('.prose')) candidates.push(turn);
  for (const body of candidates) {
    const map = readIfAny(body);
    if (map) return { body, map };
  }
  const body = candidates[0] ?? turn;
  return { body, map: readMarkdown(body, { skip: selectors.chrome }) };
}

/** The thread entry around an answer: the widest ancestor holding this answer and no other. */
function entryOf(turn: Element): Element {
  let entry = turn;
  for (let el = turn.parentElement, depth = 0; el && depth < 10; el = el.parentElement, depth++) {
    if (el.matches('main, body') || el.querySelectorAll(ANSWERS).length > 1) break;
    entry = el;
  }
  return entry;
}

function modelOf(turn: Element): string | null {
  const entry = entryOf(turn);
  for (const selector of selectors.model) {
    for (const el of Array.from(entry.querySelectorAll(selector))) {
      if (el.childElementCount > 0) continue;
      const model = perplexityModelFromText(el.textContent ?? '');
      if (model) return model;
    }
  }
  return null;
}

function readTurn(turn: Element): ParsedTurn | null {
  if (isQuery(turn)) {
    const body = queryFirst(turn, selectors.userBody) ?? turn;
    const textMap = readMarkdown(body, { skip: selectors.chrome });
    return { role: 'user', id: fallbackTurnId('user', textMap.text), idSource: 'fallback', element: turn, body, text: textMap.text, textMap };
  }
  const { body, map } = answerBody(turn);
  const index = perplexityAnswerIndex(turn.querySelector(ANSWER)?.id ?? '');
  const model = modelOf(turn);
  return {
    role: 'assistant',
    id: fallbackTurnId('assistant', map.text, index),
    idSource: 'fallback',
    ...(model ? { model } : {}),
    element: turn,
    body,
    text: map.text,
    textMap: map,
  };
}

export const perplexity = defineSiteAdapter({
  id: 'perplexity',
  name: 'Perplexity',
  matches: ['https://www.perplexity.ai/*'],
  selectors,
  conversationId: (url) => perplexityConversationId(url),
  readTurn,
  parse: (thread) => readAllTurns(thread, selectors.turn, readTurn),
  doneAttributes: [],
  isDone(turn) {
    if (isQuery(turn)) return undefined;
    const doc = turn.ownerDocument;
    const answers = doc.querySelectorAll(ANSWERS);
    const last = answers[answers.length - 1];
    const isLast = !last || turn.contains(last);
    if (isLast && queryFirst(doc, selectors.stop)) return false;
    if (queryFirst(entryOf(turn), selectors.finished)) return true;
    // A later entry exists, so this answer is no longer being written.
    if (!isLast) return true;
    return undefined;
  },
  chromeText: [/^(Answer|Sources|Copy|Show more|Related)$/i, /^Prepared using [\w .+-]{2,48}$/i],
});
