// A study join page on this machine (the study server's /join/<id>): with the extension present,
// the link opens Unspun's own consent screen in this tab (the studies page), where the study is
// read from the server by the background and nothing is decided until the participant clicks.
// Only the study server's own join page counts (it names its study in <meta name="unspun-study">):
// another local program that happens to serve /join/... is left alone. The page learns nothing:
// no secret or answer ever comes back to it. Join links to other machines are pasted on the
// studies page (that origin needs the participant's permission first).
import { browser } from 'wxt/browser';
import type { StudyResponseFor } from '../study/messages.ts';

export default defineContentScript({
  matches: ['http://127.0.0.1/join/*', 'http://localhost/join/*'],
  runAt: 'document_end',
  async main() {
    const root = document.documentElement;
    const studyId = document.querySelector('meta[name="unspun-study"]')?.getAttribute('content');
    const last = location.pathname.replace(/\/+$/, '').split('/').pop() ?? '';
    let pathId = '';
    try {
      pathId = decodeURIComponent(last);
    } catch {
      return; // not a link a study server made
    }
    if (!studyId || studyId !== pathId) return;
    root.dataset.unspunExtension = 'present';
    const answer = ((await browser.runtime.sendMessage({ type: 'study-open-join', joinUrl: location.origin + location.pathname }).catch(() => null)) ?? {
      ok: false,
    }) as StudyResponseFor['study-open-join'];
    root.dataset.unspunStudy = answer.ok ? 'opened' : 'not-a-join-link';
  },
});
