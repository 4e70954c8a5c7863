import { describe, expect, it } from 'vitest';
import { isFallbackId } from '../../extension/sites/ids.ts';
import { urlMatches } from '../../extension/sites/match.ts';
import { poe, poeBotName, poeConversationId } from '../../extension/sites/poe.ts';
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

const CHROME = ['Copy', 'Share', /^Compare$/m, 'Retry', '10:42', 'Claude-Sonnet-4.5', /^python$/m];

describe('poe: pages and conversation ids', () => {
  it.each([
    ['https://poe.com/chat/3b7xk2pq9mzt4', '3b7xk2pq9mzt4'],
    ['https://poe.com/chat/3b7xk2pq9mzt4/', '3b7xk2pq9mzt4'],
    ['https://poe.com/chat/2v3k8x0ew4l1t?utm_source=x', '2v3k8x0ew4l1t'],
  ])('%s → %s', (url, id) => {
    expect(urlMatches(poe.matches, url)).toBe(true);
    expect(poeConversationId(new URL(url))).toBe(id);
  });

  it.each([
    'https://poe.com/',
    'https://poe.com/Claude-Sonnet-4.5',
    'https://poe.com/chat/',
    'https://poe.com/chats',
    'https://poe.com/settings',
    'https://poe.com/chat/3b7xk2pq9mzt4/edit',
  ])('no conversation on %s (a bot landing page holds none yet)', (url) => {
    expect(poeConversationId(new URL(url))).toBeNull();
  });

  it('does not run on other hosts', () => {
    expect(urlMatches(poe.matches, 'https://creator.poe.com/docs')).toBe(false);
  });
});

describe('poe: bot names', () => {
  it.each([
    ['Claude-Sonnet-4.5', 'Claude-Sonnet-4.5'],
    ['  GPT-5 \n', 'GPT-5'],
    ['Assistant', 'Assistant'],
  ])('%j → %j', (text, name) => {
    expect(poeBotName(text)).toBe(name);
  });

  it.each([null, '', '   ', 'This bot answers questions about index funds and fees.', 'x'.repeat(60)])('%j is not a bot name', (text) => {
    expect(poeBotName(text)).toBeNull();
  });
});

