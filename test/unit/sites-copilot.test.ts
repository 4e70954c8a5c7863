import { describe, expect, it } from 'vitest';
import { copilot, copilotConversationId, copilotIdFromElementId } from '../../extension/sites/copilot.ts';
import { isFallbackId } from '../../extension/sites/ids.ts';
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

const CHROME = ['Copilot said', 'You said', 'Copy', 'Good response', 'Collapse code snippet', 'Copilot is responding', /^python$/m];

describe('copilot: pages and conversation ids', () => {
  it.each([
    ['https://copilot.microsoft.com/chats/Hq4bV7sN2cXe9LmP3aT6k', 'Hq4bV7sN2cXe9LmP3aT6k'],
    ['https://www.copilot.com/chats/Hq4bV7sN2cXe9LmP3aT6k/', 'Hq4bV7sN2cXe9LmP3aT6k'],
    ['https://copilot.microsoft.com/chats/a1-B2_c3d4?utm=x#top', 'a1-B2_c3d4'],
  ])('%s → %s', (url, id) => {
    expect(urlMatches(copilot.matches, url)).toBe(true);
    expect(copilotConversationId(new URL(url))).toBe(id);
  });

  it.each([
    'https://copilot.microsoft.com/',
    'https://copilot.microsoft.com/chats/',
    'https://copilot.microsoft.com/chats',
    'https://copilot.microsoft.com/discover',
    'https://copilot.microsoft.com/chats/abc/settings',
    'https://copilot.microsoft.com/pages/Hq4bV7sN2cXe9LmP3aT6k',
  ])('no conversation on %s', (url) => {
    expect(copilotConversationId(new URL(url))).toBeNull();
  });

  it.each(['https://m365.cloud.microsoft/chat', 'https://bing.com/chat', 'https://copilot.microsoft.com.evil.example/chats/x'])('does not run on %s', (url) => {
    expect(urlMatches(copilot.matches, url)).toBe(false);
  });
});

describe('copilot: message ids from element ids', () => {
  it.each([
    ['Kp3v9QeR2mWx7TnB4yLdA-user-message', 'Kp3v9QeR2mWx7TnB4yLdA'],
    ['Zr8cT1uN6vHq3JsW9eFgB-author', 'Zr8cT1uN6vHq3JsW9eFgB'],
    ['Zr8cT1uN6vHq3JsW9eFgB-content-0', 'Zr8cT1uN6vHq3JsW9eFgB'],
    ['Zr8cT1uN6vHq3JsW9eFgB-content-12', 'Zr8cT1uN6vHq3JsW9eFgB'],
  ])('%s → %s', (elementId, id) => {
    expect(copilotIdFromElementId(elementId)).toBe(id);
  });

  it.each(['', null, 'userInput', 'radix-_r_1_-author', 'short-author', 'Kp3v9QeR2mWx7TnB4yLdA-reactions'])('%s is not a message id', (elementId) => {
    expect(copilotIdFromElementId(elementId)).toBeNull();
  });
});

