import { describe, expect, it } from 'vitest';
import { grok, grokConversationId, grokMessageId } from '../../extension/sites/grok.ts';
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

const CHROME = ['Copy', 'Regenerate', '2.4s', 'Collapse', /^python$/m];
const IDS = [
  '3f9c2b1e-7a4d-4e8b-9c1f-2d3e4f5a6b7c',
  '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d',
  'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
  'e9f8a7b6-c5d4-4e3f-9a1b-2c3d4e5f6a7b',
];

describe('grok: pages, conversation and message ids', () => {
  it.each([
    ['https://grok.com/c/0d8f7e6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a', '0d8f7e6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a'],
    ['https://grok.com/c/0D8F7E6A-5B4C-4D3E-8F2A-1B0C9D8E7F6A/', '0d8f7e6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a'],
    ['https://grok.com/c/0d8f7e6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a?rid=8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d', '0d8f7e6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a'],
  ])('%s → %s', (url, id) => {
    expect(urlMatches(grok.matches, url)).toBe(true);
    expect(grokConversationId(new URL(url))).toBe(id);
  });

  it.each([
    'https://grok.com/',
    'https://grok.com/c/',
    'https://grok.com/c',
    'https://grok.com/imagine',
    'https://grok.com/share/abc',
    'https://grok.com/c/short',
  ])('no conversation on %s', (url) => {
    expect(grokConversationId(new URL(url))).toBeNull();
  });

  it('does not run on x.com', () => {
    expect(urlMatches(grok.matches, 'https://x.com/i/grok?conversation=1')).toBe(false);
  });

  it.each([
    ['response-3f9c2b1e-7a4d-4e8b-9c1f-2d3e4f5a6b7c', '3f9c2b1e-7a4d-4e8b-9c1f-2d3e4f5a6b7c'],
    ['response-3F9C2B1E-7A4D-4E8B-9C1F-2D3E4F5A6B7C', '3f9c2b1e-7a4d-4e8b-9c1f-2d3e4f5a6b7c'],
  ])('message id of #%s', (elementId, id) => {
    expect(grokMessageId(elementId)).toBe(id);
  });

  it.each(['response-content', 'response-', 'last-reply-container', 'response-3f9c2b1e', ''])('%j is no message id', (elementId) => {
    expect(grokMessageId(elementId)).toBeNull();
  });
});

describe('grok: finished conversation fixture', () => {
  const loaded = loadFixture(grok, 'conversation');
  const { turns } = loaded;

  it('one turn per div#response-<uuid>, with the site’s own ids', () => {
    expect(turns.map((t) => [t.role, t.id, t.idSource ?? 'site'])).toEqual([
      ['user', IDS[0], 'site'],
      ['assistant', IDS[1], 'site'],
      ['user', IDS[2], 'site'],
      ['assistant', IDS[3], 'site'],
    ]);
  });

  it('reads user turns', () => {
    expect(turns[0]!.text).toBe('Should I move my savings into an index fund? Show me how to compute the growth.');
    expect(turns[2]!.text).toBe('Compare the fees of the two options in a table.');
  });

  it('reads replies Markdown-faithfully: list, TeX, code, table', () => {
    const [, first, , second] = turns.map((t) => t.text);
    expect(first).toContain('keeps fees low.\n\n- Diversification: one fund holds the whole market.\n- Low cost: fees are often under 0.1% a year.\n- Less');
    expect(first).toContain('Compound growth follows $A = P(1 + r)^n$, where r is the yearly return.');
    expect(first).toContain('$$\\frac{A}{P} = e^{rt}$$');
    expect(first).toContain(
      '```\ndef grow(principal, rate, years):\n    return principal * (1 + rate) ** years\n\nprint(round(grow(10_000, 0.07, 10), 2))\n```',
    );
    expect(second).toContain('| Option | Yearly fee | Minimum |\n| --- | --- | --- |\n| Index fund | 0.05% | $1 |');
    expect(second).toContain('1. Pick a broad, low-cost fund.\n2. Automate a monthly transfer.');
  });

  it('leaves out the code header, action bar and timing; maps text back to the page', () => {
    for (const turn of turns) {
      expect(chromeLeaks(turn.text, CHROME)).toEqual([]);
      expect(textMapIsFaithful(turn)).toBe(true);
      expect(grok.chromeText.some((re) => re.test(turn.text))).toBe(false);
    }
    expect(mutationsMapToOwnTurn(grok, loaded)).toBe(true);
  });

  it('gives no finished signal of its own (the core waits for stable text)', () => {
    for (const turn of turns) expect(grok.isDone(turn.element)).toBeUndefined();
  });

  it('observes the conversation column, not the page', () => {
    expect(loaded.thread?.querySelector('#last-reply-container')).not.toBeNull();
    expect(loaded.thread?.tagName).toBe('DIV');
  });
});

