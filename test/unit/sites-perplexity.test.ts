import { describe, expect, it } from 'vitest';
import type { SiteAdapter } from '../../extension/sites/types.ts';
import { isFallbackId } from '../../extension/sites/ids.ts';
import { urlMatches } from '../../extension/sites/match.ts';
import { perplexity, perplexityAnswerIndex, perplexityConversationId, perplexityModelFromText } from '../../extension/sites/perplexity.ts';
import {
  BENIGN_OPENINGS,
  chromeLeaks,
  chromeTextHits,
  fixtureHtml,
  healthProblem,
  loadFixture,
  loadPage,
  streamedIn,
  textMapIsFaithful,
} from '../helpers/fixture-dom.ts';

const CHROME = ['investopedia', 'morningstar', 'Prepared using', 'Copy', 'Helpful', 'Edit query', /^python$/m];

describe('perplexity: pages and conversation ids', () => {
  it.each([
    ['https://www.perplexity.ai/search/should-i-move-my-savings-into-Xq2Lw9bRT5e7nC1vK0aHjg', 'should-i-move-my-savings-into-Xq2Lw9bRT5e7nC1vK0aHjg'],
    ['https://www.perplexity.ai/search/3f2a9c1e-77b0-4d55-9a1e-0c2b3d4e5f60/', '3f2a9c1e-77b0-4d55-9a1e-0c2b3d4e5f60'],
    ['https://www.perplexity.ai/search/what-is-x-AbC.dEf?s=c#0', 'what-is-x-AbC.dEf'],
  ])('%s → %s', (url, id) => {
    expect(urlMatches(perplexity.matches, url)).toBe(true);
    expect(perplexityConversationId(new URL(url))).toBe(id);
  });

  it.each([
    'https://www.perplexity.ai/',
    'https://www.perplexity.ai/search',
    'https://www.perplexity.ai/search/',
    'https://www.perplexity.ai/discover/tech',
    'https://www.perplexity.ai/spaces/my-space-abc123',
    'https://www.perplexity.ai/page/some-article-abc123',
    'https://www.perplexity.ai/search/abc/related',
  ])('no conversation on %s', (url) => {
    expect(perplexityConversationId(new URL(url))).toBeNull();
  });

  it('does not run on other hosts', () => {
    expect(urlMatches(perplexity.matches, 'https://labs.perplexity.ai/')).toBe(false);
    expect(urlMatches(perplexity.matches, 'https://www.perplexity.ai.example/search/x')).toBe(false);
  });
});

describe('perplexity: pure helpers', () => {
  it.each([
    ['Prepared using Claude Sonnet 4.6 Thinking', 'Claude Sonnet 4.6 Thinking'],
    ['  Prepared using GPT-5.1 ', 'GPT-5.1'],
    ['Prepared with Sonar', 'Sonar'],
  ])('model from %j', (text, model) => {
    expect(perplexityModelFromText(text)).toBe(model);
  });

  it.each([
    '',
    'Prepared using',
    'Sources',
    'Prepared with care, this plan works.',
    'The report was prepared using public data and three interviews with analysts in 2025 and then revised.',
  ])('no model in %j', (text) => {
    expect(perplexityModelFromText(text)).toBeNull();
  });

  it('answer index from markdown-content-<n> only', () => {
    expect(perplexityAnswerIndex('markdown-content-0')).toBe('0');
    expect(perplexityAnswerIndex('markdown-content-12')).toBe('12');
    expect(perplexityAnswerIndex('markdown-content-')).toBeNull();
    expect(perplexityAnswerIndex('radix-content-1')).toBeNull();
  });
});

describe('perplexity: finished conversation fixture (both answer layouts)', () => {
  const loaded = loadFixture(perplexity, 'conversation');
  const { turns } = loaded;

  it('every text node of an answer lies inside that answer’s turn element (badge and “finished” look there)', () => {
    for (const turn of turns) expect(turn.textMap.segments.every((s) => turn.element.contains(s.node))).toBe(true);
    expect(loaded.thread).not.toBeNull();
  });

  it('finds queries and answers in order; ids are marked fallbacks (the page has none)', () => {
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    for (const turn of turns) {
      expect(turn.idSource).toBe('fallback');
      expect(isFallbackId(turn.id)).toBe(true);
    }
    expect(new Set(turns.map((t) => t.id)).size).toBe(4);
  });

  it('reads queries', () => {
    expect(turns[0]!.text).toBe('Should I move my savings into an index fund? Show me how to compute the growth.');
    expect(turns[2]!.text).toBe('Compare the fees of the two options in a table.');
  });

  it('entry 0: the answer inside markdown-content-0, Markdown-faithful, no citation chips', () => {
    const text = turns[1]!.text;
    expect(turns[1]!.body.id).toBe('markdown-content-0');
    expect(text).toContain('keeps fees low.\n\n- Diversification: one fund holds the whole market.\n- Low cost: fees are often under 0.1% a year.\n- Less');
    expect(text).toContain('Compound growth follows $A = P(1 + r)^n$, where r is the yearly return.');
    expect(text).toContain('$$\\frac{A}{P} = e^{rt}$$');
    expect(text).toContain(
      '```\ndef grow(principal, rate, years):\n    return principal * (1 + rate) ** years\n\nprint(round(grow(10_000, 0.07, 10), 2))\n```',
    );
  });

  it('entry 1 (2026-08 layout): an empty markdown-content-1 placeholder, the answer in the sibling .prose', () => {
    const answer = turns[3]!;
    expect(answer.body.id).toBe('');
    expect(answer.body.classList.contains('prose')).toBe(true);
    expect(answer.body.previousElementSibling?.id).toBe('markdown-content-1');
    expect(answer.text).toContain('| Option | Yearly fee | Minimum |\n| --- | --- | --- |\n| Index fund | 0.05% | $1 |');
    expect(answer.text).toContain('1. Pick a broad, low-cost fund.\n2. Automate a monthly transfer.');
    expect(answer.text.endsWith('Experts agree this is the smartest move you can make today.')).toBe(true);
  });

  it('reads the model from "Prepared using …"', () => {
    expect(turns.filter((t) => t.role === 'assistant').map((t) => t.model)).toEqual(['Claude Sonnet 4.6 Thinking', 'Claude Sonnet 4.6 Thinking']);
    expect(turns[0]!.model).toBeUndefined();
  });

  it('leaves out chrome and maps every character back to the page', () => {
    for (const turn of turns) {
      expect(chromeLeaks(turn.text, CHROME)).toEqual([]);
      expect(textMapIsFaithful(turn)).toBe(true);
      expect(perplexity.chromeText.some((re) => re.test(turn.text))).toBe(false);
    }
  });

  it('no stop button and an action bar: every answer is finished', () => {
    expect(turns.filter((t) => t.role === 'assistant').map((t) => perplexity.isDone(t.element))).toEqual([true, true]);
  });
});

