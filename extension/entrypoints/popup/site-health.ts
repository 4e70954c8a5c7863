// The popup's per-site health: which chat sites Unspun reads, which it cannot read any more (their
// layout changed), which are switched off. Mounted from main.ts with one call; its own DOM and styles.
import { browser } from 'wxt/browser';
import { loadSiteState } from '../../sites/site-settings.ts';
import { siteStatuses, STATUS_LABEL } from '../../sites/site-status.ts';

const CSS = `
#site-health { margin: 10px 0; }
#site-health h2 { font-size: 13px; margin: 0 0 4px; color: #374151; }
#site-health ul { list-style: none; margin: 0; padding: 0; }
#site-health li { display: grid; grid-template-columns: 10px 1fr auto; gap: 6px; align-items: baseline; font-size: 12px; padding: 2px 0; }
#site-health .dot { width: 8px; height: 8px; border-radius: 50%; background: #d1d5db; }
#site-health [data-kind="ok"] .dot { background: #16a34a; }
#site-health [data-kind="unhealthy"] .dot { background: #dc2626; }
#site-health [data-kind="off"] .dot { background: #9ca3af; }
#site-health .state { color: #6b7280; }
#site-health [data-kind="unhealthy"] .state { color: #b91c1c; font-weight: 600; }
#site-health .why { grid-column: 2 / 4; color: #7f1d1d; font-size: 11px; }
`;

export function mountSiteHealth(parent: HTMLElement): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  const section = document.createElement('section');
  section.id = 'site-health';
  section.setAttribute('aria-label', 'Chat sites');
  const title = document.createElement('h2');
  title.textContent = 'Chat sites';
  const list = document.createElement('ul');
  section.append(title, list);
  parent.append(style, section);

  const render = async (): Promise<void> => {
    const rows = siteStatuses(await loadSiteState()).map((s) => {
      const li = document.createElement('li');
      li.dataset.site = s.id;
      li.dataset.kind = s.kind;
      const dot = Object.assign(document.createElement('span'), { className: 'dot' });
      const name = Object.assign(document.createElement('span'), { textContent: s.name });
      const state = Object.assign(document.createElement('span'), { className: 'state', textContent: STATUS_LABEL[s.kind] });
      li.title = s.detail;
      li.append(dot, name, state);
      // Problems say why right here; the rest keep to one line.
      if (s.kind === 'unhealthy' || s.kind === 'off') li.append(Object.assign(document.createElement('span'), { className: 'why', textContent: s.detail }));
      return li;
    });
    list.replaceChildren(...rows);
  };
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && ('siteHealth' in changes || 'siteSwitches' in changes || 'disabledSites' in changes)) void render();
  });
  void render();
}
