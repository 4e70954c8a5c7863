// The proxy's list of adapters switched off remotely (GET /v1/sites → {disabled: [{id, reason}]},
// shared/api/sites.ts), kept in storage.local so every content script sees it. A proxy that is down,
// unpaired, too old to have the route or answering something else leaves the last known list in
// place: an outage never re-enables a broken site.
import { type DisabledSite, SitesResponse } from '#shared/api/sites';
import { createProxyClient } from '../scoring/proxy-client.ts';

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
    return (await createProxyClient({ proxyUrl, token, fetch: f, timeoutMs }).call('/v1/sites', SitesResponse)).disabled;
  } catch {
    return null;
  }
}
