// The "export, import, delete" tab. Deleting always takes a second, explicit step.
import { browser } from 'wxt/browser';
import { deleteEverything, deleteSite, RETENTION_KEY } from '../db/retention.ts';
import { h } from '../ui/dom.ts';
import { mountExportImport } from './export-view.ts';
import type { DashboardContext } from './page.ts';
import { ARCHIVE_CHANGED, filterOptions } from './archive-pages.ts';

/** A button that asks again before it acts. */
export function confirmButton(label: string, question: string, act: () => Promise<string>): HTMLElement {
  const button = h('button', { class: 'danger', text: label, attrs: { type: 'button' } });
  const wrap = h('span', { class: 'confirm' }, [button]);
  const status = h('span', { class: 'status', attrs: { role: 'status' } });
  button.addEventListener('click', () => {
    const yes = h('button', { class: 'danger', text: 'Yes, delete', attrs: { type: 'button', 'data-confirm': '' } });
    const no = h('button', { text: 'Cancel', attrs: { type: 'button' } });
    wrap.replaceChildren(h('span', { text: question }), yes, no, status);
    no.addEventListener('click', () => wrap.replaceChildren(button, status));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      status.textContent = 'Deleting…';
      try {
        status.textContent = await act();
        status.className = 'status ok';
      } catch (error) {
        status.textContent = `Not deleted: ${error instanceof Error ? error.message : String(error)}`;
        status.className = 'status bad';
      }
      wrap.replaceChildren(button, status);
    });
  });
  return wrap;
}

export function mountDataTab(root: HTMLElement, ctx: DashboardContext): void {
  const { db } = ctx.state;
  const exportPanel = h('div', { class: 'panel', attrs: { id: 'export-panel' } });
  const siteSelect = h('select', { attrs: { 'aria-label': 'Site', id: 'delete-site' } });
  const fillSites = (sites: readonly string[]) => siteSelect.replaceChildren(...sites.map((s) => h('option', { text: s, attrs: { value: s } })));
  void filterOptions(db).then(({ sites }) => fillSites(sites));
  // An import or a delete changes the sites there are.
  document.addEventListener(ARCHIVE_CHANGED, (e) => fillSites((e as CustomEvent<{ sites: string[] }>).detail.sites));
  const days = h('input', { attrs: { type: 'number', min: '0', max: '3650', id: 'retention-days', 'aria-label': 'Days to keep' } });
  const daysStatus = h('span', { class: 'status', attrs: { role: 'status' } });
  void browser.storage.local.get(RETENTION_KEY).then((v) => {
    days.value = String(Number(v[RETENTION_KEY] ?? 0) || '');
  });
  days.addEventListener('change', async () => {
    const n = Math.max(0, Math.min(3650, Math.floor(Number(days.value) || 0)));
    await browser.storage.local.set({ [RETENTION_KEY]: n });
    daysStatus.textContent = n
      ? `Saved: conversations last captured more than ${n} days ago are deleted once a day.`
      : 'Saved: nothing is deleted automatically.';
  });
  const after = async (text: string) => {
    await ctx.refresh();
    await ctx.refreshTotals();
    return text;
  };
  root.replaceChildren(
    exportPanel,
    h('div', { class: 'panel' }, [
      h('h2', { text: 'Delete' }),
      h('div', { class: 'toolbar' }, [
        h('span', { text: 'One site’s data:' }),
        siteSelect,
        confirmButton('Delete this site’s data', 'Delete every conversation of this site, with its scores and labels?', async () =>
          after(`Deleted ${await deleteSite(db, siteSelect.value)} replies of ${siteSelect.value}.`),
        ),
      ]),
      h('div', { class: 'toolbar' }, [
        h('span', { text: 'Everything:' }),
        confirmButton('Delete everything', 'Delete the whole archive: every conversation, score, label and run?', async () => {
          await deleteEverything(db);
          return after('The archive is empty.');
        }),
      ]),
      h('div', { class: 'toolbar' }, [
        h('label', { text: 'Delete automatically after (days, empty = never) ', attrs: { for: 'retention-days' } }),
        days,
        daysStatus,
      ]),
    ]),
  );
  mountExportImport(exportPanel, ctx);
}
