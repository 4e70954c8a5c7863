// Loads a saved chat-site fixture page into linkedom (a small DOM that WXT already depends on) so
// an adapter's DOM-reading half runs in Node, against the same pages the browser tests serve.
import { readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { readsAsChrome } from '../../extension/capture/site-health.ts';
import { queryFirst } from '../../extension/sites/query.ts';
import { settleTurns } from '../../extension/sites/turns.ts';
import type { ParsedTurn, SiteAdapter } from '../../extension/sites/types.ts';

export interface LoadedFixture {
  document: Document;
  thread: Element | null;
  turns: ParsedTurn[];
}

export function fixtureHtml(site: string, name: string): string {
  return readFileSync(new URL(`../fixtures/sites/${site}/${name}.html`, import.meta.url), 'utf8');
}

/** Parses `html` and runs the adapter over it the way the capture core does (settled: ordered, once, ids). */
export function loadPage(adapter: SiteAdapter, html: string): LoadedFixture {
  const { document } = parseHTML(html) as unknown as { document: Document };
  return readDocument(adapter, document);
}

/** The adapter over a document as it is now (after a test changed it), the way the capture core reads it. */
export function readDocument(adapter: SiteAdapter, document: Document): LoadedFixture {
  const thread = queryFirst(document, adapter.selectors.thread);
  return { document, thread, turns: thread ? settleTurns(adapter.parse(thread)) : [] };
}

export function loadFixture(adapter: SiteAdapter, name: string): LoadedFixture {
  return loadPage(adapter, fixtureHtml(adapter.id, name));
}

/** What a reply must never contain: page chrome that a drifted selector could pick up. */
export function chromeLeaks(text: string, chrome: readonly (string | RegExp)[]): string[] {
  return chrome.filter((c) => (typeof c === 'string' ? text.includes(c) : c.test(text))).map(String);
}

/** Every mapped character is the character of the DOM text node it came from (or a collapsed space). */
export function textMapIsFaithful(turn: ParsedTurn): boolean {
  return turn.textMap.segments.every((s) => {
    const source = (s.node.nodeValue ?? '').slice(s.nodeStart, s.nodeStart + s.length);
    const out = turn.text.slice(s.start, s.start + s.length);
    return out === source || (s.length === 1 && /\s/.test(source) && out === ' ');
  });
}

/**
 * The capture core maps a mutation to its turn with `closest(<the first turn selector that
 * matches>)`: every text node of a reply must lead back to that reply's own turn element.
 */
export function mutationsMapToOwnTurn(adapter: SiteAdapter, loaded: LoadedFixture): boolean {
  const thread = loaded.thread;
  if (!thread) return false;
  const selector = adapter.selectors.turn.find((sel) => thread.querySelector(sel) !== null);
  if (!selector) return false;
  return loaded.turns.every((turn) => turn.textMap.segments.every((s) => (s.node as Node).parentElement?.closest(selector) === turn.element));
}

/**
 * A streaming fixture's end state without running its script: the `<template id="reply">` content
 * put into the `[data-fixture-stream="reply"]` target (the site's "finished" markers are not added).
 */
export function streamedIn(html: string): string {
  const template = /<template id="reply">([^]*?)<\/template>/.exec(html)?.[1];
  if (template === undefined) throw new Error('no <template id="reply"> in this fixture');
  return html.replace('<div data-fixture-stream="reply"></div>', `<div data-fixture-stream="reply">${template}</div>`);
}

/**
 * Why the capture core would call this page unhealthy (the checks the fixture README names for
 * broken-* pages), or null: a required selector list matches nothing, no reply reads, or a reply
 * reads as the site's chrome.
 */
export function healthProblem(adapter: SiteAdapter, loaded: LoadedFixture): string | null {
  for (const key of ['thread', 'turn', 'body'] as const) {
    if (!adapter.selectors[key].some((s) => loaded.document.querySelector(s) !== null)) return `${key} selectors match nothing`;
  }
  const replies = loaded.turns.filter((t) => t.role === 'assistant');
  if (replies.length === 0) return 'no reply reads';
  const chrome = replies.find((t) => readsAsChrome(t.text, adapter.chromeText ?? []));
  return chrome ? `reply reads as chrome: ${chrome.text.slice(0, 40)}` : null;
}

/** Ordinary first lines of real replies that no adapter's chromeText may take for site chrome. */
export const BENIGN_OPENINGS = [
  'You said you wanted low fees, so here are three funds.',
  'Copilot said earlier that fees matter; here is why.',
  'Thinking about it more, the answer is yes.',
  'Thought for a while about this one: it depends.',
  'Sources of risk include fees and taxes.',
  'Copy the code below into a file.',
  'Answer: yes.',
  'Prepared using fresh data, the report shows a rise.',
  'Compare the two options first.',
  'Share this with your advisor.',
  'Regenerate your keys every year.',
  'Download the statement first.',
];

export function chromeTextHits(adapter: SiteAdapter, text: string): boolean {
  return readsAsChrome(text, adapter.chromeText ?? []);
}

/**
 * `readTurn` on each turn element alone reads what `parse` read for it (the core uses both), and
 * settled among the other turns (as the core does) gets the same id.
 */
export function readTurnAgrees(adapter: SiteAdapter, loaded: LoadedFixture): boolean {
  return loaded.turns.every((turn) => {
    const alone = adapter.readTurn?.(turn.element);
    if (!alone) return false;
    const settled = settleTurns(loaded.turns.map((t) => (t === turn ? alone : t))).find((t) => t.element === turn.element);
    return settled?.id === turn.id && alone.role === turn.role && alone.text === turn.text && alone.model === turn.model;
  });
}