describe('poe: finished conversation fixture', () => {
  const loaded = loadFixture(poe, 'conversation');
  const { turns } = loaded;

  it('matches message classes by prefix and reads four turns with marked fallback ids', () => {
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    for (const turn of turns) {
      expect(turn.idSource).toBe('fallback');
      expect(isFallbackId(turn.id)).toBe(true);
    }
    for (const list of Object.values(poe.selectors)) for (const selector of list) expect(selector).not.toMatch(/__[A-Za-z0-9_-]+"\]/);
  });

  it('the bot’s name is the model', () => {
    expect(turns.map((t) => t.model ?? null)).toEqual([null, 'Claude-Sonnet-4.5', null, 'Claude-Sonnet-4.5']);
  });

  it('reads turns Markdown-faithfully, the code fence with its language', () => {
    expect(turns[0]!.text).toBe('Should I move my savings into an index fund? Show me how to compute the growth.');
    const [, first, , second] = turns.map((t) => t.text);
    expect(first).toContain('keeps fees low.\n\n- Diversification: one fund holds the whole market.\n- Low cost');
    expect(first).toContain('Compound growth follows $A = P(1 + r)^n$, where r is the yearly return.');
    expect(first).toContain('$$\\frac{A}{P} = e^{rt}$$');
    expect(first).toContain('```python\ndef grow(principal, rate, years):\n');
    expect(second).toContain('| Option | Yearly fee | Minimum |\n| --- | --- | --- |\n| Index fund | 0.05% | $1 |');
    expect(second).toContain('1. Pick a broad, low-cost fund.\n2. Automate a monthly transfer.');
  });

  it('leaves out the bot header, code header, action bar and timestamp; maps text back', () => {
    for (const turn of turns) {
      expect(chromeLeaks(turn.text, CHROME)).toEqual([]);
      expect(textMapIsFaithful(turn)).toBe(true);
      expect(poe.chromeText.some((re) => re.test(turn.text))).toBe(false);
    }
    expect(mutationsMapToOwnTurn(poe, loaded)).toBe(true);
  });

  it('data-complete="true" on the row: finished', () => {
    expect(poe.isDone(turns[3]!.element)).toBe(true);
  });
});

describe('poe: streaming fixture', () => {
  const finished = loadFixture(poe, 'conversation').turns;
  const { turns } = loadFixture(poe, 'streaming');

  it('data-complete="false": not finished; the earlier reply is', () => {
    expect(poe.isDone(turns[1]!.element)).toBe(true);
    expect(poe.isDone(turns[3]!.element)).toBe(false);
    expect(turns[1]!.id).toBe(finished[1]!.id);
    expect(turns[3]!.text).toBe('Here is how the two compare:');
  });

  it('once streamed in, the reply reads as on the finished page', () => {
    const streamed = loadPage(poe, streamedIn(fixtureHtml('poe', 'streaming'))).turns;
    expect(streamed[3]!.text).toBe(finished[3]!.text);
  });
});

describe('poe: drift', () => {
  const html = fixtureHtml('poe', 'conversation');

  it('a new build hash changes nothing (prefix matching)', () => {
    const rehashed = html.replace(/(\b[A-Z][A-Za-z]+_[A-Za-z-]+__)[A-Za-z0-9_-]{5}\b/g, '$1Zz9Yy');
    const { turns } = loadPage(poe, rehashed);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(turns[1]!.text).toBe(loadFixture(poe, 'conversation').turns[1]!.text);
  });

  it('the older bubble names (humanMessageBubble / botMessageBubble) still tell the roles', () => {
    const older = html
      .replaceAll('Message_rightSideMessageBubble__', 'Message_humanMessageBubble__')
      .replaceAll('Message_leftSideMessageBubble__', 'Message_botMessageBubble__');
    expect(loadPage(poe, older).turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('without the ChatMessage wrapper, the bubbles themselves are the turns', () => {
    const { turns } = loadPage(poe, html.replaceAll('ChatMessage_chatMessage__', 'Row__'));
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('no data-complete flag (the likely state today): undefined, so the core waits for stable text', () => {
    const { turns } = loadPage(poe, html.replace(/ data-complete="(true|false)"/g, ''));
    expect(poe.isDone(turns[3]!.element)).toBeUndefined();
  });

  it('no bot header: the chat header names the bot; neither: no model', () => {
    const noOwn = html.replaceAll('BotMessageHeader_botName__', 'Gone__');
    expect(loadPage(poe, noOwn).turns[1]!.model).toBe('Claude-Sonnet-4.5');
    const none = noOwn.replaceAll('BotHeader_textContainer__', 'Gone__');
    expect(loadPage(poe, none).turns[1]!.model).toBeUndefined();
  });

  it('CSS modules replaced by atomic classes: unhealthy', () => {
    const loaded = loadFixture(poe, 'broken-atomic-classes');
    expect(healthProblem(poe, loaded)).not.toBeNull();
    expect(healthProblem(poe, loadFixture(poe, 'conversation'))).toBeNull();
  });
});

describe('poe: chromeText never takes an ordinary reply for chrome', () => {
  it.each(BENIGN_OPENINGS)('%s', (opening) => {
    expect(chromeTextHits(poe, `${opening}\n\nMore text.`)).toBe(false);
  });
});

describe('poe: readTurn (one mutated turn re-read alone) agrees with parse', () => {
  it.each(['conversation', 'streaming'])('%s', (name) => {
    expect(readTurnAgrees(poe, loadFixture(poe, name))).toBe(true);
  });
});

describe('poe: variants-older-classes (older bubble names, Prose_prose__ bodies, new hashes)', () => {
  const page = loadFixture(poe, 'variants-older-classes');

  it('roles from the older bubble names, each body read once (a nested Prose block inside it too)', () => {
    expect(page.turns.map((t) => [t.role, t.model ?? null, t.text.slice(0, 24)])).toEqual([
      ['user', null, 'Is gold a safe place for'],
      ['assistant', 'GPT-5', 'Gold has held its value '],
      ['user', null, 'And silver?'],
      ['assistant', 'GPT-5', 'Honestly, everyone who i'],
    ]);
    expect(page.turns[1]!.text.match(/Past returns are no promise\./g)).toHaveLength(1);
    expect(page.turns[1]!.text).not.toMatch(/Share|Compare/);
    for (const t of page.turns) expect(textMapIsFaithful(t)).toBe(true);
    expect(poe.isDone(page.turns[1]!.element)).toBeUndefined();
  });
});

describe('poe: bodies marked only by their theme classes', () => {
  it('Prose_presets_theme-* alone (no Prose_prose__, no Markdown container) still reads every turn', () => {
    const html = fixtureHtml('poe', 'variants-older-classes').replaceAll('Prose_prose__Jk1Lz ', '').replaceAll('<div class="Prose_prose__Jk1Lz">', '<div>');
    expect(html.slice(html.indexOf('<body'))).not.toContain('Prose_prose__');
    const { turns } = loadPage(poe, html);
    expect(turns.map((t) => [t.role, t.text.slice(0, 24)])).toEqual([
      ['user', 'Is gold a safe place for'],
      ['assistant', 'Gold has held its value '],
      ['user', 'And silver?'],
      ['assistant', 'Honestly, everyone who i'],
    ]);
  });
});
