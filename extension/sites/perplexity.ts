// Perplexity (www.perplexity.ai). Tailwind class chains, few data hooks (SITES.md fragility H).
//
// One thread entry = a query (`[class~="group/query"]`, text in `span.select-text`) and an answer
// in `div#markdown-content-<n>` (the page has no message ids). Since the 2026-08 rollout
// `markdown-content-<n>` may be an empty placeholder with the answer rendered in a sibling
// `.prose`; independently written pages also split the answer over several blocks, put the
// sources in a sibling block, and place the query heading after its answer in the DOM.
// So the adapter reads by ENTRY, not by one container: every answer block (markdown-content or
// `.prose`, outermost, not in a query, not sources) belongs to the query whose entry (the widest
// ancestor holding no other query) holds it, else to the nearest query above it; one reply =
// all blocks of one query, joined. `entry` lets the core put the query first whatever the DOM
// order. No `readTurn`: an answer's blocks need not share a container, so every change re-reads
// the (short) thread.
// Finished: the stop button is gone and the entry's action bar (Copy / Helpful) is shown.
import { fallbackTurnId } from './ids.ts';
import { readMarkdown } from './markdown.ts';
import { joinTextMaps } from './extract.ts';
import { queryAllFirst, queryFirst } from './query.ts';
import { compareNodes, outermost } from './turns.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';
import { TEXT_MARKERS } from './citations.ts';

const ANSWER = '[id^="markdown-content-"]';
const QUERY = ['[class~="group/query"]', '.font-display.text-pretty'] as const;

const selectors = {
  thread: ['div[class*="max-w-threadContentWidth"]', 'main'],
  /** Queries and answer blocks (health and the convention check; parse reads by entry). */
  turn: [`[class~="group/query"], ${ANSWER}, .prose`, `.font-display.text-pretty, ${ANSWER}, .prose`],
  /** Answer blocks, most stable first; all outermost matches of the first that matches are read. */
  body: [`${ANSWER}, .prose[class~="dark:prose-invert"]`, `${ANSWER}, .prose`],
  query: QUERY,
  userBody: ['span.select-text', '[class*="select-text"]'],
  /** Sources shown beside the answer: links, not reply text. */
  sources: ['[data-testid*="source" i]', '[aria-label*="sources" i]', '[class*="sources" i]'],
  /** Composer stop button while an answer streams. */
  stop: ['button[aria-label*="stop" i]'],
  /** The entry's action bar, shown once the answer is complete. */
  finished: ['button[aria-label="Helpful"]', 'button[aria-label="Not helpful"]', 'button[aria-label="Rewrite Thread"]', 'button[aria-label="Copy"]'],
  /** "Prepared using <model>" under the answer. */
  model: ['div[class*="text-quiet"]', 'div'],
  chrome: [
    '[data-testid="code-language-indicator"]',
    '[data-testid="copy-code-button"]',
    // Inline source chips ("reuters +2") read as words inside sentences; sources are not reply text.
    'span.citation',
    '[data-pplx-citation-url]',
  ],
} as const;

/** Conversation id: the thread slug of `/search/<slug>`. Null elsewhere (home, discover, spaces). */
export function perplexityConversationId(url: URL): string | null {
  const m = /^\/search\/([A-Za-z0-9._~%-]{4,})\/?$/.exec(url.pathname);
  return m ? m[1]! : null;
}

/** The model from the "Prepared using …" line, if that is what the text says. */
export function perplexityModelFromText(text: string): string | null {
  // A model name: words, digits, dots, dashes and pluses; never a sentence (no commas).
  const m = /^\s*Prepared (?:using|with|by)\s+([\w][\w .+-]{1,47}?)\s*$/i.exec(text);
  return m ? m[1]! : null;
}

/** The entry index of `markdown-content-<n>`. */
export function perplexityAnswerIndex(elementId: string): string | null {
  const m = /^markdown-content-(\d+)$/.exec(elementId);
  return m ? m[1]! : null;
}

const QUERY_ANY = QUERY.join(', ');
const isQuery = (el: Element): boolean => el.matches(QUERY_ANY);

/** The query elements of the thread (the first query selector that matches), outermost. */
const queriesIn = (root: Element): Element[] => outermost(queryAllFirst(root, QUERY));

