// The capture loop's sender (extension/capture/capture-sender.ts): one finished reply with its
// context to the background; resent with backoff while the background does not take it; dropped
// when the page moved on meanwhile.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { captureMessage, createCaptureSender, MAX_PREVIOUS_TURNS } from '../../extension/capture/capture-sender.ts';
import { ReplyCaptured, type CaptureResponse } from '../../extension/messages.ts';
import type { ParsedTurn } from '../../extension/sites/types.ts';

const { document } = parseHTML('<!doctype html><html><body></body></html>') as unknown as { document: Document };
const turn = (role: 'user' | 'assistant', id: string, text: string, extra: Partial<ParsedTurn> = {}): ParsedTurn => {
  const element = document.createElement('div');
  element.textContent = text;
  document.body.append(element);
  return { role, id, element, body: element, text, textMap: { text, segments: [] }, ...extra };
};

describe('capture message', () => {
  it('carries the user turn it answers, earlier turns as context, and never the reply itself', () => {
    const thread = [
      turn('user', 'u1', 'Is it safe?'),
      turn('assistant', 'a1', 'Yes.'),
      turn('user', 'u2', 'Sure?'),
      turn('assistant', 'a2', 'Experts agree.', { model: 'm'.repeat(300) }),
    ];
    const message = captureMessage('chatgpt', thread, thread[3]!, 'c1', 'https://chatgpt.com/c/c1');
    expect(message).toEqual({
      type: 'reply-captured',
      site: 'chatgpt',
      conversationId: 'c1',
      messageId: 'a2',
      text: 'Experts agree.',
      userTurn: 'Sure?',
      previous: [
        { role: 'user', text: 'Is it safe?' },
        { role: 'assistant', text: 'Yes.' },
      ],
      url: 'https://chatgpt.com/c/c1',
      parentId: 'u2',
      model: 'm'.repeat(200),
    });
  });

  it(`keeps the last ${MAX_PREVIOUS_TURNS} earlier turns, and says when the id is a fallback`, () => {
    const thread: ParsedTurn[] = [];
    for (let i = 0; i <= 30; i++) thread.push(turn(i % 2 ? 'assistant' : 'user', `t${i}`, `turn ${i}`));
    const reply = turn('assistant', 'fb', 'Last.', { idSource: 'fallback' });
    const message = captureMessage('claude', [...thread, reply], reply, 'c', 'https://claude.ai/chat/c');
    expect(message.previous).toHaveLength(MAX_PREVIOUS_TURNS);
    expect(message.previous.at(-1)).toEqual({ role: 'assistant', text: 'turn 29' });
    expect(message.userTurn).toBe('turn 30');
    expect(message.idSource).toBe('fallback');
  });
});

describe('capture message: citation markers', () => {
  it('carries the reply’s markers when the adapter read some, and the background’s schema takes them', () => {
    const citations = [
      { at: 12, label: 'reuters', url: 'https://www.reuters.com/' },
      { at: 20, end: 23, label: '[3]', n: 3, sources: 2 },
    ];
    const thread = [turn('user', 'u1', 'Q?'), turn('assistant', 'a1', 'Gold rose 4%. More [3].', { citations })];
    const message = captureMessage('perplexity', thread, thread[1]!, 'c', 'https://www.perplexity.ai/search/c');
    expect(message.citations).toEqual(citations);
    expect(ReplyCaptured.safeParse(message).success).toBe(true);
    // A page-made label far too long, or a negative place, is refused: the background never trusts the page.
    expect(ReplyCaptured.safeParse({ ...message, citations: [{ at: 1, label: 'x'.repeat(81) }] }).success).toBe(false);
    expect(ReplyCaptured.safeParse({ ...message, citations: [{ at: -1, label: 'x' }] }).success).toBe(false);
  });

  it('no markers: no field', () => {
    const thread = [turn('user', 'u1', 'Q?'), turn('assistant', 'a1', 'A.', { citations: [] })];
    expect('citations' in captureMessage('chatgpt', thread, thread[1]!, 'c', 'https://chatgpt.com/c/c')).toBe(false);
  });
});

describe('capture sender', () => {
  const thread = [turn('user', 'u1', 'Q?'), turn('assistant', 'a1', 'A.')];
  const reply = thread[1]!;

  function sender(answers: Array<CaptureResponse | undefined | Error>, current = () => true) {
    const sent: ReplyCaptured[] = [];
    const s = createCaptureSender({
      site: 'chatgpt',
      send: async (message) => {
        sent.push(message);
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return answer;
      },
      pageUrl: () => 'https://chatgpt.com/c/c1',
      isCurrent: (id) => id === 'c1' && current(),
    });
    return { s, sent };
  }

  it('hands back the background’s answer', async () => {
    const { s, sent } = sender([{ status: 'pending' }]);
    expect(await s.send(thread, reply, 'c1')).toEqual({ kind: 'answered', response: { status: 'pending' } });
    expect(sent[0]?.url).toBe('https://chatgpt.com/c/c1');
  });

  it('not taken (no answer, an error, a malformed answer): send again, backing off 2 s, 4 s, 8 s', async () => {
    const { s } = sender([undefined, new Error('Receiving end does not exist'), {} as CaptureResponse]);
    expect(await s.send(thread, reply, 'c1')).toEqual({ kind: 'retry', inMs: 2_000 });
    expect(await s.send(thread, reply, 'c1')).toEqual({ kind: 'retry', inMs: 4_000 });
    expect(await s.send(thread, reply, 'c1')).toEqual({ kind: 'retry', inMs: 8_000 });
  });

  it('a delivery resets the backoff, and so does a new conversation', async () => {
    const { s } = sender([undefined, { status: 'scored' }, undefined, undefined, undefined]);
    await s.send(thread, reply, 'c1');
    await s.send(thread, reply, 'c1');
    expect(await s.send(thread, reply, 'c1')).toEqual({ kind: 'retry', inMs: 2_000 });
    s.forget();
    expect(await s.send(thread, reply, 'c1')).toEqual({ kind: 'retry', inMs: 2_000 });
  });

  it('the page moved on while the capture was out: stale, and the failure is not counted', async () => {
    let current = false;
    const { s } = sender([undefined, undefined], () => current);
    expect(await s.send(thread, reply, 'c1')).toEqual({ kind: 'stale' });
    current = true;
    expect(await s.send(thread, reply, 'c1')).toEqual({ kind: 'retry', inMs: 2_000 });
    expect(await s.send(thread, reply, 'other')).toEqual({ kind: 'stale' });
  });
});
