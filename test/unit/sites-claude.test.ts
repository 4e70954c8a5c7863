import { describe, expect, it } from 'vitest';
import { claude, claudeConversationId } from '../../extension/sites/claude.ts';
import { isFallbackId } from '../../extension/sites/ids.ts';
import { urlMatches } from '../../extension/sites/match.ts';
import { loadFixture, mutationsMapToOwnTurn, textMapIsFaithful } from '../helpers/fixture-dom.ts';

describe('claude: pages and conversation ids', () => {
  it('reads /chat/<uuid>', () => {
    const url = 'https://claude.ai/chat/3f2a9c10-5b7e-4d21-9a0c-8e1f2d3c4b01';
    expect(urlMatches(claude.matches, url)).toBe(true);
    expect(claudeConversationId(new URL(url))).toBe('3f2a9c10-5b7e-4d21-9a0c-8e1f2d3c4b01');
  });
  it.each(['https://claude.ai/new', 'https://claude.ai/recents', 'https://claude.ai/project/abc', 'https://claude.ai/chat/'])(
    'no conversation on %s',
    (url) => {
      expect(claudeConversationId(new URL(url))).toBeNull();
    },
  );
});

describe('claude: fixtures (linkedom; the same checks run in Chromium in sites-parse.e2e)', () => {
  it('conversation: roles, fallback ids, finished flag, TeX and fenced code; artifact card and actions left out', () => {
    const page = loadFixture(claude, 'conversation');
    expect(page.turns.map((t) => [t.role, t.idSource, claude.isDone(t.element) ?? null])).toEqual([
      ['user', 'fallback', null],
      ['assistant', 'fallback', true],
    ]);
    for (const t of page.turns) expect(isFallbackId(t.id)).toBe(true);
    const reply = page.turns[1]!.text;
    expect(reply).toContain('$$B_n = B_0 (1 + r - f)^n$$');
    expect(reply).toContain('- Here $r$ is the yearly return.');
    expect(reply).toContain('```javascript\nconst grow');
    expect(reply).not.toMatch(/Fee calculator|Copy|Retry|javascript\n```/);
    for (const t of page.turns) expect(textMapIsFaithful(t)).toBe(true);
    expect(mutationsMapToOwnTurn(claude, page)).toBe(true);
  });

  it('the same reply gets the same id on every read (virtual lists remount turns)', () => {
    const a = loadFixture(claude, 'conversation').turns[1]!.id;
    const b = loadFixture(claude, 'conversation').turns[1]!.id;
    expect(a).toBe(b);
  });

  it('streaming: data-is-streaming="true" is not done', () => {
    const page = loadFixture(claude, 'streaming');
    expect(claude.isDone(page.turns.find((t) => t.role === 'assistant')!.element)).toBe(false);
  });

  it('broken-renamed: no turn selector matches', () => {
    const page = loadFixture(claude, 'broken-renamed');
    expect(page.turns).toEqual([]);
  });
});
