// Pairing: the proxy's /pair page carries its token in the URL fragment. Read it, take it out of
// the address bar at once, and let the background verify it with the proxy before storing it.
import { sendToBackground } from '../messages.ts';

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
    const show = (text: string, paired?: boolean) => {
      const status = document.getElementById('status');
      if (status) status.textContent = text;
      if (paired !== undefined) root.dataset.unspunPaired = String(paired);
    };

    if (!token) {
      show('No pairing token in this link. Open the full link the proxy printed (it ends with #<token>).', false);
      return;
    }
    show(`Pairing with the proxy at ${location.origin}…`);
    try {
      const response = await sendToBackground({ type: 'pair', proxyUrl: location.origin, token });
      if (ctx.isInvalid) return;
      if (response?.ok) show(`Paired: Unspun now scores replies with the proxy at ${location.origin}.`, true);
      else show(response?.error ?? 'Pairing failed.', false);
    } catch (error) {
      show(`Pairing failed: ${error instanceof Error ? error.message : String(error)}`, false);
    }
  },
});
