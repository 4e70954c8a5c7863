// Page variants nobody wrote the adapters against (issue 10, item 9), in the built extension in
// real Chromium, served at the sites' real URLs: every fixture with an `#unspun-expect` block
// (answer split over sibling blocks with the sources between, the query heading after its answer,
// identical replies to different questions, fallback selectors, streaming then finished).
// For each: every reply stored exactly once, with its own user turn and the turns before it
// (never itself); highlights drawn, and every highlight range inside a reply region
// (`[data-fixture-reply]`); then a re-render that replaces the thread's nodes sends nothing again
// and the highlights come back on the new nodes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../proxy/app.ts';
import { loadConfig } from '../../proxy/config.ts';
import { startServer, type RunningServer } from '../../proxy/server.ts';
import type { MessageRecord } from '../../shared/records.ts';
import { conversationOf, listFixtures, routeFixture, type Fixture } from '../helpers/site-fixtures.ts';
import { launchExtension, RESULTS, storageSet, conversationMessages, storedScore, until as untilWithin, type LaunchedExtension } from './harness.ts';

interface ExpectedReply {
  textStart: string;
  textIncludes?: string[];
  textExcludes?: string[];
  userTurn: string;
  previous: number;
  model?: string;
}

const expectations = (f: Fixture): ExpectedReply[] | null => {
  const m = /<script type="application\/json" id="unspun-expect">([^]*?)<\/script>/.exec(f.html);
  return m ? (JSON.parse(m[1]!) as { replies: ExpectedReply[] }).replies : null;
};

const VARIANTS = listFixtures()
  .filter((f) => f.url && !f.broken && expectations(f))
  .map((f) => ({ name: `${f.site}/${f.file}`, fixture: f, replies: expectations(f)! }));

let configDir: string;
let browser: LaunchedExtension;
let server: RunningServer;
let context: BrowserContext;
let sw: Worker;

const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000) => untilWithin(what, probe, timeoutMs);

const messages = (site: string, conversationId: string) => conversationMessages(sw, site, conversationId);
const scoreOf = (key: string) => storedScore(sw, key);

/** Every unspun highlight range on the page: its text, whether it is live, and which reply region holds it (-1: none). */
function ranges(page: Page) {
  return page.evaluate(() => {
    const regions = Array.from(document.querySelectorAll('[data-fixture-reply]'));
    const out: { text: string; connected: boolean; region: number }[] = [];
    for (const [name, highlight] of CSS.highlights) {
      if (!name.startsWith('unspun-') || name === 'unspun-active') continue;
      for (const r of highlight as unknown as Iterable<Range>) {
        const inside = (node: Node) => regions.findIndex((el) => el.contains(node));
        const start = inside(r.startContainer);
        out.push({
          text: r.toString(),
          connected: r.startContainer.isConnected && r.endContainer.isConnected,
          region: start === inside(r.endContainer) ? start : -1,
        });
      }
    }
    return { regions: regions.length, ranges: out };
  });
}

