import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, silentLogger } from '../../proxy/app.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { loadDisabledSites, parseDisabledSitesEnv } from '../../proxy/routes/sites.ts';

const TOKEN = 'test-token-0123456789abcdef';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'unspun-sites-'));
  dirs.push(d);
  return d;
};

function app(configDir?: string) {
  return createApp({
    config: { token: TOKEN, port: 8787, ...(configDir ? { configDir } : {}) },
    judges: { offline: createOfflineJudge() },
    logger: silentLogger,
  });
}
const get = (a: ReturnType<typeof app>, auth = true) =>
  a.request('http://127.0.0.1:8787/v1/sites', { headers: auth ? { Authorization: `Bearer ${TOKEN}` } : {} });

describe('GET /v1/sites', () => {
  it('needs the token', async () => {
    expect((await get(app(), false)).status).toBe(401);
  });

  it('lists nothing when there is no file', async () => {
    const res = await get(app(tempDir()));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ disabled: [] });
  });

  it('reads <configDir>/disabled-sites.json on every request', async () => {
    const dir = tempDir();
    const a = app(dir);
    writeFileSync(join(dir, 'disabled-sites.json'), JSON.stringify([{ id: 'claude', reason: 'Selectors broke in the 2026-11 redesign' }]));
    expect(await (await get(a)).json()).toEqual({ disabled: [{ id: 'claude', reason: 'Selectors broke in the 2026-11 redesign' }] });
    writeFileSync(join(dir, 'disabled-sites.json'), JSON.stringify({ disabled: [{ id: 'gemini' }] }));
    expect(await (await get(a)).json()).toEqual({ disabled: [{ id: 'gemini', reason: '' }] });
  });

  it('a bad file is reported and ignored, not a 500', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'disabled-sites.json'), '{ not json');
    const res = await get(app(dir));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { disabled: unknown[]; problems: string[] };
    expect(body.disabled).toEqual([]);
    expect(body.problems[0]).toMatch(/disabled-sites\.json/);
  });
});

describe('UNSPUN_DISABLED_SITES', () => {
  it.each([
    ['', []],
    ['claude', [{ id: 'claude', reason: '' }]],
    [
      'claude: broken since Tuesday, gemini',
      [
        { id: 'claude', reason: 'broken since Tuesday' },
        { id: 'gemini', reason: '' },
      ],
    ],
    ['[{"id":"poe","reason":"stale"}]', [{ id: 'poe', reason: 'stale' }]],
  ] as const)('%j', (value, disabled) => {
    expect(parseDisabledSitesEnv(value)).toEqual({ disabled, problems: [] });
  });

  it.each(['Not A Site', '[{"name":"x"}]', '{oops'])('%j is a problem, not a crash', (value) => {
    expect(parseDisabledSitesEnv(value).problems).toHaveLength(1);
  });

  it('env entries win over the file for the same site', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'disabled-sites.json'),
      JSON.stringify([
        { id: 'claude', reason: 'from file' },
        { id: 'poe', reason: 'file' },
      ]),
    );
    const list = await loadDisabledSites({ configDir: dir, env: { UNSPUN_DISABLED_SITES: 'claude:from env' } });
    expect(list.disabled).toEqual([
      { id: 'claude', reason: 'from env' },
      { id: 'poe', reason: 'file' },
    ]);
  });
});
