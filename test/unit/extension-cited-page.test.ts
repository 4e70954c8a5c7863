// "Check the cited page": the background's fetch (extension/background/cited-page.ts) against a real
// local HTTP server, and the panel's flow (extension/ui/cited-page-check.ts) with a permissions API
// of the browser's shape: granted, refused, or throwing (a host the manifest cannot ask for).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCitedPageService } from '../../extension/background/cited-page.ts';
import { originPattern } from '../../extension/host-access.ts';
import type { CheckCitedPage, CitedPageAnswer } from '../../extension/reader-messages.ts';
import { answerWords, checkCitedPage, pageWhere, type CitedPageApi } from '../../extension/ui/cited-page-check.ts';

const CLAIM = 'About 38% of US adults now use an AI chatbot at least once a week.';
const EXT = 'chrome-extension://abcdefghijklmnop/';
let server: Server;
let base: string;
const seen: Array<{ url: string; cookie?: string; referer?: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({
      url: req.url ?? '',
      ...(req.headers.cookie ? { cookie: req.headers.cookie } : {}),
      ...(req.headers.referer ? { referer: req.headers.referer } : {}),
    });
    if (req.url === '/ai-use-2026') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body><script>window.ran = true</script><h1>AI use in 2026</h1><p>38% of US adults use an AI chatbot weekly.</p></body></html>');
    } else if (req.url === '/other') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('A page about the weather.');
    } else if (req.url === '/report.pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.end('%PDF-1.7');
    } else if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`${'x'.repeat(5000)} 38% adults chatbot`);
    } else {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not here</h1>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const granted = { contains: async () => true };
const service = (permissions = granted, maxBytes = 2_000_000) =>
  createCitedPageService({ fetch: (input, init) => fetch(input, init), permissions, extensionUrl: EXT }, { maxBytes, timeoutMs: 10_000 });

describe('background: the cited page, fetched as text', () => {
  it('found: the claim’s figure and words are on the page (scripts are not text, nothing runs)', async () => {
    const answer = await service().check(`${base}/ai-use-2026`, CLAIM);
    expect(answer).toEqual({ ok: true, verdict: 'found', found: ['38%', 'US', 'adults', 'AI', 'chatbot'], missing: [], truncated: false });
    const request = seen.find((s) => s.url === '/ai-use-2026')!;
    expect(request.cookie).toBeUndefined();
    expect(request.referer).toBeUndefined();
  });

  it('not found, a 404, a PDF: each says what happened', async () => {
    expect(await service().check(`${base}/other`, CLAIM)).toMatchObject({ ok: true, verdict: 'not-found', found: [] });
    expect(await service().check(`${base}/missing`, CLAIM)).toEqual({ ok: false, reason: 'load', detail: '404 Not Found' });
    expect(await service().check(`${base}/report.pdf`, CLAIM)).toEqual({ ok: false, reason: 'not-text', detail: 'application/pdf' });
  });

  it('a site that does not answer: a clear message', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await service().check(`http://127.0.0.1:${port}/gone`, CLAIM)).toEqual({
      ok: false,
      reason: 'load',
      detail: 'no answer from the site (offline, blocked, or it redirected to another site)',
    });
  });

  it('reads no more than the size limit, and says so', async () => {
    const answer = await service(granted, 1000).check(`${base}/huge`, CLAIM);
    expect(answer).toMatchObject({ ok: true, verdict: 'not-found', truncated: true });
  });

  it('without the origin’s permission nothing is fetched', async () => {
    const before = seen.length;
    const answer = await service({ contains: async () => false }).check(`${base}/ai-use-2026`, CLAIM);
    expect(answer).toEqual({ ok: false, reason: 'not-allowed', detail: 'Unspun may not read 127.0.0.1' });
    expect(seen.length).toBe(before);
  });

  it('answers the extension’s own pages only, never a content script in a web page', async () => {
    const message: CheckCitedPage = { type: 'check-cited-page', url: `${base}/ai-use-2026`, quote: CLAIM };
    expect(await service().handleMessage(message, { url: 'https://www.perplexity.ai/search/x' })).toEqual({
      ok: false,
      reason: 'not-allowed',
      detail: 'asked from a web page',
    });
    expect(await service().handleMessage(message, { url: `${EXT}sidepanel.html` })).toMatchObject({ ok: true, verdict: 'found' });
    expect(await service().handleMessage({ type: 'check-cited-page', url: 'not a url', quote: CLAIM }, { url: `${EXT}sidepanel.html` })).toBeUndefined();
    expect(await service().handleMessage({ type: 'other' }, { url: `${EXT}sidepanel.html` })).toBeUndefined();
  });

  it('the permission asked for is the page’s origin, any port', () => {
    expect(originPattern('https://www.reuters.com/markets/x?y=1#z')).toBe('https://www.reuters.com/*');
    expect(originPattern('http://127.0.0.1:4321/a')).toBe('http://127.0.0.1/*');
  });
});

