// The capture loop's reply view (extension/capture/reply-view.ts): a badge per captured reply,
// highlights once it is scored, kept in step with the site's re-renders, and a waiting badge that
// asks the background why and says the one thing to do. linkedom pages; the badge, card and
// highlight layer are stand-ins that record what they were asked to do.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { Flag, ScoreResult } from '../../shared/schemas.ts';
import { createReplyView, type ReplyViewOptions } from '../../extension/capture/reply-view.ts';
import type { StatusResponse } from '../../extension/messages.ts';
import type { ParsedTurn } from '../../extension/sites/types.ts';
import type { BadgeState } from '../../extension/ui/badge.ts';
import type { DrawnFlag } from '../../extension/ui/highlights.ts';

const TEXT = 'Everyone agrees this is the only way.';
const flag = (quote: string, move: Flag['move'] = 'bandwagon'): Flag => {
  const start = TEXT.indexOf(quote);
  return { move, start, end: start + quote.length, quote, severity: 2, support: 'unsupported', rationale: 'r', source: 'detector' };
};
const result = (flags: Flag[]): ScoreResult => ({
  score: 40,
  flags,
  judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' },
  cached: false,
  latencyMs: 1,
});

/** A range that only remembers where it was set (linkedom has no live ranges). */
class FakeRange {
  start?: [Node, number];
  end?: [Node, number];
  setStart(node: Node, offset: number) {
    this.start = [node, offset];
  }
  setEnd(node: Node, offset: number) {
    this.end = [node, offset];
  }
  getBoundingClientRect() {
    return { top: 10, bottom: 20, left: 0, right: 10, width: 10, height: 10 };
  }
  getClientRects() {
    return [this.getBoundingClientRect()];
  }
}

function setup(overrides: Partial<ReplyViewOptions> = {}) {
  const { document } = parseHTML(
    `<!doctype html><html><body><main><article id="a1"><p>${TEXT}</p></article><article id="u1"><p>Which way?</p></article></main></body></html>`,
  ) as unknown as { document: Document };
  (document as unknown as { createRange: () => unknown }).createRange = () => new FakeRange();
  const textNode = document.querySelector('#a1 p')!.firstChild!;
  let text = TEXT;
  const turnOf = (id: string, role: 'user' | 'assistant'): ParsedTurn => {
    const element = document.getElementById(id)!;
    return {
      role,
      id,
      element,
      body: element,
      text: role === 'assistant' ? text : 'Which way?',
      textMap: { text, segments: [{ node: textNode, nodeStart: 0, start: 0, length: text.length }] },
    };
  };
  const badges: Array<{ host: HTMLElement; states: BadgeState[]; open: (kind: BadgeState['kind']) => void; removed: boolean }> = [];
  const drawn = new Map<string, DrawnFlag[]>();
  const stale = new Set<string>();
  const calls: string[] = [];
  const statuses: Array<StatusResponse | undefined> = [];
  const opened: string[] = [];
  const view = createReplyView({
    doc: document,
    layer: {
      set: (id, d) => {
        drawn.set(id, d);
        stale.delete(id);
        calls.push(`draw ${id} ${d.length}`);
      },
      clear: (id) => void drawn.delete(id),
      drawnOn: (id) => drawn.get(id) ?? [],
      isStale: (id) => stale.has(id),
      setActive: (range) => void calls.push(range ? 'active' : 'inactive'),
      dispose: () => void calls.push('dispose layer'),
    },
    card: {
      showSummary: (r) => void calls.push(`summary ${r.score}`),
      showWaiting: (words, _anchor, onAction) => {
        calls.push(`waiting ${words.reason}: ${words.title}`);
        if (words.action.kind === 'open-proxy') onAction();
      },
      showFlag: (f, _range, options) => void calls.push(`flag ${f.move} pin=${options?.pin} focus=${options?.focus}`),
      hide: (force) => void calls.push(`hide ${force}`),
    },
    visible: (r) => r.flags.filter((f) => f.move !== 'loaded-language'),
    findTurn: (id, role) =>
      id === 'a1' && role !== 'user' ? turnOf('a1', 'assistant') : id === 'u1' && role !== 'assistant' ? turnOf('u1', 'user') : undefined,
    askStatus: async () => statuses.shift(),
    openProxy: (url) => void opened.push(url),
    isLive: () => true,
    makeBadge: (onOpen) => {
      const host = document.createElement('unspun-badge');
      const badge = { host, states: [] as BadgeState[], open: (kind: BadgeState['kind']) => onOpen(host, kind), removed: false };
      badges.push(badge);
      return {
        host,
        update: (state) => void badge.states.push(structuredClone(state)),
        remove: () => {
          badge.removed = true;
          host.remove();
        },
      };
    },
    ...overrides,
  });
  return { document, view, badges, drawn, stale, calls, statuses, opened, turnOf, setText: (t: string) => (text = t) };
}