/** A block that is only links (a sources list), or marked as sources: not the answer. */
function isSources(block: Element): boolean {
  const marked = selectors.sources.join(', ');
  if (block.matches(marked) || block.closest(marked)) return true;
  const text = (block.textContent ?? '').replace(/\s+/g, '');
  if (!text) return false;
  const linked = Array.from(block.querySelectorAll('a')).reduce((n, a) => n + (a.textContent ?? '').replace(/\s+/g, '').length, 0);
  return linked >= text.length;
}

/** Every answer block in `root`, outermost, document order; empty placeholders included. */
function answerBlocks(root: Element): Element[] {
  for (const selector of selectors.body) {
    const blocks = outermost(Array.from(root.querySelectorAll(selector)).filter((el) => !el.closest(QUERY_ANY))).filter((el) => !isSources(el));
    if (blocks.length) return blocks;
  }
  return [];
}

/**
 * The widest ancestor of `from` below `stop` that holds neither `before` nor `after`. An
 * element's subtree is one run of the document, so an ancestor that holds any other query or
 * answer holds the nearest one on that side: checking the two neighbours is enough.
 */
function widestWithout(from: Element, stop: Element, before: Element | undefined, after: Element | undefined): Element {
  let entry = from;
  for (let el = from.parentElement; el && el !== stop && stop.contains(el); el = el.parentElement) {
    if ((before && el.contains(before)) || (after && el.contains(after))) break;
    entry = el;
  }
  return entry;
}

/** The smallest element holding all of `elements`. */
function commonAncestor(elements: readonly Element[]): Element {
  let common: Element = elements[0]!;
  while (!elements.every((el) => common.contains(el)) && common.parentElement) common = common.parentElement;
  return common;
}

/** What the last parse learned about each reply element: its entry (action bar, model line) and whether it is the newest. */
const replyInfo = new WeakMap<Element, { entry: Element; newest: boolean }>();

function modelOf(entry: Element): string | null {
  for (const selector of selectors.model) {
    for (const el of Array.from(entry.querySelectorAll(selector))) {
      if (el.childElementCount > 0) continue;
      const model = perplexityModelFromText(el.textContent ?? '');
      if (model) return model;
    }
  }
  return null;
}

function readQuery(query: Element, entry: Element | undefined): ParsedTurn {
  const body = queryFirst(query, selectors.userBody) ?? query;
  const textMap = readMarkdown(body, { skip: selectors.chrome });
  return {
    role: 'user',
    id: fallbackTurnId('user', textMap.text),
    idSource: 'fallback',
    element: query,
    body,
    text: textMap.text,
    textMap,
    ...(entry ? { entry } : {}),
  };
}

interface Group {
  query: Element | null;
  blocks: Element[];
}

/**
 * One reply from its blocks. `markers` = every query and block of the thread in document order:
 * the reply element holds all its blocks (one block alone: its parent, which also holds the
 * 2026-08 placeholder's sibling and keeps our badge outside the text) unless that would take in
 * another entry's query or block (a flat page): then its last block.
 */
function readAnswer(group: Group, pairEntry: Element | undefined, thread: Element, markers: readonly Element[], newest: boolean): ParsedTurn {
  const { blocks, query } = group;
  const maps = blocks.map((block) => readMarkdown(block, { skip: selectors.chrome }));
  const textMap = maps.length === 1 ? maps[0]! : joinTextMaps(maps);
  const body = blocks[maps.findIndex((m) => m.text.trim() !== '')] ?? blocks[0]!;
  const own = new Set<Element>(query ? [...blocks, query] : blocks);
  const indexes = markers.map((m, i) => (own.has(m) ? i : -1)).filter((i) => i >= 0);
  const first = Math.min(...indexes);
  const last = Math.max(...indexes);
  const before = markers[first - 1];
  const after = markers[last + 1];
  const interleaved = markers.slice(first, last + 1).some((m) => !own.has(m));
  const wide = blocks.length > 1 ? commonAncestor(blocks) : (blocks[0]!.parentElement ?? blocks[0]!);
  const foreign = interleaved || (before !== undefined && wide.contains(before)) || (after !== undefined && wide.contains(after));
  const element = foreign ? blocks[blocks.length - 1]! : wide;
  const entry = pairEntry ?? widestWithout(element, thread, before, after);
  replyInfo.set(element, { entry, newest });
  const model = modelOf(entry);
  return {
    role: 'assistant',
    id: fallbackTurnId('assistant', textMap.text),
    idSource: 'fallback',
    ...(model ? { model } : {}),
    ...(pairEntry ? { entry: pairEntry } : {}),
    element,
    body,
    text: textMap.text,
    textMap,
  };
}

