// Claude (claude.ai).
//
// Hooks (SITES.md, seen 2026-03 → 2026-08): every turn is wrapped in `div[data-test-render-count]`;
// user text `[data-testid="user-message"]` (inside `[data-user-message-bubble]`); the reply
// `div[data-is-streaming]` (also `.font-claude-response`), body `.standard-markdown`
// (`.progressive-markdown` before 2026-07). Utility classes churn monthly (a redesign in 2026-08):
// class selectors come last and only as fallbacks.
//
// Finished: `data-is-streaming="true"` → `"false"`, the cleanest flag of any site.
// No message ids in the DOM: fallback ids (role + text prefix, plus a virtual list's `data-index`
// when the page has one). Artifacts (`.artifact-block-cell`) are cards, not reply text.
import { fallbackTurnId } from './ids.ts';
import { readBlocks, readMarkdown } from './markdown.ts';
import { queryFirst, readAllTurns } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';

const selectors = {
  thread: ['div:has(> [data-test-render-count] ~ [data-test-render-count])', '.overflow-y-auto.overflow-x-hidden.flex-1', 'main'],
  turn: ['[data-test-render-count]', '[data-testid="user-message"], [data-is-streaming]'],
  user: ['[data-testid="user-message"]', '[data-user-message-bubble]', '.font-user-message'],
  assistant: ['[data-is-streaming]', '.font-claude-response'],
  // Last: the reply node itself, when the markdown classes churned away (its action bar is chrome).
  body: ['.standard-markdown', '.progressive-markdown', '.font-claude-response', '[data-is-streaming]'],
  userBody: ['[data-testid="user-message"]', '[data-user-message-bubble]'],
  chrome: ['.artifact-block-cell', '[data-testid="action-bar-copy"]', '[role="group"][aria-label="Message actions"]', 'div[class*="code-block__header"]'],
} as const;

/** `/chat/<uuid>`; null on /new, /recents and other pages. */
export function claudeConversationId(url: URL): string | null {
  const m = /^\/chat\/([0-9a-f-]{8,})\/?$/i.exec(url.pathname);
  return m ? m[1]! : null;
}

function pageIndex(turn: Element): string | null {
  return turn.closest('[data-index]')?.getAttribute('data-index') ?? null;
}

function readTurn(turn: Element): ParsedTurn | null {
  const assistant = turn.matches(selectors.assistant.join(', ')) ? turn : queryFirst(turn, selectors.assistant);
  const user = assistant ? null : turn.matches(selectors.user.join(', ')) ? turn : queryFirst(turn, selectors.user);
  const role = assistant ? 'assistant' : user ? 'user' : null;
  if (!role) return null;
  const scope = (assistant ?? user)!;
  // A reply with tool use or artifacts is several markdown blocks around the cards: read them all.
  const read =
    role === 'assistant'
      ? readBlocks(scope, selectors.body, { skip: selectors.chrome })
      : (() => {
          const body = scope.matches(selectors.userBody.join(', ')) ? scope : queryFirst(scope, selectors.userBody);
          return body ? { body, textMap: readMarkdown(body, { skip: selectors.chrome }) } : null;
        })();
  if (!read) return null;
  const { body, textMap } = read;
  const key = pageIndex(turn);
  return {
    role,
    id: fallbackTurnId(role, textMap.text, { pageKey: key }),
    idSource: 'fallback',
    ...(key ? { pageKey: key } : {}),
    element: turn,
    body,
    text: textMap.text,
    textMap,
  };
}

export const claude = defineSiteAdapter({
  id: 'claude',
  name: 'Claude',
  matches: ['https://claude.ai/*'],
  selectors,
  // A ProseMirror (tiptap) editor inside the chat input fieldset.
  composer: {
    kind: 'prosemirror',
    selectors: ['[data-testid="chat-input"] [contenteditable="true"]', 'div.ProseMirror[contenteditable="true"]', 'fieldset [contenteditable="true"]'],
  },
  conversationId: (url) => claudeConversationId(url),
  readTurn,
  parse: (thread) => readAllTurns(thread, selectors.turn, readTurn),
  doneAttributes: ['data-is-streaming'],
  isDone(turn) {
    const flagged = turn.matches('[data-is-streaming]') ? turn : turn.querySelector('[data-is-streaming]');
    const flag = flagged?.getAttribute('data-is-streaming');
    if (flag === 'true') return false;
    if (flag === 'false') return true;
    return undefined;
  },
  chromeText: [/^Claude$/, /^Copy$/, /^Retry$/],
});
