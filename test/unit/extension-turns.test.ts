// The thread the core builds from an adapter's turns (sites/turns.ts): document order, each turn
// once, fallback ids that survive re-renders and do not depend on position, a reply never in its
// own context. The page variants are the ones independently written pages broke (issue 10 #9).
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { joinTextMaps, rangeForOffsets } from '../../extension/sites/extract.ts';
import { fallbackTurnId, isFallbackId } from '../../extension/sites/ids.ts';
import { lechat } from '../../extension/sites/lechat.ts';
import { readBlocks, readMarkdown } from '../../extension/sites/markdown.ts';
import { perplexity } from '../../extension/sites/perplexity.ts';
import { compareNodes, contextOf, createSentReplies, outermost, settleTurns } from '../../extension/sites/turns.ts';
import type { ParsedTurn } from '../../extension/sites/types.ts';
import { SITES } from '../../extension/sites/index.ts';
import { fixtureHtml, loadFixture, loadPage, readDocument, textMapIsFaithful } from '../helpers/fixture-dom.ts';
import { listFixtures } from '../helpers/site-fixtures.ts';

function page(html: string): Document {
  return (parseHTML(`<!doctype html><html><body>${html}</body></html>`) as unknown as { document: Document }).document;
}

/** A turn read straight from an element, as an adapter would. */
function turnOf(element: Element, role: 'user' | 'assistant', fallback = true): ParsedTurn {
  const textMap = readMarkdown(element);
  return {
    role,
    id: fallback ? fallbackTurnId(role, textMap.text) : element.id,
    ...(fallback ? { idSource: 'fallback' as const } : {}),
    element,
    body: element,
    text: textMap.text,
    textMap,
  };
}

