import { describe, expect, it } from 'vitest';
import { chatgpt, chatgptConversationId } from '../../extension/sites/chatgpt.ts';
import { isFallbackId } from '../../extension/sites/ids.ts';
import { urlMatches } from '../../extension/sites/match.ts';
import { loadFixture, mutationsMapToOwnTurn, textMapIsFaithful } from '../helpers/fixture-dom.ts';

describe('chatgpt: pages and conversation ids', () => {
  it.each([
    ['https://chatgpt.com/c/6751a2b0-0c1e-8000-9d5e-5b1f7e0c3a11', '6751a2b0-0c1e-8000-9d5e-5b1f7e0c3a11'],
    ['https://chatgpt.com/g/g-abc123-tutor/c/6751a2b0-0c1e-8000-9d5e-5b1f7e0c3a11', '6751a2b0-0c1e-8000-9d5e-5b1f7e0c3a11'],
    ['https://chatgpt.com/share/6751a2b0-aaaa-bbbb-cccc-5b1f7e0c3a11', '6751a2b0-aaaa-bbbb-cccc-5b1f7e0c3a11'],
    ['https://chat.openai.com/c/6751a2b0-0c1e-8000-9d5e-5b1f7e0c3a11/', '6751a2b0-0c1e-8000-9d5e-5b1f7e0c3a11'],
  ])('%s → %s', (url, id) => {
    expect(urlMatches(chatgpt.matches, url)).toBe(true);
    expect(chatgptConversationId(new URL(url))).toBe(id);
  });

  it.each([
    'https://chatgpt.com/',
    'https://chatgpt.com/?temporary-chat=true',
    'https://chatgpt.com/gpts',
    'https://chatgpt.com/c/',
    'https://chatgpt.com/c/x/y',
  ])('no conversation on %s', (url) => expect(chatgptConversationId(new URL(url))).toBeNull());

  it('does not claim look-alike hosts', () => {
    expect(urlMatches(chatgpt.matches, 'https://chatgpt.com.evil.example/c/x')).toBe(false);
  });
});

describe('chatgpt: fixtures (linkedom; the same checks run in Chromium in sites-parse.e2e)', () => {
  it('conversation: ids, roles, models, finished, Markdown text without chrome', () => {
    const page = loadFixture(chatgpt, 'conversation');
    expect(page.turns.map((t) => [t.role, t.id, t.model ?? null, chatgpt.isDone(t.element) ?? null])).toEqual([
      ['user', 'b6b4e1f2-0001-4c55-9f0e-0c4e5b7a1001', null, null],
      ['assistant', 'b6b4e1f2-0002-4c55-9f0e-0c4e5b7a1002', 'gpt-5-3', true],
      ['user', 'b6b4e1f2-0003-4c55-9f0e-0c4e5b7a1003', null, null],
      ['assistant', 'b6b4e1f2-0004-4c55-9f0e-0c4e5b7a1004', 'gpt-5-3-mini', true],
    ]);
    const reply = page.turns[1]!.text;
    expect(reply).toContain('a fee $f$ on a balance');
    expect(reply).toContain('$$B = B_0 (1 + r - f)^n$$');
    expect(reply).toContain('| Fund type | Average expense ratio |\n| --- | --- |');
    expect(reply).toContain('```python\ndef balance(b0, r, f, n):\n    return b0 * (1 + r - f) ** n\n```');
    expect(reply).toContain('1. Compare the expense ratio.\n2. Check the tracking error.');
    for (const t of page.turns) expect(t.text).not.toMatch(/ChatGPT said|You said|Copy code/);
    for (const t of page.turns) expect(textMapIsFaithful(t)).toBe(true);
    expect(mutationsMapToOwnTurn(chatgpt, page)).toBe(true);
  });

  it('streaming: the newest reply is not done while the stop button shows; its request id is not used', () => {
    const page = loadFixture(chatgpt, 'streaming');
    const reply = page.turns.find((t) => t.role === 'assistant')!;
    expect(chatgpt.isDone(reply.element)).toBe(false);
    expect(isFallbackId(reply.id)).toBe(true);
    expect(reply.idSource).toBe('fallback');
  });

  it('broken-labels: the body selector grabs "ChatGPT said:", which the adapter calls chrome', () => {
    const page = loadFixture(chatgpt, 'broken-labels');
    const reply = page.turns.find((t) => t.role === 'assistant')!;
    expect(reply.text).toBe('ChatGPT said:');
    expect(chatgpt.chromeText.some((re) => re.test(reply.text))).toBe(true);
  });
});
