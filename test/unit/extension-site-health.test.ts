import { describe, expect, it } from 'vitest';
import { createSiteHealth, type HealthCheck, type HealthState } from '../../extension/capture/site-health.ts';
import { fallbackTurnId, isFallbackId } from '../../extension/sites/ids.ts';
import { adapterForUrl, parseMatchPattern, urlMatches } from '../../extension/sites/match.ts';
import { siteOffReason } from '../../extension/sites/site-settings.ts';

function monitor() {
  const reports: [HealthState, HealthCheck | undefined][] = [];
  const health = createSiteHealth({ report: (s, c) => reports.push([s, c]), graceMs: 10_000, now: 0 });
  return { health, reports };
}

describe('site health (drift detection)', () => {
  it('a conversation page with no thread turns unhealthy only after the grace period', () => {
    const { health, reports } = monitor();
    health.threadFound(false, true, 500);
    health.tick(true, 5_000);
    expect(reports).toEqual([]);
    health.tick(true, 10_500);
    expect(reports).toEqual([['unhealthy', 'thread-missing']]);
    expect(health.isUnhealthy()).toBe(true);
  });

  it('a new-chat page (no conversation id, no thread) is not a problem', () => {
    const { health, reports } = monitor();
    health.threadFound(false, false, 500);
    health.tick(false, 60_000);
    expect(reports).toEqual([]);
  });

  it('a late thread that reads fine is healthy, and the pending problem is dropped', () => {
    const { health, reports } = monitor();
    health.threadFound(false, true, 500);
    health.threadFound(true, true, 3_000);
    health.turnsRead(4, 4, 3_000);
    health.tick(true, 20_000);
    expect(reports).toEqual([['healthy', undefined]]);
  });

  it.each([
    [0, 0, 'turns-missing'],
    [3, 0, 'body-missing'],
  ] as const)('%i turn elements, %i read → %s', (elements, parsed, check) => {
    const { health, reports } = monitor();
    health.threadFound(true, true, 100);
    health.turnsRead(elements, parsed, 100);
    health.tick(true, 9_000);
    expect(reports).toEqual([]);
    health.tick(true, 12_000);
    expect(reports).toEqual([['unhealthy', check]]);
  });

  it('recovers when the turns read again (not sticky)', () => {
    const { health, reports } = monitor();
    health.turnsRead(3, 0, 100);
    health.tick(true, 12_000);
    health.turnsRead(3, 3, 13_000);
    expect(reports).toEqual([
      ['unhealthy', 'body-missing'],
      ['healthy', undefined],
    ]);
  });

  it('UI chrome read as a reply is unhealthy at once and stays so for the page', () => {
    const { health, reports } = monitor();
    health.turnsRead(2, 2, 100);
    expect(health.checkReply('ChatGPT said:', [/^ChatGPT said:?$/i])).toBe('chrome-captured');
    health.turnsRead(2, 2, 20_000);
    expect(reports).toEqual([
      ['healthy', undefined],
      ['unhealthy', 'chrome-captured'],
    ]);
    expect(health.isUnhealthy()).toBe(true);
  });

  it.each([
    ['Here is the answer.', null],
    ['ChatGPT said:\nHere is the answer.', 'chrome-captured'],
    ['   ', 'empty-reply'],
    ['You said: hi', null],
  ] as const)('checkReply(%j) → %s', (text, check) => {
    const { health } = monitor();
    expect(health.checkReply(text, [/^ChatGPT said:?$/i])).toBe(check);
  });

  it('a finished reply that stays empty turns unhealthy', () => {
    const { health, reports } = monitor();
    health.turnsRead(2, 2, 100);
    health.emptyFinishedReply(11_000);
    health.tick(true, 13_500);
    expect(reports.at(-1)).toEqual(['unhealthy', 'empty-reply']);
  });

  it('navigation restarts the grace period', () => {
    const { health, reports } = monitor();
    health.restart(50_000);
    health.threadFound(false, true, 50_100);
    health.tick(true, 55_000);
    expect(reports).toEqual([]);
    health.tick(true, 60_200);
    expect(reports).toEqual([['unhealthy', 'thread-missing']]);
  });
});

