// The capture loop's thread reader (extension/capture/thread-reader.ts): a full read through the
// adapter, or only the turns that changed, with ids as a full read would give them; a failing
// adapter step reads as nothing and is logged, never thrown into the loop.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { createThreadReader } from '../../extension/capture/thread-reader.ts';
import type { ParsedTurn, SiteAdapter } from '../../extension/sites/types.ts';

function page(html: string) {
  const { document } = parseHTML(`<!doctype html><html><body><main id="thread">${html}</main></body></html>`) as unknown as { document: Document };
  return { document, thread: document.getElementById('thread')! };
}

const turnOf = (element: Element): ParsedTurn => {
  const text = element.textContent ?? '';
  return { role: element.getAttribute('data-role') as 'user' | 'assistant', id: element.id, element, body: element, text, textMap: { text, segments: [] } };
};

/** A tiny adapter over `<div class="turn" data-role id>` elements, counting its calls. */
function adapter(options: { readTurn?: boolean; failParse?: boolean } = {}) {
  const calls = { parse: 0, readTurn: 0 };
  const a: Pick<SiteAdapter, 'parse' | 'readTurn' | 'selectors'> = {
    selectors: { thread: ['#thread'], turn: ['[data-turn]', '.turn'] } as unknown as SiteAdapter['selectors'],
    parse(thread) {
      calls.parse++;
      if (options.failParse) throw new Error('drifted');
      return [...thread.querySelectorAll('.turn')].map(turnOf);
    },
    ...(options.readTurn === false
      ? {}
      : {
          readTurn(element: Element) {
            calls.readTurn++;
            return element.classList.contains('turn') ? turnOf(element) : null;
          },
        }),
  };
  return { a, calls };
}

const HTML =
  '<div class="turn" data-role="user" id="u1">Why?</div><div class="turn" data-role="assistant" id="a1">Because.</div><div class="turn" data-role="user" id="u2">And?</div><div class="turn" data-role="assistant" id="a2">Also.</div>';

describe('thread reader', () => {
  it('a full read finds the turn selector that matches and counts what it found and parsed', () => {
    const { thread } = page(HTML);
    const { a } = adapter();
    const reader = createThreadReader(a);
    const read = reader.read(thread, { full: true, elements: [] });
    expect(read.turns.map((t) => t.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(read.counted).toEqual({ found: 4, parsed: 4 });
    expect(reader.turnSelector).toBe('.turn');
  });

  it('re-reads only the changed turns, returning just those', () => {
    const { document, thread } = page(HTML);
    const { a, calls } = adapter();
    const reader = createThreadReader(a);
    reader.read(thread, { full: true, elements: [] });
    const a2 = document.getElementById('a2')!;
    a2.textContent = 'Also, more.';
    const read = reader.read(thread, { full: false, elements: [a2] });
    expect(read.turns.map((t) => [t.id, t.text])).toEqual([['a2', 'Also, more.']]);
    expect(read.counted).toBeUndefined();
    expect(calls).toEqual({ parse: 1, readTurn: 1 });
  });

  it('skips changed turns that left the page, and still reads the rest', () => {
    const { document, thread } = page(HTML);
    const { a } = adapter();
    const reader = createThreadReader(a);
    reader.read(thread, { full: true, elements: [] });
    const a1 = document.getElementById('a1')!;
    a1.remove();
    expect(reader.read(thread, { full: false, elements: [a1, document.getElementById('a2')!] }).turns.map((t) => t.id)).toEqual(['a2']);
  });

  it('reads the whole thread every time when the adapter cannot read one turn alone', () => {
    const { thread } = page(HTML);
    const { a, calls } = adapter({ readTurn: false });
    const reader = createThreadReader(a);
    reader.read(thread, { full: true, elements: [] });
    expect(reader.turnSelector).toBeNull();
    expect(reader.read(thread, { full: false, elements: [] }).turns).toHaveLength(4);
    expect(calls.parse).toBe(2);
  });

  it('a failing parse reads as no turns and is logged', () => {
    const { thread } = page(HTML);
    const logged: unknown[][] = [];
    const reader = createThreadReader(adapter({ failParse: true }).a, (...args) => logged.push(args));
    expect(reader.read(thread, { full: true, elements: [] }).turns).toEqual([]);
    expect(reader.readAll(thread)).toEqual([]);
    expect(logged[0]?.[0]).toBe('parse failed');
  });

  it('no thread, no turns', () => {
    expect(createThreadReader(adapter().a).readAll(null)).toEqual([]);
  });
});
