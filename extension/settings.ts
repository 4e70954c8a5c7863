// User settings in browser.storage.local: which proxy, its token, and the on/off switch.
import { z } from 'zod';
import { browser } from 'wxt/browser';

export const DEFAULT_PROXY_URL = 'http://127.0.0.1:8787';

export const Settings = z.object({
  proxyUrl: z.string().url().catch(DEFAULT_PROXY_URL),
  token: z.string().catch(''),
  enabled: z.boolean().catch(true),
});
export type Settings = z.infer<typeof Settings>;

const KEYS = ['proxyUrl', 'token', 'enabled'] as const;

export async function loadSettings(): Promise<Settings> {
  const stored = await browser.storage.local.get([...KEYS]);
  return Settings.parse({ proxyUrl: stored.proxyUrl ?? DEFAULT_PROXY_URL, token: stored.token ?? '', enabled: stored.enabled ?? true });
}

export async function saveSettings(patch: Partial<Settings>): Promise<void> {
  await browser.storage.local.set(patch);
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
