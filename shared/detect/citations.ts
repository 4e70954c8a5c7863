// Citation markers on the claim ledger. A search assistant's reply (Perplexity, ChatGPT search)
// backs its claims with markers ("reuters +2" chips, "[3]", "【4†source】"). The page reads each
// marker with its URL, if any (extension/sites/citations.ts); here, pure: where each marker points
// (a page, or nowhere and why), and which claim it sits on. A marker that points nowhere is not a
// link: the ledger says so in words ("cites [3], which points nowhere") and does not count it as
// backing. A claim whose marker points to a real page counts as linked and names the host.
import type { CitationMarker, CitationProblem, Claim, ClaimCite } from '../schemas.ts';
import { claimSupport } from './claims.ts';

/** Where one marker points: a page (`url`, `host`) or nowhere, and why. */
export type CitationTarget = { url: string; host: string } | { nowhere: CitationProblem };

/** The host people read: `www.reuters.com` → `reuters.com`. */
export function citedHost(url: URL): string {
  return url.hostname.replace(/^www\./, '');
}

/**
 * Where a marker points. Only an absolute http(s) URL with a host is a page: `#`, a relative
 * path (the chat site itself), `javascript:`, `about:blank` or an empty href point nowhere.
 * A numbered marker without a URL of its own points beyond the sources when its number is
 * higher than the sources the reply lists.
 */
export function citationTarget(marker: Pick<CitationMarker, 'url' | 'n' | 'sources'>): CitationTarget {
  const raw = marker.url?.trim();
  if (!raw) {
    if (marker.n !== undefined && marker.sources !== undefined && marker.n > marker.sources) return { nowhere: 'beyond-sources' };
    return { nowhere: 'no-url' };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { nowhere: 'unusable-url' };
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) return { nowhere: 'unusable-url' };
  return { url: url.href, host: citedHost(url) };
}

/** How a marker is named in a sentence: "[3]", "【4†source】", its chip text in quotes, or "an empty source chip". */
export function citeName(label: string): string {
  const plain = label.trim();
  if (!plain) return 'an empty source chip';
  if (/^\d{1,3}$/.test(plain)) return `[${plain}]`;
  if (/^[[【].*[\]】]$/.test(plain)) return plain;
  return `“${plain}”`;
}

const WHY: Record<CitationProblem, string> = {
  'no-url': 'it carries no link',
  'unusable-url': 'its link is not a web address',
  'beyond-sources': 'the reply lists fewer sources',
};

/** "cites [3], which points nowhere (it carries no link)": one sentence for the ledger. */
export function danglingNote(cites: readonly ClaimCite[]): string {
  const nowhere = cites.filter((c) => c.nowhere);
  if (nowhere.length === 0) return '';
  const names = nowhere.map((c) => citeName(c.label));
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
  const whys = [...new Set(nowhere.map((c) => WHY[c.nowhere!]))];
  return `cites ${list}, which point${names.length === 1 ? 's' : ''} nowhere (${whys.join('; ')})`;
}

/** Text between a sentence's end and a marker that still belongs to the sentence: punctuation and space. */
const TRAILING = /^[\s.,;:!?)\]"'”’*_]{0,4}$/;

/** The claim a marker sits on: inside its sentence, or right after it. -1 for none. */
function claimOf(text: string, claims: readonly Claim[], at: number): number {
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i]!;
    if (at >= c.start && at < c.end) return i;
  }
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i]!;
    if (at >= c.end && TRAILING.test(text.slice(c.end, at))) return i;
  }
  return -1;
}

/** The claim's sentence without its plain-text markers that point nowhere (what backs it once they are gone). */
function withoutMarkers(claim: Claim, markers: readonly CitationMarker[]): string {
  let quote = claim.quote;
  for (const m of markers) {
    if (m.end === undefined || m.at < claim.start || m.end > claim.end) continue;
    const from = m.at - claim.start;
    const to = m.end - claim.start;
    quote = quote.slice(0, from) + ' '.repeat(to - from) + quote.slice(to);
  }
  return quote;
}

/**
 * The claims with the markers that sit on them (`cites`). A claim cited to a real page counts as
 * `link` (unless it already names its source) and names the host; a claim whose only markers
 * point nowhere is not linked by them: its support is read again without them, and its note says
 * which marker points nowhere. Claims without markers come back unchanged. Offsets never change.
 */
export function citeClaims(text: string, claims: readonly Claim[], markers: readonly CitationMarker[]): Claim[] {
  if (markers.length === 0) return [...claims];
  const byClaim = new Map<number, CitationMarker[]>();
  for (const marker of markers) {
    const i = claimOf(text, claims, marker.at);
    if (i < 0) continue;
    byClaim.set(i, [...(byClaim.get(i) ?? []), marker]);
  }
  return claims.map((claim, i) => {
    const own = byClaim.get(i);
    if (!own) return claim;
    const cites: ClaimCite[] = own.slice(0, 50).map((m) => {
      const target = citationTarget(m);
      return 'nowhere' in target
        ? { label: m.label, ...(m.url ? { url: m.url.slice(0, 2048) } : {}), nowhere: target.nowhere }
        : { label: m.label, url: target.url, host: target.host };
    });
    const hosts = [...new Set(cites.flatMap((c) => (c.host ? [c.host] : [])))];
    const dangling = danglingNote(cites);
    let { support, note } = claim;
    if (hosts.length) {
      if (support !== 'source') {
        support = 'link';
        note = `cites ${hosts.join(', ')}`;
      }
    } else if (support === 'link') {
      // The only link was a marker that points nowhere: what else backs the sentence?
      ({ support, note } = claimSupport(withoutMarkers(claim, own)));
      if (support === 'link') note = claim.note;
    }
    const fullNote = [dangling, note].filter(Boolean).join('; ').slice(0, 300);
    return { ...claim, support, ...(fullNote ? { note: fullNote } : {}), cites };
  });
}

/** Whether any claim cites a marker that points nowhere. */
export function hasDanglingCite(claims: readonly Claim[]): boolean {
  return claims.some((c) => c.cites?.some((x) => x.nowhere));
}
