// Every site adapter's `composer` part (issue 13, "Ask for it"), proved by its fixtures: the selector
// list finds the message box in the site's conversation page, the first selector that finds one
// finds the kind the adapter declares, and no composer selector matches Unspun's own UI or a turn.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { SITES } from '../../extension/sites/index.ts';
import { COMPOSER_KINDS, SITE_IDS, type ComposerKind } from '../../extension/sites/types.ts';
import { listFixtures } from '../helpers/site-fixtures.ts';

const CHAT_SITES = SITE_IDS.filter((id) => id !== 'demo');

function kindOf(el: Element): ComposerKind {
  if (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') return 'textarea';
  return el.closest('.ProseMirror') ? 'prosemirror' : 'contenteditable';
}

/** The first selector that finds an editable element, and that element (hidden fallbacks skipped). */
function firstComposer(document: Document, selectors: readonly string[]): { selector: string; el: Element } | null {
  for (const selector of selectors) {
    for (const el of Array.from(document.querySelectorAll(selector))) {
      const editable = el.tagName === 'TEXTAREA' || el.getAttribute('contenteditable') === 'true';
      const hidden = /display:\s*none/.test(el.getAttribute('style') ?? '') || el.getAttribute('aria-hidden') === 'true';
      if (editable && !hidden) return { selector, el };
    }
  }
  return null;
}

describe('composer parts', () => {
  it.each(SITE_IDS)('%s: declares a kind and at least one selector', (id) => {
    const { composer } = SITES[id];
    expect(COMPOSER_KINDS).toContain(composer.kind);
    expect(composer.selectors.length).toBeGreaterThan(0);
  });

  it.each(CHAT_SITES)('%s: its conversation fixture has a message box its selectors find, of the declared kind', (id) => {
    const fixture = listFixtures(id).find((f) => f.file === 'conversation.html');
    expect(fixture, `${id}/conversation.html`).toBeDefined();
    const { document } = parseHTML(fixture!.html);
    const found = firstComposer(document as unknown as Document, SITES[id].composer.selectors);
    expect(found, `${id}: a composer`).not.toBeNull();
    expect(kindOf(found!.el), `${id}: found by ${found!.selector}`).toBe(SITES[id].composer.kind);
    // The message box is never inside a turn (the reply text must not be typed into).
    for (const turn of Array.from(document.querySelectorAll(SITES[id].selectors.turn.join(', ')))) expect(turn.contains(found!.el)).toBe(false);
  });

  it('the fixtures hold every kind of composer (textarea, contenteditable, ProseMirror)', () => {
    const kinds = new Set(CHAT_SITES.map((id) => SITES[id].composer.kind));
    expect([...kinds].sort()).toEqual([...COMPOSER_KINDS].sort());
  });
});
