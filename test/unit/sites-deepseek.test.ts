import { describe, expect, it } from 'vitest';
import { deepseek, deepseekConversationId } from '../../extension/sites/deepseek.ts';
import { fallbackTurnId, isFallbackId } from '../../extension/sites/ids.ts';
import { urlMatches } from '../../extension/sites/match.ts';
import {
  BENIGN_OPENINGS,
  chromeLeaks,
  chromeTextHits,
  fixtureHtml,
  healthProblem,
  loadFixture,
  loadPage,
  mutationsMapToOwnTurn,
  readTurnAgrees,
  streamedIn,
  textMapIsFaithful,
} from '../helpers/fixture-dom.ts';

const CHROME = ['Thought for', 'The user wants', 'Copy', 'Download', 'DeepThink', 'AI-generated', /^python$/m];

describe('deepseek: pages and conversation ids', () => {
  it.each([
    ['https://chat.deepseek.com/a/chat/s/0b7e3c2a-5d41-4f6e-9a8b-2c1d0e9f8a77', '0b7e3c2a-5d41-4f6e-9a8b-2c1d0e9f8a77'],
    ['https://chat.deepseek.com/chat/s/0b7e3c2a-5d41-4f6e-9a8b-2c1d0e9f8a77/', '0b7e3c2a-5d41-4f6e-9a8b-2c1d0e9f8a77'],
    ['https://chat.deepseek.com/a/chat/s/9a1f2e3d-4c5b-4a69-8d7e-6f5a4b3c2d1e?ref=x', '9a1f2e3d-4c5b-4a69-8d7e-6f5a4b3c2d1e'],
  ])('%s → %s', (url, id) => {
    expect(urlMatches(deepseek.matches, url)).toBe(true);
    expect(deepseekConversationId(new URL(url))).toBe(id);
  });

  it.each([
    'https://chat.deepseek.com/',
    'https://chat.deepseek.com/a/chat/',
    'https://chat.deepseek.com/a/chat/s/',
    'https://chat.deepseek.com/sign_in',
    'https://chat.deepseek.com/a/chat/s/abc',
    'https://chat.deepseek.com/a/chat/s/0b7e3c2a-5d41-4f6e-9a8b-2c1d0e9f8a77/share',
  ])('no conversation on %s', (url) => {
    expect(deepseekConversationId(new URL(url))).toBeNull();
  });

  it('does not run on the API platform or the marketing site', () => {
    expect(urlMatches(deepseek.matches, 'https://platform.deepseek.com/usage')).toBe(false);
    expect(urlMatches(deepseek.matches, 'https://www.deepseek.com/')).toBe(false);
  });
});