/** Queries and answers by entry (see the header): the core orders them and settles their ids. */
function parse(thread: Element): ParsedTurn[] {
  const queries = queriesIn(thread);
  const blocks = answerBlocks(thread);
  const markers = [...queries, ...blocks].sort(compareNodes);
  // A query's entry: the widest ancestor holding no other query.
  const entries = new Map(queries.map((q, i) => [q, widestWithout(q, thread, queries[i - 1], queries[i + 1])] as const));
  const groups = new Map<Element, Group>();
  let orphanParent: Element | null = null;
  let orphan: Group | null = null;
  const orphans: Group[] = [];
  let queryIndex = 0;
  for (const block of blocks) {
    let owner = queries.find((q) => entries.get(q)!.contains(block));
    if (!owner) {
      // A flat page (queries and answers siblings): the nearest query above the block.
      while (queryIndex + 1 < queries.length && compareNodes(queries[queryIndex + 1]!, block) < 0) queryIndex++;
      owner = queries[queryIndex] && compareNodes(queries[queryIndex]!, block) < 0 ? queries[queryIndex] : undefined;
    }
    if (owner) {
      const group = groups.get(owner) ?? { query: owner, blocks: [] };
      group.blocks.push(block);
      groups.set(owner, group);
    } else {
      // No query at all (its hooks drifted): blocks side by side are one answer.
      if (!orphan || block.parentElement !== orphanParent) orphans.push((orphan = { query: null, blocks: [] }));
      orphanParent = block.parentElement;
      orphan.blocks.push(block);
    }
  }
  const lastBlock = blocks[blocks.length - 1];
  const turns: ParsedTurn[] = [];
  for (const query of queries) {
    const group = groups.get(query);
    const entry = entries.get(query)!;
    // The entry orders the pair only when it really holds both (else plain document order).
    const shared = group && entry !== query && group.blocks.every((b) => entry.contains(b)) ? entry : undefined;
    turns.push(readQuery(query, shared));
    if (group) turns.push(readAnswer(group, shared, thread, markers, group.blocks.includes(lastBlock!)));
  }
  for (const group of orphans) turns.push(readAnswer(group, undefined, thread, markers, group.blocks.includes(lastBlock!)));
  return turns;
}

export const perplexity = defineSiteAdapter({
  id: 'perplexity',
  name: 'Perplexity',
  matches: ['https://www.perplexity.ai/*'],
  selectors,
  // A Lexical editor, `#ask-input[contenteditable]` (`data-lexical-editor`); earlier a textarea.
  composer: {
    kind: 'contenteditable',
    selectors: [
      '#ask-input[contenteditable="true"]',
      '[data-lexical-editor="true"][contenteditable="true"]',
      'textarea#ask-input',
      'textarea[placeholder^="Ask"]',
    ],
  },
  conversationId: (url) => perplexityConversationId(url),
  parse,
  doneAttributes: [],
  isDone(turn) {
    if (isQuery(turn)) return undefined;
    const doc = turn.ownerDocument;
    // The core parses before it asks; another caller gets a parse here.
    if (!replyInfo.has(turn)) {
      const thread = queryFirst(doc, selectors.thread);
      if (thread) parse(thread);
    }
    const info = replyInfo.get(turn);
    const newest = info?.newest ?? true;
    if (newest && queryFirst(doc, selectors.stop)) return false;
    if (info && queryFirst(info.entry, selectors.finished)) return true;
    // A later entry exists, so this answer is no longer being written.
    if (!newest) return true;
    return undefined;
  },
  chromeText: [/^(Answer|Sources|Copy|Show more|Related)$/i, /^Prepared using [\w .+-]{2,48}$/i],
  // Source chips `span.citation[data-pplx-citation-url]` (the URL on the chip, and on the link
  // inside it); the 2026-08 rollout renders some chips empty. Numbered "[n]" markers point into the
  // entry's sources list.
  citations: {
    markers: ['span.citation', '[data-pplx-citation-url]'],
    urlAttributes: ['data-pplx-citation-url'],
    sources: selectors.sources,
    textMarkers: TEXT_MARKERS,
  },
});
