// The side panel's claim ledger with citation markers (extension/ui/conversation-panel.ts
// ledgerSection), rendered in linkedom: dangling markers said in words, cited pages as text with
// "Check the cited page", and a check that ends after the panel re-rendered still reaches the reader.
import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import { citeClaims } from '../../shared/detect/citations.ts';
import { detectClaims } from '../../shared/detect/claims.ts';
import type { CitationMarker } from '../../shared/schemas.ts';
import { ledgerSection, type CheckResults } from '../../extension/ui/conversation-panel.ts';

beforeAll(() => {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  Object.assign(globalThis, { document });
});

const TEXT = 'About 38% of US adults now use an AI chatbot at least once a week.\n\nMost of that use is for search and writing help [3].';
const MARKERS: CitationMarker[] = [
  { at: TEXT.indexOf('week.') + 5, label: 'stats +1', url: 'https://stats.example.org/ai-use-2026' },
  { at: TEXT.indexOf('[3]'), end: TEXT.indexOf('[3]') + 3, label: '[3]', n: 3, sources: 2 },
];
const claims = () => citeClaims(TEXT, detectClaims(TEXT), MARKERS);

describe('ledger with citations', () => {
  it('says which claim cites a marker that points nowhere, and shows the cited page as text', () => {
    const section = ledgerSection(claims());
    expect(section.getAttribute('open')).not.toBeNull();
    expect(section.querySelector('summary')!.textContent).toBe('2 claims: 1 sourced, 1 with nothing; 1 cites a source that points nowhere');
    const [linked, dangling] = Array.from(section.querySelectorAll('li'));
    expect(linked!.getAttribute('data-dangling')).toBeNull();
    expect(linked!.querySelector('.cite-where')!.textContent).toBe('“stats +1” → stats.example.org/ai-use-2026');
    expect(linked!.querySelector('button.check-page')).toBeNull(); // no checker given: no button
    expect(dangling!.getAttribute('data-dangling')).toBe('true');
    expect(dangling!.querySelector('.claim-dangling')!.textContent).toBe('Cites [3], which points nowhere (the reply lists fewer sources).');
    expect(dangling!.querySelector('.claim-note')!.textContent).toBe(' (nothing in the sentence backs it)');
  });

  it('page text stays text: a label with markup is shown as characters', () => {
    const text = 'Prices rose 4% in March.';
    const section = ledgerSection(citeClaims(text, detectClaims(text), [{ at: text.length, label: '<img src=x onerror=alert(1)>', url: '#' }]));
    expect(section.querySelector('img')).toBeNull();
    expect(section.querySelector('.claim-dangling')!.textContent).toContain('“<img src=x onerror=alert(1)>”');
  });

  it('a check that ends after the panel re-rendered: the result is kept and the panel asked to draw again', async () => {
    let finish!: (r: { outcome: 'found'; text: string }) => void;
    const asked: string[] = [];
    const results: CheckResults = new Map();
    let redraws = 0;
    const options = {
      checker: (url: string) => {
        asked.push(url);
        return new Promise<{ outcome: 'found'; text: string }>((resolve) => (finish = resolve));
      },
      results,
      replyKey: 'r1',
      onDetachedResult: () => redraws++,
    };
    const first = ledgerSection(claims(), options);
    document.body.append(first);
    (first.querySelector('button.check-page') as HTMLButtonElement).click();
    expect(asked).toEqual(['https://stats.example.org/ai-use-2026']);
    expect(first.querySelector('.check-status')!.textContent).toBe('Checking stats.example.org…');
    // The archive changed: the panel draws the ledger again, the old row is gone.
    const second = ledgerSection(claims(), options);
    first.replaceWith(second);
    expect(second.querySelector('.check-status')!.textContent).toBe('Checking stats.example.org…');
    finish({ outcome: 'found', text: 'Found on stats.example.org/ai-use-2026: ‘38%’.' });
    await new Promise((r) => setTimeout(r, 0));
    expect(redraws).toBe(1);
    const third = ledgerSection(claims(), options);
    expect(third.querySelector('.check-status')!.textContent).toBe('Found on stats.example.org/ai-use-2026: ‘38%’.');
    expect(third.querySelector('.check-status')!.getAttribute('data-outcome')).toBe('found');
  });
});