describe('reply view', () => {
  it('puts one badge on a reply: waiting, then scored with its visible flags drawn', () => {
    const { document, view, badges, drawn } = setup();
    view.apply('a1', 'pending');
    expect(badges).toHaveLength(1);
    expect(document.querySelector('#a1 unspun-badge')?.getAttribute('data-message-id')).toBe('a1');
    view.apply('a1', 'scored', result([flag('Everyone agrees'), flag('the only way', 'false-dilemma'), flag('only', 'loaded-language')]));
    expect(badges).toHaveLength(1);
    expect(badges[0]!.states.map((s) => s.kind)).toEqual(['pending', 'scored']);
    expect(badges[0]!.states[1]).toMatchObject({ kind: 'scored', drawn: 2 });
    const ranges = drawn.get('a1')!.map((d) => (d.range as unknown as FakeRange).start?.[1]);
    expect(ranges).toEqual([0, TEXT.indexOf('the only way')]);
  });

  it('a late "pending" never overwrites a score; a user turn or a reply not on the page gets no badge', () => {
    const { view, badges } = setup();
    view.apply('a1', 'scored', result([flag('Everyone agrees')]));
    view.apply('a1', 'pending');
    view.apply('a1', 'failed', undefined, 'boom');
    view.apply('u1', 'pending');
    view.apply('gone', 'pending');
    expect(badges).toHaveLength(1);
    expect(badges[0]!.states.map((s) => s.kind)).toEqual(['scored']);
  });

  it('never draws a flag whose quote is not in the reply', () => {
    const { view, badges } = setup();
    view.apply('a1', 'scored', result([{ ...flag('Everyone agrees'), quote: 'Nobody agrees', start: 50, end: 63 }]));
    expect(badges[0]!.states[0]).toMatchObject({ drawn: 0 });
  });

  it('a re-render that dropped the badge gets it back; changed text or stale highlights are redrawn, else left alone', () => {
    const { document, view, stale, calls, setText, turnOf } = setup();
    view.apply('a1', 'scored', result([flag('Everyone agrees')]));
    const turn = () => turnOf('a1', 'assistant');
    document.querySelector('unspun-badge')!.remove();
    calls.length = 0;
    view.refresh(turn());
    expect(document.querySelector('#a1 unspun-badge')).not.toBeNull();
    expect(calls).toEqual([]);
    stale.add('a1');
    view.refresh(turn());
    expect(calls).toEqual(['draw a1 1']);
    setText(`${TEXT} More.`);
    view.refresh(turn());
    expect(calls).toEqual(['draw a1 1', 'draw a1 1']);
  });

  it('a waiting badge asks the background why, says it on every waiting badge, and offers the one thing to do', async () => {
    const { view, badges, calls, statuses, opened } = setup();
    view.apply('a1', 'pending');
    statuses.push({
      enabled: true,
      paired: false,
      proxyUrl: 'http://127.0.0.1:9999',
      reachable: true,
      detail: 'ok',
      connection: 'not-paired',
      counts: { pending: 1, scored: 0, failed: 0 },
    });
    badges[0]!.open('pending');
    await new Promise((r) => setTimeout(r, 0));
    expect(badges[0]!.states.at(-1)).toEqual({ kind: 'pending', reason: 'not-paired' });
    expect(calls.at(-1)).toMatch(/^waiting not-paired/);
    expect(opened).toEqual(['http://127.0.0.1:9999/']);
    // A reply captured after that shows the reason at once.
    view.clear();
    view.apply('a1', 'pending');
    expect(badges[1]!.states[0]).toEqual({ kind: 'pending', reason: 'not-paired' });
  });

  it('a reply that starts waiting asks why at once: its badge says "not paired yet" before any click', async () => {
    const { view, badges, calls, statuses } = setup();
    statuses.push({
      enabled: true,
      paired: false,
      proxyUrl: 'http://127.0.0.1:8787',
      reachable: false,
      detail: 'Failed to fetch',
      connection: 'not-paired',
      counts: { pending: 1, scored: 0, failed: 0 },
    });
    view.apply('a1', 'pending');
    expect(badges[0]!.states[0]).toEqual({ kind: 'pending' });
    await new Promise((r) => setTimeout(r, 0));
    expect(badges[0]!.states.at(-1)).toEqual({ kind: 'pending', reason: 'not-paired' });
    expect(calls).toEqual([]); // no card opened: the badge itself says it
    // Known now: the next waiting reply says it at once, without asking again.
    view.clear();
    view.apply('a1', 'pending');
    expect(badges[1]!.states).toEqual([{ kind: 'pending', reason: 'not-paired' }]);
    expect(statuses).toHaveLength(0);
  });

  it('"being scored" is said but not remembered; a background that does not answer changes nothing', async () => {
    const { view, badges, statuses } = setup();
    const fine = { enabled: true, paired: true, proxyUrl: 'http://127.0.0.1:8787', reachable: true, detail: 'ok', connection: 'ok' as const };
    statuses.push({ ...fine, counts: { pending: 1, scored: 0, failed: 0 } });
    view.apply('a1', 'pending');
    await new Promise((r) => setTimeout(r, 0));
    expect(badges[0]!.states.at(-1)).toEqual({ kind: 'pending', reason: 'scoring' });
    // The next waiting reply asks again: the proxy may have gone meanwhile.
    view.clear();
    statuses.push({
      ...fine,
      paired: false,
      reachable: false,
      detail: 'Failed to fetch',
      connection: 'proxy-down',
      counts: { pending: 1, scored: 0, failed: 0 },
    });
    view.apply('a1', 'pending');
    expect(badges[1]!.states).toEqual([{ kind: 'pending' }]);
    await new Promise((r) => setTimeout(r, 0));
    expect(badges[1]!.states.at(-1)).toEqual({ kind: 'pending', reason: 'proxy-down' });
    // No answer from the background: the badge stays as it was.
    const quiet = setup();
    quiet.view.apply('a1', 'pending');
    await new Promise((r) => setTimeout(r, 0));
    expect(quiet.badges[0]!.states).toEqual([{ kind: 'pending' }]);
  });

  it('a failed reply says why it could not be scored; a scored one opens its summary', () => {
    const { view, badges, calls } = setup();
    view.apply('a1', 'failed', undefined, 'The judge refused.');
    badges[0]!.open('failed');
    expect(calls.at(-1)).toBe('waiting scoring: This reply could not be scored');
    view.apply('a1', 'scored', result([flag('Everyone agrees')]));
    badges[0]!.open('scored');
    expect(calls.at(-1)).toBe('summary 40');
  });

  it('focusFlag opens the flag’s card pinned (by offsets, else by quote); false when it is not there', () => {
    const { view, calls } = setup();
    expect(view.focusFlag('a1', flag('Everyone agrees'))).toBe(false);
    view.apply('a1', 'scored', result([flag('Everyone agrees')]));
    expect(view.focusFlag('a1', { ...flag('Everyone agrees'), start: 3, end: 9 }, { focus: false })).toBe(true);
    expect(calls.slice(-2)).toEqual(['active', 'flag bandwagon pin=true focus=false']);
    expect(view.focusFlag('a1', flag('the only way', 'false-dilemma'))).toBe(false);
  });

  it('clear takes every badge and highlight down and closes the card; dispose lets go of the layer', () => {
    const { document, view, badges, drawn, calls } = setup();
    view.apply('a1', 'scored', result([flag('Everyone agrees')]));
    view.clear();
    expect(badges[0]!.removed).toBe(true);
    expect(document.querySelector('unspun-badge')).toBeNull();
    expect(drawn.size).toBe(0);
    expect(calls.at(-1)).toBe('hide true');
    view.apply('a1', 'pending');
    expect(badges).toHaveLength(2);
    view.dispose();
    expect(badges[1]!.removed).toBe(true);
    expect(calls.at(-1)).toBe('dispose layer');
  });

  it('without the highlight API: badges only, nothing drawn, focusFlag is false', () => {
    const { view, badges } = setup({ layer: null });
    view.apply('a1', 'scored', result([flag('Everyone agrees')]));
    expect(badges[0]!.states[0]).toMatchObject({ kind: 'scored', drawn: 0 });
    expect(view.focusFlag('a1', flag('Everyone agrees'))).toBe(false);
  });
});
