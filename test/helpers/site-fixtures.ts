// Site fixtures (test/fixtures/sites/<id>/*.html) and a way to run the real adapters against them
// in Chromium: there is no DOM implementation in Node here, and a real browser parses the HTML the
// way the sites' own users' browsers do.
//
// Fixture conventions (see test/fixtures/sites/README.md):
// - `<meta name="unspun-url" content="https://…">`: the real URL the fixture is served at;
// - `broken-*.html`: a drift case (the adapter must turn unhealthy), left out of the selector check;
// - streaming fixtures fill `[data-fixture-stream]` word by word, then set <html data-fixture-done>.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';

export const FIXTURES_DIR = resolve('test/fixtures/sites');

export interface Fixture {
  site: string;
  file: string;
  path: string;
  url: string | null;
  broken: boolean;
  html: string;
}

/** The conversation id in a fixture's URL (its last path segment). */
export function conversationOf(f: Fixture): string {
  const path = new URL(f.url!).pathname.replace(/\/$/, '');
  return path.slice(path.lastIndexOf('/') + 1);
}

export function fixtureUrl(html: string): string | null {
  return /<meta\s+name="unspun-url"\s+content="([^"]+)"/.exec(html)?.[1] ?? null;
}

export function listFixtures(site?: string): Fixture[] {
  if (!existsSync(FIXTURES_DIR)) return [];
  const sites = site
    ? [site]
    : readdirSync(FIXTURES_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
  return sites.flatMap((s) => {
    const dir = join(FIXTURES_DIR, s);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.html'))
      .sort()
      .map((file) => {
        const path = join(dir, file);
        const html = readFileSync(path, 'utf8');
        return { site: s, file, path, url: fixtureUrl(html), broken: file.startsWith('broken-'), html };
      });
  });
}

let bundle: string | null = null;

/** The adapters and their helpers as one script for a page: `window.__unspunSites`. */
export function adapterBundle(): string {
  if (bundle) return bundle;
  const result = buildSync({
    stdin: {
      contents: `
        import { SITES } from './extension/sites/index.ts';
        import { adapterForUrl } from './extension/sites/match.ts';
        import { queryFirst } from './extension/sites/query.ts';
        import { settleTurns } from './extension/sites/turns.ts';
        window.__unspunSites = { SITES, adapterForUrl, queryFirst, settleTurns };
      `,
      resolveDir: resolve('.'),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
  return bundle;
}

/** A URL an adapter's first match pattern accepts, for fixtures that declare none. */
export function urlFromPattern(pattern: string): string {
  return pattern.replace(/^\*:/, 'https:').replace('://*.', '://www.').replace(/\*/g, 'unspun-fixture');
}

const STREAM_DRIVER = readFileSync(join(FIXTURES_DIR, 'stream-driver.js'), 'utf8');

/** A streaming fixture gets the one shared driver that fills `[data-fixture-stream]` word by word. */
export function withStreamDriver(html: string): string {
  if (!html.includes('data-fixture-stream=')) return html;
  return html.replace(/<\/body>/i, () => `<script>\n${STREAM_DRIVER}</script>\n</body>`);
}

/** Serves a fixture's HTML at its real URL in this context (that URL with any query string). */
export async function routeFixture(context: BrowserContext | Page, fixture: Fixture, html = fixture.html, fallbackUrl?: string): Promise<string> {
  const base = fixture.url ?? fallbackUrl;
  if (!base) throw new Error(`${fixture.site}/${fixture.file} has no <meta name="unspun-url">`);
  const body = withStreamDriver(html);
  await context.route(
    (url) => url.href.split('?')[0] === base.split('?')[0],
    (route) => route.fulfill({ status: 200, contentType: 'text/html', body }),
  );
  return base;
}

export interface ReadTurn {
  role: string;
  id: string;
  idSource?: string;
  model?: string;
  text: string;
  done: boolean | undefined;
}

export interface FixtureReading {
  site: string | null;
  conversationId: string | null;
  /** Required selector lists: which of their selectors match anything in the page. */
  matched: Record<string, string[]>;
  turns: ReadTurn[];
}

/** Runs the adapter for this page's URL against the page as it is now, settled as the capture core settles it. */
export async function readWithAdapter(page: Page): Promise<FixtureReading> {
  if (!(await page.evaluate(() => '__unspunSites' in window))) await page.addScriptTag({ content: adapterBundle() });
  return page.evaluate(() => {
    const { SITES, adapterForUrl, queryFirst, settleTurns } = (window as unknown as { __unspunSites: any }).__unspunSites;
    const adapter = adapterForUrl(Object.values(SITES), location.href);
    if (!adapter) return { site: null, conversationId: null, matched: {}, turns: [] };
    const matched: Record<string, string[]> = {};
    for (const key of ['thread', 'turn', 'body']) matched[key] = adapter.selectors[key].filter((s: string) => document.querySelector(s) !== null);
    const thread = queryFirst(document, adapter.selectors.thread);
    const turns = thread
      ? settleTurns(adapter.parse(thread)).map((t: any) => ({
          role: t.role,
          id: t.id,
          ...(t.idSource ? { idSource: t.idSource } : {}),
          ...(t.model ? { model: t.model } : {}),
          text: t.text,
          done: adapter.isDone(t.element),
        }))
      : [];
    return { site: adapter.id, conversationId: adapter.conversationId(new URL(location.href), document), matched, turns };
  });
}
