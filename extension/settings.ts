// User settings in browser.storage.local: which proxy, its token, the on/off switch, offline-only
// mode (the proxy is asked for its offline detector, never the judge model), and when the pairing
// was proved. Each one is a WXT storage item (`storage.defineItem`) with a fallback and a version.
//
// Version 1 is the shape every install has today: one key per setting (`proxyUrl`, `token`,
// `enabled`, `offlineOnly`, `pairedAt`), the keys the background's change listener, the capture
// loop and the e2e harnesses use. WXT reads a value stored without version metadata as v1, so no
// data moves and existing users keep their settings. A later change of shape bumps an item's
// `version` and adds a `migrations` entry that turns the old value into the new one.
import { z } from 'zod';
import { storage } from 'wxt/utils/storage';

export const DEFAULT_PROXY_URL = 'http://127.0.0.1:8787';

export const Settings = z.object({
  proxyUrl: z.string().url().catch(DEFAULT_PROXY_URL),
  token: z.string().catch(''),
  enabled: z.boolean().catch(true),
  /** Optional so a caller may leave it out; loadSettings always fills it. */
  offlineOnly: z.boolean().optional().catch(undefined),
  /** When the proxy proved it holds the token (epoch ms); absent for older installs. */
  pairedAt: z.number().optional().catch(undefined),
});
export type Settings = z.infer<typeof Settings>;

function defineSettingsItems() {
  return {
    proxyUrl: storage.defineItem<string>('local:proxyUrl', { fallback: DEFAULT_PROXY_URL, version: 1 }),
    token: storage.defineItem<string>('local:token', { fallback: '', version: 1 }),
    enabled: storage.defineItem<boolean>('local:enabled', { fallback: true, version: 1 }),
    offlineOnly: storage.defineItem<boolean>('local:offlineOnly', { fallback: false, version: 1 }),
    pairedAt: storage.defineItem<number>('local:pairedAt', { version: 1 }),
  } as const;
}
type SettingsItems = ReturnType<typeof defineSettingsItems>;
type SettingName = keyof SettingsItems;
const NAMES: readonly SettingName[] = ['proxyUrl', 'token', 'enabled', 'offlineOnly', 'pairedAt'];

let items: SettingsItems | undefined;
/**
 * The storage items, one per setting, at the keys installs have today. Defined on first use: a
 * defined item reads storage at once, which a module that only needs `isLocalProxyUrl` must not do.
 */
export function settingsItems(): SettingsItems {
  items ??= defineSettingsItems();
  return items;
}

/**
 * Every setting, read in one storage call. A stored value of the wrong type (hand-edited, or
 * written by a broken build) reads as its default rather than breaking the extension.
 */
export async function loadSettings(): Promise<Settings> {
  const all = settingsItems();
  const [proxyUrl, token, enabled, offlineOnly, pairedAt] = (await storage.getItems(NAMES.map((name) => all[name]))).map((r) => r.value as unknown);
  return Settings.parse({ proxyUrl, token, enabled, offlineOnly, ...(typeof pairedAt === 'number' ? { pairedAt } : {}) });
}

/**
 * Writes the given settings in one storage call, so a pairing (URL, token and time together)
 * reaches every listener as one change. A setting given as undefined is left as it is.
 */
export async function saveSettings(patch: Partial<Settings>): Promise<void> {
  const all = settingsItems();
  const writes = NAMES.filter((name) => patch[name] !== undefined).map((name) => ({ item: all[name], value: patch[name] }));
  if (writes.length) await storage.setItems(writes as Parameters<typeof storage.setItems>[0]);
}

/** Which settings a `storage.onChanged` event of the local area touched. */
export function changedSettings(changes: Record<string, unknown>): Set<SettingName> {
  return new Set(NAMES.filter((name) => name in changes));
}

/** Proxy URLs we accept: http(s) on the loopback interface only (the host permissions we hold). */
export function isLocalProxyUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
  } catch {
    return false;
  }
}
