import { describe, expect, it } from 'vitest';
import { lechat, lechatConversationId } from '../../extension/sites/lechat.ts';
import { urlMatches } from '../../extension/sites/match.ts';
import { fixtureHtml, loadFixture, loadPage, mutationsMapToOwnTurn, textMapIsFaithful } from '../helpers/fixture-dom.ts';

describe('lechat: pages and conversation ids', () => {
  it('reads /chat/<uuid>', () => {
    const url = 'https://chat.mistral.ai/chat/0b5e7c2a-4f31-4a8d-9e66-1c2d3e4f5a01';
    expect(urlMatches(lechat.matches, url)).toBe(true);
    expect(lechatConversationId(new URL(url))).toBe('0b5e7c2a-4f31-4a8d-9e66-1c2d3e4f5a01');
  });
  it.each(['https://chat.mistral.ai/', 'https://chat.mistral.ai/chat', 'https://chat.mistral.ai/agents'])('no conversation on %s', (url) => {
    expect(lechatConversationId(new URL(url))).toBeNull();
  });
});

describe('lechat: fixtures (linkedom; the same checks run in Chromium in sites-parse.e2e)', () => {
  it('conversation: message ids (a regenerated version is its own message), answer part only, TeX, code', () => {
    const page = loadFixture(lechat, 'conversation');
    expect(page.turns.map((t) => [t.role, t.id])).toEqual([
      ['user', '5a0e0001-1111-4a2b-8c3d-000000000001'],
      ['assistant', '5a0e0002-1111-4a2b-8c3d-000000000002'],
      ['user', '5a0e0003-1111-4a2b-8c3d-000000000003'],
      ['assistant', '5a0e0004-1111-4a2b-8c3d-000000000004~v2'],
    ]);
    expect(page.turns[1]!.text).toBe(
      '1. Fees compound: $C = B(1 - (1-f)^n)$.\n2. Two funds on the same index can differ tenfold in cost.\n\n```bash\ngrep -i "expense ratio" prospectus.txt\n```',
    );
    // No site flag documented: the core waits for the text to settle.
    for (const t of page.turns) expect(lechat.isDone(t.element)).toBeUndefined();
    for (const t of page.turns) expect(textMapIsFaithful(t)).toBe(true);
    expect(mutationsMapToOwnTurn(lechat, page)).toBe(true);
  });
});

describe('le chat: variants-reasoning (reasoning drawn by the answer’s text component, a user turn without text classes)', () => {
  const { turns } = loadFixture(lechat, 'variants-reasoning');

  it('every turn, the regenerated reply under its version, the plain-paragraph question read without its button', () => {
    expect(turns.map((t) => [t.role, t.id])).toEqual([
      ['user', '7c2a0001-3333-4b3c-9d4e-000000000001'],
      ['assistant', '7c2a0002-3333-4b3c-9d4e-000000000002~v2'],
      ['user', '7c2a0003-3333-4b3c-9d4e-000000000003'],
      ['assistant', '7c2a0004-3333-4b3c-9d4e-000000000004'],
    ]);
    expect(turns[2]!.text).toBe('What if I am a beginner?');
  });

  it('a text part inside the reasoning part is never reply text, whichever answer selector is in use', () => {
    expect(turns[1]!.text).toBe(
      'A fixed-rate savings account locks your rate for a term.\n\nEveryone is locking in rates right now, so you must act before it is too late.',
    );
    expect(turns[3]!.text).toBe("Start with an easy-access account.\n\nExperts agree this is the only safe start, so don't wait.");
    expect(turns[3]!.body.textContent).toBe('Start with an easy-access account.');
  });

  it('a tool part that shows a search summary with the text component is not reply text either', () => {
    const html = fixtureHtml('lechat', 'variants-reasoning').replace(
      '<div data-testid="text-message-part" class="prose"><p>Start with',
      '<div data-message-part-type="tool"><div data-testid="text-message-part"><p>Searched 4 sites.</p></div></div><div data-testid="text-message-part" class="prose"><p>Start with',
    );
    expect(loadPage(lechat, html).turns[3]!.text).toBe("Start with an easy-access account.\n\nExperts agree this is the only safe start, so don't wait.");
  });
});
