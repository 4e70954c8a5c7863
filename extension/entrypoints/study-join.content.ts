// A study join page on this machine (the study server's /join/<id>): with the extension present,
// the link opens Unspun's own consent screen in this tab (the studies page), where the study is
// read from the server by the background and nothing is decided until the participant clicks.
// The page itself learns nothing: no secret or answer ever comes back to it. Join links to other
// machines are pasted on the studies page (that origin needs the participant's permission first).
import { browser } from 'wxt/browser';
import type { StudyResponseFor } from '../study/messages.ts';

export default defineContentScript({
  matches: ['http://127.0.0.1/join/*', 'http://localhost/join/*'],
  runAt: 'document_start',
  async main() {
    document.documentElement.dataset.unspunExtension = 'present';
    const answer = ((await browser.runtime.sendMessage({ type: 'study-open-join', joinUrl: location.origin + location.pathname }).catch(() => null)) ?? { ok: false }) as StudyResponseFor['study-open-join'];
    document.documentElement.dataset.unspunStudy = answer.ok ? 'opened' : 'not-a-join-link';
  },
});
