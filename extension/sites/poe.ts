// Poe (poe.com). CSS-module classes with a per-build hash suffix (`Message_leftSideMessageBubble__
// a1B2c`), so every selector matches the stable PREFIX only, never a whole class name. The least
// recently verified site (SITES.md: DOM last seen 2025-08): best effort, with the older class
// names (`Message_humanMessageBubble`, `Message_botMessageBubble`) kept as fallbacks.
// The bot's name is the model. "Finished": the historical `data-complete` flag when present,
// otherwise undefined (the core waits for the text to stop changing).
import { fallbackTurnId } from './ids.ts';
import { readBlocks } from './markdown.ts';
import { queryFirst, readAllTurns } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';

const USER_BUBBLE = '[class*="Message_rightSideMessageBubble__"], [class*="Message_humanMessageBubble__"]';
const BOT_BUBBLE = '[class*="Message_leftSideMessageBubble__"], [class*="Message_botMessageBubble__"]';

const selectors = {
  thread: ['[class*="ChatMessagesView_infiniteScroll__"]', '[class*="InfiniteScroll_container__"]', 'main'],
  turn: ['[class*="ChatMessage_chatMessage__"]', `${USER_BUBBLE}, ${BOT_BUBBLE}`],
  // Last: the theme classes alone (user `Prose_presets_theme-on-accent__`, bot `…theme-hi-contrast__`).
  body: ['[class*="Markdown_markdownContainer__"]', '[class*="Prose_prose__"]', '[class*="Prose_presets_theme-"]'],
  userBubble: [USER_BUBBLE],
  botBubble: [BOT_BUBBLE],
  /** Bot name in the reply's header, else in the chat's header. */
  botName: ['[class*="BotMessageHeader_botName__"]', '[class*="BotHeader_textContainer__"] p', '[class*="ChatHeader_botName__"]'],
  /** Historical (2023) completion flag on the message row. */
  complete: ['[data-complete]'],
  chrome: ['[class*="MarkdownCodeBlock_codeHeader__"]', '[class*="MarkdownCodeBlock_languageName__"]', '[class*="ChatMessageActionBar_"]'],
} as const;

/** Conversation id from `/chat/<chatCode>`. A bot's landing page (`/<BotName>`) holds no conversation. */
export function poeConversationId(url: URL): string | null {
  const m = /^\/chat\/([A-Za-z0-9_-]{4,})\/?$/.exec(url.pathname);
  return m ? m[1]! : null;
}

/** A bot name as Poe shows it ("Claude-Sonnet-4.5", "GPT-5"): short, one line, no sentence. */
export function poeBotName(text: string | null | undefined): string | null {
  const name = (text ?? '').replace(/\s+/g, ' ').trim();
  return name && name.length <= 48 && !/[.!?]$/.test(name) ? name : null;
}

function roleOf(turn: Element): 'user' | 'assistant' | null {
  if (turn.matches(USER_BUBBLE) || queryFirst(turn, selectors.userBubble)) return 'user';
  if (turn.matches(BOT_BUBBLE) || queryFirst(turn, selectors.botBubble)) return 'assistant';
  return null;
}

function botNameFor(turn: Element): string | null {
  const own = queryFirst(turn, selectors.botName.slice(0, 1));
  return poeBotName(own?.textContent) ?? poeBotName(queryFirst(turn.ownerDocument, selectors.botName.slice(1))?.textContent);
}

function readTurn(turn: Element): ParsedTurn | null {
  const role = roleOf(turn);
  const read = readBlocks(turn, selectors.body, { skip: selectors.chrome });
  if (!role || !read) return null;
  const { body, textMap } = read;
  const model = role === 'assistant' ? botNameFor(turn) : null;
  return {
    role,
    id: fallbackTurnId(role, textMap.text),
    idSource: 'fallback',
    ...(model ? { model } : {}),
    element: turn,
    body,
    text: textMap.text,
    textMap,
  };
}

export const poe = defineSiteAdapter({
  id: 'poe',
  name: 'Poe',
  matches: ['https://poe.com/*'],
  selectors,
  // A growing textarea; its class names are CSS-module hashed, matched by prefix only.
  composer: {
    kind: 'textarea',
    selectors: ['footer textarea', 'textarea[class*="GrowingTextArea_textArea"]', 'textarea'],
  },
  conversationId: (url) => poeConversationId(url),
  readTurn,
  parse: (thread) => readAllTurns(thread, selectors.turn, readTurn),
  doneAttributes: ['data-complete'],
  isDone(turn) {
    const flagged = turn.closest('[data-complete]') ?? queryFirst(turn, selectors.complete);
    const flag = flagged?.getAttribute('data-complete');
    if (flag === 'true') return true;
    if (flag === 'false') return false;
    return undefined;
  },
  chromeText: [/^(Copy|Share|Compare|Retry)$/i],
});
