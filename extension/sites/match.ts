// Chrome match patterns ("https://chatgpt.com/*", "http://127.0.0.1/demo*") as URL tests, so the
// one content script can pick the adapter whose `matches` brought it onto this page.
// A pattern without a port matches every port (as Chrome does for content scripts).

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

export function matchPatternToRegExp(pattern: string): RegExp {
  const m = /^(\*|https?|wss?|file):\/\/(\*|(?:\*\.)?[^/*:]+)(\/.*)$/.exec(pattern);
  if (!m) throw new Error(`not a match pattern: ${pattern}`);
  const [, scheme, host, path] = m as unknown as [string, string, string, string];
  const schemeRe = scheme === '*' ? 'https?' : escape(scheme);
  const hostRe = host === '*' ? '[^/:]+' : host.startsWith('*.') ? `(?:[^/:]+\\.)?${escape(host.slice(2))}` : escape(host);
  const pathRe = path.split('*').map(escape).join('.*');
  return new RegExp(`^${schemeRe}://${hostRe}(?::\\d+)?${pathRe}$`);
}

export function urlMatches(patterns: readonly string[], url: string): boolean {
  return patterns.some((p) => matchPatternToRegExp(p).test(url));
}

/** The first registered adapter whose patterns match the URL. */
export function adapterForUrl<A extends { matches: readonly string[] }>(adapters: readonly A[], url: string): A | undefined {
  const bare = url.replace(/#.*$/, '');
  return adapters.find((a) => urlMatches(a.matches, bare));
}
