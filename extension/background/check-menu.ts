// "Check with Unspun": a context-menu item on selected text, on any page. A click grants
// activeTab for that tab, and only then is a small script injected (into the clicked frame) to
// read the selection, ask the background to score it, and show a card near it.
import { MAX_REPLY_CHARS } from '#shared/schemas';

export const CHECK_MENU_ID = 'unspun-check-selection';
export const CHECK_MENU_TITLE = 'Check with Unspun';
/** The unlisted script (entrypoints/selection-check.ts) as WXT emits it. */
export const SELECTION_SCRIPT = '/selection-check.js';
/** Shorter than this is not an argument (a word or two). */
export const MIN_CHECK_CHARS = 12;

/** The message the injected script waits for: the menu's own copy of the selection as a fallback. */
export interface SelectionCheckRun {
  type: 'selection-check-run';
  fallbackText: string;
}

export type CheckableText = { ok: true; text: string } | { ok: false; reason: string };

/** Selected text as it will be scored: trimmed, bounded, and long enough to say anything about. */
export function selectionToCheck(raw: string | undefined | null): CheckableText {
  const text = (raw ?? '').replace(/\u00a0/g, ' ').trim();
  if (text.length === 0) return { ok: false, reason: 'Select some text first.' };
  if (text.length < MIN_CHECK_CHARS) return { ok: false, reason: 'Select a sentence or more: a few words say too little.' };
  return { ok: true, text: text.length > MAX_REPLY_CHARS ? text.slice(0, MAX_REPLY_CHARS) : text };
}

/** Pages a script can be injected into: web pages and local files, not the browser's own pages. */
export function isCheckablePage(url: string | undefined): boolean {
  if (!url) return true; // without the "tabs" permission the URL may be hidden: let the injection decide
  return /^(https?|file):/i.test(url);
}

export interface MenuInfo {
  menuItemId: string | number;
  selectionText?: string;
  frameId?: number;
}
export interface MenuTab {
  id?: number;
  url?: string;
}

/** The browser calls the menu needs (wired to contextMenus / scripting / tabs in the entrypoint). */
export interface CheckMenuApi {
  removeAllMenus(): Promise<void>;
  createMenu(item: { id: string; title: string; contexts: ['selection'] }): void;
  executeScript(target: { tabId: number; frameIds?: number[] }, file: string): Promise<unknown>;
  sendToFrame(tabId: number, message: SelectionCheckRun, frameId: number): Promise<unknown>;
}

export function createCheckMenu(api: CheckMenuApi) {
  return {
    /** (Re)creates the menu item; call on install and on startup (menus persist, ids must not clash). */
    async register(): Promise<void> {
      await api.removeAllMenus();
      api.createMenu({ id: CHECK_MENU_ID, title: CHECK_MENU_TITLE, contexts: ['selection'] });
    },
    /** What a menu click does. Returns why nothing happened, for logs and tests. */
    async onClicked(info: MenuInfo, tab: MenuTab | undefined): Promise<{ ok: boolean; detail: string }> {
      if (info.menuItemId !== CHECK_MENU_ID) return { ok: false, detail: 'not our menu item' };
      if (tab?.id === undefined || tab.id < 0) return { ok: false, detail: 'no tab' };
      if (!isCheckablePage(tab.url)) return { ok: false, detail: 'this page cannot be checked' };
      const frameIds = info.frameId !== undefined && info.frameId > 0 ? [info.frameId] : undefined;
      try {
        await api.executeScript({ tabId: tab.id, ...(frameIds ? { frameIds } : {}) }, SELECTION_SCRIPT);
        const run: SelectionCheckRun = { type: 'selection-check-run', fallbackText: (info.selectionText ?? '').slice(0, MAX_REPLY_CHARS) };
        await api.sendToFrame(tab.id, run, frameIds ? frameIds[0]! : 0);
        return { ok: true, detail: 'injected' };
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
