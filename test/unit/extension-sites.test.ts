import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demo } from '../../extension/sites/demo.ts';

describe('demo adapter', () => {
  const doc = (id: string | null) => ({ querySelector: () => (id ? { getAttribute: () => id } : null) }) as unknown as Document;
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
