// The side panel's "Check the cited page" button: asks the browser for the one origin the claim
// cites (an optional host permission, requested only here, inside the reader's click), then lets the
// background fetch it and says in words what it found. Refused or failed: a clear sentence, and
// nothing else changes. The permissions API and the message channel are injected (unit tests give
// fakes with the real shapes).
import { MAX_PAGE_BYTES } from '../background/cited-page.ts';
import { isProxyHost, originPattern } from '../host-access.ts';
import type { CheckCitedPage, CitedPageAnswer } from '../reader-messages.ts';

export interface CitedPageApi {
  /** `browser.permissions.request`: resolves false when the reader says no. */
  request(permissions: { origins: string[] }): Promise<boolean>;
  /** `browser.runtime.sendMessage` to the background. */
  send(message: CheckCitedPage): Promise<CitedPageAnswer | undefined>;
}

export type CheckOutcome = 'found' | 'partly' | 'not-found' | 'nothing-to-check' | 'refused' | 'failed';

/** `example.org/reports/2026…`: where the page is, short, for a sentence. */
export function pageWhere(url: string): string {
  const u = new URL(url);
  const path = u.pathname === '/' ? '' : u.pathname;
  const where = `${u.hostname.replace(/^www\./, '')}${path}`;
  return where.length > 48 ? `${where.slice(0, 47)}…` : where;
}

const quoted = (terms: readonly string[]) => terms.map((t) => `‘${t}’`).join(', ');

/** The sentence for one answer of the background. */
export function answerWords(url: string, answer: CitedPageAnswer | undefined): { outcome: CheckOutcome; text: string } {
  const where = pageWhere(url);
  if (!answer) return { outcome: 'failed', text: `Could not load ${where}: the extension did not answer.` };
  if (!answer.ok) {
    if (answer.reason === 'not-allowed') return { outcome: 'refused', text: `Permission refused: ${answer.detail}. Nothing was fetched.` };
    if (answer.reason === 'not-text') return { outcome: 'failed', text: `Could not check ${where}: not a text page (${answer.detail}).` };
    return { outcome: 'failed', text: `Could not load ${where}: ${answer.detail}.` };
  }
  const part = answer.truncated ? ` (read the first ${Math.round(MAX_PAGE_BYTES / 1e6)} MB only)` : '';
  switch (answer.verdict) {
    case 'found':
      return {
        outcome: 'found',
        text: `Found on ${where}: ${quoted(answer.found)}${answer.missing.length ? `; not found: ${quoted(answer.missing)}` : ''}.${part}`,
      };
    case 'partly':
      return { outcome: 'partly', text: `Partly found on ${where}: ${quoted(answer.found)}; not found: ${quoted(answer.missing)}.${part}` };
    case 'not-found':
      return { outcome: 'not-found', text: `Not found on ${where}: none of ${quoted(answer.missing)}.${part}` };
    default:
      return { outcome: 'nothing-to-check', text: `Loaded ${where}, but the claim has no figure or key word to look for.` };
  }
}

/**
 * One check. The permission request is the first thing this does, before any await: browsers
 * grant a request only inside the user's click.
 */
export async function checkCitedPage(api: CitedPageApi, url: string, quote: string): Promise<{ outcome: CheckOutcome; text: string }> {
  let host: string;
  let pattern: string;
  try {
    host = new URL(url).hostname;
    pattern = originPattern(url);
  } catch {
    return { outcome: 'failed', text: 'Could not check: the cited link is not a web address.' };
  }
  // The manifest may ask for https sites only (and holds the local proxy's loopback hosts).
  if (new URL(url).protocol === 'http:' && !isProxyHost(pattern)) {
    return { outcome: 'refused', text: `Only https pages can be checked: ${host} was cited over plain http. Nothing was fetched.` };
  }
  let granted: boolean;
  try {
    granted = await api.request({ origins: [pattern] });
  } catch (error) {
    return { outcome: 'refused', text: `Could not ask for access to ${host}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!granted) return { outcome: 'refused', text: `Permission refused: Unspun may not read ${host}. Nothing was fetched.` };
  try {
    return answerWords(url, await api.send({ type: 'check-cited-page', url, quote: quote.slice(0, 2000) }));
  } catch (error) {
    return { outcome: 'failed', text: `Could not load ${pageWhere(url)}: ${error instanceof Error ? error.message : String(error)}.` };
  }
}
