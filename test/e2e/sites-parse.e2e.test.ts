// Every site adapter against its fixtures, in Chromium (no DOM implementation in Node here):
// - the convention: every registered site has fixtures served at URLs its patterns match, and its
//   required selectors (thread, turn, body) match something in every non-broken fixture;
// - per site: the turns, ids, models, Markdown-faithful text and "finished" state it reads.
// No extension here: the adapters are bundled and run in the page, which is fast.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITES } from '../../extension/sites/index.ts';
import { SITE_IDS } from '../../extension/sites/types.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from './harness.ts';
import { listFixtures, readWithAdapter, routeFixture, urlFromPattern, type Fixture, type FixtureReading } from '../helpers/site-fixtures.ts';

let userDataDir: string;
let context: BrowserContext;

beforeAll(async () => {
  userDataDir = mkdtempSync(join(tmpdir(), 'unspun-sites-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS],
  });
  // Nothing leaves the machine: anything a fixture did not serve is refused.
  await context.route(/^https?:\/\//, (route) => route.abort());
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function open(fixture: Fixture, query = ''): Promise<Page> {
  const page = await context.newPage();
  const adapter = SITES[fixture.site as keyof typeof SITES];
  const url = await routeFixture(page, fixture, fixture.html, adapter ? urlFromPattern(adapter.matches[0]!) : undefined);
  await page.goto(url + query);
  return page;
}

async function read(site: string, file: string, query = ''): Promise<{ page: Page; reading: FixtureReading }> {
  const fixture = listFixtures(site).find((f) => f.file === file);
  if (!fixture) throw new Error(`no fixture ${site}/${file}`);
  const page = await open(fixture, query);
  return { page, reading: await readWithAdapter(page) };
}

const real = SITE_IDS.filter((id) => id !== 'demo');

describe('site fixtures (convention, in Chromium)', () => {
  it.each(real)('%s has fixtures', (id) => {
    const fixtures = listFixtures(id);
    expect(fixtures.filter((f) => !f.broken).length, `test/fixtures/sites/${id}/ needs at least one fixture`).toBeGreaterThan(0);
  });

  const cases = real.flatMap((id) => listFixtures(id).map((f) => [`${id}/${f.file}`, f] as const));
  it.each(cases)('%s: the required selectors match and the adapter reads replies', async (_name, fixture) => {
    const page = await open(fixture);
    try {
      const r = await readWithAdapter(page);
      expect(r.site, 'the URL is matched by this site’s adapter').toBe(fixture.site);
      // A fixture that declares its real URL (<meta name="unspun-url">) must yield a conversation id there.
      if (fixture.url) expect(r.conversationId, 'a conversation id from the fixture’s URL').toBeTruthy();
      if (fixture.broken) {
        // A drift case must really be one: a required list matches nothing, or no reply reads.
        const adapter = SITES[fixture.site as keyof typeof SITES];
        const chrome = adapter.chromeText ?? [];
        const replies = r.turns.filter((t) => t.role === 'assistant');
        const drifted =
          Object.values(r.matched).some((m) => m.length === 0) || replies.length === 0 || replies.some((t) => chrome.some((re) => re.test(t.text.trim())));
        expect(drifted, 'a broken-* fixture must fail a health check').toBe(true);
        return;
      }
      for (const key of ['thread', 'turn', 'body']) expect(r.matched[key], `${key} selectors match nothing`).not.toEqual([]);
      const replies = r.turns.filter((t) => t.role === 'assistant');
      expect(replies.length).toBeGreaterThan(0);
      expect(new Set(r.turns.map((t) => t.id)).size, 'turn ids are unique').toBe(r.turns.length);
    } finally {
      await page.close();
    }
  });
});

describe('ChatGPT adapter', () => {
  it('reads turns, message ids, model slugs and Markdown-faithful text', async () => {
    const { page, reading } = await read('chatgpt', 'conversation.html');
    expect(reading.conversationId).toBe('6751a2b0-0c1e-8000-9d5e-5b1f7e0c3a11');
    expect(reading.turns.map((t) => [t.role, t.id, t.model ?? null, t.done])).toEqual([
      ['user', 'b6b4e1f2-0001-4c55-9f0e-0c4e5b7a1001', null, undefined],
      ['assistant', 'b6b4e1f2-0002-4c55-9f0e-0c4e5b7a1002', 'gpt-5-3', true],
      ['user', 'b6b4e1f2-0003-4c55-9f0e-0c4e5b7a1003', null, undefined],
      ['assistant', 'b6b4e1f2-0004-4c55-9f0e-0c4e5b7a1004', 'gpt-5-3-mini', true],
    ]);
    const reply = reading.turns[1]!.text;
    expect(reply).toBe(
      [
        'Index funds usually charge less. The yearly cost of a fee $f$ on a balance grows like this:',
        '$$B = B_0 (1 + r - f)^n$$',
        '| Fund type | Average expense ratio |\n| --- | --- |\n| Index equity | 0.05% |\n| Active equity | 0.65% |',
        '1. Compare the expense ratio.\n2. Check the tracking error.',
        '```python\ndef balance(b0, r, f, n):\n    return b0 * (1 + r - f) ** n\n```',
        'Lower fees do not guarantee better returns, but over long periods they tend to matter.',
      ].join('\n\n'),
    );
    expect(reading.turns[0]!.text).toBe('How do index fund fees compare with active funds? Show me the maths.');
    expect(reading.turns.map((t) => t.text).join('\n')).not.toMatch(/ChatGPT said|You said|Copy code/);
    await page.close();
  });

  it('a streaming reply is not done until the action bar comes; its request id is never used', async () => {
    const { page, reading } = await read('chatgpt', 'streaming.html', '?ms=40');
    const reply = reading.turns.find((t) => t.role === 'assistant')!;
    expect(reply.done).toBe(false);
    expect(reply.id).not.toMatch(/^request-/);
    expect(reply.idSource).toBe('fallback');
    await page.waitForFunction(() => document.documentElement.dataset.fixtureDone === 'true');
    const after = (await readWithAdapter(page)).turns.find((t) => t.role === 'assistant')!;
    expect(after).toMatchObject({ done: true, id: '7d0c2b8e-0002-4b1a-8e55-3f0a9c2d0002', model: 'gpt-5-3' });
    expect(after.idSource).toBeUndefined();
    expect(after.text).toMatch(/^Great question! [^]*\n\n- Returns are climbing every month\.\n- Fees are lower than ever\.\n\n[^]*without you\.$/);
    await page.close();
  });

  it('the long virtualized thread never has more than a window of turns mounted', async () => {
    const { page, reading } = await read('chatgpt', 'long-virtualized.html', '?ms=30');
    expect(reading.turns.length).toBeLessThanOrEqual(6);
    await page.close();
  });
});

describe('Claude adapter', () => {
  it('reads turns with fallback ids, TeX from annotations, code fenced, artifacts and actions left out', async () => {
    const { page, reading } = await read('claude', 'conversation.html');
    expect(reading.conversationId).toBe('3f2a9c10-5b7e-4d21-9a0c-8e1f2d3c4b01');
    expect(reading.turns.map((t) => [t.role, t.idSource, t.done])).toEqual([
      ['user', 'fallback', undefined],
      ['assistant', 'fallback', true],
    ]);
    for (const t of reading.turns) expect(t.id).toMatch(/^fb-[0-9a-z]+$/);
    expect(reading.turns[0]!.text).toBe('Explain compound growth with fees, with a formula.');
    expect(reading.turns[1]!.text).toBe(
      [
        'A balance grows each year by the return minus the fee:',
        '$$B_n = B_0 (1 + r - f)^n$$',
        '- Here $r$ is the yearly return.\n- And $f$ is the fee.',
        '```javascript\nconst grow = (b, r, f, n) => b * (1 + r - f) ** n;\n```',
        'Over 30 years a 0.6% fee gap can cost a noticeable share of the final balance.',
      ].join('\n\n'),
    );
    await page.close();
  });

  it('data-is-streaming="true" is not done; "false" is', async () => {
    const { page, reading } = await read('claude', 'streaming.html', '?ms=40');
    expect(reading.turns.find((t) => t.role === 'assistant')!.done).toBe(false);
    await page.waitForFunction(() => document.documentElement.dataset.fixtureDone === 'true');
    const after = (await readWithAdapter(page)).turns.find((t) => t.role === 'assistant')!;
    expect(after.done).toBe(true);
    expect(after.text.split('\n\n')).toHaveLength(4);
    expect(after.text).not.toMatch(/Copy/);
    await page.close();
  });
});

describe('Gemini adapter', () => {
  it('reads r_ ids, the mode label, data-math TeX, code and tables; thinking left out', async () => {
    const { page, reading } = await read('gemini', 'conversation.html');
    expect(reading.conversationId).toBe('8c1f2e3d4a5b6c70');
    expect(reading.turns.map((t) => [t.role, t.id.startsWith('fb-') ? 'fallback' : t.id, t.model ?? null, t.done])).toEqual([
      ['user', 'fallback', null, undefined],
      ['assistant', 'r_51ab7c9d0e2f3a41', '2.5 Flash', true],
    ]);
    expect(reading.turns[0]!.text).toBe('What is the area of a circle, and how do I compute it in code?');
    expect(reading.turns[1]!.text).toBe(
      [
        'The area of a circle with radius $r$ is:',
        '$$A = \\pi r^2$$',
        '- Measure the radius.\n- Square it and multiply by π.',
        '```\nimport math\narea = math.pi * r ** 2\n```',
        '| r | A |\n| --- | --- |\n| 1 | 3.14 |\n| 2 | 12.57 |',
      ].join('\n\n'),
    );
    await page.close();
  });

  it('aria-busy="true" is not done; "false" is', async () => {
    const { page, reading } = await read('gemini', 'streaming.html', '?ms=40');
    expect(reading.turns.find((t) => t.role === 'assistant')!.done).toBe(false);
    await page.waitForFunction(() => document.documentElement.dataset.fixtureDone === 'true');
    const after = (await readWithAdapter(page)).turns.find((t) => t.role === 'assistant')!;
    expect(after).toMatchObject({ done: true, id: 'r_9f00aa11bb22cc33', model: '2.5 Pro' });
    await page.close();
  });
});

describe('Le Chat adapter', () => {
  it('reads message ids with their version, the answer part only, TeX and code', async () => {
    const { page, reading } = await read('lechat', 'conversation.html');
    expect(reading.conversationId).toBe('0b5e7c2a-4f31-4a8d-9e66-1c2d3e4f5a01');
    expect(reading.turns.map((t) => [t.role, t.id, t.done])).toEqual([
      ['user', '5a0e0001-1111-4a2b-8c3d-000000000001', undefined],
      ['assistant', '5a0e0002-1111-4a2b-8c3d-000000000002', undefined],
      ['user', '5a0e0003-1111-4a2b-8c3d-000000000003', undefined],
      ['assistant', '5a0e0004-1111-4a2b-8c3d-000000000004~v2', undefined],
    ]);
    expect(reading.turns[1]!.text).toBe(
      '1. Fees compound: $C = B(1 - (1-f)^n)$.\n2. Two funds on the same index can differ tenfold in cost.\n\n```bash\ngrep -i "expense ratio" prospectus.txt\n```',
    );
    expect(reading.turns[1]!.text).not.toMatch(/They want/);
    await page.close();
  });
});