describe('panel: the click asks for the one origin, then reports in words', () => {
  function api(request: CitedPageApi['request'], answer?: CitedPageAnswer) {
    const calls = { requested: [] as string[][], sent: [] as CheckCitedPage[] };
    const value: CitedPageApi = {
      request: (p) => {
        calls.requested.push(p.origins);
        return request(p);
      },
      send: async (m) => {
        calls.sent.push(m);
        return answer;
      },
    };
    return { api: value, calls };
  }

  it('granted: asks for that origin only, then says what was found where', async () => {
    const { api: a, calls } = api(async () => true, { ok: true, verdict: 'found', found: ['38%', 'chatbot'], missing: ['AI'], truncated: false });
    const result = await checkCitedPage(a, 'https://stats.example.org/ai-use-2026', CLAIM);
    expect(calls.requested).toEqual([['https://stats.example.org/*']]);
    expect(calls.sent).toEqual([{ type: 'check-cited-page', url: 'https://stats.example.org/ai-use-2026', quote: CLAIM }]);
    expect(result).toEqual({ outcome: 'found', text: 'Found on stats.example.org/ai-use-2026: ‘38%’, ‘chatbot’; not found: ‘AI’.' });
  });

  it('refused (permissions.request resolves false): nothing is sent, and the panel says so', async () => {
    const { api: a, calls } = api(async () => false);
    expect(await checkCitedPage(a, 'https://stats.example.org/ai-use-2026', CLAIM)).toEqual({
      outcome: 'refused',
      text: 'Permission refused: Unspun may not read stats.example.org. Nothing was fetched.',
    });
    expect(calls.sent).toEqual([]);
  });

  it('a host the manifest cannot ask for (permissions.request throws): a clear message, nothing sent', async () => {
    const { api: a, calls } = api(async () => {
      throw new Error('Only permissions specified in the manifest may be requested.');
    });
    expect(await checkCitedPage(a, 'https://odd.example.org/x', CLAIM)).toEqual({
      outcome: 'refused',
      text: 'Could not ask for access to odd.example.org: Only permissions specified in the manifest may be requested.',
    });
    expect(calls.sent).toEqual([]);
  });

  it('a plain-http page (not the local machine): not asked for, and the panel says why', async () => {
    const { api: a, calls } = api(async () => true);
    expect(await checkCitedPage(a, 'http://plain.example.org/x', CLAIM)).toEqual({
      outcome: 'refused',
      text: 'Only https pages can be checked: plain.example.org was cited over plain http. Nothing was fetched.',
    });
    expect(calls).toEqual({ requested: [], sent: [] });
  });

  it('asks inside the click: the request is made before the first await', () => {
    const { api: a, calls } = api(() => new Promise(() => undefined));
    void checkCitedPage(a, 'https://stats.example.org/x', CLAIM);
    expect(calls.requested).toEqual([['https://stats.example.org/*']]);
  });

  it.each([
    [{ ok: false, reason: 'load', detail: '404 Not Found' }, 'failed', 'Could not load stats.example.org/ai-use-2026: 404 Not Found.'],
    [
      { ok: false, reason: 'not-text', detail: 'application/pdf' },
      'failed',
      'Could not check stats.example.org/ai-use-2026: not a text page (application/pdf).',
    ],
    [
      { ok: true, verdict: 'not-found', found: [], missing: ['38%', 'chatbot'], truncated: false },
      'not-found',
      'Not found on stats.example.org/ai-use-2026: none of ‘38%’, ‘chatbot’.',
    ],
    [
      { ok: true, verdict: 'partly', found: ['chatbot'], missing: ['38%'], truncated: true },
      'partly',
      'Partly found on stats.example.org/ai-use-2026: ‘chatbot’; not found: ‘38%’. (read the first 2 MB only)',
    ],
    [undefined, 'failed', 'Could not load stats.example.org/ai-use-2026: the extension did not answer.'],
  ] as const)('%j → %s', (answer, outcome, text) => {
    expect(answerWords('https://stats.example.org/ai-use-2026', answer as CitedPageAnswer | undefined)).toEqual({ outcome, text });
  });

  it('pageWhere: host and path, short', () => {
    expect(pageWhere('https://www.reuters.com/')).toBe('reuters.com');
    expect(pageWhere(`https://example.org/${'a'.repeat(80)}`)).toHaveLength(48);
  });
});
