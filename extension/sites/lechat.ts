// Le Chat (chat.mistral.ai).
//
// Hooks (SITES.md, seen 2025-08 → 2026-08): ChatGPT-like `[data-message-author-role="user" |
// "assistant"]` with `data-message-id="<uuid>"` and `data-message-version`. The reply's answer
// part is `[data-message-part-type="answer"]` (`data-testid="text-message-part"`); reasoning parts
// (`data-message-part-type="reasoning"`) are not the reply. Layout
// `[data-testid="conversation-layout"]`.
//
// A regenerated reply may keep its message id and bump `data-message-version`: the version is part
// of our id, so each version is its own message (linked to the same user turn).
// Finished: no site flag documented → the core waits for the text to settle. A stop button in
// the composer, when present, says the newest reply is still streaming.
import { fallbackTurnId } from './ids.ts';
import { readBlocks, readMarkdown } from './markdown.ts';
import { queryAllFirst, queryFirst, readAllTurns } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';

const selectors = {
  thread: ['[data-testid="conversation-layout"]', 'main'],
  turn: ['[data-message-author-role]'],
  body: ['[data-message-part-type="answer"]', '[data-testid="text-message-part"]', '.prose'],
  /** Last: the whole user turn (its buttons are chrome) when the text's own classes are gone. */
  userBody: ['.select-text', '.whitespace-pre-wrap', '[data-message-author-role="user"]'],
  stopButton: ['button[aria-label="Stop generation"]', 'button[aria-label*="Stop" i]'],
  // Parts that are not the answer: the reasoning, a tool call with its sources.
  chrome: ['[data-message-part-type="reasoning"]', '[data-message-part-type="tool"]', '[data-testid="message-actions"]'],
} as const;

/** `/chat/<uuid>`; null on the home page. */
export function lechatConversationId(url: URL): string | null {
  const m = /^\/chat\/([0-9a-f-]{8,})\/?$/i.exec(url.pathname);
  return m ? m[1]! : null;
}

function readTurn(turn: Element): ParsedTurn | null {
  const role = turn.getAttribute('data-message-author-role');
  if (role !== 'user' && role !== 'assistant') return null;
  // A reply can be several answer parts (text, a tool call or sources, more text): all of them.
  const userBody = role === 'user' ? (queryFirst(turn, selectors.userBody) ?? (turn.matches(selectors.userBody.join(', ')) ? turn : null)) : null;
  const read =
    role === 'assistant'
      ? readBlocks(turn, selectors.body, { skip: selectors.chrome })
      : userBody
        ? { body: userBody, textMap: readMarkdown(userBody, { skip: selectors.chrome }) }
        : null;
  if (!read) return null;
  const { body, textMap } = read;
  const siteId = turn.getAttribute('data-message-id');
  const version = turn.getAttribute('data-message-version');
  const id = siteId ? (version && version !== '0' ? `${siteId}~v${version}` : siteId) : null;
  return {
    role,
    id: id ?? fallbackTurnId(role, textMap.text),
    ...(id ? {} : { idSource: 'fallback' as const }),
    element: turn,
    body,
    text: textMap.text,
    textMap,
  };
}

export const lechat = defineSiteAdapter({
  id: 'lechat',
  name: 'Le Chat',
  matches: ['https://chat.mistral.ai/*'],
  selectors,
  // A ProseMirror (tiptap) editor; older builds had a plain textarea.
  composer: {
    kind: 'prosemirror',
    selectors: ['div.ProseMirror[contenteditable="true"]', 'form [contenteditable="true"]', 'textarea[name="message.text"]', 'form textarea'],
  },
  conversationId: (url) => lechatConversationId(url),
  readTurn,
  parse: (thread) => readAllTurns(thread, selectors.turn, readTurn),
  doneAttributes: [],
  isDone(turn) {
    const doc = turn.ownerDocument;
    if (!queryFirst(doc, selectors.stopButton)) return undefined;
    const turns = queryAllFirst(doc, selectors.turn);
    return turns[turns.length - 1] === turn ? false : undefined;
  },
  chromeText: [/^Le Chat$/, /^Mistral said:?$/i],
});
