// Per-site state in browser.storage.local, apart from the general settings:
// - `siteSwitches`: the reader's on/off per site (options page); a site not listed is on;
// - `disabledSites`: the proxy's list of adapters switched off remotely (GET /v1/sites), so a
//   broken adapter can be stopped without a new release;
// - `siteHealth`: the last health report of each site's content script (drift detection).
import { z } from 'zod';
import { browser } from 'wxt/browser';
// An entry is the proxy's own schema (shared/api/sites.ts): what is stored is what GET /v1/sites gave.
import { DisabledSite } from '#shared/api/sites';

export const HEALTH_STATES = ['healthy', 'unhealthy', 'unknown'] as const;
export const SiteHealth = z.object({
  state: z.enum(HEALTH_STATES),
  /** Why (for unhealthy): which check failed, in words a reader can act on. */
  reason: z.string().max(500).optional(),
  /** Machine-readable check id: 'thread-missing' | 'turns-missing' | 'body-missing' | 'empty-reply' | 'chrome-captured'. */
  check: z.string().max(64).optional(),
  at: z.number(),
});
export type SiteHealth = z.infer<typeof SiteHealth>;

export const SiteState = z.object({
  siteSwitches: z.record(z.string(), z.boolean()).catch({}),
  disabledSites: z.array(DisabledSite).catch([]),
  siteHealth: z.record(z.string(), SiteHealth).catch({}),
});
export type SiteState = z.infer<typeof SiteState>;

export const SITE_STATE_KEYS = ['siteSwitches', 'disabledSites', 'siteHealth'] as const;

export async function loadSiteState(): Promise<SiteState> {
  const stored = await browser.storage.local.get([...SITE_STATE_KEYS]);
  return SiteState.parse({ siteSwitches: stored.siteSwitches ?? {}, disabledSites: stored.disabledSites ?? [], siteHealth: stored.siteHealth ?? {} });
}

/** Why a site does not capture right now, or null when it does. */
export function siteOffReason(state: Pick<SiteState, 'siteSwitches' | 'disabledSites'>, site: string): string | null {
  if (state.siteSwitches[site] === false) return 'Switched off in Unspun’s options.';
  const remote = state.disabledSites.find((d) => d.id === site);
  if (remote) return `Switched off by the proxy${remote.reason ? `: ${remote.reason}` : '.'}`;
  return null;
}

export async function setSiteSwitch(site: string, on: boolean): Promise<void> {
  const { siteSwitches } = await loadSiteState();
  await browser.storage.local.set({ siteSwitches: { ...siteSwitches, [site]: on } });
}
