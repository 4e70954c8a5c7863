// Pairing: the proxy's /pair page carries its token in the URL fragment. Read it, take it out of
// the address bar at once, and let the background verify the proxy (identity and a proof that it
// holds the token: background/pairing.ts) before storing it. When this browser is already paired
// with another proxy, ask first: the question lives in a closed shadow root and only a real click
// or key press (event.isTrusted) answers it, so the page that served the link cannot answer it.
import { sendToBackground, type PairResponse, type ProxyIdentity } from '../messages.ts';
import { h } from '../ui/dom.ts';

type PairingState = 'checking' | 'confirm' | 'paired' | 'failed' | 'kept';

const CONFIRM_CSS = `
:host { all: initial; display: block; margin: 16px 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
.box { border: 2px solid #f59e0b; background: #fffbeb; border-radius: 10px; padding: 14px 16px; }
h2 { font-size: 17px; margin: 0 0 8px; }
p { margin: 6px 0; }
code { font: 14px ui-monospace, SFMono-Regular, Menlo, monospace; background: #fef3c7; padding: 1px 4px; border-radius: 4px; }
.row { display: flex; gap: 10px; margin-top: 12px; flex-wrap: wrap; }
.note { color: #7f1d1d; font-size: 14px; min-height: 0; }
.note:empty { display: none; }
button { font: 600 15px/1.2 inherit; font-family: inherit; padding: 8px 14px; border-radius: 8px; border: 1px solid #d1d5db; background: #fff; color: #111827; cursor: pointer; }
button.replace { background: #b45309; border-color: #b45309; color: #fff; }
button:focus-visible { outline: 3px solid #6366f1; outline-offset: 2px; }
`;

const describeProxy = (proxy: ProxyIdentity): string => `${proxy.proxyUrl}${proxy.version ? ` (Unspun proxy ${proxy.version})` : ''}`;

