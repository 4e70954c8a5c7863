// The user settings (extension/settings.ts) as WXT storage items, against WXT's fake browser
// (wxt/testing). What matters: an install that stored its settings before they were storage items
// reads exactly what it stored; a malformed value reads as its default; a pairing is one change.
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

// WXT's `browser` is taken from globalThis when @wxt-dev/browser loads (it is not transformed, so
// vi.mock cannot reach it): put the fake browser there first, then load the modules.
(globalThis as { chrome?: unknown }).chrome = fakeBrowser;
const { storage } = await import('wxt/utils/storage');
const { DEFAULT_PROXY_URL, changedSettings, loadSettings, saveSettings, settingsItems } = await import('../../extension/settings.ts');

beforeEach(() => fakeBrowser.reset());

describe('settings', () => {
  it('a fresh install reads the defaults', async () => {
    expect(await loadSettings()).toEqual({ proxyUrl: DEFAULT_PROXY_URL, token: '', enabled: true, offlineOnly: false });
  });

  it('an install from before the storage items keeps every setting it stored (today’s keys are version 1)', async () => {
    // Exactly what the previous settings.ts wrote: one key per setting, no version metadata.
    await fakeBrowser.storage.local.set({
      proxyUrl: 'http://localhost:9000',
      token: 'tok-123',
      enabled: false,
      offlineOnly: true,
      pairedAt: 1_765_000_000_000,
    });
    expect(await loadSettings()).toEqual({
      proxyUrl: 'http://localhost:9000',
      token: 'tok-123',
      enabled: false,
      offlineOnly: true,
      pairedAt: 1_765_000_000_000,
    });
    expect(await settingsItems().token.getValue()).toBe('tok-123');
    expect(await settingsItems().token.getMeta()).toEqual({});
    // Older still: no pairedAt, no offlineOnly.
    await fakeBrowser.storage.local.remove(['pairedAt', 'offlineOnly']);
    expect(await loadSettings()).toEqual({ proxyUrl: 'http://localhost:9000', token: 'tok-123', enabled: false, offlineOnly: false });
  });

  it('a malformed stored value reads as its default, and the others still read', async () => {
    await fakeBrowser.storage.local.set({ proxyUrl: 'not a url', token: 42, enabled: 'yes', offlineOnly: 'no', pairedAt: 'yesterday' });
    expect(await loadSettings()).toEqual({ proxyUrl: DEFAULT_PROXY_URL, token: '', enabled: true });
    await fakeBrowser.storage.local.set({ token: 'ok' });
    expect((await loadSettings()).token).toBe('ok');
  });

  it('saves under today’s keys, so the background, the capture loop and older builds read them', async () => {
    await saveSettings({ enabled: false, offlineOnly: true });
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ enabled: false, offlineOnly: true });
    await saveSettings({ offlineOnly: undefined });
    expect((await loadSettings()).offlineOnly).toBe(true);
  });

  it('a pairing (URL, token, time) reaches listeners as one change', async () => {
    const events: string[][] = [];
    fakeBrowser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local') events.push([...changedSettings(changes)].sort());
    });
    await saveSettings({ proxyUrl: 'http://127.0.0.1:8788', token: 't', pairedAt: 5 });
    expect(events).toEqual([['pairedAt', 'proxyUrl', 'token']]);
    expect(changedSettings({ reading: {}, siteSwitches: {} }).size).toBe(0);
  });

  it('a later version of a setting migrates what an older install stored', async () => {
    await fakeBrowser.storage.local.set({ proxyUrl: 'http://localhost:9000' });
    // How the next change of shape would go: same key, version 2, a migration from version 1.
    const next = storage.defineItem<{ url: string }>('local:proxyUrl', { version: 2, migrations: { 2: (old: string) => ({ url: old }) } });
    expect(await next.getValue()).toEqual({ url: 'http://localhost:9000' });
    expect(await next.getMeta()).toEqual({ v: 2 });
  });
});
