import { describe, expect, it } from 'vitest';
import { claude, claudeConversationId } from '../../extension/sites/claude.ts';
import { isFallbackId } from '../../extension/sites/ids.ts';
import { urlMatches } from '../../extension/sites/match.ts';
import { fixtureHtml, loadFixture, loadPage, mutationsMapToOwnTurn, textMapIsFaithful } from '../helpers/fixture-dom.ts';

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

describe('claude: variants-older-markup (no render-count wrappers, bare user-message turns, older or no markdown classes)', () => {
  const html = fixtureHtml('claude', 'variants-older-markup');

  it('reads every turn; the reply without markdown classes from its data-is-streaming node, without its action bar', () => {
    const { turns } = loadPage(claude, html);
    expect(turns.map((t) => [t.role, claude.isDone(t.element) ?? null])).toEqual([
      ['user', null],
      ['assistant', true],
      ['user', null],
      ['assistant', true],
    ]);
    expect(turns[3]!.text).toBe("A used car loses value more slowly.\n\nExperts agree this is the only smart choice, so don't wait.");
    expect(turns[1]!.text).not.toMatch(/Savings planner|Click to open/);
    for (const t of turns) expect(textMapIsFaithful(t)).toBe(true);
  });

  it('an artifact cell between the reply’s blocks that previews its document with the same markdown class is not reply text', () => {
    const withPreview = fixtureHtml('claude', 'variants').replace(
      '<div>Click to open component</div>',
      '<div class="standard-markdown"><p>Fee: 1% a year.</p></div><div>Click to open component</div>',
    );
    const reply = loadPage(claude, withPreview).turns[1]!;
    expect(reply.text).toBe('Here is a small calculator for it.\n\nEveryone is using a calculator like this right now, so you must act before it is too late.');
  });
});
