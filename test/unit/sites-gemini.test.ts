import { describe, expect, it } from 'vitest';
import { gemini, geminiConversationId, geminiReplyId } from '../../extension/sites/gemini.ts';
import { urlMatches } from '../../extension/sites/match.ts';
import { contextOf } from '../../extension/sites/turns.ts';
import { fixtureHtml, loadFixture, loadPage, mutationsMapToOwnTurn, textMapIsFaithful } from '../helpers/fixture-dom.ts';

describe('gemini: pages, conversation and reply ids', () => {
  it.each([
    ['https://gemini.google.com/app/8c1f2e3d4a5b6c70', '8c1f2e3d4a5b6c70'],
    ['https://gemini.google.com/u/1/app/8c1f2e3d4a5b6c70', '8c1f2e3d4a5b6c70'],
    ['https://gemini.google.com/gem/coding-partner/8c1f2e3d4a5b6c70', '8c1f2e3d4a5b6c70'],
  ])('%s → %s', (url, id) => {
    expect(urlMatches(gemini.matches, url)).toBe(true);
    expect(geminiConversationId(new URL(url))).toBe(id);
  });
  it.each(['https://gemini.google.com/app', 'https://gemini.google.com/', 'https://gemini.google.com/gems/view'])('no conversation on %s', (url) => {
    expect(geminiConversationId(new URL(url))).toBeNull();
  });
  it.each([
    ['message-content-id-r_51ab7c9d0e2f3a41', 'r_51ab7c9d0e2f3a41'],
    ['model-response-message-contentr_51ab7c9d0e2f3a41', 'r_51ab7c9d0e2f3a41'],
    ['message-content-id-', null],
  ])('reply id of #%s → %s', (elementId, id) => expect(geminiReplyId(elementId)).toBe(id));
});

describe('gemini: fixtures (linkedom; the same checks run in Chromium in sites-parse.e2e)', () => {
  it('conversation: r_ ids, mode label, aria-busy, data-math TeX, code, table; thinking left out', () => {
    const page = loadFixture(gemini, 'conversation');
    expect(page.turns.map((t) => [t.role, t.idSource ?? 'site', t.model ?? null, gemini.isDone(t.element) ?? null])).toEqual([
      ['user', 'fallback', null, null],
      ['assistant', 'site', '2.5 Flash', true],
    ]);
    expect(page.turns[1]!.id).toBe('r_51ab7c9d0e2f3a41');
    const reply = page.turns[1]!.text;
    expect(reply).toContain('radius $r$ is:');
    expect(reply).toContain('$$A = \\pi r^2$$');
    expect(reply).toContain('```\nimport math\narea = math.pi * r ** 2\n```');
    expect(reply).toContain('| r | A |\n| --- | --- |');
    expect(reply).not.toMatch(/Show thinking|The user wants|content_copy|Python/);
    for (const t of page.turns) expect(textMapIsFaithful(t)).toBe(true);
    expect(mutationsMapToOwnTurn(gemini, page)).toBe(true);
  });

  it('streaming: aria-busy="true" is not done', () => {
    const page = loadFixture(gemini, 'streaming');
    expect(gemini.isDone(page.turns.find((t) => t.role === 'assistant')!.element)).toBe(false);
  });

  it('broken-no-body: turns are found but no body is read', () => {
    const page = loadFixture(gemini, 'broken-no-body');
    expect(page.thread?.querySelectorAll('user-query, model-response').length).toBe(2);
    expect(page.turns).toEqual([]);
  });
});

describe('gemini: an exchange whose answer comes first in the DOM (CSS puts the question on top)', () => {
  it('still reads the question before its answer, and the answer in its context', () => {
    const html = fixtureHtml('gemini', 'fallback-selectors').replace(/(<user-query>[^]*?<\/user-query>)\s*(<model-response[^]*?<\/model-response>)/g, '$2$1');
    const { turns } = loadPage(gemini, html);
    expect(turns.map((t) => [t.role, t.text.slice(0, 12)])).toEqual([
      ['user', 'Is it safe?'],
      ['assistant', 'Honestly, ev'],
      ['user', 'Is it legal?'],
      ['assistant', 'Honestly, ev'],
    ]);
    expect(contextOf(turns, turns[3]!).user?.text).toBe('Is it legal?');
    expect(turns[1]!.id).not.toBe(turns[3]!.id);
  });
});

