// The shape of a chat-site adapter: a plain object, no side effects. Adding a site = a new
// `sites/<id>.ts`, an id in SITE_IDS, a registry line, a fixture and a test.
//
// The core (extension/capture/*) does everything else: one content script for every registered
// site (chosen by `matches`), finding the thread, throttled re-reads while a reply streams, the
// "finished" decision, drift health, per-site on/off and the proxy's disabled list.
import type { CitationMarker, Role } from '#shared/schemas';
import type { CitationSpec } from './citations.ts';
import type { TextMap } from './extract.ts';

export const SITE_IDS = ['demo', 'chatgpt', 'claude', 'gemini', 'lechat', 'copilot', 'perplexity', 'deepseek', 'grok', 'poe'] as const;
export type SiteId = (typeof SITE_IDS)[number];

/**
 * CSS selectors as data, each list ordered from the most stable hook to the least (data-*, aria
 * and custom elements first; hashed classes only by prefix, last). `thread`, `turn` and `body`
 * are REQUIRED: the convention test checks each matches something in the site's fixture, and the
 * health monitor marks the site unhealthy when they match nothing on a live conversation page.
 * Adapters may add more named lists (e.g. `model`, `stopButton`, `math`): optional hooks.
 */
export interface SiteSelectors {
  /** The one container that holds the conversation's turns (what the content script observes). */
  readonly thread: readonly string[];
  /** One element per turn (user or assistant). */
  readonly turn: readonly string[];
  /** The rendered message body inside a turn (what is read and highlighted). */
  readonly body: readonly string[];
  readonly [name: string]: readonly string[];
}

/** What a site's message box is, which decides how text must go in for its framework to see it. */
export const COMPOSER_KINDS = ['textarea', 'contenteditable', 'prosemirror'] as const;
export type ComposerKind = (typeof COMPOSER_KINDS)[number];

/**
 * Where the reader types the next message ("Ask for it" puts a question there, never sends it).
 * Selectors as data, most stable first, like `selectors`; `kind` is what the first one finds on
 * the live site (a fallback selector may find another kind: the insert routine checks the element).
 */
export interface ComposerSpec {
  readonly selectors: readonly string[];
  readonly kind: ComposerKind;
}

export interface ParsedTurn {
  role: Role;
  /**
   * The site's message id when the page has one; otherwise `idSource: 'fallback'` and any id:
   * `settleTurns` (sites/turns.ts) replaces it with `fallbackTurnId(...)` from `sites/ids.ts`
   * (role + text prefix + the user turn a reply answers, or the page's own key), once it knows
   * the turn's place in the thread.
   */
  id: string;
  /** Where `id` came from. Omitted = 'site'. */
  idSource?: 'site' | 'fallback';
  /** A key the page gives this turn (a virtual list's item key, `data-index`): goes into a fallback id. */
  pageKey?: string;
  /**
   * The exchange (question + answer) this turn belongs to, when the page groups them and may
   * put the question after the answer in DOM order (Perplexity): turns are ordered by their
   * entry's document position, the user turn first within one entry.
   */
  entry?: Element;
  /** The model name/slug/mode the page shows for this reply, when it shows one. */
  model?: string;
  /** The turn container (badge goes here). */
  element: Element;
  /** The message body the text was read from (the first one when the reply spans several blocks). */
  body: Element;
  text: string;
  textMap: TextMap<Node>;
  /** The reply's citation markers, read by the core from the adapter's `citations` part before capture. */
  citations?: CitationMarker[];
}

export interface SiteAdapter {
  id: SiteId;
  /** Human name for the UI. */
  name: string;
  /** Chrome match patterns of the pages this adapter reads (also the content script's `matches`). */
  matches: readonly string[];
  selectors: SiteSelectors;
  /** The message box: where "Ask for it" puts its question (extension/ui/composer.ts). */
  composer: ComposerSpec;
  /** The conversation id for this page, or null when the page holds no conversation yet. */
  conversationId(url: URL, doc: Document): string | null;
  /**
   * Every turn in the thread. Turns without a role or body are left out. The core puts them in
   * document order (`settleTurns`), drops a turn read twice, and settles fallback ids.
   */
  parse(thread: Element): ParsedTurn[];
  /**
   * Optional, recommended: reads ONE turn element (one match of `selectors.turn`); null when it is
   * not a readable turn. When present, the core re-reads only the turns that mutated while a reply
   * streams, instead of the whole thread (the page stays fast on long conversations).
   * `parse(thread)` should then be `queryAllFirst(thread, selectors.turn).map(readTurn)`.
   */
  readTurn?(turn: Element): ParsedTurn | null;
  /** Attributes whose change signals the end of streaming (observed on the thread). */
  doneAttributes: readonly string[];
  /**
   * Whether a reply has finished streaming, by the site's own signal. `undefined` when the site
   * gives none for this element: the caller then waits for the text to stop changing.
   */
  isDone(turn: Element): boolean | undefined;
  /**
   * Optional: text that is site chrome, not reply content (e.g. /^ChatGPT said:?$/). A reply whose
   * text is, or starts with, a match means a selector grabbed the wrong node: the site is marked
   * unhealthy and nothing is stored or sent.
   */
  chromeText?: readonly RegExp[];
  /**
   * Optional: the reply's citation markers (search assistants), as data (sites/citations.ts). The
   * core reads them when it captures a reply; the claim ledger says which point nowhere.
   */
  citations?: CitationSpec;
}

/** Types an adapter; does nothing else (the WXT `define*` convention). */
export function defineSiteAdapter<const A extends SiteAdapter>(adapter: A): A {
  return adapter;
}
