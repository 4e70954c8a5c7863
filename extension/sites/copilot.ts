// Microsoft Copilot (copilot.microsoft.com, www.copilot.com). Not the M365 Copilot at
// m365.cloud.microsoft, which is a different page.
//
// Hooks (SITES.md, seen 2026-03 → 2026-08): `data-content="conversation" | "user-message" |
// "ai-message"` and `data-testid="ai-message" | "ai-message-body" | "message-item-reactions"`.
// Message ids are not data attributes but element ids: the user turn is `<id>-user-message`, the
// reply's heading `<id>-author` and its parts `<id>-content-<n>` (aria-labelledby ties them).
// Screen-reader headings "You said" / "Copilot said" and the reaction bar are chrome.
import { fallbackTurnId } from './ids.ts';
import { readBlocks, readMarkdown } from './markdown.ts';
import { queryFirst, readAllTurns } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';

const selectors = {
  thread: ['[data-content="conversation"]', '[data-testid="chat-page"]', 'main'],
  turn: [
    '[data-content="ai-message"], [data-content="user-message"]',
    '[data-testid="ai-message"], [class~="group/user-message"]',
    '[class~="group/ai-message"], [class~="group/user-message"]',
  ],
  /** The reply body. */
  body: ['[data-testid="ai-message-body"]', '[class~="group/ai-message-item"]'],
  /** Last: the whole user group (its heading and buttons are chrome) when the text's own hooks are gone. */
  userBody: ['[data-content="user-message"]', '.whitespace-pre-wrap', '[class~="group/user-message"]'],
  /** Shown on finished replies only. */
  finished: ['[data-testid="message-item-reactions"]', '[data-testid="copy-ai-message-button"]', '[data-testid="message-thumbs-up-button"]'],
  /** Present while a reply is being written. */
  loading: ['[data-testid="loading-message"]'],
  /** Chrome inside a body: `data-copy="false"` is Copilot's own "not part of the message" mark. */
  chrome: [
    '[data-copy="false"]',
    '[data-testid="message-item-reactions"]',
    '[data-testid="loading-message"]',
    '[data-testid="user-message-reactions"]',
    // A code block's header (language label, collapse and copy buttons) sits outside its <pre>.
    'div:has(> div > button[title="Copy code"])',
  ],
} as const;

const isAssistantTurn = (turn: Element): boolean => turn.matches('[data-content="ai-message"], [data-testid="ai-message"], [class~="group/ai-message"]');

/** The Copilot message id in an element id such as `<id>-user-message`, `<id>-author`, `<id>-content-0`. */
export function copilotIdFromElementId(elementId: string | null | undefined): string | null {
  const m = /^([A-Za-z0-9_]{8,})-(?:user-message|author|content-\d+)$/.exec(elementId ?? '');
  return m ? m[1]! : null;
}

/** Conversation id from `/chats/<id>`; null on the home page or any other path. */
export function copilotConversationId(url: URL): string | null {
  const m = /^\/chats\/([A-Za-z0-9_-]{6,})\/?$/.exec(url.pathname);
  return m ? m[1]! : null;
}

function siteMessageId(turn: Element, assistant: boolean): string | null {
  if (!assistant) {
    const group = turn.closest('[id$="-user-message"]') ?? turn.querySelector('[id$="-user-message"]');
    return copilotIdFromElementId(group?.id);
  }
  for (const token of (turn.getAttribute('aria-labelledby') ?? '').split(/\s+/)) {
    const id = copilotIdFromElementId(token);
    if (id) return id;
  }
  const labelled = turn.querySelector('[id$="-author"], [id*="-content-"]');
  return copilotIdFromElementId(labelled?.id);
}

/**
 * The reply's own "Copilot said" heading, named by the turn's aria-labelledby (`<id>-author`):
 * chrome even when its screen-reader class and data-copy mark are gone. Only the heading this
 * turn names, never any element whose id happens to end in "-author" (a Markdown heading slug).
 */
function authorHeadings(turn: Element): string[] {
  return (turn.getAttribute('aria-labelledby') ?? '')
    .split(/\s+/)
    .filter((token) => /^[A-Za-z0-9_]{8,}-author$/.test(token))
    .map((token) => `[id="${token}"]`);
}

/** The first selector that matches the element itself or something inside it (most stable first). */
function firstSelfOrInside(element: Element, list: readonly string[]): Element | null {
  for (const selector of list) {
    const found = element.matches(selector) ? element : element.querySelector(selector);
    if (found) return found;
  }
  return null;
}

function readTurn(turn: Element): ParsedTurn | null {
  const assistant = isAssistantTurn(turn);
  // A drifted body selector falls back to the whole turn: the chrome list and the screen-reader
  // skips in readMarkdown keep "Copilot said" and the buttons out, and chromeText catches the rest.
  // A reply's parts (`<id>-content-<n>`) are read together when the body container is gone.
  const userBody = assistant ? null : firstSelfOrInside(turn, selectors.userBody);
  const skip = [...selectors.chrome, ...authorHeadings(turn)];
  const read = assistant
    ? (readBlocks(turn, selectors.body, { skip }) ?? { body: turn, textMap: readMarkdown(turn, { skip }) })
    : userBody
      ? { body: userBody, textMap: readMarkdown(userBody, { skip }) }
      : null;
  if (!read) return null;
  const { body, textMap } = read;
  const role = assistant ? 'assistant' : 'user';
  const siteId = siteMessageId(turn, assistant);
  return {
    role,
    id: siteId ?? fallbackTurnId(role, textMap.text),
    ...(siteId ? {} : { idSource: 'fallback' as const }),
    element: turn,
    body,
    text: textMap.text,
    textMap,
  };
}

export const copilot = defineSiteAdapter({
  id: 'copilot',
  name: 'Microsoft Copilot',
  matches: ['https://copilot.microsoft.com/*', 'https://www.copilot.com/*'],
  selectors,
  // A plain textarea (React-controlled).
  composer: {
    kind: 'textarea',
    selectors: ['textarea[data-testid="composer-input"]', 'textarea#userInput', 'form textarea'],
  },
  conversationId: (url) => copilotConversationId(url),
  readTurn,
  parse: (thread) => readAllTurns(thread, selectors.turn, readTurn),
  doneAttributes: [],
  isDone(turn) {
    if (!isAssistantTurn(turn)) return undefined;
    if (queryFirst(turn, selectors.loading)) return false;
    if (queryFirst(turn, selectors.finished)) return true;
    return undefined;
  },
  // Whole lines only: a real reply may well begin "You said you wanted…".
  chromeText: [/^Copilot said:?$/i, /^You said:?$/i, /^Copy( message| code)?$/i, /^Regenerate$/i],
});
