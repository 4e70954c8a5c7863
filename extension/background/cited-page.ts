// "Check the cited page" (side panel): the background fetches the one page a claim cites and says
// whether the claim's figures and key words appear in it. Only after the reader clicked and the
// browser granted that one origin (the panel asks, inside the click: optional host permission).
// The page is fetched without cookies or referrer, limited in size and time, read as text only
// (never rendered, no script runs: shared/cited-page.ts strips the markup), and only the verdict
// and the matched words go back: never the page itself.
import { matchClaim, pageText } from '#shared/cited-page';
import { originPattern } from '../host-access.ts';
import { CheckCitedPage, type CitedPageAnswer } from '../reader-messages.ts';

/** Largest part of a page read (bytes); the rest is not checked. */
export const MAX_PAGE_BYTES = 2_000_000;
/** Longest wait for a page, then "could not load". */
export const PAGE_TIMEOUT_MS = 15_000;

export interface CitedPageDeps {
  fetch: typeof fetch;
  permissions: { contains(permissions: { origins: string[] }): Promise<boolean> };
  /** `chrome-extension://<id>/`: only the extension's own pages may ask. */
  extensionUrl: string;
}

const TEXT_TYPES = /^(text\/html|text\/plain|application\/xhtml\+xml|text\/markdown)\b/i;

async function readLimited(response: Response, limit: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: (await response.text()).slice(0, limit), truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= limit) {
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.min(chunk.byteLength, bytes.byteLength - offset));
    bytes.set(part, offset);
    offset += part.byteLength;
    if (offset >= bytes.byteLength) break;
  }
  return { text: new TextDecoder('utf-8', { fatal: false }).decode(bytes), truncated };
}

export function createCitedPageService(deps: CitedPageDeps, limits = { maxBytes: MAX_PAGE_BYTES, timeoutMs: PAGE_TIMEOUT_MS }) {
  async function check(url: string, quote: string): Promise<CitedPageAnswer> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, reason: 'load', detail: 'not a web address' };
    // The panel asked for this origin in the click; the background checks again before it reads anything.
    const allowed = await deps.permissions.contains({ origins: [originPattern(url)] }).catch(() => false);
    if (!allowed) return { ok: false, reason: 'not-allowed', detail: `Unspun may not read ${parsed.hostname}` };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), limits.timeoutMs);
    try {
      const response = await deps.fetch(parsed.href, {
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        cache: 'no-store',
        redirect: 'follow',
        headers: { Accept: 'text/html, text/plain;q=0.9' },
        signal: abort.signal,
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, reason: 'load', detail: `${response.status}${response.statusText ? ` ${response.statusText}` : ''}` };
      }
      const type = response.headers.get('content-type') ?? '';
      if (type && !TEXT_TYPES.test(type)) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, reason: 'not-text', detail: type.split(';')[0]!.trim() };
      }
      const { text, truncated } = await readLimited(response, limits.maxBytes);
      return { ok: true, ...matchClaim(quote, pageText(text)), truncated };
    } catch (error) {
      // fetch() says only "Failed to fetch" for a refused connection, a DNS failure, or a redirect to
      // a site Unspun may not read: say what it can mean.
      const detail = abort.signal.aborted
        ? 'no answer in time'
        : error instanceof TypeError
          ? 'no answer from the site (offline, blocked, or it redirected to another site)'
          : error instanceof Error
            ? error.message
            : String(error);
      return { ok: false, reason: 'load', detail };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Answers `check-cited-page` from the extension's own pages only (the side panel): a content
   * script runs inside a chat page, and must not make the background read other sites for it.
   */
  async function handleMessage(raw: unknown, sender: { url?: string }): Promise<CitedPageAnswer | undefined> {
    const parsed = CheckCitedPage.safeParse(raw);
    if (!parsed.success) return undefined;
    if (!sender.url?.startsWith(deps.extensionUrl)) return { ok: false, reason: 'not-allowed', detail: 'asked from a web page' };
    return check(parsed.data.url, parsed.data.quote);
  }

  return { check, handleMessage };
}