describe('gemini: variants-gem (a gem chat, thinking rendered like the answer, no aria-busy on the answer)', () => {
  const page = loadFixture(gemini, 'variants-gem');
  const replies = page.turns.filter((t) => t.role === 'assistant');

  it('reads the answer, never the thinking panel, even though both are message-content markdown panels', () => {
    expect(replies.map((r) => r.text.slice(0, 20))).toEqual(['A pension fund taxes', 'Honestly, everyone w', 'Honestly, everyone w']);
    expect(replies[0]!.text).not.toMatch(/The user asks|Show thinking/);
    expect(replies[0]!.body.id).toBe('model-response-message-contentr_7a8b9c0d1e2f3a4b');
    for (const t of page.turns) expect(textMapIsFaithful(t)).toBe(true);
  });

  it('the reply id from div#model-response-message-contentr_<hex> alone; three exchanges in order', () => {
    expect(page.turns.map((t) => [t.role, t.idSource ?? 'site'])).toEqual([
      ['user', 'fallback'],
      ['assistant', 'site'],
      ['user', 'fallback'],
      ['assistant', 'site'],
      ['user', 'fallback'],
      ['assistant', 'site'],
    ]);
    expect(replies.map((r) => r.id)).toEqual(['r_7a8b9c0d1e2f3a4b', 'r_8b9c0d1e2f3a4b5c', 'r_9c0d1e2f3a4b5c6d']);
  });

  it('visually hidden "You said" / "Gemini said" labels are not text', () => {
    expect(page.turns[2]!.text).toBe('How much should I save each month?');
    expect(replies[1]!.text).not.toMatch(/Gemini said|gov\.uk/);
  });

  it('finished by .response-footer.complete when the answer panel has no aria-busy', () => {
    expect(gemini.isDone(replies[0]!.element)).toBe(true);
  });

  it('an image still loading in the reply (its own aria-busy="true") does not hold the reply back', () => {
    const html = fixtureHtml('gemini', 'variants-gem').replace(
      '<p>A pension fund taxes',
      '<div class="attachment-container"><img src="data:," alt="Chart" aria-busy="true"></div><p>A pension fund taxes',
    );
    expect(gemini.isDone(loadPage(gemini, html).turns[1]!.element)).toBe(true);
  });

  it('the thinking panel’s aria-busy="false" does not say the answer is finished', () => {
    // While the answer streams: an empty footer, no actions yet (the first occurrence is reply 1's).
    const unfinished = fixtureHtml('gemini', 'variants-gem').replace(/<div class="response-footer complete">.*?<\/div>/, '<div class="response-footer"></div>');
    const streaming = loadPage(gemini, unfinished);
    expect(gemini.isDone(streaming.turns.find((t) => t.role === 'assistant')!.element)).toBeUndefined();
    const busy = loadPage(
      gemini,
      unfinished.replace('class="markdown markdown-main-panel" aria-live="off">', 'class="markdown markdown-main-panel" aria-live="off" aria-busy="true">'),
    );
    expect(gemini.isDone(busy.turns.find((t) => t.role === 'assistant')!.element)).toBe(false);
  });
});

describe('gemini: streaming-thinking (thinking finished, the answer still streaming without aria-busy)', () => {
  it('not finished while the footer is empty, though the thinking panel says aria-busy="false"; the answer read without the thinking', () => {
    const html = fixtureHtml('gemini', 'streaming-thinking');
    const reply = (h: string) => loadPage(gemini, h).turns.find((t) => t.role === 'assistant')!;
    expect(gemini.isDone(reply(html).element)).toBeUndefined();
    const template = /<template id="reply">([^]*?)<\/template>/.exec(html)![1]!;
    const streamed = html.replace('data-fixture-stream="reply"></div>', `data-fixture-stream="reply">${template}</div>`);
    expect(reply(streamed).text).toBe(
      'Crypto prices swing far more than shares do.\n\nA bonus is a good moment to pay down debt first.\n\nEveryone is buying crypto right now, so you must act before it is too late.',
    );
    const finished = streamed.replace(
      '<div class="response-footer"></div>',
      '<div class="response-footer complete"><message-actions><button>Copy</button></message-actions></div>',
    );
    expect(gemini.isDone(reply(finished).element)).toBe(true);
  });
});