describe('grok: streaming fixture', () => {
  const finished = loadFixture(grok, 'conversation').turns;
  const { turns } = loadFixture(grok, 'streaming');

  it('reads the partial reply under its final id; undefined, so the core waits for stable text', () => {
    expect(turns[3]!.id).toBe(finished[3]!.id);
    expect(turns[3]!.text).toBe('Here is how the two compare:');
    expect(grok.isDone(turns[3]!.element)).toBeUndefined();
  });

  it('once streamed in, the reply reads as on the finished page', () => {
    const streamed = loadPage(grok, streamedIn(fixtureHtml('grok', 'streaming'))).turns;
    expect(streamed[3]!.text).toBe(finished[3]!.text);
  });
});

describe('grok: drift', () => {
  const html = fixtureHtml('grok', 'conversation');

  it('without the items-end/items-start layout classes, roles come from the bubble corner and the action bar', () => {
    const { turns } = loadPage(grok, html.replaceAll(' items-end"', '"').replaceAll(' items-start"', '"'));
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('a turn whose role cannot be told is left out, never guessed', () => {
    const { turns } = loadPage(grok, html.replaceAll(' items-end"', '"').replaceAll(' rounded-br-lg', ''));
    expect(turns.map((t) => t.role)).toEqual(['assistant', 'assistant']);
  });

  it('without .response-content-markdown the bubble is read, still without chrome', () => {
    const { turns } = loadPage(grok, html.replaceAll('response-content-markdown', 'md'));
    expect(turns[1]!.text.startsWith('Short answer: yes, for most people.')).toBe(true);
    for (const turn of turns) expect(chromeLeaks(turn.text, CHROME)).toEqual([]);
  });

  it('without #last-reply-container the page’s main is observed', () => {
    const loaded = loadPage(grok, html.replace('id="last-reply-container"', ''));
    expect(loaded.thread?.tagName).toBe('MAIN');
    expect(loaded.turns).toHaveLength(4);
  });

  it('messages without response-<uuid> ids: unhealthy', () => {
    const loaded = loadFixture(grok, 'broken-no-response-ids');
    expect(healthProblem(grok, loaded)).not.toBeNull();
    expect(healthProblem(grok, loadFixture(grok, 'conversation'))).toBeNull();
  });
});

describe('grok: chromeText never takes an ordinary reply for chrome', () => {
  it.each(BENIGN_OPENINGS)('%s', (opening) => {
    expect(chromeTextHits(grok, `${opening}\n\nMore text.`)).toBe(false);
  });
});

describe('grok: readTurn (one mutated turn re-read alone) agrees with parse', () => {
  it.each(['conversation', 'streaming'])('%s', (name) => {
    expect(readTurnAgrees(grok, loadFixture(grok, name))).toBe(true);
  });
});

describe('grok: variants-inner-layout (the role classes on a wrapper inside each message)', () => {
  const html = fixtureHtml('grok', 'variants-inner-layout');
  const page = loadPage(grok, html);

  it('tells the roles from the wrapper’s .items-end / .items-start, with the site’s ids', () => {
    expect(page.turns.map((t) => [t.role, t.id.slice(-2), t.text.slice(0, 20)])).toEqual([
      ['user', '01', 'Are index funds bett'],
      ['assistant', '02', 'Index funds beat mos'],
      ['user', '03', 'Track my fund fees.'],
      ['assistant', '04', 'Here is a fee tracke'],
    ]);
    expect(page.turns[3]!.text).not.toMatch(/Fee tracker|Open artifact/);
    for (const t of page.turns) expect(textMapIsFaithful(t)).toBe(true);
  });

  it('a flex row with .items-end inside a reply’s text never makes it a user turn', () => {
    const { turns } = loadPage(grok, html.replace('flex flex-col w-full items-start', 'flex flex-col w-full'));
    expect(turns.map((t) => t.id.slice(-2))).toEqual(['01', '03', '04']);
    expect(turns.find((t) => t.id.endsWith('02'))).toBeUndefined();
  });
});

describe('grok: an artifact card that previews with the reply’s markdown class', () => {
  it('is not reply text', () => {
    const html = fixtureHtml('grok', 'variants').replace(
      '<div>Budget sheet</div>',
      '<div>Budget sheet</div><div class="response-content-markdown markdown"><p>Rent: 900</p></div>',
    );
    const reply = loadPage(grok, html).turns.find((t) => t.role === 'assistant')!;
    expect(reply.text).toBe('Here is a budget sheet.\n\nEveryone is using sheets like this right now, so you must act before it is too late.');
  });
});
