import { describe, expect, it } from 'vitest';
import { ToBackground } from '../../extension/messages.ts';

const capture = { type: 'reply-captured', site: 'demo', conversationId: 'c1', messageId: 'm1', text: 'Hi.', previous: [] };

describe('messages to the background are parsed, never trusted', () => {
  it.each([
    ['a capture', capture],
    [
      'a capture with context',
      {
        ...capture,
        userTurn: 'Q?',
        previous: [
          { role: 'user', text: 'a' },
          { role: 'assistant', text: 'b' },
        ],
        url: 'http://127.0.0.1:8787/demo',
      },
    ],
    ['a pairing', { type: 'pair', proxyUrl: 'http://127.0.0.1:8787', token: 'abc' }],
    ['a status request', { type: 'get-status' }],
    ['a connection test', { type: 'test-connection', proxyUrl: 'http://localhost:8787', token: '' }],
  ])('accepts %s', (_name, message) => {
    expect(ToBackground.safeParse(message).success).toBe(true);
  });

  it.each([
    ['an unknown type', { type: 'score-ready' }],
    ['an empty reply', { ...capture, text: '' }],
    ['a reply without ids', { ...capture, messageId: '' }],
    ['a turn with an unknown role', { ...capture, previous: [{ role: 'system', text: 'x' }] }],
    ['too many previous turns', { ...capture, previous: Array.from({ length: 201 }, () => ({ role: 'user', text: 'x' })) }],
    ['a pairing without a token', { type: 'pair', proxyUrl: 'http://127.0.0.1:8787', token: '' }],
    ['a pairing with a non-URL', { type: 'pair', proxyUrl: 'not a url', token: 'abc' }],
    ['not an object', 'reply-captured'],
  ])('refuses %s', (_name, message) => {
    expect(ToBackground.safeParse(message).success).toBe(false);
  });
});
