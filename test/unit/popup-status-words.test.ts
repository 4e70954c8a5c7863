// The popup's words per connection state: each state its own headline and one action, and no raw
// error text ("Failed to fetch") where the state has words of its own.
import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../extension/messages.ts';
import { popupWords } from '../../extension/entrypoints/popup/status-words.ts';
import { unseenSummary } from '../../extension/entrypoints/popup/site-rows.ts';

const URL = 'http://127.0.0.1:8787';
const RAW = 'proxy unreachable at http://127.0.0.1:8787: Failed to fetch';

describe('popup words', () => {
  it.each<[ConnectionState | 'off', RegExp, RegExp, string]>([
    ['ok', /^Paired with the Unspun proxy 1\.2\.3 at http:\/\/127\.0\.0\.1:8787\.$/, /scored as they arrive/, 'ok'],
    ['not-paired', /^Not paired yet\.$/, /npm start.*pairing link/, 'wait'],
    ['proxy-down', /isn’t running/, /^Start it with npm start/, 'bad'],
    ['token-rejected', /rejected this extension’s token/, /^Open the pairing link again/, 'bad'],
    ['other-install', /paired with another browser/, /open the pairing link .* in this browser/, 'bad'],
    ['not-unspun', /Something other than the Unspun proxy/, /Settings/, 'bad'],
    ['off', /^Switched off/, /Show persuasive moves/, 'bad'],
  ])('%s → its own headline and one action', (state, headline, action, tone) => {
    const words = popupWords({ enabled: state !== 'off', connection: state === 'off' ? 'ok' : state, proxyUrl: URL, proxyVersion: '1.2.3', detail: RAW });
    expect(words.headline).toMatch(headline);
    expect(words.action).toMatch(action);
    expect(words.tone).toBe(tone);
    expect(`${words.headline} ${words.action}`).not.toMatch(/Failed to fetch/);
  });

  it('no two states share a headline', () => {
    const states: ConnectionState[] = ['ok', 'not-paired', 'proxy-down', 'token-rejected', 'other-install', 'not-unspun', 'error'];
    const headlines = states.map((connection) => popupWords({ enabled: true, connection, proxyUrl: URL }).headline);
    expect(new Set(headlines).size).toBe(states.length);
  });

  it('an unexpected error shows the background’s detail as the action', () => {
    expect(popupWords({ enabled: true, connection: 'error', proxyUrl: URL, detail: 'proxy answered 500: boom' }).action).toBe('proxy answered 500: boom');
  });
});

describe('popup site list', () => {
  it.each([
    [9, 9, '9 sites supported, none visited yet'],
    [7, 9, '7 more sites supported, not visited yet'],
    [1, 9, '1 more site supported, not visited yet'],
    [0, 9, null],
  ])('%i of %i unseen → %s', (unseen, total, text) => {
    expect(unseenSummary(unseen, total)).toBe(text);
  });
});