describe('document order', () => {
  it('orders nodes as the document does (ancestors first), also where linkedom’s compareDocumentPosition does not', () => {
    const doc = page('<div id="a"><p id="b"><span id="c"></span></p></div><div id="d"><p id="e"></p></div>');
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((id) => doc.getElementById(id)!) as unknown as [Element, Element, Element, Element, Element];
    expect([e, c, d, a, b].sort(compareNodes).map((n) => n.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(outermost([c, e, b, d]).map((n) => n.id)).toEqual(['b', 'd']);
  });

  it('puts turns in document order whatever order the adapter read them in', () => {
    const doc = page('<p id="u1">Question one?</p><p id="a1">Answer one.</p><p id="u2">Question two?</p><p id="a2">Answer two.</p>');
    const [u1, a1, u2, a2] = ['u1', 'a1', 'u2', 'a2'].map((id) => doc.getElementById(id)!);
    const turns = settleTurns([turnOf(a2!, 'assistant'), turnOf(u1!, 'user'), turnOf(a1!, 'assistant'), turnOf(u2!, 'user')]);
    expect(turns.map((t) => t.text)).toEqual(['Question one?', 'Answer one.', 'Question two?', 'Answer two.']);
  });

  it('an exchange the adapter names (entry) puts its question first even when the DOM has it after the answer', () => {
    const doc = page(
      '<div id="e1"><p id="a1">Answer one.</p><h1 id="u1">Question one?</h1></div><div id="e2"><p id="a2">Answer two.</p><h1 id="u2">Question two?</h1></div>',
    );
    const byId = (id: string) => doc.getElementById(id)!;
    const turns = settleTurns([
      { ...turnOf(byId('a1'), 'assistant'), entry: byId('e1') },
      { ...turnOf(byId('u1'), 'user'), entry: byId('e1') },
      { ...turnOf(byId('a2'), 'assistant'), entry: byId('e2') },
      { ...turnOf(byId('u2'), 'user'), entry: byId('e2') },
    ]);
    expect(turns.map((t) => t.text)).toEqual(['Question one?', 'Answer one.', 'Question two?', 'Answer two.']);
    expect(contextOf(turns, turns[3]!).user?.text).toBe('Question two?');
  });
});

describe('each turn once', () => {
  it('a reply matched by two selectors (its wrapper and its .prose) is one reply, never its own earlier turn', () => {
    const doc = page('<h1 id="u">Gold?</h1><div id="wrap"><div id="prose" class="prose"><p>Gold pays no interest.</p></div></div>');
    const wrap = doc.getElementById('wrap')!;
    const prose = doc.getElementById('prose')!;
    const outer = { ...turnOf(wrap, 'assistant'), body: prose };
    const inner = turnOf(prose, 'assistant');
    const turns = settleTurns([turnOf(doc.getElementById('u')!, 'user'), outer, inner]);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    const { user, previous } = contextOf(turns, turns[1]!);
    expect(user?.text).toBe('Gold?');
    expect(previous).toEqual([]);
  });

  it('contextOf never lists the reply (or another reading of it) among its previous turns', () => {
    const doc = page('<div id="a0"><p id="p0">Same reply.</p></div><h1 id="u">Question?</h1>');
    const a0 = turnOf(doc.getElementById('a0')!, 'assistant');
    const twin = { ...turnOf(doc.getElementById('p0')!, 'assistant'), id: 'fb-other' };
    const thread = [a0, turnOf(doc.getElementById('u')!, 'user'), twin];
    expect(contextOf(thread, twin).previous).toEqual([]);
  });

  it('two different site messages are never merged, even with the same text', () => {
    const doc = page('<p id="m1">OK.</p><p id="m2">OK.</p>');
    const turns = settleTurns([turnOf(doc.getElementById('m1')!, 'assistant', false), turnOf(doc.getElementById('m2')!, 'assistant', false)]);
    expect(turns.map((t) => t.id)).toEqual(['m1', 'm2']);
  });
});

describe('fallback ids', () => {
  const thread = '<h1>Is it safe?</h1><p>Yes, mostly.</p><h1>Is it legal?</h1><p>Yes, mostly.</p><h1>Is it safe?</h1><p>Yes, mostly.</p>';
  const read = (doc: Document) => {
    const els = Array.from(doc.querySelectorAll('h1, p'));
    return settleTurns(els.map((el) => turnOf(el, el.tagName === 'H1' ? 'user' : 'assistant')));
  };

  it('identical replies to different questions are different messages; an exact repeat gets an occurrence', () => {
    const ids = read(page(thread)).map((t) => t.id);
    expect(new Set(ids).size).toBe(6);
    for (const id of ids) expect(isFallbackId(id)).toBe(true);
  });

  it('survive a re-render that replaces every node', () => {
    const doc = page(thread);
    const before = read(doc).map((t) => t.id);
    // biome-ignore lint/correctness/noSelfAssign: re-parsing the same HTML makes new nodes, as a re-render does
    doc.body.innerHTML = doc.body.innerHTML; // new nodes, same page
    expect(read(doc).map((t) => t.id)).toEqual(before);
  });

  it('do not depend on position: an earlier exchange mounted above (a virtual list scrolling) changes no id', () => {
    const doc = page(thread);
    const before = read(doc).map((t) => t.id);
    doc.body.insertAdjacentHTML('afterbegin', '<h1>First question?</h1><p>First answer.</p>');
    expect(
      read(doc)
        .slice(2)
        .map((t) => t.id),
    ).toEqual(before);
  });

  it('a page key (virtual-list key) replaces the question in the id, so an unmounted question changes nothing', () => {
    expect(fallbackTurnId('assistant', 'Yes.', { pageKey: '7', answers: 'Is it safe?' })).toBe(fallbackTurnId('assistant', 'Yes.', { pageKey: '7' }));
    expect(fallbackTurnId('assistant', 'Yes.', { answers: 'Is it safe?' })).not.toBe(fallbackTurnId('assistant', 'Yes.', { answers: 'Is it legal?' }));
  });
});

describe('a sent reply keeps its fallback id', () => {
  const read = (doc: Document) => settleTurns(Array.from(doc.querySelectorAll('h1, p')).map((el) => turnOf(el, el.tagName === 'H1' ? 'user' : 'assistant')));

  it('when its text grows after it was sent (a late block, a stream that paused), or re-renders shorter for a moment', () => {
    const doc = page('<h1>Is it safe?</h1><p id="r">Yes.</p>');
    const sent = createSentReplies();
    const first = read(doc);
    sent.remember(first, first[1]!);
    doc.getElementById('r')!.textContent = 'Yes. Sources: the regulator.';
    const grown = read(doc);
    expect(grown[1]!.id, 'a plain re-read would call it a new reply').not.toBe(first[1]!.id);
    expect(sent.resolve(grown)[1]!.id).toBe(first[1]!.id);
    doc.getElementById('r')!.textContent = 'Ye';
    expect(sent.resolve(read(doc))[1]!.id).toBe(first[1]!.id);
  });

  it('but not a different reply, nor the same words answering another question, nor while the sent one is still on the page', () => {
    const doc = page('<h1>Is it safe?</h1><p id="r">Yes.</p><h1>Is it legal?</h1><p id="s">Yes. Mostly.</p>');
    const sent = createSentReplies();
    const first = read(doc);
    sent.remember(first, first[1]!);
    const resolved = sent.resolve(read(doc));
    expect(resolved[3]!.id, 'answers another question').not.toBe(first[1]!.id);
    expect(resolved[1]!.id).toBe(first[1]!.id);
    doc.getElementById('r')!.textContent = 'No, it is not.';
    expect(sent.resolve(read(doc))[1]!.id, 'regenerated: new text, new message').not.toBe(first[1]!.id);
  });
});

describe('a reply split over several blocks', () => {
  it('joins the blocks and maps offsets into whichever block holds them', () => {
    const doc = page('<div id="one"><p>Gold pays no interest.</p></div><aside>sources</aside><div id="two"><p><b>Everyone</b> is buying.</p></div>');
    const map = joinTextMaps([readMarkdown(doc.getElementById('one')!), readMarkdown(doc.getElementById('two')!)]);
    expect(map.text).toBe('Gold pays no interest.\n\nEveryone is buying.');
    const at = map.text.indexOf('Everyone is');
    const range = rangeForOffsets(map, at, at + 'Everyone is'.length)!;
    expect(doc.getElementById('two')!.contains(range.startNode)).toBe(true);
    expect(range.startNode.nodeValue).toBe('Everyone');
    expect(range.endNode.nodeValue!.slice(0, range.endOffset)).toBe(' is');
  });
});

describe('readBlocks leaves out blocks inside chrome', () => {
  it('a body-shaped block inside a skipped element (thinking drawn by the answer’s own markdown component) is not the reply', () => {
    const doc = page(
      '<div id="turn"><div class="thoughts"><div class="md"><p>The user wants a yes.</p></div></div><div class="md" id="answer"><p>No.</p></div><div class="sr-only"><div class="md">Model said</div></div></div>',
    );
    const read = readBlocks(doc.getElementById('turn')!, ['.md'], { skip: ['.thoughts'] })!;
    expect(read.textMap.text).toBe('No.');
    expect(read.body.id).toBe('answer');
  });

  it('but chrome around the whole scope (a dialog hiding the page) changes nothing', () => {
    const doc = page('<div aria-hidden="true"><div id="turn"><div class="md"><p>Yes.</p></div></div></div>');
    expect(readBlocks(doc.getElementById('turn')!, ['.md'])?.textMap.text).toBe('Yes.');
  });
});

describe('perplexity page variants (variants.html)', () => {
  const loaded = loadFixture(perplexity, 'variants');
  const { turns } = loaded;
  const replies = turns.filter((t) => t.role === 'assistant');

  it('one reply per entry, each after its own question, also where the heading follows the answer', () => {
    expect(turns.map((t) => [t.role, t.text.slice(0, 12)])).toEqual([
      ['user', 'Should I put'],
      ['assistant', 'Gold can hed'],
      ['user', 'And what abo'],
      ['assistant', 'Experts agre'],
      ['user', 'Is it safe?'],
      ['assistant', 'Honestly, ev'],
      ['user', 'Is it legal?'],
      ['assistant', 'Honestly, ev'],
    ]);
    expect(contextOf(turns, replies[1]!).user?.text).toBe('And what about index funds instead?');
  });

  it('the answer split over sibling blocks is read whole, without the sources block between them', () => {
    expect(replies[0]!.text).toBe(
      'Gold can hedge against inflation, but it pays no interest.\n\nEveryone is buying gold right now, so you must act before it is too late.',
    );
    for (const t of turns) expect(textMapIsFaithful(t)).toBe(true);
    // Every character of the reply maps into its own region of the page.
    for (const r of replies)
      expect(r.textMap.segments.every((s) => r.element.contains(s.node) && (s.node as Node).parentElement!.closest('[data-fixture-reply]') !== null)).toBe(
        true,
      );
  });

  it('two identical answers to different questions: two messages', () => {
    expect(replies[2]!.text).toBe(replies[3]!.text);
    expect(replies[2]!.id).not.toBe(replies[3]!.id);
    expect(new Set(turns.map((t) => t.id)).size).toBe(turns.length);
  });

  it('ids survive a re-render that replaces the thread’s nodes', () => {
    const before = turns.map((t) => t.id);
    const again = loadPage(perplexity, fixtureHtml('perplexity', 'variants'));
    const main = again.document.querySelector('main')!;
    // biome-ignore lint/correctness/noSelfAssign: re-parsing the same HTML makes new nodes, as a re-render does
    main.innerHTML = main.innerHTML;
    expect(readDocument(perplexity, again.document).turns.map((t) => t.id)).toEqual(before);
  });

  it('fallback-selectors.html: every selector list falls back, the thread still reads', () => {
    const fallback = loadFixture(perplexity, 'fallback-selectors');
    expect(fallback.thread?.tagName).toBe('MAIN');
    expect(fallback.turns.map((t) => [t.role, t.text])).toEqual([
      ['user', 'Where should I keep an emergency fund?'],
      ['assistant', 'A savings account is safe and easy to reach.\n\nOnly a fool would ignore this. Act now.'],
      ['user', 'How big should it be?'],
      ['assistant', 'Experts agree three months of costs is the minimum.'],
    ]);
    expect(fallback.turns.filter((t) => t.role === 'assistant').map((t) => perplexity.isDone(t.element))).toEqual([true, true]);
  });
});

describe('le chat page variants', () => {
  it('variants.html: every answer part is read (not the reasoning, not the search sources)', () => {
    const { turns } = loadFixture(lechat, 'variants');
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(turns[1]!.text).toBe(
      'Bonds pay a fixed coupon, and prices fall when rates rise.\n\nEveryone is buying bonds right now, so you must act before it is too late.',
    );
    expect(turns[1]!.id).toBe('6b1f0002-2222-4a2b-8c3d-000000000002');
    expect(turns[3]!.idSource).toBe('fallback');
    for (const t of turns) expect(textMapIsFaithful(t)).toBe(true);
  });

  it('fallback-selectors.html: no part types, no layout hook: still both parts', () => {
    const { turns, thread } = loadFixture(lechat, 'fallback-selectors');
    expect(thread?.tagName).toBe('MAIN');
    expect(turns.map((t) => [t.role, t.text])).toEqual([
      ['user', 'Fixed or variable mortgage?'],
      ['assistant', 'A fixed rate is predictable.\n\nOnly a fool would ignore this. Act now.'],
    ]);
  });

  it('streaming.html: the newest reply is not finished while the stop button shows', () => {
    const { turns } = loadFixture(lechat, 'streaming');
    expect(lechat.isDone(turns[1]!.element)).toBe(false);
  });
});

describe('every variant fixture (the #unspun-expect block the browser test checks), read in linkedom', () => {
  interface Expected {
    textStart: string;
    textIncludes?: string[];
    textExcludes?: string[];
    userTurn: string;
    previous: number;
    model?: string;
  }
  const cases = listFixtures()
    .map((f) => ({ f, expect: /<script type="application\/json" id="unspun-expect">([^]*?)<\/script>/.exec(f.html)?.[1] }))
    .filter((c) => c.expect && c.f.html.includes('data-fixture-stream') === false)
    .map((c) => ({ name: `${c.f.site}/${c.f.file}`, site: c.f.site, html: c.f.html, replies: (JSON.parse(c.expect!) as { replies: Expected[] }).replies }));

  it('covers every chat site', () => {
    expect(new Set(cases.map((c) => c.site))).toEqual(new Set(['chatgpt', 'claude', 'copilot', 'deepseek', 'gemini', 'grok', 'lechat', 'perplexity', 'poe']));
  });

  it.each(cases)('$name: each reply once, after its own question, with the turns above it', ({ site, html, replies }) => {
    const adapter = SITES[site as keyof typeof SITES];
    const { turns } = loadPage(adapter, html);
    const read = turns.filter((t) => t.role === 'assistant');
    expect(read).toHaveLength(replies.length);
    replies.forEach((want, i) => {
      const reply = read[i]!;
      expect(reply.text.startsWith(want.textStart), reply.text).toBe(true);
      for (const part of want.textIncludes ?? []) expect(reply.text).toContain(part);
      for (const part of want.textExcludes ?? []) expect(reply.text).not.toContain(part);
      if (want.model) expect(reply.model).toBe(want.model);
      const { user, previous } = contextOf(turns, reply);
      expect(user?.text).toBe(want.userTurn);
      expect(previous).toHaveLength(want.previous);
      expect(previous).not.toContain(reply);
      expect(textMapIsFaithful(reply)).toBe(true);
    });
    expect(new Set(turns.map((t) => t.id)).size).toBe(turns.length);
  });
});
