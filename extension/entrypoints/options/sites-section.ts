// Options: one switch per chat site, with its health and why it is off when it is. Mounted from
// main.ts with one call; its own DOM and styles. Page text never becomes HTML here.
import { browser } from 'wxt/browser';
import { loadSiteState, setSiteSwitch } from '../../sites/site-settings.ts';
import { siteStatuses, STATUS_LABEL } from '../../sites/site-status.ts';

const CSS = `
#sites { margin-top: 28px; }
#sites h2 { font-size: 17px; margin: 0 0 4px; }
#sites .site { display: grid; grid-template-columns: auto 1fr auto; gap: 4px 10px; align-items: center; padding: 6px 0; border-bottom: 1px solid #f3f4f6; }
#sites .site label { display: flex; gap: 8px; align-items: center; margin: 0; font-weight: 600; }
#sites .state { font-size: 13px; color: #6b7280; }
#sites [data-kind="ok"] .state { color: #15803d; }
#sites [data-kind="unhealthy"] .state { color: #b91c1c; font-weight: 600; }
#sites .detail { grid-column: 1 / 4; font-size: 13px; color: #6b7280; margin: 0 0 0 26px; }
#sites [data-kind="unhealthy"] .detail { color: #7f1d1d; }
`;

export function mountSitesSection(parent: HTMLElement): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  const section = document.createElement('section');
  section.id = 'sites';
  const title = Object.assign(document.createElement('h2'), { textContent: 'Chat sites' });
  const hint = Object.assign(document.createElement('p'), {
    className: 'hint',
    textContent:
      'Unspun reads replies on these sites. Switch a site off to leave it alone. A site whose layout changed so that Unspun cannot read it is marked "not working" and nothing is captured there.',
  });
  const list = document.createElement('div');
  section.append(title, hint, list);
  parent.append(style, section);

  const render = async (): Promise<void> => {
    const state = await loadSiteState();
    const rows = siteStatuses(state).map((s) => {
      const row = document.createElement('div');
      row.className = 'site';
      row.dataset.site = s.id;
      row.dataset.kind = s.kind;
      const label = document.createElement('label');
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: state.siteSwitches[s.id] !== false });
      box.dataset.site = s.id;
      box.addEventListener('change', () => void setSiteSwitch(s.id, box.checked));
      label.append(box, document.createTextNode(s.name));
      const kind = Object.assign(document.createElement('span'), { className: 'state', textContent: STATUS_LABEL[s.kind] });
      row.append(label, document.createElement('span'), kind);
      if (s.kind !== 'unseen') row.append(Object.assign(document.createElement('p'), { className: 'detail', textContent: s.detail }));
      return row;
    });
    list.replaceChildren(...rows);
  };
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && ('siteHealth' in changes || 'siteSwitches' in changes || 'disabledSites' in changes)) void render();
  });
  void render();
}
