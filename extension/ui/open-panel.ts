// "Conversation panel" link for the popup: opens Chrome's side panel or Firefox's sidebar. Both
// need a user gesture, so the open call is made synchronously in the click (the window id is
// looked up beforehand).
import { browser } from 'wxt/browser';
import { h } from './dom.ts';

interface PanelApis {
  sidePanel?: { open(options: { windowId: number }): Promise<void> };
  sidebarAction?: { open(): Promise<void> };
}

export function openConversationPanel(windowId: number | undefined): Promise<void> {
  const apis = browser as unknown as PanelApis;
  if (apis.sidebarAction) return apis.sidebarAction.open();
  if (apis.sidePanel && windowId !== undefined) return apis.sidePanel.open({ windowId });
  return Promise.reject(new Error('no side panel in this browser'));
}

export function mountOpenPanelLink(container: HTMLElement): void {
  let windowId: number | undefined;
  void browser.windows.getCurrent().then(
    (w) => (windowId = w.id),
    () => undefined,
  );
  const link = h('a', { text: 'Conversation panel', attrs: { href: '#', id: 'open-panel', title: 'Every flag in this conversation, and the legend' } });
  link.addEventListener('click', (event) => {
    event.preventDefault();
    openConversationPanel(windowId).then(
      () => window.close(),
      () => undefined,
    );
  });
  container.append(h('p', {}, [link]));
}