describe('deepseek: finished conversation fixture', () => {
  const loaded = loadFixture(deepseek, 'conversation');
  const { thread, turns } = loaded;

  it('observes the virtual list and reads the mounted rows in order', () => {
    expect(thread?.classList.contains('ds-virtual-list')).toBe(true);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('ids are marked fallbacks keyed by the list’s own row key, never the DOM position', () => {
    for (const turn of turns) {
      expect(turn.idSource).toBe('fallback');
      expect(isFallbackId(turn.id)).toBe(true);
    }
    expect(turns[1]!.id).toBe(fallbackTurnId('assistant', turns[1]!.text, { pageKey: '2' }));
    expect(turns[3]!.id).toBe(fallbackTurnId('assistant', turns[3]!.text, { pageKey: '4' }));
  });

  it('reads user turns (not through the hashed class)', () => {
    expect(turns[0]!.text).toBe('Should I move my savings into an index fund? Show me how to compute the growth.');
    expect(turns[2]!.text).toBe('Compare the fees of the two options in a table.');
  });

  it('reads the reply, not the reasoning, Markdown-faithfully', () => {
    const text = turns[1]!.text;
    expect(text.startsWith('Short answer: yes, for most people.')).toBe(true);
    // List items carry their marker (whatever blank lines the shared reader puts after it for <li><p>).
    expect(text).toMatch(/(^|\n)-\s+Diversification: one fund holds the whole market\./);
    expect(text).toMatch(/\n-\s+Less temptation to trade on headlines\./);
    expect(text).toContain('Compound growth follows $A = P(1 + r)^n$, where r is the yearly return.');
    expect(text).toContain('$$\\frac{A}{P} = e^{rt}$$');
    expect(text).toContain(
      '```\ndef grow(principal, rate, years):\n    return principal * (1 + rate) ** years\n\nprint(round(grow(10_000, 0.07, 10), 2))\n```',
    );
  });

  it('reads a table', () => {
    expect(turns[3]!.text).toContain('| Option | Yearly fee | Minimum |\n| --- | --- | --- |\n| Index fund | 0.05% | $1 |\n| Managed fund | 1.00% | $500 |');
    expect(turns[3]!.text).toMatch(/\n2\.\s+Automate a monthly transfer\./);
  });

  it('leaves out reasoning, code banner and buttons; maps text back to the page', () => {
    for (const turn of turns) {
      expect(chromeLeaks(turn.text, CHROME)).toEqual([]);
      expect(textMapIsFaithful(turn)).toBe(true);
      expect(deepseek.chromeText.some((re) => re.test(turn.text))).toBe(false);
    }
    expect(mutationsMapToOwnTurn(deepseek, loaded)).toBe(true);
  });

  it('a reply with its action bar and no spinner is finished', () => {
    expect(turns.filter((t) => t.role === 'assistant').map((t) => deepseek.isDone(t.element))).toEqual([true, true]);
  });
});

describe('deepseek: streaming fixture', () => {
  const finished = loadFixture(deepseek, 'conversation').turns;
  const { turns } = loadFixture(deepseek, 'streaming');

  it('the reply with the .ds-loading spinner is not finished; the earlier one is', () => {
    expect(deepseek.isDone(turns[1]!.element)).toBe(true);
    expect(deepseek.isDone(turns[3]!.element)).toBe(false);
    expect(turns[3]!.text).toBe('Here is how the two compare:');
  });

  it('once streamed in, the reply reads as on the finished page', () => {
    const streamed = loadPage(deepseek, streamedIn(fixtureHtml('deepseek', 'streaming'))).turns;
    expect(streamed[3]!.text).toBe(finished[3]!.text);
  });

  it('the finished reply keeps its id on both pages', () => {
    expect(turns[1]!.id).toBe(finished[1]!.id);
  });
});

describe('deepseek: a long, virtualized thread', () => {
  const { turns } = loadFixture(deepseek, 'virtualized');

  it('reads only what is mounted (rows 19 and 20), with ids from the row keys', () => {
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(turns[0]!.id).toBe(fallbackTurnId('user', 'So which fund should I pick, and why?', { pageKey: '19' }));
    expect(turns[1]!.id).toBe(fallbackTurnId('assistant', turns[1]!.text, { pageKey: '20' }));
    expect(turns[1]!.text).toContain('costs about $1 - 0.99^{30} \\approx 26\\%$ of your final balance.');
    expect(deepseek.isDone(turns[1]!.element)).toBe(true);
  });

  it('the same reply mounted at another scroll position keeps its id', () => {
    // Scrolled: a different pair of rows is mounted above it; the row key, not the position, counts.
    const html = fixtureHtml('deepseek', 'virtualized');
    const other = fixtureHtml('deepseek', 'conversation')
      .match(/<div class="_9663006[^]*?(?=<div style="--assistant-last)/)![0]
      .replace('data-virtual-list-item-key="1"', 'data-virtual-list-item-key="17"');
    const { turns: scrolled } = loadPage(
      deepseek,
      html
        .replace('<div class="ds-virtual-list-visible-items"', '<div class="ds-virtual-list-visible-items" data-probe')
        .replace(/(data-probe[^>]*>\n)/, `$1${other}`),
    );
    expect(scrolled.map((t) => t.role)).toEqual(['user', 'user', 'assistant']);
    expect(scrolled[2]!.id).toBe(turns[1]!.id);
  });
});

describe('deepseek: drift and partial states', () => {
  const html = fixtureHtml('deepseek', 'conversation');

  it('a reply still in its reasoning phase (no main content yet) is not read', () => {
    const streaming = fixtureHtml('deepseek', 'streaming');
    const main =
      '<div class="ds-markdown ds-assistant-message-main-content"><p class="ds-markdown-paragraph"><span>Here is how the two compare:</span></p><div data-fixture-stream="reply"></div></div>';
    expect(streaming).toContain(main);
    const thinking = streaming.replace(main, '');
    const { turns } = loadPage(deepseek, thinking);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('without the main-content class the reply is still found, never the reasoning', () => {
    const { turns } = loadPage(deepseek, html.replaceAll(' ds-assistant-message-main-content', ''));
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(turns[1]!.text.startsWith('Short answer')).toBe(true);
    expect(chromeLeaks(turns[1]!.text, CHROME)).toEqual([]);
  });

  it('neither spinner nor action bar: undefined (the core waits for stable text)', () => {
    const { turns } = loadPage(deepseek, html.replaceAll('ds-flex _0a3d93b', 'x').replaceAll('ds-icon-button', 'y'));
    expect(deepseek.isDone(turns[3]!.element)).toBeUndefined();
  });

  it('without row keys, the .ds-message rows are read with text-only fallback ids', () => {
    const { turns } = loadPage(deepseek, html.replace(/ data-virtual-list-item-key="\d+"/g, ''));
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(turns[0]!.id).toBe(fallbackTurnId('user', turns[0]!.text));
  });

  it('ds-* classes replaced by hashed names: unhealthy', () => {
    const loaded = loadFixture(deepseek, 'broken-hashed');
    expect(healthProblem(deepseek, loaded)).not.toBeNull();
    expect(healthProblem(deepseek, loadFixture(deepseek, 'conversation'))).toBeNull();
  });
});

describe('deepseek: chromeText never takes an ordinary reply for chrome', () => {
  it.each(BENIGN_OPENINGS)('%s', (opening) => {
    expect(chromeTextHits(deepseek, `${opening}\n\nMore text.`)).toBe(false);
  });
});

describe('deepseek: readTurn (one mutated turn re-read alone) agrees with parse', () => {
  it.each(['conversation', 'streaming'])('%s', (name) => {
    expect(readTurnAgrees(deepseek, loadFixture(deepseek, name))).toBe(true);
  });
});

describe('deepseek: variants-old-path (older /chat/s/ path, two rows mounted, new hashed user class)', () => {
  const page = loadFixture(deepseek, 'variants-old-path');

  it('the older path names the conversation', () => {
    expect(deepseekConversationId(new URL('https://chat.deepseek.com/chat/s/2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f03'))).toBe(
      '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f03',
    );
  });

  it('reads the user row through .ds-message alone, and the reply without its reasoning', () => {
    expect(page.turns.map((t) => [t.role, t.pageKey, t.text.slice(0, 24)])).toEqual([
      ['user', '7', 'Should I close my oldest'],
      ['assistant', '8', 'A credit card with no an'],
    ]);
    expect(page.turns[0]!.text).toBe('Should I close my oldest credit card?');
    expect(chromeLeaks(page.turns[1]!.text, [...CHROME, 'The user asks'])).toEqual([]);
    for (const t of page.turns) expect(textMapIsFaithful(t)).toBe(true);
    expect(deepseek.isDone(page.turns[1]!.element)).toBe(true);
    expect(readTurnAgrees(deepseek, page)).toBe(true);
  });
});
