// Flags drawn with the CSS Custom Highlight API: ranges over the page's own text nodes, styled
// by ::highlight(): one colour per move family, the underline by severity. The page's DOM text
// is never rewritten; ranges follow scrolling by themselves, and re-renders are redrawn by the caller.
import type { Flag } from '#shared/schemas';
import { adoptCss, unadoptCss } from './dom.ts';
import { familyOf, highlightName, highlightStyles } from './families.ts';

/** The highlight that marks the flag a card is open for (drawn above the family colours). */
export const ACTIVE_HIGHLIGHT = 'unspun-active';

const STYLES = highlightStyles();
const HIGHLIGHT_CSS = [...STYLES.map((s) => s.css), `::highlight(${ACTIVE_HIGHLIGHT}) { background-color: rgba(99, 102, 241, 0.35); }`].join('\n');

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
  /** The text each range covered when drawn: a re-render that moves or collapses a range changes it. */
  const drawnText = new WeakMap<Range, string>();
  /** One Highlight per family × severity, plus the active one. */
  const layers = new Map<string, Highlight>(STYLES.map((style) => [style.name, new Highlight()]));
  const active = new Highlight();
  active.priority = 1;
  layers.set(ACTIVE_HIGHLIGHT, active);
  const layerOf = (flag: Flag): Highlight => layers.get(highlightName(familyOf(flag.move), flag.severity))!;
  let sheet: CSSStyleSheet | null = null;

  function ensureRegistered(): void {
    // A site may replace adoptedStyleSheets wholesale: put ours back when it is gone.
    if (!sheet || !doc.adoptedStyleSheets.includes(sheet)) sheet = adoptCss(doc, HIGHLIGHT_CSS);
    for (const [name, layer] of layers) if (CSS.highlights.get(name) !== layer) CSS.highlights.set(name, layer);
  }

  function clear(messageId: string): void {
    for (const drawn of byMessage.get(messageId) ?? []) {
      layerOf(drawn.flag).delete(drawn.range);
    }
    byMessage.delete(messageId);
  }

  return {
    set(messageId: string, drawn: DrawnFlag[]): void {
      clear(messageId);
      ensureRegistered();
      for (const d of drawn) {
        layerOf(d.flag).add(d.range);
        drawnText.set(d.range, d.range.toString());
      }
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
    /** Every drawn flag under a DOM point, narrowest first: overlapping flags get a picker. */
    allAt(node: Node, offset: number): DrawnFlag[] {
      const hits: DrawnFlag[] = [];
      for (const list of byMessage.values()) {
        for (const d of list) {
          try {
            if (d.range.isPointInRange(node, offset)) hits.push(d);
          } catch {
            // point in another document or detached node
          }
        }
      }
      return hits.sort((a, b) => a.flag.end - a.flag.start - (b.flag.end - b.flag.start));
    },
    /** The flags drawn on one reply. */
    drawnOn(messageId: string): readonly DrawnFlag[] {
      return byMessage.get(messageId) ?? [];
    },
    /**
     * True when the site re-rendered a drawn reply: its ranges point at detached nodes, or (the
     * usual case: live ranges follow removals) collapsed onto a surviving parent, or no longer
     * cover the text they were drawn over.
     */
    isStale(messageId: string): boolean {
      return (byMessage.get(messageId) ?? []).some(
        (d) => !d.range.startContainer.isConnected || !d.range.endContainer.isConnected || d.range.collapsed || d.range.toString() !== drawnText.get(d.range),
      );
    },
    setActive(range: Range | null): void {
      active.clear();
      if (range) active.add(range);
    },
    count(): number {
      let n = 0;
      for (const list of byMessage.values()) n += list.length;
      return n;
    },
    dispose(): void {
      for (const [name, layer] of layers) {
        if (CSS.highlights.get(name) === layer) CSS.highlights.delete(name);
        layer.clear();
      }
      byMessage.clear();
      if (sheet) unadoptCss(doc, sheet);
    },
  };
}

export type HighlightLayer = ReturnType<typeof createHighlightLayer>;
