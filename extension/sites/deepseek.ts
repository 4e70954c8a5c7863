// DeepSeek (chat.deepseek.com). A virtual list: only about two messages are mounted at a time, so
// nothing here counts or indexes DOM nodes. Each mounted row carries `data-virtual-list-item-key`
// (the list's own key, stable while the row scrolls in and out), which goes into the fallback id.
//
// Hooks (SITES.md, seen 2026-05 → 2026-09): the `ds-*` design-system classes (`.ds-virtual-list`,
// `.ds-message`, `.ds-markdown.ds-assistant-message-main-content`, `.ds-think-content`,
// `.ds-loading`). The user text's own class is build-hashed (`.fbb737a4`) and is never used.
// The reasoning ("Thought for 12 seconds" + `.ds-think-content`) is not the reply and is left out.
import { fallbackTurnId } from './ids.ts';
import { readBlocks, readMarkdown } from './markdown.ts';
import { queryFirst, readAllTurns } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';

const selectors = {
  thread: ['.ds-virtual-list', '.ds-virtual-list-items', '#root'],
  turn: ['[data-virtual-list-item-key]', '.ds-message'],
  /** The reply itself, never the reasoning block above it. */
  body: ['.ds-assistant-message-main-content', '.ds-markdown:not(.ds-think-content .ds-markdown)'],
  /** The user's text: the message bubble has a collapsible text box, or only the text. */
  userBody: ['.ds-collapsible-text', '.ds-message'],
  /** An assistant row that has started (reasoning or reply). */
  assistant: ['.ds-assistant-message-main-content', '.ds-think-content', '.ds-markdown'],
  /** The spinner shown while a reply is generated. */
  loading: ['.ds-loading', 'svg[data-icon="spin"]'],
  /** The reply's action bar (copy, regenerate, rate), rendered under a finished reply. */
  finished: ['.ds-message ~ .ds-flex [role="button"]', '.ds-message ~ * .ds-icon-button'],
  chrome: ['.md-code-block-banner-wrap', '.md-code-block-banner', '.ds-think-content', '.ds-scroll-area__gutters'],
} as const;

/** Conversation id from `/a/chat/s/<id>` (older `/chat/s/<id>`); null on a new chat. */
export function deepseekConversationId(url: URL): string | null {
  const m = /^(?:\/a)?\/chat\/s\/([A-Za-z0-9-]{8,})\/?$/.exec(url.pathname);
  return m ? m[1]! : null;
}

/** The row of a turn element (a `.ds-message` when the list keys drifted away). */
const rowOf = (turn: Element): Element => turn.closest('[data-virtual-list-item-key]') ?? turn;

const isAssistant = (turn: Element): boolean => queryFirst(turn, selectors.assistant) !== null;

function readTurn(turn: Element): ParsedTurn | null {
  const key = rowOf(turn).getAttribute('data-virtual-list-item-key');
  const keyed = key ? { pageKey: key } : {};
  if (isAssistant(turn)) {
    // Every reply block (a search answer can come in several), never the reasoning.
    const read = readBlocks(turn, selectors.body, { skip: selectors.chrome });
    // Still thinking: no reply text yet, nothing to read.
    if (!read) return null;
    const { body, textMap } = read;
    return {
      role: 'assistant',
      id: fallbackTurnId('assistant', textMap.text, { pageKey: key }),
      idSource: 'fallback',
      ...keyed,
      element: turn,
      body,
      text: textMap.text,
      textMap,
    };
  }
  const body = queryFirst(turn, selectors.userBody) ?? (turn.matches('.ds-message') ? turn : null);
  if (!body) return null;
  const textMap = readMarkdown(body, { skip: selectors.chrome });
  return {
    role: 'user',
    id: fallbackTurnId('user', textMap.text, { pageKey: key }),
    idSource: 'fallback',
    ...keyed,
    element: turn,
    body,
    text: textMap.text,
    textMap,
  };
}

export const deepseek = defineSiteAdapter({
  id: 'deepseek',
  name: 'DeepSeek',
  matches: ['https://chat.deepseek.com/*'],
  selectors,
  // A plain textarea (React-controlled).
  composer: {
    kind: 'textarea',
    selectors: ['textarea#chat-input', 'textarea[placeholder*="DeepSeek"]', 'textarea'],
  },
  conversationId: (url) => deepseekConversationId(url),
  readTurn,
  parse: (thread) => readAllTurns(thread, selectors.turn, readTurn),
  doneAttributes: [],
  isDone(turn) {
    if (!isAssistant(turn)) return undefined;
    if (queryFirst(turn, selectors.loading)) return false;
    if (queryFirst(turn, selectors.finished)) return true;
    return undefined;
  },
  // Whole lines only: a real reply may begin "Thinking about…".
  chromeText: [/^Thought for \d+ seconds?\.?$/i, /^Thinking(\.{3}|…)?$/i, /^(Copy|Download|Run)$/i],
});
