// Citation markers read from the page by the Perplexity and ChatGPT adapters' `citations` part
// (extension/sites/citations.ts), on the fixtures written for them (test/fixtures/sites/*/citations.html)
// and the sites' main fixtures: each marker's place in the reply text, its label and its URL as the
// page gives it; then where each points (shared/detect/citations.ts).
import { describe, expect, it } from 'vitest';
import { citationTarget } from '../../shared/detect/citations.ts';
import { readCitations } from '../../extension/sites/citations.ts';
import { chatgpt } from '../../extension/sites/chatgpt.ts';
import { perplexity } from '../../extension/sites/perplexity.ts';
import type { SiteAdapter } from '../../extension/sites/types.ts';
import { loadFixture } from '../helpers/fixture-dom.ts';
import { SITES } from '../../extension/sites/index.ts';
import { listFixtures } from '../helpers/site-fixtures.ts';

function replies(adapter: SiteAdapter, name: string) {
  const { turns } = loadFixture(adapter, name);
  return turns.filter((t) => t.role === 'assistant').map((t) => ({ text: t.text, citations: readCitations(adapter.citations!, t) }));
}

/** The text just before each marker, to prove its place. */
const textBefore = (text: string, at: number) => text.slice(Math.max(0, at - 40), at);
const ends = (tail: string) => expect.stringMatching(new RegExp(`${tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));

describe('perplexity: citation markers', () => {
  it('citations.html, entry 0: every marker, in text order, at the end of the sentence it follows', () => {
    const [first] = replies(perplexity, 'citations');
    expect(first!.text).not.toMatch(/stats \+1|pewresearch/); // chips are not reply text
    expect(first!.citations.map((c) => ({ ...c, before: textBefore(first!.text, c.at) }))).toEqual([
      { at: expect.any(Number), label: 'stats +1', url: 'https://stats.example.org/ai-use-2026', sources: 2, before: ends('once a week.') },
      { at: expect.any(Number), label: 'pewresearch', url: '#', sources: 2, before: ends('older adults.') },
      { at: expect.any(Number), label: '', sources: 2, before: ends('between 2024 and 2026.') },
      { at: expect.any(Number), end: expect.any(Number), label: '[3]', n: 3, sources: 2, before: ends('writing help ') },
      {
        at: expect.any(Number),
        end: expect.any(Number),
        label: '[1]',
        n: 1,
        sources: 2,
        url: 'https://stats.example.org/ai-use-2026',
        before: ends('among students '),
      },
    ]);
    for (const c of first!.citations) if (c.end !== undefined) expect(first!.text.slice(c.at, c.end)).toBe(c.label);
  });

  it('citations.html: where each marker points (a page, or nowhere and why)', () => {
    const [first] = replies(perplexity, 'citations');
    expect(first!.citations.map((c) => citationTarget(c))).toEqual([
      { url: 'https://stats.example.org/ai-use-2026', host: 'stats.example.org' },
      { nowhere: 'unusable-url' },
      { nowhere: 'no-url' },
      { nowhere: 'beyond-sources' },
      { url: 'https://stats.example.org/ai-use-2026', host: 'stats.example.org' },
    ]);
  });

  it('citations.html, entry 1: no markers leak in from the entry above', () => {
    const [, second] = replies(perplexity, 'citations');
    expect(second!.citations).toEqual([]);
  });

  it('conversation.html: the two source chips, with their URLs, and nothing on the other replies', () => {
    const all = replies(perplexity, 'conversation');
    expect(all[0]!.citations.map((c) => [c.label, c.url, textBefore(all[0]!.text, c.at)])).toEqual([
      ['investopedia', 'https://www.investopedia.com/terms/i/indexfund.asp', ends('keeps fees low.')],
      ['morningstar +1', 'https://www.morningstar.com/funds', ends('under 0.1% a year.')],
    ]);
    for (const reply of all.slice(1)) expect(reply.citations).toEqual([]);
  });
});

describe('perplexity: the 2026-08 layout (empty markdown-content placeholder, answer in sibling .prose blocks)', () => {
  it('variants.html, entry 0: the chip in the sibling block is read; the sources block’s plain links are not markers', () => {
    const [first, ...rest] = replies(perplexity, 'variants');
    expect(first!.citations.map((c) => [c.label, c.url, textBefore(first!.text, c.at)])).toEqual([
      ['reuters', 'https://www.reuters.com/markets/', ends('pays no interest.')],
    ]);
    for (const reply of rest) expect(reply.citations).toEqual([]);
  });
});

describe('chatgpt: citation markers', () => {
  it('citations.html, turn 2: the pills (one real, one with an empty link) and the raw 【4†source】', () => {
    const [first] = replies(chatgpt, 'citations');
    expect(first!.text).not.toContain('stats.example.org');
    expect(first!.text).toContain('【4†source】');
    expect(first!.citations.map((c) => ({ label: c.label, url: c.url, n: c.n, before: textBefore(first!.text, c.at), target: citationTarget(c) }))).toEqual([
      {
        label: 'stats.example.org',
        url: 'https://stats.example.org/ai-use-2026',
        n: undefined,
        before: ends('once a week.'),
        target: { url: 'https://stats.example.org/ai-use-2026', host: 'stats.example.org' },
      },
      { label: 'Pew Research', url: undefined, n: undefined, before: ends('older adults.'), target: { nowhere: 'no-url' } },
      { label: '【4†source】', url: undefined, n: 4, before: ends('024 and 2026 '), target: { nowhere: 'no-url' } },
    ]);
  });

  it('citations.html, turn 4: a plain [2] with no sources list is a marker; "a[1]" in code is not', () => {
    const [, second] = replies(chatgpt, 'citations');
    expect(second!.text).toContain('print(a[1])');
    expect(second!.citations.map((c) => [c.label, c.n, c.sources, citationTarget(c)])).toEqual([['[2]', 2, undefined, { nowhere: 'no-url' }]]);
  });

  it('the main fixtures have no markers: nothing is invented', () => {
    for (const name of ['conversation', 'variants']) for (const reply of replies(chatgpt, name)) expect(reply.citations, name).toEqual([]);
  });
});

describe('convention: an adapter that reads citations is proved by a citations fixture', () => {
  const withCitations = Object.values(SITES).filter((a) => a.citations);
  it('Perplexity and ChatGPT read citations', () => {
    expect(withCitations.map((a) => a.id).sort()).toEqual(['chatgpt', 'perplexity']);
  });
  it.each(withCitations.map((a) => [a.id, a] as const))('%s: citations.html exists and its markers are found, some pointing nowhere', (id, adapter) => {
    expect(listFixtures(id).some((f) => f.file === 'citations.html')).toBe(true);
    const all = replies(adapter, 'citations').flatMap((r) => r.citations);
    expect(all.some((c) => 'url' in citationTarget(c))).toBe(true);
    expect(all.some((c) => 'nowhere' in citationTarget(c))).toBe(true);
  });
});
