// User settings in browser.storage.local: which proxy, its token, the on/off switch, and
// offline-only mode (the proxy is asked for its offline detector, never the judge model).
import { z } from 'zod';
import { browser } from 'wxt/browser';

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

const KEYS = ['proxyUrl', 'token', 'enabled', 'offlineOnly', 'pairedAt'] as const;

export async function loadSettings(): Promise<Settings> {
  const stored = await browser.storage.local.get([...KEYS]);
  return Settings.parse({
    proxyUrl: stored.proxyUrl ?? DEFAULT_PROXY_URL,
    token: stored.token ?? '',
    enabled: stored.enabled ?? true,
    offlineOnly: stored.offlineOnly ?? false,
    ...(typeof stored.pairedAt === 'number' ? { pairedAt: stored.pairedAt } : {}),
  });
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