describe('perplexity: streaming fixture', () => {
  const finished = loadFixture(perplexity, 'conversation').turns;
  const { turns } = loadFixture(perplexity, 'streaming');

  it('the last answer is not finished while the stop button shows; the earlier one is', () => {
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(perplexity.isDone(turns[1]!.element)).toBe(true);
    expect(perplexity.isDone(turns[3]!.element)).toBe(false);
    expect(turns[3]!.text).toBe('Here is how the two compare:');
    expect(turns[3]!.model).toBeUndefined();
  });

  it('once streamed in, the answer reads as on the finished page', () => {
    const streamed = loadPage(perplexity, streamedIn(fixtureHtml('perplexity', 'streaming'))).turns;
    expect(streamed[3]!.text).toBe(finished[3]!.text);
  });

  it('the finished answer reads and identifies the same on both pages', () => {
    expect(turns[1]!.id).toBe(finished[1]!.id);
    expect(turns[1]!.text).toBe(finished[1]!.text);
  });
});

describe('perplexity: drift', () => {
  const html = fixtureHtml('perplexity', 'conversation');
  const streaming = fixtureHtml('perplexity', 'streaming');

  it('a stop button that was renamed: the last answer falls back to text stability, never "done" early', () => {
    const { turns } = loadPage(perplexity, streaming.replace('aria-label="Stop generating response"', 'aria-label="Cancel"'));
    expect(perplexity.isDone(turns[3]!.element)).toBeUndefined();
    // An answer with a later entry below it is finished whatever the buttons say.
    expect(perplexity.isDone(turns[1]!.element)).toBe(true);
  });

  it('ids gone and the stop button renamed: the last answer is never called finished by the others’ action bars', () => {
    const drifted = streaming.replace(/ id="markdown-content-\d+"/g, '').replace('aria-label="Stop generating response"', 'aria-label="Cancel"');
    const { turns } = loadPage(perplexity, drifted);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(perplexity.isDone(turns[1]!.element)).toBe(true);
    expect(perplexity.isDone(turns[3]!.element)).toBeUndefined();
  });

  it('markdown-content ids gone: the rendered .prose answers are still found', () => {
    const loaded = loadPage(perplexity, html.replace(/ id="markdown-content-\d+"/g, ''));
    const { turns } = loaded;
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(turns[1]!.text.startsWith('Short answer: yes, for most people.')).toBe(true);
    expect(turns[3]!.text.startsWith('Here is how the two compare:')).toBe(true);
  });

  it('the older query markup (h1.group/query) is read the same', () => {
    const older = html
      .replaceAll('<div class="group/query relative', '<h1 class="group/query relative')
      .replace(/(<h1 class="group\/query[^>]*>(?:(?!<\/div><\/div><\/div>).)*<\/span><\/div>)<\/div>/g, '$1</h1>');
    const { turns } = loadPage(perplexity, older);
    expect(turns.filter((t) => t.role === 'user').map((t) => t.text)).toEqual([
      'Should I move my savings into an index fund? Show me how to compute the growth.',
      'Compare the fees of the two options in a table.',
    ]);
  });

  it('renamed query and answer hooks: unhealthy', () => {
    const loaded = loadFixture(perplexity, 'broken-renamed');
    expect(healthProblem(perplexity, loaded)).not.toBeNull();
    expect(healthProblem(perplexity, loadFixture(perplexity, 'conversation'))).toBeNull();
  });
});

describe('perplexity: chromeText never takes an ordinary reply for chrome', () => {
  it.each(BENIGN_OPENINGS)('%s', (opening) => {
    expect(chromeTextHits(perplexity, `${opening}\n\nMore text.`)).toBe(false);
  });
});

describe('perplexity: read by entry, so every change re-reads the thread', () => {
  it('has no readTurn: an answer’s blocks need not share one container', () => {
    expect((perplexity as SiteAdapter).readTurn).toBeUndefined();
  });
});
