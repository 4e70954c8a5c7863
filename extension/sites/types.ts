// The shape of a chat-site adapter: a plain object, no side effects. Adding a site = a new
// `sites/<id>.ts`, an id in SITE_IDS, a registry line, a fixture and a test.
import type { Role } from '#shared/schemas';
import type { TextMap } from './extract.ts';

export const SITE_IDS = ['demo'] as const;
export type SiteId = (typeof SITE_IDS)[number];

/** CSS selectors as data, each list ordered from the most stable hook to the least. */
export interface SiteSelectors {
  /** The one container that holds the conversation's turns (what the content script observes). */
  thread: readonly string[];
  /** One element per turn (user or assistant). */
  turn: readonly string[];
  /** The rendered message body inside a turn (what is read and highlighted). */
  body: readonly string[];
}

export interface ParsedTurn {
  role: Role;
  /** The site's message id (stable across reloads). */
  id: string;
  /** The turn container (badge goes here). */
  element: Element;
  /** The message body the text was read from. */
  body: Element;
  text: string;
  textMap: TextMap<Node>;
}

export interface SiteAdapter {
  id: SiteId;
  /** Human name for the UI. */
  name: string;
  /** Chrome match patterns of the pages this adapter reads (also the content script's `matches`). */
  matches: readonly string[];
  selectors: SiteSelectors;
  /** The conversation id for this page, or null when the page holds no conversation yet. */
  conversationId(url: URL, doc: Document): string | null;
  /** Every turn in the thread, oldest first. Turns without an id or role are left out. */
  parse(thread: Element): ParsedTurn[];
  /** Attributes whose change signals the end of streaming (observed on the thread). */
  doneAttributes: readonly string[];
  /**
   * Whether a reply has finished streaming, by the site's own signal. `undefined` when the site
   * gives none for this element: the caller then waits for the text to stop changing.
   */
  isDone(turn: Element): boolean | undefined;
}

/** Types an adapter; does nothing else (the WXT `define*` convention). */
export function defineSiteAdapter<const A extends SiteAdapter>(adapter: A): A {
  return adapter;
}
