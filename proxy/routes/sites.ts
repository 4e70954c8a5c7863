// GET /v1/sites → { disabled: [{ id, reason }] }, schema in shared/api/sites.ts: site adapters switched
// off without a release.
// When a chat site changes and an adapter starts reading the wrong thing, whoever runs the proxy
// lists it here; every paired extension stops capturing on that site at its next check.
//
// Sources, merged (env first): UNSPUN_DISABLED_SITES — a JSON array like the file, or
// "id[:reason],id[:reason]" — and <configDir>/disabled-sites.json — `[{"id", "reason"}]` or
// `{"disabled": [...]}`. Read on every request (the file is tiny), so an edit applies at once.
// A bad file is reported in `problems` and otherwise ignored: it must not take the proxy down.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'hono';
import { z } from 'zod';
import { DisabledSite, type SitesResponse } from '#shared/api/sites';

export const DISABLED_SITES_FILE = 'disabled-sites.json';

const FileShape = z.union([z.array(DisabledSite), z.object({ disabled: z.array(DisabledSite) }).transform((o) => o.disabled)]);

export interface DisabledSitesList {
  disabled: DisabledSite[];
  problems: string[];
}

export function parseDisabledSitesEnv(value: string | undefined): DisabledSitesList {
  const raw = value?.trim();
  if (!raw) return { disabled: [], problems: [] };
  if (raw.startsWith('[') || raw.startsWith('{')) {
    try {
      const parsed = FileShape.safeParse(JSON.parse(raw));
      if (parsed.success) return { disabled: parsed.data, problems: [] };
      return { disabled: [], problems: ['UNSPUN_DISABLED_SITES is not a list of {id, reason}'] };
    } catch {
      return { disabled: [], problems: ['UNSPUN_DISABLED_SITES is not valid JSON'] };
    }
  }
  const disabled: DisabledSite[] = [];
  const problems: string[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf(':');
    const parsed = DisabledSite.safeParse(at < 0 ? { id: part } : { id: part.slice(0, at).trim(), reason: part.slice(at + 1).trim() });
    if (parsed.success) disabled.push(parsed.data);
    else problems.push(`UNSPUN_DISABLED_SITES: "${part.slice(0, 80)}" is not a site id`);
  }
  return { disabled, problems };
}

export async function readDisabledSitesFile(configDir: string): Promise<DisabledSitesList> {
  let text: string;
  try {
    text = await readFile(join(configDir, DISABLED_SITES_FILE), 'utf8');
  } catch {
    return { disabled: [], problems: [] }; // no file: nothing disabled
  }
  try {
    const parsed = FileShape.safeParse(JSON.parse(text));
    if (parsed.success) return { disabled: parsed.data, problems: [] };
  } catch {
    // fall through
  }
  return { disabled: [], problems: [`${DISABLED_SITES_FILE} is not a list of {id, reason}: ignored`] };
}

export interface DisabledSitesOptions {
  configDir?: string | undefined;
  env?: Record<string, string | undefined>;
}

/** Env entries win over the file's for the same id. */
export async function loadDisabledSites({ configDir, env = process.env }: DisabledSitesOptions): Promise<DisabledSitesList> {
  const fromEnv = parseDisabledSitesEnv(env.UNSPUN_DISABLED_SITES);
  const fromFile = configDir ? await readDisabledSitesFile(configDir) : { disabled: [], problems: [] };
  const seen = new Set(fromEnv.disabled.map((d) => d.id));
  return {
    disabled: [...fromEnv.disabled, ...fromFile.disabled.filter((d) => !seen.has(d.id))],
    problems: [...fromEnv.problems, ...fromFile.problems],
  };
}

/** The handler; `load` is injected so tests need no files. */
export function sitesHandler(load: () => Promise<DisabledSitesList>) {
  return async (c: Context) => {
    const { disabled, problems } = await load();
    const body: SitesResponse = { disabled, ...(problems.length ? { problems } : {}) };
    return c.json(body);
  };
}
