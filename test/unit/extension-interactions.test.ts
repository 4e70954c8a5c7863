// The capture loop's interaction handling (extension/capture/interactions.ts): hover shows a flag's
// card, a click pins it or offers a choice when flags overlap, Escape or a click elsewhere closes
// it, scrolling closes an unpinned one, and the pointer only counts when it is really over a flag.
// A linkedom page; the caret lookup, the layer's ranges and the card are stand-ins.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { Flag } from '../../shared/schemas.ts';
import { flagAtPoint, flagsAtPoint, startInteractions, type InteractionEvents } from '../../extension/capture/interactions.ts';
import type { DrawnFlag } from '../../extension/ui/highlights.ts';

const flag = (move: Flag['move'], quote: string): Flag => ({
  move,
  start: 0,
  end: quote.length,
  quote,
  severity: 2,
  support: 'unsupported',
  rationale: 'r',
  source: 'detector',
});

function setup() {
  const { document, window } = parseHTML(
    '<!doctype html><html><body><p id="p">Experts agree this is the only way.</p><p id="q">Plain text.</p></body></html>',
  ) as unknown as { document: Document; window: Window };
  const text = document.getElementById('p')!.firstChild!;
  const plain = document.getElementById('q')!.firstChild!;
  /** A flag over characters [from, to) of the paragraph, drawn at x = from..to on line y 0..10. */
  const drawnAt = (f: Flag, from: number, to: number, messageId = 'a1'): DrawnFlag => {
    const range = {
      startContainer: text,
      startOffset: from,
      getClientRects: () => [{ left: from, right: to, top: 0, bottom: 10 }],
      isPointInRange: (node: Node, offset: number) => node === text && offset >= from && offset < to,
    } as unknown as Range;
    return { flag: f, range, messageId };
  };
  const experts = drawnAt(flag('unsourced-authority', 'Experts agree'), 0, 13);
  const agree = drawnAt(flag('bandwagon', 'agree'), 8, 13);
  const onlyWay = drawnAt(flag('false-dilemma', 'the only way'), 22, 34);
  const drawn = [experts, agree, onlyWay];
  const calls: string[] = [];
  const layer = {
    count: () => drawn.length,
    at: (node: Node, offset: number) => drawn.filter((d) => d.range.isPointInRange(node, offset)).sort((a, b) => a.flag.quote.length - b.flag.quote.length)[0],
    allAt: (node: Node, offset: number) => drawn.filter((d) => d.range.isPointInRange(node, offset)),
    setActive: (range: Range | null) => void calls.push(range ? `active ${drawn.find((d) => d.range === range)?.flag.move}` : 'inactive'),
  };
  // The caret under x is character x of the paragraph; below the line it is the plain paragraph.
  (document as unknown as { caretPositionFromPoint: (x: number, y: number) => unknown }).caretPositionFromPoint = (x, y) =>
    y <= 10 ? { offsetNode: text, offset: Math.floor(x) } : { offsetNode: plain, offset: 0 };
  const host = document.createElement('unspun-card');
  document.body.append(host);
  const card = {
    host,
    pinned: false,
    isOpen: false,
    showFlag(f: Flag, _range: Range, options: { pin?: boolean } = {}) {
      if (options.pin) this.pinned = true;
      this.isOpen = true;
      calls.push(`card ${f.move}${options.pin ? ' pinned' : ''}`);
    },
    showPicker(flags: readonly Flag[], _range: Range, onPick: (f: Flag) => void) {
      this.pinned = true;
      this.isOpen = true;
      calls.push(`picker ${flags.map((f) => f.move).join(' ')}`);
      onPick(flags[1]!);
    },
    hide(force = false) {
      if (this.pinned && !force) return;
      this.pinned = false;
      this.isOpen = false;
      calls.push(`hide${force ? ' forced' : ''}`);
    },
  };
  const frames: Array<() => void> = [];
  const events = {
    addEventListener: (target: EventTarget, type: string, handler: EventListener, options?: AddEventListenerOptions) =>
      target.addEventListener(type, handler, options),
    requestAnimationFrame: (run: () => void) => frames.push(run),
  } as unknown as InteractionEvents;
  const places: string[] = [];
  startInteractions({ events, layer, card: card as never, place: (id) => (places.push(id), { avoid: () => [], region: () => undefined }), doc: document });
  const fire = (target: EventTarget, type: string, props: Record<string, unknown> = {}) => {
    const event = new (window as unknown as { Event: typeof Event }).Event(type, { bubbles: true });
    Object.assign(event, props);
    target.dispatchEvent(event);
  };
  const flush = () => frames.splice(0).forEach((run) => run());
  return { document, window, layer, card, calls, places, fire, flush, experts, agree, onlyWay };
}