describe('copilot: finished conversation fixture', () => {
  const loaded = loadFixture(copilot, 'conversation');
  const { thread, turns } = loaded;

  it('a change anywhere in a reply maps to that reply’s turn', () => {
    expect(mutationsMapToOwnTurn(copilot, loaded)).toBe(true);
  });

  it('finds the conversation container and four turns in order, with the page’s own ids', () => {
    expect(thread?.getAttribute('data-content')).toBe('conversation');
    expect(turns.map((t) => [t.role, t.id, t.idSource ?? 'site'])).toEqual([
      ['user', 'Kp3v9QeR2mWx7TnB4yLdA', 'site'],
      ['assistant', 'Zr8cT1uN6vHq3JsW9eFgB', 'site'],
      ['user', 'Mb5xD2kL8pQw4RtY7nCzE', 'site'],
      ['assistant', 'Vt6yH3jK9sLm2NbQ5wXcR', 'site'],
    ]);
  });

  it('reads user turns as typed', () => {
    expect(turns[0]!.text).toBe('Should I move my savings into an index fund? Show me how to compute the growth.');
    expect(turns[2]!.text).toBe('Compare the fees of the two options in a table.');
  });

  it('reads a reply Markdown-faithfully: list, TeX source, fenced code', () => {
    const text = turns[1]!.text;
    expect(text.startsWith('Short answer: yes, for most people.')).toBe(true);
    expect(text).toContain('- Diversification: one fund holds the whole market.\n- Low cost');
    expect(text).toContain('Compound growth follows $A = P(1 + r)^n$, where r is the yearly return.');
    expect(text).toContain('$$\\frac{A}{P} = e^{rt}$$');
    expect(text).toContain('```\ndef grow(principal, rate, years):\n    return principal * (1 + rate) ** years\n');
    expect(text.endsWith("so don't wait.")).toBe(true);
  });

  it('reads a table and an ordered list', () => {
    const text = turns[3]!.text;
    expect(text).toContain('| Option | Yearly fee | Minimum |\n| --- | --- | --- |\n| Index fund | 0.05% | $1 |\n| Managed fund | 1.00% | $500 |');
    expect(text).toContain('1. Pick a broad, low-cost fund.\n2. Automate a monthly transfer.');
  });

  it('leaves out the screen-reader headings, buttons and the code header', () => {
    for (const turn of turns) expect(chromeLeaks(turn.text, CHROME)).toEqual([]);
  });

  it('maps every character it read back to the page', () => {
    for (const turn of turns) expect(textMapIsFaithful(turn)).toBe(true);
  });

  it('calls a reply with its reaction bar finished', () => {
    expect(turns.filter((t) => t.role === 'assistant').map((t) => copilot.isDone(t.element))).toEqual([true, true]);
  });

  it('reads one turn alone the same way as the whole thread', () => {
    expect(copilot.readTurn(turns[1]!.element)?.text).toBe(turns[1]!.text);
  });
});

describe('copilot: streaming fixture', () => {
  const finished = loadFixture(copilot, 'conversation').turns;
  const { turns } = loadFixture(copilot, 'streaming');

  it('a reply with the loading marker is not finished; the earlier one is', () => {
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(copilot.isDone(turns[1]!.element)).toBe(true);
    expect(copilot.isDone(turns[3]!.element)).toBe(false);
    expect(turns[3]!.text).toBe('Here is how the two compare:');
  });

  it('once streamed in, the reply reads as on the finished page', () => {
    const streamed = loadPage(copilot, streamedIn(fixtureHtml('copilot', 'streaming'))).turns;
    expect(streamed[3]!.text).toBe(finished[3]!.text);
  });

  it('keeps the same id for a reply while it streams and after', () => {
    expect(turns[3]!.id).toBe(finished[3]!.id);
    expect(turns[1]!.text).toBe(finished[1]!.text);
  });
});

