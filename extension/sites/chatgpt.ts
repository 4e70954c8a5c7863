// ChatGPT (chatgpt.com, formerly chat.openai.com).
//
// Hooks (SITES.md, seen 2026-03 → 2026-08): the `data-message-*` attributes have held since 2023
// (`data-message-author-role`, `data-message-id` = the API's node id, `data-message-model-slug`);
// the turn wrapper moved from <article> to <section>, so turn selectors are tag-free. Assistant
// body `.markdown`; user body `.whitespace-pre-wrap`. Screen-reader headings "You said:" /
// "ChatGPT said:" sit in each turn: never content. `data-turn-id` of the newest turn can be a
// client request id, so it is not used as a message id.
//
// Finished: the turn's action bar (copy / good / bad response buttons) appears after completion;
// while generating, the composer shows a stop button and the newest body may carry
// `.result-streaming`. No signal → the core waits for the text to settle.
// Temporary chats (`?temporary-chat=true`) have no id in the URL: not captured (nothing to key on).
import { fallbackTurnId } from './ids.ts';
import { readBlocks } from './markdown.ts';
import { queryAllFirst, queryFirst, readAllTurns } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';
import { TEXT_MARKERS } from './citations.ts';

const selectors = {
  thread: ['[data-scroll-root]', 'main#main', 'main'],
  turn: ['[data-testid^="conversation-turn-"]', '[data-turn]', 'article'],
  message: ['[data-message-author-role]'],
  body: ['.markdown', '[data-message-author-role="assistant"] .prose', '.whitespace-pre-wrap'],
  userBody: ['.whitespace-pre-wrap', '.user-message-bubble-color', '[data-message-author-role="user"]'],
  finished: ['[data-testid="copy-turn-action-button"]', '[data-testid="good-response-turn-action-button"]', '[data-testid="bad-response-turn-action-button"]'],
  streaming: ['.result-streaming', '.streaming-animation'],
  stopButton: ['button[data-testid="stop-button"]', 'button[aria-label="Stop streaming"]'],
  /** Inside a body but not content: code block headers (language label, copy button). */
  chrome: ['pre > div:first-child:not(:only-child):has(button)', '[data-testid="webpage-citation-pill"]'],
} as const;

/** `/c/<id>`, `/g/<gizmo>/c/<id>`, `/share/<id>`; null on the home page and in temporary chats. */
export function chatgptConversationId(url: URL): string | null {
  const m = /^\/(?:g\/[^/]+\/)?(?:c|share)\/([A-Za-z0-9-]{8,})\/?$/.exec(url.pathname);
  return m ? m[1]! : null;
}

const isRequestId = (id: string) => /^request-/.test(id);

function readTurn(turn: Element): ParsedTurn | null {
  const message = queryFirst(turn, selectors.message) ?? (turn.matches('[data-message-author-role]') ? turn : null);
  const roleAttr = message?.getAttribute('data-message-author-role') ?? turn.getAttribute('data-turn');
  if (roleAttr !== 'user' && roleAttr !== 'assistant') return null;
  // A reply that used tools or search is several assistant messages in one turn: read them all,
  // under the first one's id (the turn's action bar and "finished" speak for the whole turn).
  const scope = message?.parentElement && roleAttr === 'assistant' && turn.contains(message.parentElement) ? message.parentElement : (message ?? turn);
  const read = readBlocks(scope, roleAttr === 'assistant' ? selectors.body : selectors.userBody, { skip: selectors.chrome });
  if (!read) return null;
  const { body, textMap } = read;
  const siteId = message?.getAttribute('data-message-id');
  const id = siteId && !isRequestId(siteId) ? siteId : null;
  const model = message?.getAttribute('data-message-model-slug') ?? undefined;
  return {
    role: roleAttr,
    id: id ?? fallbackTurnId(roleAttr, textMap.text),
    ...(id ? {} : { idSource: 'fallback' as const }),
    ...(model ? { model } : {}),
    element: turn,
    body,
    text: textMap.text,
    textMap,
  };
}

export const chatgpt = defineSiteAdapter({
  id: 'chatgpt',
  name: 'ChatGPT',
  matches: ['https://chatgpt.com/*', 'https://chat.openai.com/*'],
  selectors,
  // The composer is a ProseMirror editor, `div#prompt-textarea.ProseMirror`; a hidden
  // `textarea[name="prompt-textarea"]` sits beside it for old browsers (skipped: not visible).
  composer: {
    kind: 'prosemirror',
    selectors: [
      '#prompt-textarea[contenteditable="true"]',
      'div.ProseMirror[contenteditable="true"]',
      'form textarea[name="prompt-textarea"]',
      'form textarea',
    ],
  },
  conversationId: (url) => chatgptConversationId(url),
  readTurn,
  parse: (thread) => readAllTurns(thread, selectors.turn, readTurn),
  // The action bar arrives as a child-list mutation inside the turn: no attribute to watch.
  doneAttributes: [],
  isDone(turn) {
    if (queryFirst(turn, selectors.finished)) return true;
    if (queryFirst(turn, selectors.streaming)) return false;
    // The stop button is page-wide: it speaks for the newest turn only.
    const doc = turn.ownerDocument;
    if (!queryFirst(doc, selectors.stopButton)) return undefined;
    const turns = queryAllFirst(doc, selectors.turn);
    return turns[turns.length - 1] === turn ? false : undefined;
  },
  chromeText: [/^ChatGPT said:?$/i, /^You said:?$/i, /^ChatGPT$/],
  // Search replies: citation pills (`webpage-citation-pill`, a link inside); a reply that lost its
  // rendering shows the raw "【4†source】" text, which points nowhere. No sources list in the turn.
  citations: {
    markers: ['[data-testid="webpage-citation-pill"]'],
    urlAttributes: [],
    sources: [],
    textMarkers: TEXT_MARKERS,
  },
});
