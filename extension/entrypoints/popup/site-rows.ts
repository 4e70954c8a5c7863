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
#site-health details { font-size: 12px; color: #4b5563; }
#site-health summary { cursor: pointer; padding: 2px 0; }
`;

/**
 * The one line that stands for the sites not seen yet, so nine identical rows do not fill the popup:
 * all of them → "9 sites supported, none visited yet"; some → "7 more sites supported, not visited yet".
 */
export function unseenSummary(unseen: number, total: number): string | null {
  if (unseen === 0) return null;
  const sites = (n: number) => `${n} ${n === 1 ? 'site' : 'sites'}`;
  return unseen === total ? `${sites(total)} supported, none visited yet` : `${unseen} more ${unseen === 1 ? 'site' : 'sites'} supported, not visited yet`;
}

export function mountSiteHealth(parent: HTMLElement): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  const section = document.createElement('section');
  section.id = 'site-health';
  section.setAttribute('aria-label', 'Chat sites');
  const title = document.createElement('h2');
  title.textContent = 'Chat sites';
  const list = document.createElement('ul');
  const details = document.createElement('details');
  details.className = 'unseen';
  section.append(title, list);
  parent.append(style, section);

  const render = async (): Promise<void> => {
    const statuses = siteStatuses(await loadSiteState());
    const row = (s: (typeof statuses)[number]) => {
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
    };
    const unseen = statuses.filter((s) => s.kind === 'unseen');
    list.replaceChildren(...statuses.filter((s) => s.kind !== 'unseen').map(row));
    const summary = unseenSummary(unseen.length, statuses.length);
    if (!summary) {
      details.remove();
      return;
    }
    const inner = document.createElement('ul');
    inner.append(...unseen.map(row));
    details.replaceChildren(Object.assign(document.createElement('summary'), { textContent: summary }), inner);
    section.append(details);
  };
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && ('siteHealth' in changes || 'siteSwitches' in changes || 'disabledSites' in changes)) void render();
  });
  void render();
}
