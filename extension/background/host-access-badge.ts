// The toolbar button shows "!" while the browser withholds a host Unspun needs (see
// ../host-access.ts): the popup says which and asks for it. Firefox lets people revoke MV3 host
// access, and does not grant hosts that an update adds, so this is checked at every start and
// whenever permissions change.
import { browser } from 'wxt/browser';
import { hostName, missingOrigins, neededOrigins } from '../host-access.ts';

export function startHostAccessBadge(): void {
  const needed = neededOrigins(browser.runtime.getManifest());
  const update = async (): Promise<void> => {
    const missing = await missingOrigins(browser.permissions, needed);
    await browser.action.setBadgeText({ text: missing.length ? '!' : '' });
    if (missing.length) await browser.action.setBadgeBackgroundColor({ color: '#b45309' });
    await browser.action.setTitle({ title: missing.length ? `Unspun: no access to ${missing.map(hostName).join(', ')} (open to allow)` : 'Unspun' });
  };
  browser.permissions.onAdded.addListener(() => void update());
  browser.permissions.onRemoved.addListener(() => void update());
  void update();
}
