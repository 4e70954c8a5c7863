// The plug-in point for chat sites, guarded: a site id without an adapter, a fixture or a test,
// an adapter file nobody registered, a fixture URL its adapter does not claim, or required selectors
// that match nothing in the site's own fixtures all fail here. (The same selector check runs in real
// Chromium in test/e2e/sites-parse.e2e.test.ts; linkedom here keeps the failure fast and local.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { SITES } from '../../extension/sites/index.ts';
import { adapterForUrl, parseMatchPattern } from '../../extension/sites/match.ts';
import { SITE_IDS } from '../../extension/sites/types.ts';
import { listFixtures } from '../helpers/site-fixtures.ts';

const root = (path: string) => new URL(`../../${path}`, import.meta.url);
const CHAT_SITES = SITE_IDS.filter((id) => id !== 'demo');
const REQUIRED = ['thread', 'turn', 'body'] as const;

describe('site registry', () => {
  it('ids are unique and every id has its adapter, under its own id', () => {
    expect(new Set(SITE_IDS).size).toBe(SITE_IDS.length);
    expect(Object.keys(SITES).sort()).toEqual([...SITE_IDS].sort());
    for (const id of SITE_IDS) expect(SITES[id].id).toBe(id);
  });

  it('every adapter file in extension/sites is registered (file name = site id)', () => {
    const files = readdirSync(root('extension/sites')).filter((f) => f.endsWith('.ts'));
    const adapters = files.filter((f) => /defineSiteAdapter\(\{/.test(readFileSync(root(`extension/sites/${f}`), 'utf8')));
    expect(adapters.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual([...SITE_IDS].sort());
  });

  it.each(SITE_IDS)('%s: valid match patterns, a name, and every required selector list non-empty', (id) => {
    const adapter = SITES[id];
    expect(adapter.name.length).toBeGreaterThan(0);
    expect(adapter.matches.length).toBeGreaterThan(0);
    for (const pattern of adapter.matches) expect(() => parseMatchPattern(pattern)).not.toThrow();
    for (const key of REQUIRED) expect(adapter.selectors[key]?.length, `${id}.selectors.${key}`).toBeGreaterThan(0);
  });

  it('no two adapters claim the same pages', () => {
    for (const a of Object.values(SITES)) {
      for (const pattern of a.matches) {
        const sample = pattern.replace('://*.', '://www.').replace(/\*/g, 'x');
        expect(adapterForUrl(Object.values(SITES), sample)?.id, `${pattern} is claimed first by another adapter`).toBe(a.id);
      }
    }
  });

  it('one content script serves every registered site, its matches taken from the registry', () => {
    const source = readFileSync(root('extension/entrypoints/sites.content.ts'), 'utf8');
    expect(source).toMatch(/matches:\s*\[\.\.\.new Set\(ADAPTERS\.flatMap\(\(a\) => a\.matches\)\)\]/);
    expect(source).toContain('adapterForUrl(');
    // No per-site content script that would inject a second capture loop: the others (pairing,
    // study join links) run only on this machine's own pages, never on a chat site.
    const others = readdirSync(root('extension/entrypoints')).filter((f) => f.endsWith('.content.ts') && f !== 'sites.content.ts');
    expect(others.sort()).toEqual(['pair.content.ts', 'study-join.content.ts']);
    for (const file of others) {
      const matches = [...readFileSync(root(`extension/entrypoints/${file}`), 'utf8').matchAll(/'(https?:\/\/[^']+)'/g)].map((m) => m[1]!);
      expect(matches.length, file).toBeGreaterThan(0);
      for (const pattern of matches) expect(pattern, file).toMatch(/^http:\/\/(127\.0\.0\.1|localhost)\//);
    }
  });
});

describe('site fixtures', () => {
  it.each(CHAT_SITES)('%s has an adapter file, a unit test and at least one working fixture', (id) => {
    expect(existsSync(root(`extension/sites/${id}.ts`)), `extension/sites/${id}.ts`).toBe(true);
    expect(existsSync(root(`test/unit/sites-${id}.test.ts`)), `test/unit/sites-${id}.test.ts`).toBe(true);
    expect(listFixtures(id).filter((f) => !f.broken).length, `test/fixtures/sites/${id}/*.html`).toBeGreaterThan(0);
  });

  it('the demo site is proved by the demo page the proxy serves', () => {
    expect(existsSync(root('proxy/pages/demo.html'))).toBe(true);
  });

  const fixtures = CHAT_SITES.flatMap((id) => listFixtures(id).map((f) => [`${id}/${f.file}`, f] as const));

  it.each(fixtures.filter(([, f]) => f.url))('%s: its URL is claimed by its own adapter and names a conversation', (_name, f) => {
    const adapter = adapterForUrl(Object.values(SITES), f.url!);
    expect(adapter?.id).toBe(f.site);
    const { document } = parseHTML(f.html) as unknown as { document: Document };
    expect(adapter!.conversationId(new URL(f.url!), document)).toBeTruthy();
  });

  // A scripted fixture builds its turns at run time: the Chromium test checks those.
  const isStatic = (html: string) => !/<meta\s+name="unspun-fixture"\s+content="scripted">/.test(html);
  it.each(fixtures.filter(([, f]) => !f.broken && isStatic(f.html)))('%s: every required selector list matches something', (_name, f) => {
    const adapter = SITES[f.site as keyof typeof SITES];
    const { document } = parseHTML(f.html) as unknown as { document: Document };
    for (const key of REQUIRED) {
      const matching = adapter.selectors[key].filter((s) => document.querySelector(s) !== null);
      expect(matching, `${f.site}.selectors.${key} match nothing in ${f.file}`).not.toEqual([]);
    }
  });
});