describe('copilot: drift', () => {
  const html = fixtureHtml('copilot', 'conversation');

  it('without data-testid hooks, the class-group fallbacks still find turns and bodies', () => {
    const drifted = html
      .replaceAll('data-testid="ai-message-body"', '')
      .replaceAll('data-content="ai-message"', '')
      .replaceAll('data-content="user-message"', '');
    const { turns } = loadPage(copilot, drifted);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(turns[1]!.text.startsWith('Short answer')).toBe(true);
    for (const turn of turns) expect(chromeLeaks(turn.text, CHROME)).toEqual([]);
  });

  it('without element ids, falls back to marked fallback ids', () => {
    const drifted = html.replace(/\bid="[A-Za-z0-9]+-(user-message|author|content-0)"/g, '').replace(/aria-labelledby="[^"]*"/g, '');
    const { turns } = loadPage(copilot, drifted);
    expect(turns).toHaveLength(4);
    for (const turn of turns) {
      expect(turn.idSource).toBe('fallback');
      expect(isFallbackId(turn.id)).toBe(true);
    }
  });

  it('neither loading marker nor reaction bar: undefined (the core waits for stable text)', () => {
    const drifted = html
      .replaceAll('data-testid="message-item-reactions"', '')
      .replaceAll('data-testid="copy-ai-message-button"', '')
      .replaceAll('data-testid="message-thumbs-up-button"', '');
    const { turns } = loadPage(copilot, drifted);
    expect(copilot.isDone(turns[3]!.element)).toBeUndefined();
  });

  it('chromeText catches a screen-reader heading read as the reply (as a whole line), not a real reply', () => {
    const isChrome = (text: string) => copilot.chromeText.some((re) => re.test(text) || re.test(text.split('\n')[0]!.trim()));
    expect(isChrome('Copilot said')).toBe(true);
    expect(isChrome('Copilot said:\n\nShort answer: yes.')).toBe(true);
    expect(isChrome('You said')).toBe(true);
    expect(isChrome('Copy message')).toBe(true);
    expect(isChrome('You said you wanted low fees, so here are three funds.')).toBe(false);
    expect(isChrome('Copilot said earlier that fees matter; here is why.')).toBe(false);
    const { turns } = loadFixture(copilot, 'conversation');
    for (const turn of turns) expect(isChrome(turn.text)).toBe(false);
  });

  it('the same redesign, the heading still named by aria-labelledby: read without it', () => {
    const html = fixtureHtml('copilot', 'broken-visible-heading').replace(
      'data-testid="ai-message"',
      'data-testid="ai-message" aria-labelledby="Zr8cT1uN6vHq3JsW9eFgB-author Zr8cT1uN6vHq3JsW9eFgB-content-0"',
    );
    const reply = loadPage(copilot, html).turns.find((t) => t.role === 'assistant')!;
    expect(reply.id).toBe('Zr8cT1uN6vHq3JsW9eFgB');
    expect(reply.text).toMatch(/^Short answer/);
    expect(chromeLeaks(reply.text, CHROME)).toEqual([]);
  });

  it('a Markdown heading whose slug id ends in -author is still reply text', () => {
    const html = fixtureHtml('copilot', 'conversation').replace(
      '<p><span class="font-ligatures-none whitespace-pre-wrap">Here is how',
      '<h3 id="about-the-author">About the author</h3><p><span class="font-ligatures-none whitespace-pre-wrap">Here is how',
    );
    const reply = loadPage(copilot, html).turns[3]!;
    expect(reply.text).toMatch(/^About the author\n\nHere is how/);
  });

  it('a redesign that leaves only the whole turn to read is caught (never stored as a reply)', () => {
    const loaded = loadFixture(copilot, 'broken-visible-heading');
    expect(loaded.turns.find((t) => t.role === 'assistant')?.text).toMatch(/^Copilot said/);
    expect(healthProblem(copilot, loaded)).not.toBeNull();
    expect(healthProblem(copilot, loadFixture(copilot, 'conversation'))).toBeNull();
  });
});

describe('copilot: variants-testid-only (www.copilot.com, no data-content anywhere)', () => {
  const page = loadFixture(copilot, 'variants-testid-only');

  it('every user turn is read, also one whose text has neither data-content nor .whitespace-pre-wrap', () => {
    expect(page.thread?.getAttribute('data-testid')).toBe('chat-page');
    expect(page.turns.map((t) => [t.role, t.id, t.text.slice(0, 26)])).toEqual([
      ['user', 'Aa1bB2cC3dD4eE5fF6gG7', 'How big is a normal rent d'],
      ['assistant', 'Hh8iI9jJ0kK1lL2mM3nN4', 'A rent deposit is usually '],
      ['user', 'Oo5pP6qQ7rR8sS9tT0uU1', 'Can I get it back early?'],
      ['assistant', 'Vv2wW3xX4yY5zZ6aA7bB8', 'You can ask for it back in'],
    ]);
    expect(page.turns[2]!.text).toBe('Can I get it back early?');
  });

  it('the "Copilot said" heading inside the body and the buttons are not text', () => {
    for (const turn of page.turns) expect(chromeLeaks(turn.text, CHROME)).toEqual([]);
    for (const turn of page.turns) expect(textMapIsFaithful(turn)).toBe(true);
    expect(page.turns.filter((t) => t.role === 'assistant').map((t) => copilot.isDone(t.element))).toEqual([true, true]);
    expect(readTurnAgrees(copilot, page)).toBe(true);
  });
});

describe('copilot: chromeText never takes an ordinary reply for chrome', () => {
  it.each(BENIGN_OPENINGS)('%s', (opening) => {
    expect(chromeTextHits(copilot, `${opening}\n\nMore text.`)).toBe(false);
  });
});

describe('copilot: readTurn (one mutated turn re-read alone) agrees with parse', () => {
  it.each(['conversation', 'streaming'])('%s', (name) => {
    expect(readTurnAgrees(copilot, loadFixture(copilot, name))).toBe(true);
  });
});
