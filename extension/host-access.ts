// Host access: the hosts the extension must be able to read (the chat sites, and the local proxy
// with its pairing and demo pages), and which of them the browser has not granted.
// Firefox treats MV3 host permissions as the user's to revoke (about:addons → Permissions, or the
// extensions panel), and an update that adds a site does not grant it (Firefox bug 1893232);
// Chrome's "Site access" can withhold them too. Without 127.0.0.1 the proxy looks unreachable (the
// background's fetch falls under CORS, which the proxy does not answer); without a chat site its
// content script never runs there. So the popup says what is missing and asks for it.

export interface ManifestHosts {
  host_permissions?: string[];
  content_scripts?: { matches?: string[] }[];
}

export interface PermissionsApi {
  contains(permissions: { origins: string[] }): Promise<boolean>;
}

const PATTERN = /^(\*|https?|wss?|file|ftp):\/\/([^/]*)\//;

/** One `scheme://host/*` pattern per host the manifest names (host permissions, then content scripts). */
export function neededOrigins(manifest: ManifestHosts): string[] {
  const patterns = [...(manifest.host_permissions ?? []), ...(manifest.content_scripts ?? []).flatMap((s) => s.matches ?? [])];
  const out: string[] = [];
  for (const pattern of patterns) {
    const match = PATTERN.exec(pattern);
    if (!match) continue;
    const origin = `${match[1]}://${match[2]}/*`;
    if (!out.includes(origin)) out.push(origin);
  }
  return out;
}

/** The needed origins the browser has not granted, in the same order. */
export async function missingOrigins(permissions: PermissionsApi, origins: readonly string[]): Promise<string[]> {
  const granted = await Promise.all(origins.map((origin) => permissions.contains({ origins: [origin] }).catch(() => false)));
  return origins.filter((_, i) => !granted[i]);
}

/** The permission pattern for one page's origin: `https://example.org/*` (a pattern has no port). */
export function originPattern(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}/*`;
}

/** `https://chatgpt.com/*` → `chatgpt.com`, for people to read. */
export function hostName(origin: string): string {
  return PATTERN.exec(origin)?.[2] ?? origin;
}

/** Loopback hosts are the local proxy; the rest are chat sites. */
export function isProxyHost(origin: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostName(origin));
}
