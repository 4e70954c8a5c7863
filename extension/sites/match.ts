// Which adapter brought the one content script onto this page: the page URL tested against each
// adapter's `matches`, with WXT's match-pattern parser (@webext-core/match-patterns), the same
// grammar the manifest uses. A pattern has no port, so it matches every port, as Chrome does for
// content scripts; the path is tested against the URL's pathname.
import { MatchPattern } from 'wxt/utils/match-patterns';

const parsed = new Map<string, MatchPattern>();

/** The parsed pattern; throws `InvalidMatchPattern` (with the reason) for one the manifest would refuse. */
export function parseMatchPattern(pattern: string): MatchPattern {
  let p = parsed.get(pattern);
  if (!p) {
    p = new MatchPattern(pattern);
    parsed.set(pattern, p);
  }
  return p;
}

/** Whether any of the patterns matches the URL; a string that is not a URL matches none. */
export function urlMatches(patterns: readonly string[], url: string | URL): boolean {
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return false;
  }
  // Always a string: given a URL object, the library tests `instanceof Location`, which throws
  // where there is no Location (a service worker, Node).
  return patterns.some((p) => parseMatchPattern(p).includes(href));
}

/** The first registered adapter whose patterns match the URL. */
export function adapterForUrl<A extends { matches: readonly string[] }>(adapters: readonly A[], url: string): A | undefined {
  return adapters.find((a) => urlMatches(a.matches, url));
}
