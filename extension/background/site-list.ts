// The proxy's list of adapters switched off remotely (GET /v1/sites → {disabled: [{id, reason}]}),
// kept in storage.local so every content script sees it. A proxy that is down, unpaired or too old
// to have the route leaves the last known list in place: an outage never re-enables a broken site.
import { z } from 'zod';
import { createProxyClient } from '../scoring/proxy-client.ts';
import { DisabledSite } from '../sites/site-settings.ts';

export const SitesResponse = z.object({ disabled: z.array(DisabledSite) });

export interface SiteListDeps {
  proxyUrl: string;
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** The disabled list, or null when it could not be read (keep the old one). */
export async function fetchDisabledSites({ proxyUrl, token, fetch: f = fetch, timeoutMs = 5_000 }: SiteListDeps): Promise<DisabledSite[] | null> {
  if (!token) return null;
  try {
    const parsed = SitesResponse.safeParse(await createProxyClient({ proxyUrl, token, fetch: f, timeoutMs }).call('/v1/sites'));
    return parsed.success ? parsed.data.disabled : null;
  } catch {
    return null;
  }
}
