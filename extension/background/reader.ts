// Wires the reader's background parts to the browser: the "Check with Unspun" menu and the
// reader messages (labels, selection checks). Called once from the background entrypoint.
import { browser } from 'wxt/browser';
import type { UnspunDb } from '../db/schema.ts';
import { loadSettings } from '../settings.ts';
import { refreshCalibration } from '../db/calibration-store.ts';
import { createCheckMenu, type MenuInfo, type MenuTab } from './check-menu.ts';
import { createReaderService } from './reader-service.ts';

export function startReader(db: UnspunDb) {
  const reader = createReaderService({ db, loadSettings, calibration: browser.storage.local });
  // Labels may have changed while the worker slept (the dashboard saves them too): table up to date.
  void refreshCalibration(db, browser.storage.local).catch(() => undefined);
  const menu = createCheckMenu({
    removeAllMenus: () => browser.contextMenus.removeAll(),
    createMenu: (item) => void browser.contextMenus.create(item),
    executeScript: (target, file) => browser.scripting.executeScript({ target, files: [file as '/selection-check.js'] }),
    sendToFrame: (tabId, message, frameId) => browser.tabs.sendMessage(tabId, message, { frameId }),
  });
  // Menus outlive the service worker but not a reinstall; registering again is harmless.
  browser.runtime.onInstalled.addListener(() => void menu.register());
  browser.runtime.onStartup.addListener(() => void menu.register());
  const onMenuClicked = (info: MenuInfo, tab?: MenuTab) => menu.onClicked(info, tab);
  browser.contextMenus.onClicked.addListener((info, tab) => void onMenuClicked(info, tab));

  // The menu handler and the checker, for the e2e tests (a headless browser cannot click a
  // context menu) and for debugging from the service worker console.
  Object.assign(globalThis, { unspunReader: { onMenuClicked, check: reader.check, registerMenu: menu.register } });
  return reader;
}
