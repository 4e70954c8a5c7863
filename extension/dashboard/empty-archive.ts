// What the conversations tab says when the archive has nothing in it: not "No conversations
// match." (that is for a filter that matches nothing) but how to fill it: the demo chat page the
// proxy serves, an import of a ChatGPT or Claude data export, or chatting on a supported site.
import { h } from '../ui/dom.ts';
import { isEmptyFilter, type DashboardFilter } from './filters.ts';

export type ListEmptiness = 'not-empty' | 'archive-empty' | 'no-match';

/** Why the list is empty: a filter that matches nothing, or an archive with nothing in it. */
export function listEmptiness(total: number, filter: DashboardFilter): ListEmptiness {
  if (total > 0) return 'not-empty';
  return isEmptyFilter(filter) ? 'archive-empty' : 'no-match';
}

export const NO_MATCH_TEXT = 'No conversations match.';
export const ARCHIVE_EMPTY_TEXT = 'No conversations yet.';

/** The demo page of the paired proxy (it serves /demo); `proxyUrl` is the settings' URL. */
export function demoUrl(proxyUrl: string): string {
  return new URL('/demo', proxyUrl).href;
}

export function emptyArchiveNotice(proxyUrl: string, openImport: () => void): HTMLElement {
  const importButton = h('button', { text: 'Import a data export', attrs: { type: 'button', id: 'empty-import' } });
  importButton.addEventListener('click', openImport);
  return h('div', { class: 'panel empty-archive', attrs: { id: 'empty-archive' } }, [
    h('h2', { text: 'Nothing in your archive yet' }),
    h('p', { text: 'Unspun keeps the chat-assistant replies it scores here, on this computer. Three ways to fill it:' }),
    h('ol', {}, [
      h('li', {}, [
        h('strong', { text: 'Try the demo chat. ' }),
        document.createTextNode('With the proxy running (npm start), open '),
        h('a', { text: 'the demo page', attrs: { href: demoUrl(proxyUrl), target: '_blank', rel: 'noopener', id: 'empty-demo' } }),
        document.createTextNode(': its replies are scored and show up here.'),
      ]),
      h('li', {}, [
        h('strong', { text: 'Import your history. ' }),
        document.createTextNode('A ChatGPT or Claude data export, or an earlier Unspun export. '),
        importButton,
      ]),
      h('li', {}, [
        h('strong', { text: 'Chat as usual. ' }),
        document.createTextNode('On ChatGPT, Claude, Gemini and the other supported sites, each reply the extension scores is kept here.'),
      ]),
    ]),
  ]);
}
