// The popup's host-access notice: which hosts the browser has not let Unspun read, what that
// breaks, and one button that asks for them. Hidden while everything is granted. Mounted from
// main.ts with one call; its own DOM and styles.
import { browser } from 'wxt/browser';
import { hostName, isProxyHost, missingOrigins, neededOrigins } from '../../host-access.ts';

const CSS = `
#host-access { margin: 10px 0; padding: 8px 10px; border-radius: 8px; background: #fef3c7; color: #78350f; font-size: 12px; }
#host-access[hidden] { display: none; }
#host-access p { margin: 0 0 6px; }
#host-access button { font: inherit; font-weight: 600; padding: 4px 10px; border-radius: 6px; border: 1px solid #b45309; background: #fff; color: #78350f; cursor: pointer; }
`;

export function mountHostAccess(parent: HTMLElement, before: Element | null = null): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  const section = document.createElement('section');
  section.id = 'host-access';
  section.hidden = true;
  section.setAttribute('role', 'alert');
  const text = document.createElement('p');
  const button = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Allow access' });
  section.append(text, button);
  parent.insertBefore(style, before);
  parent.insertBefore(section, before);

  const needed = neededOrigins(browser.runtime.getManifest());
  let missing: string[] = [];

  const render = async (): Promise<void> => {
    missing = await missingOrigins(browser.permissions, needed);
    section.hidden = missing.length === 0;
    section.dataset.missing = missing.map(hostName).join(' ');
    const proxy = missing.some(isProxyHost);
    const sites = missing.filter((o) => !isProxyHost(o)).map(hostName);
    const parts: string[] = [];
    if (proxy) parts.push('the local proxy (127.0.0.1), so nothing can be scored or paired');
    if (sites.length) parts.push(`${sites.join(', ')}, so replies there are not read`);
    text.textContent = `This browser has not let Unspun read ${parts.join('; and ')}.`;
  };

  // permissions.request must run inside the click itself (user input), so the list is the one
  // rendered last, not looked up again here.
  button.addEventListener('click', () => {
    void browser.permissions.request({ origins: missing }).then(render, (error: unknown) => {
      text.textContent = `Could not ask for access: ${error instanceof Error ? error.message : String(error)}`;
    });
  });
  browser.permissions.onAdded.addListener(() => void render());
  browser.permissions.onRemoved.addListener(() => void render());
  void render();
}
