// The citation markers of one reply, read from the page by an adapter's `citations` part (data:
// selectors and patterns, like the rest of an adapter). Search assistants put markers on their
// claims: Perplexity's source chips (`span.citation[data-pplx-citation-url]`), ChatGPT's citation
// pills; pages nobody here wrote also show them as plain text ("[3]", ChatGPT's raw
// "【4†source】"), as a chip with no URL, an empty or `#` href, or a number past the sources list.
// Each marker is kept with its place in the reply text, its label and its URL as the page gives
// it (or none); where it points is decided later, purely (shared/detect/citations.ts).
// The chips are site chrome, not reply text (the adapters skip them), so a chip's place is the
// end of the reply text that comes before it in the page.
import { MAX_CITATION_LABEL, MAX_CITATIONS, type CitationMarker } from '#shared/schemas';
import { compareNodes, outermost } from './turns.ts';
import type { ParsedTurn } from './types.ts';

export interface CitationSpec {
  /** Marker elements inside a reply, most stable first (all outermost matches of all of them are read). */
  readonly markers: readonly string[];
  /** Attributes that hold the cited URL on the marker or inside it, before any link's href. */
  readonly urlAttributes: readonly string[];
  /** The reply's list of sources (links), beside its text: numbered markers point into it. */
  readonly sources: readonly string[];
  /** Markers written as plain text in the reply; group 1 is the marker's number. Global flag. */
  readonly textMarkers: readonly RegExp[];
}

/** Defaults every adapter's text markers start from: "[3]" (not an index like `a[3]`) and "【4†source】". */
export const TEXT_MARKERS: readonly RegExp[] = [/(?<![\w\])])\[(\d{1,3})\](?!\()/g, /【(\d{1,3})(?:[†:][^】\n]{0,60})?】/g];

const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/** Where an element sits in the reply text: the end of the last text run before it in the page. */
function offsetOf(turn: ParsedTurn, marker: Element): number {
  let at = 0;
  for (const s of turn.textMap.segments) {
    const node = s.node as unknown as Node;
    if (marker.contains(node)) return s.start; // a marker whose text is reply text starts there
    if (compareNodes(node as unknown as Element, marker) < 0) at = s.start + s.length;
    else break;
  }
  return at;
}

function urlOf(marker: Element, spec: CitationSpec): string | undefined {
  for (const attribute of spec.urlAttributes) {
    const holder = marker.hasAttribute(attribute) ? marker : marker.querySelector(`[${attribute}]`);
    const value = holder?.getAttribute(attribute)?.trim();
    if (value) return value;
  }
  const link = marker.matches('a[href]') ? marker : (marker.querySelector('a[href]') ?? marker.closest('a[href]'));
  const href = link?.getAttribute('href');
  return href === null || href === undefined ? undefined : href.trim();
}

/** The links of the reply's sources list, in order, when the page shows one. */
function sourceLinks(scope: Element, spec: CitationSpec): string[] | undefined {
  for (const selector of spec.sources) {
    const lists = outermost(Array.from(scope.querySelectorAll(selector)));
    if (lists.length === 0) continue;
    return lists.flatMap((list) => Array.from(list.querySelectorAll('a[href]')).map((a) => a.getAttribute('href') ?? ''));
  }
  return undefined;
}

/** Line ranges of fenced code blocks: a "[3]" there is code, not a citation. */
function codeRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const fence = /^[ \t]*(?:```|~~~).*$/gm;
  let open: number | null = null;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    if (open === null) open = m.index;
    else {
      ranges.push([open, m.index + m[0].length]);
      open = null;
    }
  }
  if (open !== null) ranges.push([open, text.length]);
  return ranges;
}

const numberOf = (label: string): number | undefined => {
  const m = /^\[?(\d{1,3})\]?$/.exec(label);
  return m ? Number(m[1]) : undefined;
};

/** Every citation marker of one reply, in text order. Empty when the page shows none. */
export function readCitations(spec: CitationSpec, turn: ParsedTurn): CitationMarker[] {
  const scope = turn.element;
  const sources = sourceLinks(turn.entry ?? scope, spec);
  const withSources = (m: CitationMarker): CitationMarker => {
    if (!sources) return m;
    const out = { ...m, sources: sources.length };
    if (!out.url && out.n !== undefined && out.n <= sources.length && sources[out.n - 1]) out.url = sources[out.n - 1];
    return out;
  };
  const found: CitationMarker[] = [];
  const elements = spec.markers.length ? outermost(Array.from(scope.querySelectorAll(spec.markers.join(', ')))) : [];
  for (const el of elements) {
    const label = (squash(el.textContent) || squash(el.getAttribute('aria-label')) || squash(el.getAttribute('title'))).slice(0, MAX_CITATION_LABEL);
    const url = urlOf(el, spec);
    const n = numberOf(label);
    found.push(withSources({ at: offsetOf(turn, el), label, ...(url !== undefined && url !== '' ? { url: url.slice(0, 2048) } : {}), ...(n ? { n } : {}) }));
  }
  const code = codeRanges(turn.text);
  for (const pattern of spec.textMarkers) {
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    for (const m of turn.text.matchAll(re)) {
      const at = m.index!;
      const end = at + m[0].length;
      if (code.some(([from, to]) => at >= from && at < to)) continue;
      // The same marker read as an element (a link whose text is "[3]"): keep that one, it has the URL.
      if (found.some((f) => f.at >= at && f.at < end)) continue;
      const n = Number(m[1]);
      found.push(withSources({ at, end, label: m[0].slice(0, MAX_CITATION_LABEL), ...(n > 0 ? { n } : {}) }));
    }
  }
  return found.sort((a, b) => a.at - b.at).slice(0, MAX_CITATIONS);
}