describe('pointer over flags', () => {
  it('counts a flag only when the pointer is over its boxes, not where the caret snapped', () => {
    const { document, layer, onlyWay } = setup();
    expect(flagAtPoint(layer, document, 25, 5)).toBe(onlyWay);
    expect(flagAtPoint(layer, document, 25, 30)).toBeUndefined();
    expect(flagAtPoint(null, document, 25, 5)).toBeUndefined();
  });

  it('lists overlapping flags under the pointer, narrowest first', () => {
    const { document, layer, experts, agree } = setup();
    expect(flagsAtPoint(layer, document, 10, 5)).toEqual([agree, experts]);
    expect(flagsAtPoint(layer, document, 3, 5)).toEqual([experts]);
    expect(flagsAtPoint(layer, document, 18, 5)).toEqual([]);
  });
});

describe('interactions', () => {
  it('hover shows a flag’s card in the next frame (one frame per burst), and leaving hides it', () => {
    const { document, calls, fire, flush } = setup();
    fire(document, 'mousemove', { clientX: 25, clientY: 5 });
    fire(document, 'mousemove', { clientX: 26, clientY: 5 });
    flush();
    expect(calls).toEqual(['active false-dilemma', 'card false-dilemma']);
    fire(document, 'mousemove', { clientX: 25, clientY: 40 });
    flush();
    expect(calls.slice(2)).toEqual(['inactive', 'hide']);
  });

  it('a click pins the card; a pinned card stays while hovering elsewhere; a click elsewhere closes it', () => {
    const { document, card, calls, fire, flush } = setup();
    fire(document, 'click', { clientX: 25, clientY: 5 });
    expect(calls).toEqual(['active false-dilemma', 'card false-dilemma pinned']);
    fire(document, 'mousemove', { clientX: 3, clientY: 5 });
    flush();
    expect(calls).toHaveLength(2);
    fire(document, 'click', { clientX: 25, clientY: 40 });
    expect(calls.slice(2)).toEqual(['inactive', 'hide forced']);
    expect(card.isOpen).toBe(false);
  });

  it('a click on overlapping flags offers a choice, and the chosen one opens pinned', () => {
    const { document, calls, fire } = setup();
    fire(document, 'click', { clientX: 10, clientY: 5 });
    expect(calls).toEqual(['active bandwagon', 'picker bandwagon unsourced-authority', 'active unsourced-authority', 'card unsourced-authority pinned']);
  });

  it('clicks and moves inside the card are the card’s own', () => {
    const { card, calls, fire, flush } = setup();
    fire(card.host, 'click', { clientX: 25, clientY: 5 });
    fire(card.host, 'mousemove', { clientX: 25, clientY: 5 });
    flush();
    expect(calls).toEqual([]);
  });

  it('Escape closes an open card; scrolling closes only an unpinned one', () => {
    const { document, window, card, calls, fire, flush } = setup();
    fire(document, 'click', { clientX: 25, clientY: 5 });
    fire(window, 'scroll');
    expect(card.isOpen).toBe(true);
    fire(document, 'keydown', { key: 'Escape' });
    expect(card.isOpen).toBe(false);
    fire(document, 'mousemove', { clientX: 3, clientY: 5 });
    flush();
    expect(card.isOpen).toBe(true);
    fire(window, 'scroll');
    expect(card.isOpen).toBe(false);
    expect(calls.filter((c) => c.startsWith('hide'))).toEqual(['hide forced', 'hide']);
  });
});
