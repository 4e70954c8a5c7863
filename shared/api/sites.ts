// GET /v1/sites → {disabled: [{id, reason}], problems?}: site adapters the proxy's operator switched
// off without a release. The proxy reads the list from UNSPUN_DISABLED_SITES and
// <configDir>/disabled-sites.json with DisabledSite; the extension parses the answer with the same
// schema, so an id one side takes is an id the other takes.
import { z } from 'zod';

/** A site id as the extension's registry spells them (extension/sites/types.ts SITE_IDS). */
export const SiteIdText = z.string().regex(/^[a-z0-9-]{1,64}$/, 'a site id is 1-64 lowercase letters, digits or dashes');

export const DisabledSite = z.object({
  id: SiteIdText,
  reason: z.string().max(500).default(''),
});
export type DisabledSite = z.infer<typeof DisabledSite>;

export const SitesResponse = z.object({
  disabled: z.array(DisabledSite),
  /** Why part of the operator's list was ignored (a bad file or env value); the rest still applies. */
  problems: z.array(z.string()).optional(),
});
export type SitesResponse = z.infer<typeof SitesResponse>;