export default defineContentScript({
  matches: ['http://127.0.0.1/pair*', 'http://localhost/pair*'],
  runAt: 'document_start',
  async main(ctx) {
    const raw = location.hash.replace(/^#/, '');
    const token = decodeURIComponent(raw.startsWith('token=') ? raw.slice('token='.length) : raw).trim();
    if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);

    await new Promise<void>((resolve) => {
      if (document.readyState !== 'loading') resolve();
      else ctx.addEventListener(document, 'DOMContentLoaded', () => resolve(), { once: true });
    });
    const root = document.documentElement;
    root.dataset.unspunExtension = 'present';
    // Our /pair page has a #status line. Anything else served at /pair (another program on that
    // port) gets one of ours, so the reader still learns what happened.
    const statusLine = (): HTMLElement => {
      const existing = document.getElementById('status') ?? document.getElementById('unspun-pair-status');
      if (existing) return existing;
      const line = h('p', { attrs: { id: 'unspun-pair-status', role: 'status' } });
      Object.assign(line.style, {
        font: '16px/1.5 system-ui, sans-serif',
        padding: '12px 14px',
        margin: '12px',
        borderRadius: '10px',
        background: '#fee2e2',
        color: '#7f1d1d',
      });
      (document.body ?? document.documentElement).prepend(line);
      return line;
    };
    const show = (text: string, state: PairingState) => {
      statusLine().textContent = text;
      root.dataset.unspunPairing = state;
      if (state === 'paired') root.dataset.unspunPaired = 'true';
      else if (state === 'failed' || state === 'kept') root.dataset.unspunPaired = 'false';
    };

    if (!token) {
      show('No pairing token in this link. Open the full link the proxy printed (it ends with #<token>).', 'failed');
      return;
    }

    const finish = (response: PairResponse | undefined) => {
      if (ctx.isInvalid) return;
      if (response?.ok) show(`Paired: Unspun now scores replies with the proxy at ${describeProxy(response.proxy)}.`, 'paired');
      else if (response?.needsConfirm) askToReplace(response.current, response.next);
      else show(response?.error ?? 'Pairing failed.', 'failed');
    };
    const request = async (confirmReplace: boolean) => {
      try {
        finish(await sendToBackground({ type: 'pair', proxyUrl: location.origin, token, ...(confirmReplace ? { confirmReplace } : {}) }));
      } catch (error) {
        show(`Pairing failed: ${error instanceof Error ? error.message : String(error)}`, 'failed');
      }
    };

    function askToReplace(current: ProxyIdentity & { reachable: boolean }, next: ProxyIdentity): void {
      show('This browser is already paired with another Unspun proxy. Nothing has changed yet: see below.', 'confirm');
      const host = document.createElement('unspun-pair-confirm');
      const shadow = host.attachShadow({ mode: 'closed' });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CONFIRM_CSS);
      shadow.adoptedStyleSheets = [sheet];
      const keep = h('button', { class: 'keep', text: 'Keep the current pairing', attrs: { type: 'button' } });
      const replace = h('button', { class: 'replace', text: 'Replace it with this proxy', attrs: { type: 'button' } });
      const note = h('p', { class: 'note', attrs: { role: 'status' } });
      const box = h('div', { class: 'box', attrs: { role: 'alertdialog', 'aria-labelledby': 'q' } }, [
        h('h2', { text: 'Replace the proxy this browser is paired with?', attrs: { id: 'q' } }),
        h('p', {}, [
          document.createTextNode('Paired now: '),
          h('code', { text: describeProxy(current) }),
          document.createTextNode(current.reachable ? ', answering.' : ', not answering right now.'),
        ]),
        h('p', {}, [
          document.createTextNode('This link: '),
          h('code', { text: describeProxy(next) }),
          document.createTextNode(', checked: it holds the token from this link.'),
        ]),
        h('p', {
          text: 'If you replace it, every reply Unspun captures from now on is sent to the new proxy. Replace it only if you opened this link yourself, from a proxy you started.',
        }),
        h('div', { class: 'row' }, [keep, replace]),
        note,
      ]);
      shadow.append(box);
      const status = statusLine();
      (status.parentElement ?? document.body).insertBefore(host, status.nextSibling);
      // The page around the question is not ours: it could make the question transparent or
      // cover it and lure a real click onto "Replace". Chromium tells us whether the box is really
      // visible (IntersectionObserver v2); "Replace" counts only while it is.
      const tracksVisibility = typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;
      let visible = !tracksVisibility; // until the first report, where reports exist
      try {
        const observer = new IntersectionObserver(
          (entries) => {
            for (const entry of entries) visible = (entry as IntersectionObserverEntry & { isVisible?: boolean }).isVisible ?? entry.isIntersecting;
            box.dataset.visible = String(visible); // inside the closed root: for tests, not the page
          },
          { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
        );
        observer.observe(box);
        ctx.onInvalidated(() => observer.disconnect());
      } catch {
        // No visibility tracking (Firefox): the trusted-event check below still holds.
      }
      const answer = (choice: 'keep' | 'replace') => (event: Event) => {
        // A script on this page can dispatch clicks, but never trusted ones.
        if (!event.isTrusted || !host.isConnected) return;
        if (choice === 'replace' && !visible) {
          note.textContent = 'Not replaced: this question was hidden or covered when you pressed the button. Nothing was changed.';
          return;
        }
        host.remove();
        if (choice === 'keep') show(`Kept the pairing with ${describeProxy(current)}. Nothing was changed.`, 'kept');
        else {
          show(`Pairing with the proxy at ${next.proxyUrl}…`, 'checking');
          void request(true);
        }
      };
      keep.addEventListener('click', answer('keep'));
      replace.addEventListener('click', answer('replace'));
      keep.focus(); // the safe choice is the default
    }

    show(`Checking the proxy at ${location.origin}…`, 'checking');
    await request(false);
  },
});
