// Gemini (gemini.google.com).
//
// Hooks (SITES.md, seen 2025-06 → 2026-07): Angular custom elements are the durable identity:
// `chat-window` → `.conversation-container` (one per exchange) → `user-query` (text in
// `.query-text-line`) and `model-response` → `message-content` → `.markdown.markdown-main-panel`.
// History is lazy (`infinite-scroller[data-test-id="chat-history-container"]`). Never `ng-*`
// classes. Reply ids: `message-content#message-content-id-r_<hex>` (`r_<hex>` = the API's
// response id). Thinking (`[data-test-id="model-thoughts"]`) is not the reply. Math keeps its
// TeX in `data-math`.
//
// Finished: `.markdown-main-panel[aria-busy="true"]` → `"false"`; else `.response-footer.complete`.
// Gemini shows a mode ("Flash", "Thinking"), not a model: read it as the model label when present.
import { fallbackTurnId } from './ids.ts';
import { readBlocks } from './markdown.ts';
import { queryFirst, readAllTurns } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';

const selectors = {
  thread: ['infinite-scroller[data-test-id="chat-history-container"]', '#chat-history', 'chat-window', 'main'],
  turn: ['user-query, model-response', '.conversation-container > *'],
  body: ['message-content .markdown-main-panel', 'message-content .markdown', 'message-content'],
  userBody: ['.query-text', 'user-query-content', '.query-text-line'],
  replyId: ['message-content[id^="message-content-id-"]', '[id^="model-response-message-content"]'],
  /** The answer panel's own flag; never any [aria-busy] in the reply (an image still loading says nothing about the text). */
  busy: ['.markdown-main-panel[aria-busy]', 'message-content .markdown[aria-busy]', 'message-content[aria-busy]'],
  /** One question and its answer. */
  exchange: ['.conversation-container'],
  finished: ['.response-footer.complete', 'message-actions'],
  mode: ['[data-test-id="bard-mode-menu-button"]', 'bard-mode-switcher button'],
  chrome: [
    '[data-test-id="model-thoughts"]',
    'model-thoughts',
    '.response-footer',
    'message-actions',
    'sources-list',
    '.code-block-decoration',
    '.cdk-visually-hidden',
  ],
} as const;

/** `/app/<hex>`, `/gem/<gem>/<hex>`, also under `/u/<n>/`; null on the new-chat page. */
export function geminiConversationId(url: URL): string | null {
  const m = /^(?:\/u\/\d+)?\/(?:app|gem\/[^/]+)\/([0-9a-f]{8,})\/?$/i.exec(url.pathname);
  return m ? m[1]! : null;
}

export function geminiReplyId(elementId: string | null | undefined): string | null {
  const m = /(r_[0-9a-f]+)$/i.exec(elementId ?? '');
  return m ? m[1]! : null;
}

function readTurn(turn: Element): ParsedTurn | null {
  const tag = turn.tagName.toLowerCase();
  const role =
    tag === 'model-response' || turn.querySelector('message-content')
      ? 'assistant'
      : tag === 'user-query' || turn.querySelector('user-query-content, .query-text')
        ? 'user'
        : null;
  if (!role) return null;
  const read = readBlocks(turn, role === 'assistant' ? selectors.body : selectors.userBody, { skip: selectors.chrome });
  if (!read) return null;
  const { body, textMap } = read;
  const siteId = role === 'assistant' ? geminiReplyId(queryFirst(turn, selectors.replyId)?.id) : null;
  const exchange = turn.parentElement?.closest(selectors.exchange.join(', ')) ?? null;
  // The mode label is page-wide: it names the mode of the newest replies, which are the ones captured live.
  const mode = role === 'assistant' ? queryFirst(turn.ownerDocument, selectors.mode)?.textContent?.trim() : undefined;
  return {
    role,
    id: siteId ?? fallbackTurnId(role, textMap.text),
    ...(siteId ? {} : { idSource: 'fallback' as const }),
    ...(mode ? { model: mode } : {}),
    // One exchange per container: the question is first whatever order the DOM gives them.
    ...(exchange ? { entry: exchange } : {}),
    element: turn,
    body,
    text: textMap.text,
    textMap,
  };
}

export const gemini = defineSiteAdapter({
  id: 'gemini',
  name: 'Gemini',
  matches: ['https://gemini.google.com/*'],
  selectors,
  // A Quill editor inside the <rich-textarea> custom element.
  composer: {
    kind: 'contenteditable',
    selectors: [
      'rich-textarea .ql-editor[contenteditable="true"]',
      'rich-textarea [contenteditable="true"]',
      '.ql-editor[contenteditable="true"]',
      '[contenteditable="true"][role="textbox"]',
    ],
  },
  conversationId: (url) => geminiConversationId(url),
  readTurn,
  parse: (thread) => readAllTurns(thread, selectors.turn, readTurn),
  doneAttributes: ['aria-busy'],
  isDone(turn) {
    // The thinking panel has its own aria-busy (it finishes before the answer does): not the reply's.
    const chrome = selectors.chrome.join(', ');
    const panel = selectors.busy.map((s) => Array.from(turn.querySelectorAll(s)).find((el) => !el.closest(chrome))).find(Boolean);
    const busy = panel?.getAttribute('aria-busy');
    if (busy === 'true') return false;
    if (busy === 'false') return true;
    if (queryFirst(turn, selectors.finished)) return true;
    return undefined;
  },
  chromeText: [/^Gemini said:?$/i, /^Show thinking$/i, /^You said:?$/i],
});