/** Badges of scored replies that sit in the page now, by message id. */
const scoredBadges = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('unspun-badge[data-state="scored"]'))
      .filter((b) => b.isConnected)
      .map((b) => (b as HTMLElement).dataset.messageId ?? ''),
  );

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'unspun-variants-config-'));
  const config = loadConfig({ UNSPUN_PORT: '0', UNSPUN_HOST: '127.0.0.1', UNSPUN_CONFIG_DIR: configDir, UNSPUN_JUDGE: 'offline' }, []);
  server = await startServer({ config, logger: silentLogger });
  browser = await launchExtension();
  ({ context, sw } = browser);
  await context.route(/^https:\/\//, (route) => route.abort());
  await storageSet(sw, { proxyUrl: server.url, token: server.token });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('page variants in Chromium', () => {
  it('there are variant fixtures for the sites that broke, and more', () => {
    const sites = new Set(VARIANTS.map((v) => v.fixture.site));
    for (const site of ['perplexity', 'lechat']) expect(sites.has(site), site).toBe(true);
  });

  it.each(VARIANTS)('$name: each reply once, in context, highlighted inside itself; a re-render sends nothing again', async ({ fixture, replies }) => {
    const site = fixture.site;
    const conv = conversationOf(fixture);
    const page = await context.newPage();
    await routeFixture(page, fixture);
    await page.goto(`${fixture.url}?ms=10`);

    // Captured, scored and drawn: one scored badge per expected reply.
    await until(`${replies.length} scored badges`, async () => ((await scoredBadges(page)).length >= replies.length ? true : undefined));
    const stored = await messages(site, conv);
    expect(
      stored.map((m) => m.text.slice(0, 40)),
      'each reply stored exactly once',
    ).toHaveLength(replies.length);

    const ordered: MessageRecord[] = [];
    for (const want of replies) {
      const found = stored.filter((m) => m.text.startsWith(want.textStart) && m.userTurn === want.userTurn);
      expect(found, `one stored reply for "${want.textStart}" answering "${want.userTurn}"`).toHaveLength(1);
      const m = found[0]!;
      for (const part of want.textIncludes ?? []) expect(m.text).toContain(part);
      for (const part of want.textExcludes ?? []) expect(m.text).not.toContain(part);
      if (want.model) expect(m.model).toBe(want.model);
      ordered.push(m);
    }
    // Previous turns: exactly the exchanges above it, in order; never the reply itself.
    ordered.forEach((m, i) => {
      const expected = ordered.slice(0, i).flatMap((p) => [
        { role: 'user', text: p.userTurn },
        { role: 'assistant', text: p.text },
      ]);
      expect(m.previous, `previous turns of reply ${i}`).toEqual(expected);
      expect(m.previous).toHaveLength(replies[i]!.previous);
    });
    expect(new Set(stored.map((m) => m.messageId)).size).toBe(stored.length);

    // Highlights: drawn, live, and every range inside a reply region; each reply with flags has some.
    const flagged = await Promise.all(ordered.map(async (m) => (await until('score', () => scoreOf(m.key))).flags.length > 0));
    await until('highlights drawn', async () => ((await ranges(page)).ranges.length > 0 ? true : undefined));
    const drawn = await ranges(page);
    expect(
      drawn.ranges.filter((r) => r.region < 0),
      'highlight ranges outside every reply',
    ).toEqual([]);
    for (const r of drawn.ranges) expect(r.connected).toBe(true);
    const regionsWithRanges = new Set(drawn.ranges.map((r) => r.region));
    expect(regionsWithRanges.size, 'replies with highlights').toBe(flagged.filter(Boolean).length);
    for (const want of replies) {
      for (const part of want.textIncludes ?? []) {
        // The flagged sentence in a later block (the part a one-container reader missed) is drawn.
        if (drawn.ranges.some((r) => part.includes(r.text.trim()) && r.text.trim().length > 3)) continue;
        const score = await scoreOf(ordered[replies.indexOf(want)]!.key);
        expect(
          score!.flags.some((f) => part.includes(f.quote)),
          `no flag in "${part}", nothing to draw`,
        ).toBe(false);
      }
    }
    await page.screenshot({ path: join(RESULTS, `variants-${site}-${fixture.file.replace(/\.html$/, '')}.png`) });

    // A re-render that replaces every node of the thread (our own elements are the site's to lose).
    const before = (await scoredBadges(page)).sort();
    await page.evaluate(() => {
      const root = document.querySelector('main') ?? document.body;
      const copy = root.cloneNode(true) as Element;
      copy.querySelectorAll('[data-unspun]').forEach((n) => n.remove());
      root.replaceChildren(...Array.from(copy.childNodes));
    });
    // The badges come back on the new nodes only when the reply keeps its id (a new id = a new badge).
    await until('badges back on the re-rendered replies', async () => {
      const now = (await scoredBadges(page)).sort();
      return now.length === before.length && now.every((id, i) => id === before[i]) ? true : undefined;
    });
    await until('highlights redrawn on the new nodes', async () => {
      const r = await ranges(page);
      return r.ranges.length > 0 && r.ranges.every((x) => x.connected && x.region >= 0) ? true : undefined;
    });
    expect(await messages(site, conv), 'nothing sent again after the re-render').toHaveLength(replies.length);
    await page.close();
  });
});
