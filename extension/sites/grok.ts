// Grok (grok.com). Every message, user or assistant, is a `div#response-<uuid>` whose uuid is the
// API's responseId: the one real message id among these sites. Roles come from the layout
// classes (user bubbles sit at the end, `.items-end`; replies at the start, `.items-start`), which
// are Tailwind utilities and may churn (SITES.md fragility H), so the user bubble's own corner
// class and the reply's action bar back them up.
// No "finished" signal was ever verified on Grok: isDone says undefined and the core waits for
// the text to stop changing.
import { readBlocks } from './markdown.ts';
import { queryFirst, readAllTurns } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';

const selectors = {
  thread: ['div:has(> #last-reply-container)', 'main'],
  turn: ['div[id^="response-"]'],
  body: ['.response-content-markdown', '.message-bubble'],
  /** A reply's action bar (regenerate is offered on replies only). */
  assistantMarks: ['button[aria-label="Regenerate"]'],
  userMarks: ['.message-bubble.rounded-br-lg'],
  chrome: [
    // A code block's header: the language label the site marks unselectable.
    '[data-testid="code-block"] span.select-none',
    '.action-buttons',
    // An artifact's card (title, "open" button); the artifact itself renders outside the reply.
    '[id^="artifact_card_"]',
  ],
} as const;

const UUID = /^response-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The response uuid of `id="response-<uuid>"`. */
export function grokMessageId(elementId: string): string | null {
  const m = UUID.exec(elementId);
  return m ? m[1]!.toLowerCase() : null;
}

/** Conversation id from `/c/<uuid>` (a `?rid=` query names a response and is ignored). */
export function grokConversationId(url: URL): string | null {
  const m = /^\/c\/([A-Za-z0-9-]{8,})\/?$/.exec(url.pathname);
  return m ? m[1]!.toLowerCase() : null;
}

const layoutRole = (el: Element): 'user' | 'assistant' | null =>
  el.classList.contains('items-end') ? 'user' : el.classList.contains('items-start') ? 'assistant' : null;

export function grokRole(turn: Element): 'user' | 'assistant' | null {
  const own = layoutRole(turn);
  if (own) return own;
  if (queryFirst(turn, selectors.userMarks)) return 'user';
  if (queryFirst(turn, selectors.assistantMarks)) return 'assistant';
  // The layout classes on a wrapper inside the message; never a flex row inside the text itself.
  const body = selectors.body.join(', ');
  const wrapper = Array.from(turn.querySelectorAll('.items-end, .items-start')).find((el) => !el.closest(body));
  return wrapper ? layoutRole(wrapper) : null;
}

function readTurn(turn: Element): ParsedTurn | null {
  const id = grokMessageId(turn.id);
  const role = grokRole(turn);
  const read = readBlocks(turn, selectors.body, { skip: selectors.chrome });
  if (!id || !role || !read) return null;
  const { body, textMap } = read;
  return { role, id, element: turn, body, text: textMap.text, textMap };
}

export const grok = defineSiteAdapter({
  id: 'grok',
  name: 'Grok',
  matches: ['https://grok.com/*'],
  selectors,
  // A ProseMirror (tiptap) editor; earlier builds had a textarea with an aria label.
  composer: {
    kind: 'prosemirror',
    selectors: [
      'div.tiptap.ProseMirror[contenteditable="true"]',
      'div.ProseMirror[contenteditable="true"]',
      'textarea[aria-label^="Ask Grok"]',
      'form textarea',
    ],
  },
  conversationId: (url) => grokConversationId(url),
  readTurn,
  parse: (thread) => readAllTurns(thread, selectors.turn, readTurn),
  doneAttributes: [],
  // No verified signal on Grok: let the core wait for the text to stop changing.
  isDone: (_turn: Element): boolean | undefined => undefined,
  chromeText: [/^(Copy|Regenerate|Edit|Read aloud)$/i, /^Thought for \d+(\.\d+)?s$/i],
});