describe('match patterns', () => {
  it.each([
    ['https://chatgpt.com/*', 'https://chatgpt.com/c/abc', true],
    ['https://chatgpt.com/*', 'https://chatgpt.com.evil.test/c/abc', false],
    ['https://chatgpt.com/*', 'http://chatgpt.com/', false],
    ['http://127.0.0.1/demo*', 'http://127.0.0.1:8787/demo?c=1', true],
    ['http://127.0.0.1/demo*', 'http://127.0.0.1:8787/pair', false],
    ['https://*.google.com/*', 'https://gemini.google.com/app', true],
    ['https://*.google.com/*', 'https://google.com/', true],
    ['*://claude.ai/*', 'https://claude.ai/chat/x', true],
    // What the library's grammar adds over the old hand-written one:
    ['<all_urls>', 'https://any.example/x', true],
    ['<all_urls>', 'chrome-extension://abc/popup.html', false],
    ['*://*/*', 'http://localhost:5173/demo', true],
    ['*://claude.ai/*', 'ws://claude.ai/socket', false],
    ['file:///*/fixtures/*', 'file:///home/me/fixtures/chat.html', true],
    ['file:///*/fixtures/*', 'https://fixtures.example/fixtures/chat.html', false],
    ['https://*.google.com/*', 'https://evilgoogle.com/', false],
    ['https://chatgpt.com/c/*', 'https://chatgpt.com/g/c/abc', false],
    ['https://chatgpt.com/*', 'not a url', false],
  ] as const)('%s vs %s → %s', (pattern, url, expected) => {
    expect(urlMatches([pattern], url)).toBe(expected);
  });

  it.each([
    ['https://chatgpt.com', /Incorrect format/],
    ['gopher://chatgpt.com/*', /not a valid protocol/],
    ['http://127.0.0.1:8787/*', /cannot include a port/],
    ['https://chat*.example/*', /wildcard/],
  ])('refuses %s with the reason', (pattern, reason) => {
    expect(() => parseMatchPattern(pattern)).toThrow(reason);
  });

  it('takes a URL object too, where there is no Location (service worker, Node)', () => {
    expect(urlMatches(['https://claude.ai/*'], new URL('https://claude.ai/chat/x'))).toBe(true);
  });

  it('picks the first adapter whose patterns match, ignoring the fragment', () => {
    const a = { id: 'a', matches: ['https://a.test/*'] };
    const b = { id: 'b', matches: ['https://b.test/*'] };
    expect(adapterForUrl([a, b], 'https://b.test/x#frag')?.id).toBe('b');
    expect(adapterForUrl([a, b], 'https://c.test/')).toBeUndefined();
    expect(adapterForUrl([{ id: 'demo', matches: ['http://127.0.0.1/demo*'] }], 'http://127.0.0.1:8787/pair#/demo')).toBeUndefined();
  });
});

describe('fallback message ids', () => {
  it('depend on role, page index and text prefix; never on whitespace', () => {
    const id = fallbackTurnId('assistant', 'Hello   there.\nMore.');
    expect(isFallbackId(id)).toBe(true);
    expect(fallbackTurnId('assistant', ' Hello there. More. ')).toBe(id);
    expect(fallbackTurnId('user', 'Hello there. More.')).not.toBe(id);
    expect(fallbackTurnId('assistant', 'Hello there. More.', { pageKey: 4 })).not.toBe(id);
    expect(fallbackTurnId('assistant', 'Hello there. Different.')).not.toBe(id);
  });

  it('a long reply is identified by its first 200 characters', () => {
    const head = 'x'.repeat(200);
    expect(fallbackTurnId('assistant', head + ' tail one')).toBe(fallbackTurnId('assistant', head + ' tail two'));
  });
});

describe('site switches', () => {
  it.each([
    [{ siteSwitches: {}, disabledSites: [] }, null],
    [{ siteSwitches: { claude: false }, disabledSites: [] }, /options/],
    [{ siteSwitches: { claude: true }, disabledSites: [{ id: 'claude', reason: 'selectors broke on 2026-11-20' }] }, /proxy: selectors broke/],
    [{ siteSwitches: {}, disabledSites: [{ id: 'gemini', reason: '' }] }, null],
  ] as const)('%j → %s', (state, expected) => {
    const reason = siteOffReason({ siteSwitches: { ...state.siteSwitches }, disabledSites: [...state.disabledSites] }, 'claude');
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
  });
});

describe('site statuses (popup and options)', () => {
  const sites = [
    { id: 'chatgpt', name: 'ChatGPT' },
    { id: 'claude', name: 'Claude' },
    { id: 'gemini', name: 'Gemini' },
    { id: 'lechat', name: 'Le Chat' },
  ];
  it('off beats unhealthy beats healthy beats unseen', async () => {
    const { siteStatuses } = await import('../../extension/sites/site-status.ts');
    const rows = siteStatuses(
      {
        siteSwitches: { chatgpt: false },
        disabledSites: [{ id: 'claude', reason: 'broken' }],
        siteHealth: {
          chatgpt: { state: 'unhealthy', at: 1 },
          claude: { state: 'healthy', at: 1 },
          gemini: { state: 'unhealthy', check: 'turns-missing', reason: 'No messages were found.', at: 2 },
        },
      },
      sites,
    );
    expect(rows.map((r) => [r.id, r.kind])).toEqual([
      ['chatgpt', 'off'],
      ['claude', 'off'],
      ['gemini', 'unhealthy'],
      ['lechat', 'unseen'],
    ]);
    expect(rows[1]!.detail).toMatch(/proxy: broken/);
    expect(rows[2]!.detail).toMatch(/^No messages were found\. Nothing is captured there/);
  });

  it('by default lists every chat site in the registry, not the demo page', async () => {
    const { siteStatuses } = await import('../../extension/sites/site-status.ts');
    const ids = siteStatuses({ siteSwitches: {}, disabledSites: [], siteHealth: {} }).map((r) => r.id);
    expect(ids).toContain('chatgpt');
    expect(ids).not.toContain('demo');
  });
});
