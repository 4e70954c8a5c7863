import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SITES } from '../../extension/sites/index.ts';
import { SITE_IDS } from '../../extension/sites/types.ts';
import { demo } from '../../extension/sites/demo.ts';

// A Chrome match pattern: scheme://host/path, host may start with "*.", no port.
const MATCH_PATTERN = /^(https?|\*):\/\/(\*|(\*\.)?[^/*:]+)\/.*$/;

describe('site registry (convention)', () => {
  it.each(SITE_IDS)('%s is registered under its own id, with valid patterns and selectors', (id) => {
    const adapter = SITES[id];
    expect(adapter.id).toBe(id);
    expect(adapter.matches.length).toBeGreaterThan(0);
    for (const pattern of adapter.matches) expect(pattern).toMatch(MATCH_PATTERN);
    for (const list of Object.values(adapter.selectors)) expect(list.length).toBeGreaterThan(0);
  });

  it.each(SITE_IDS)('%s has a content script whose matches are the adapter’s', (id) => {
    const source = readFileSync(new URL(`../../extension/entrypoints/${id}.content.ts`, import.meta.url), 'utf8');
    for (const pattern of SITES[id].matches) expect(source).toContain(`'${pattern}'`);
    expect(source).toContain(`SITES.${id}`);
  });
});

describe('demo adapter', () => {
  const doc = (id: string | null) =>
    ({ querySelector: () => (id ? { getAttribute: () => id } : null) }) as unknown as Document;
  const turn = (streaming: string | null) => ({ getAttribute: (name: string) => (name === 'data-streaming' ? streaming : null) }) as unknown as Element;

  it('reads the conversation id from ?c=, else from the page', () => {
    expect(demo.conversationId(new URL('http://127.0.0.1:8787/demo?c=demo-7'), doc('other'))).toBe('demo-7');
    expect(demo.conversationId(new URL('http://127.0.0.1:8787/demo'), doc('demo-1'))).toBe('demo-1');
    expect(demo.conversationId(new URL('http://127.0.0.1:8787/demo'), doc(null))).toBeNull();
  });

  it.each([
    ['true', false],
    ['false', true],
    [null, undefined],
  ] as const)('data-streaming=%s → done %s', (flag, done) => {
    expect(demo.isDone(turn(flag))).toBe(done);
  });

  it('its selectors are proved by the demo page', () => {
    const html = readFileSync(new URL('../../proxy/pages/demo.html', import.meta.url), 'utf8');
    expect(html).toContain('data-thread');
    expect(html).toContain('dataset.turn');
    expect(html).toContain('dataset.messageId');
    expect(html).toContain('dataset.streaming');
    expect(html).toContain('dataset.messageBody');
    expect(html).not.toMatch(/innerHTML/);
  });
});
