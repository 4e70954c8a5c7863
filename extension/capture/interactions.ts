// The reader's hands on the highlighted text: hovering a flag shows its card, clicking pins it
// (or offers a choice when flags overlap), Escape or a click elsewhere closes it, scrolling closes
// an unpinned card. Every listener hangs off the content script's lifecycle.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { Box, FlagCard } from '../ui/card.ts';
import type { DrawnFlag, HighlightLayer } from '../ui/highlights.ts';
import { sameSpot, type CardPlace } from './reply-view.ts';

type Layer = Pick<HighlightLayer, 'at' | 'allAt' | 'count' | 'setActive'>;

export type InteractionEvents = Pick<ContentScriptContext, 'addEventListener' | 'requestAnimationFrame'>;

export interface InteractionOptions {
  /** The content script's `ctx` (listeners and frames end with it). */
  events: InteractionEvents;
  layer: Layer | null;
  card: Pick<FlagCard, 'host' | 'pinned' | 'isOpen' | 'showFlag' | 'showPicker' | 'hide'>;
  place: (messageId: string, range: Range) => CardPlace;
  doc?: Document;
}

const within = (rects: Iterable<Box & { right: number; bottom: number }>, x: number, y: number): boolean =>
  Array.from(rects).some((r) => x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1);

/** The caret position under a point: the standard API, else Chrome's older one. */
function caretAt(doc: Document, x: number, y: number): { node: Node; offset: number } | null {
  const d = doc as Document & { caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null };
  if (typeof d.caretPositionFromPoint === 'function') {
    const pos = d.caretPositionFromPoint(x, y);
    return pos ? { node: pos.offsetNode, offset: pos.offset } : null;
  }
  const r = doc.caretRangeFromPoint?.(x, y);
  return r ? { node: r.startContainer, offset: r.startOffset } : null;
}

/** The drawn flag under the pointer, only when the pointer is really over it (the caret snaps to the nearest text). */
export function flagAtPoint(layer: Layer | null, doc: Document, x: number, y: number): DrawnFlag | undefined {
  if (!layer || layer.count() === 0) return undefined;
  const caret = caretAt(doc, x, y);
  if (!caret) return undefined;
  const hit = layer.at(caret.node, caret.offset);
  return hit && within(hit.range.getClientRects(), x, y) ? hit : undefined;
}

/** Every flag under the pointer (overlapping flags), narrowest first. */
export function flagsAtPoint(layer: Layer | null, doc: Document, x: number, y: number): DrawnFlag[] {
  const hit = flagAtPoint(layer, doc, x, y);
  if (!hit || !layer) return hit ? [hit] : [];
  const all = layer
    .allAt(hit.range.startContainer, hit.range.startOffset)
    .filter((d) => d.messageId === hit.messageId && d.range.isPointInRange(hit.range.startContainer, hit.range.startOffset));
  const under = all.filter((d) => within(d.range.getClientRects(), x, y));
  return [hit, ...under.filter((d) => d !== hit && !(d.flag.move === hit.flag.move && sameSpot(d.range, hit.range)))];
}

export function startInteractions({ events, layer, card, place, doc = document }: InteractionOptions): void {
  const win = doc.defaultView ?? window;
  let hoverFrame: number | null = null;
  let hovered: DrawnFlag | undefined;

  const pin = (d: DrawnFlag): void => {
    layer?.setActive(d.range);
    card.showFlag(d.flag, d.range, { pin: true, messageId: d.messageId, focus: true, ...place(d.messageId, d.range) });
  };

  events.addEventListener(doc, 'mousemove', (event) => {
    if (hoverFrame !== null) return;
    const { clientX, clientY } = event;
    // Read the path now: once dispatch is over, composedPath() is empty, so inside the frame the
    // pointer never counted as over the card and an unpinned card closed under the pointer.
    const overCard = event.composedPath().includes(card.host);
    hoverFrame = events.requestAnimationFrame(() => {
      hoverFrame = null;
      if (overCard) return;
      const hit = flagAtPoint(layer, doc, clientX, clientY);
      if (hit === hovered) return;
      hovered = hit;
      if (card.pinned) return;
      layer?.setActive(hit?.range ?? null);
      if (hit) card.showFlag(hit.flag, hit.range, { messageId: hit.messageId, ...place(hit.messageId, hit.range) });
      else card.hide();
    });
  });

  events.addEventListener(doc, 'click', (event) => {
    if (event.composedPath().includes(card.host)) return;
    const hits = flagsAtPoint(layer, doc, event.clientX, event.clientY);
    const hit = hits[0];
    if (hit && hits.length > 1) {
      // Overlapping flags ("Experts agree" is unsourced authority and bandwagon): pick one.
      layer?.setActive(hit.range);
      card.showPicker(
        hits.map((d) => d.flag),
        hit.range,
        (flag) => pin(hits.find((d) => d.flag === flag)!),
        { messageId: hit.messageId, ...place(hit.messageId, hit.range) },
      );
    } else if (hit) {
      pin(hit);
    } else if (card.isOpen) {
      layer?.setActive(null);
      card.hide(true);
    }
  });

  events.addEventListener(doc, 'keydown', (event) => {
    if (event.key === 'Escape' && card.isOpen) {
      layer?.setActive(null);
      card.hide(true);
    }
  });

  events.addEventListener(
    win,
    'scroll',
    () => {
      if (card.isOpen && !card.pinned) card.hide();
    },
    { passive: true, capture: true },
  );
}
