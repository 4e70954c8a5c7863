// Flags drawn with the CSS Custom Highlight API: ranges over the page's own text nodes, styled
// by ::highlight(). The page's DOM text is never rewritten.
import type { Flag } from '#shared/schemas';
import { adoptCss, unadoptCss } from './dom.ts';

export const HIGHLIGHT_NAMES = { 1: 'unspun-sev-1', 2: 'unspun-sev-2', 3: 'unspun-sev-3', active: 'unspun-active' } as const;

const HIGHLIGHT_CSS = `
::highlight(${HIGHLIGHT_NAMES[1]}) { background-color: rgba(250, 204, 21, 0.28); text-decoration: underline dotted rgba(161, 98, 7, 0.9); text-underline-offset: 3px; }
::highlight(${HIGHLIGHT_NAMES[2]}) { background-color: rgba(251, 146, 60, 0.30); text-decoration: underline solid rgba(194, 65, 12, 0.9); text-underline-offset: 3px; }
::highlight(${HIGHLIGHT_NAMES[3]}) { background-color: rgba(248, 113, 113, 0.32); text-decoration: underline wavy rgba(185, 28, 28, 0.95); text-underline-offset: 3px; }
::highlight(${HIGHLIGHT_NAMES.active}) { background-color: rgba(99, 102, 241, 0.35); }
`;

export interface DrawnFlag {
  flag: Flag;
  range: Range;
  messageId: string;
}

export function isHighlightSupported(): boolean {
  return typeof CSS !== 'undefined' && 'highlights' in CSS && typeof Highlight === 'function';
}

export function createHighlightLayer(doc: Document = document) {
  const byMessage = new Map<string, DrawnFlag[]>();
  const layers = {
    1: new Highlight(),
    2: new Highlight(),
    3: new Highlight(),
    active: new Highlight(),
  };
  layers.active.priority = 1;
  let sheet: CSSStyleSheet | null = null;

  function ensureRegistered(): void {
    // A site may replace adoptedStyleSheets wholesale: put ours back when it is gone.
    if (!sheet || !doc.adoptedStyleSheets.includes(sheet)) sheet = adoptCss(doc, HIGHLIGHT_CSS);
    for (const key of [1, 2, 3, 'active'] as const) {
      const name = HIGHLIGHT_NAMES[key];
      if (CSS.highlights.get(name) !== layers[key]) CSS.highlights.set(name, layers[key]);
    }
  }

  function clear(messageId: string): void {
    for (const drawn of byMessage.get(messageId) ?? []) {
      layers[drawn.flag.severity as 1 | 2 | 3].delete(drawn.range);
    }
    byMessage.delete(messageId);
  }

  return {
    set(messageId: string, drawn: DrawnFlag[]): void {
      clear(messageId);
      ensureRegistered();
      for (const d of drawn) layers[d.flag.severity as 1 | 2 | 3].add(d.range);
      byMessage.set(messageId, drawn);
    },
    clear,
    /** The drawn flag under a DOM point (narrowest first), if any. */
    at(node: Node, offset: number): DrawnFlag | undefined {
      let best: DrawnFlag | undefined;
      for (const list of byMessage.values()) {
        for (const d of list) {
          try {
            if (d.range.isPointInRange(node, offset) && (!best || d.flag.end - d.flag.start < best.flag.end - best.flag.start)) best = d;
          } catch {
            // point in another document or detached node
          }
        }
      }
      return best;
    },
    /** True when the site re-rendered a drawn reply and its ranges now point at detached nodes. */
    isStale(messageId: string): boolean {
      return (byMessage.get(messageId) ?? []).some((d) => !d.range.startContainer.isConnected || !d.range.endContainer.isConnected);
    },
    setActive(range: Range | null): void {
      layers.active.clear();
      if (range) layers.active.add(range);
    },
    count(): number {
      let n = 0;
      for (const list of byMessage.values()) n += list.length;
      return n;
    },
    dispose(): void {
      for (const key of [1, 2, 3, 'active'] as const) {
        if (CSS.highlights.get(HIGHLIGHT_NAMES[key]) === layers[key]) CSS.highlights.delete(HIGHLIGHT_NAMES[key]);
        layers[key].clear();
      }
      byMessage.clear();
      if (sheet) unadoptCss(doc, sheet);
    },
  };
}

export type HighlightLayer = ReturnType<typeof createHighlightLayer>;
