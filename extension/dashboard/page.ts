// The dashboard page (extension page dashboard.html): tabs for the conversations list with its
// filters and the conversation view, the charts, re-score runs, and export / import / delete.
// Reads the archive directly (same extension origin as the background); anything that needs the
// proxy goes through the background.
import { MOVE_IDS, SUPPORT_STATUSES } from '#shared/schemas';
import { createDb, type UnspunDb } from '../db/schema.ts';
import { deleteConversation } from '../db/retention.ts';
import { loadSettings } from '../settings.ts';
import { h } from '../ui/dom.ts';
import { moveName, SUPPORT_LABELS } from '../ui/move-names.ts';
import { mountCharts } from './charts-view.ts';
import { mountDrift } from './drift-view.ts';
import { createConversationView } from './conversation-view.ts';
import { mountDataTab } from './data-view.ts';
import { ARCHIVE_EMPTY_TEXT, emptyArchiveNotice, listEmptiness, NO_MATCH_TEXT } from './empty-archive.ts';
import { plural } from './export-pipeline.ts';
import { parseFilter, serializeFilter, type DashboardFilter } from './filters.ts';
import { createListView } from './list-view.ts';
import { ARCHIVE_CHANGED, countConversations, filterOptions, loadConversation, pageOfConversations, type PageCursor } from './archive-pages.ts';
import { mountRuns } from './runs-view.ts';
import { mountLabelsView } from './labels-view.ts';
import { searchConversations, type SearchResult } from './search.ts';

export interface DashboardState {
  db: UnspunDb;
  filter: DashboardFilter;
  selected: Set<string>;
  search: SearchResult | null;
}

const dayStart = (value: string): number | undefined => (value ? Date.parse(`${value}T00:00:00Z`) : undefined);
const dayEnd = (value: string): number | undefined => (value ? Date.parse(`${value}T23:59:59.999Z`) : undefined);
const dayValue = (ts: number | undefined) => (ts === undefined ? '' : new Date(ts).toISOString().slice(0, 10));

function fillSelect(el: HTMLSelectElement, options: [string, string][], value: string | undefined): void {
  el.replaceChildren(h('option', { text: 'any', attrs: { value: '' } }), ...options.map(([v, t]) => h('option', { text: t, attrs: { value: v } })));
  el.value = value ?? '';
}

function select(name: string, label: string, options: [string, string][], value: string | undefined): HTMLLabelElement {
  const el = h('select', { attrs: { name } });
  fillSelect(el, options, value);
  return h('label', {}, [document.createTextNode(label), el]);
}

function input(name: string, label: string, type: string, value: string, attrs: Record<string, string> = {}): HTMLLabelElement {
  const el = h('input', { attrs: { name, type, ...attrs } });
  el.value = value;
  return h('label', {}, [document.createTextNode(label), el]);
}

function check(name: string, label: string, checked: boolean): HTMLLabelElement {
  const el = h('input', { attrs: { name, type: 'checkbox' } });
  el.checked = checked;
  return h('label', { class: 'check' }, [el, document.createTextNode(label)]);
}

/** Reads the filter form (values are re-validated by parseFilter, as from the URL). */
export function filterFromForm(form: HTMLFormElement): DashboardFilter {
  const data = new FormData(form);
  const p = new URLSearchParams();
  for (const key of ['site', 'model', 'move', 'support', 'scoreMin', 'scoreMax', 'q']) {
    const v = String(data.get(key) ?? '').trim();
    if (v) p.set(key, v);
  }
  const from = dayStart(String(data.get('from') ?? ''));
  const to = dayEnd(String(data.get('to') ?? ''));
  if (from !== undefined) p.set('from', String(from));
  if (to !== undefined) p.set('to', String(to));
  if (data.get('flagged')) p.set('flagged', '1');
  if (data.get('labeled')) p.set('labeled', '1');
  return parseFilter(p);
}

export async function mountDashboard(root: HTMLElement, db: UnspunDb = createDb()): Promise<void> {
  const state: DashboardState = { db, filter: parseFilter(new URLSearchParams(location.hash.slice(1))), selected: new Set(), search: null };
  const tabs = {
    conversations: h('section', { attrs: { 'data-tab': 'conversations' } }),
    charts: h('section', { attrs: { 'data-tab': 'charts', hidden: '' } }),
    models: h('section', { attrs: { 'data-tab': 'models', hidden: '' } }),
    runs: h('section', { attrs: { 'data-tab': 'runs', hidden: '' } }),
    data: h('section', { attrs: { 'data-tab': 'data', hidden: '' } }),
    labels: h('section', { attrs: { 'data-tab': 'labels', hidden: '' } }),
  };
  root.replaceChildren(...Object.values(tabs));

  // ---- filters ----
  const options = await filterOptions(db);
  const f = state.filter;
  const form = h('form', { class: 'filters', attrs: { id: 'filters', role: 'search' } }, [
    input('q', 'Text', 'search', f.text ?? '', { placeholder: 'words in a reply or question', size: '24' }),
    select(
      'site',
      'Site',
      options.sites.map((s) => [s, s]),
      f.site,
    ),
    select(
      'model',
      'Model',
      options.models.map((m) => [m, m]),
      f.model,
    ),
    select(
      'move',
      'Move',
      MOVE_IDS.map((m) => [m, moveName(m)]),
      f.move,
    ),
    select(
      'support',
      'Support',
      SUPPORT_STATUSES.map((s) => [s, SUPPORT_LABELS[s]]),
      f.support,
    ),
    input('scoreMin', 'Score ≥', 'number', f.scoreMin?.toString() ?? '', { min: '0', max: '100' }),
    input('scoreMax', 'Score ≤', 'number', f.scoreMax?.toString() ?? '', { min: '0', max: '100' }),
    input('from', 'From', 'date', dayValue(f.from)),
    input('to', 'To', 'date', dayValue(f.to)),
    check('flagged', 'Flagged only', Boolean(f.flaggedOnly)),
    check('labeled', 'Has my label', Boolean(f.labeledOnly)),
    h('button', { class: 'primary', text: 'Apply', attrs: { type: 'submit' } }),
    h('button', { text: 'Clear', attrs: { type: 'reset' } }),
  ]);
  const count = h('span', { attrs: { id: 'count', role: 'status' } });
  const searchNote = h('span', { class: 'muted', attrs: { id: 'search-note' } });
  const selectedNote = h('span', { class: 'muted', attrs: { id: 'selected' } });
  const listBox = h('div', { attrs: { id: 'list' } });
  const viewBox = h('div', { attrs: { id: 'view' } });
  const split = h('div', { class: 'split' }, [h('div', {}, [h('div', { class: 'toolbar' }, [count, searchNote, selectedNote]), listBox]), viewBox]);
  const emptyBox = h('div', { attrs: { hidden: '' } });
  void loadSettings().then((s) =>
    emptyBox.replaceChildren(emptyArchiveNotice(s.proxyUrl, () => document.querySelector<HTMLButtonElement>('nav [data-tab="data"]')?.click())),
  );
  tabs.conversations.append(form, emptyBox, split);

  const view = createConversationView(viewBox, db, {
    onDelete: async (key) => {
      await deleteConversation(db, key);
      list.remove(key);
      state.selected.delete(key);
      view.empty('Deleted.');
      void refreshTotals();
    },
  });
  view.empty('Pick a conversation on the left.');

  const updateSelected = () => {
    selectedNote.textContent = state.selected.size ? `${state.selected.size} selected` : '';
  };
  const list = createListView(listBox, {
    onOpen: async (row) => {
      const detail = await loadConversation(db, row.key);
      if (detail) view.show(detail);
      else view.empty('This conversation is no longer in the archive.');
    },
    onSelect: (row, on) => {
      if (on) state.selected.add(row.key);
      else state.selected.delete(row.key);
      updateSelected();
    },
    isSelected: (key) => state.selected.has(key),
  });

  let generation = 0;
  async function applyFilter(next: DashboardFilter): Promise<void> {
    const mine = ++generation;
    const started = performance.now();
    state.filter = next;
    const params = serializeFilter(next).toString();
    history.replaceState(null, '', params ? `#${params}` : location.pathname);
    count.textContent = 'Loading…';
    root.dataset.loading = 'true';
    state.search = next.text ? await searchConversations(db, next.text) : null;
    if (mine !== generation) return;
    searchNote.textContent = state.search?.truncated ? `Text search covers the newest ${state.search.scanned.toLocaleString()} replies.` : '';
    let cursor: PageCursor | undefined;
    const hits = state.search?.keys;
    await list.reset({
      loadMore: async () => {
        const q0 = performance.now();
        const page = await pageOfConversations(db, next, cursor, undefined, hits);
        root.dataset.queryMs ??= (performance.now() - q0).toFixed(1);
        if (mine !== generation) return false;
        list.append(page.rows);
        cursor = page.next;
        return page.next !== undefined;
      },
    });
    if (mine !== generation) return;
    delete root.dataset.loading;
    // Timings for the bench (test/bench/dashboard.ts): first page shown, then the full count.
    root.dataset.pageMs = (performance.now() - started).toFixed(1);
    root.dataset.shown = String(list.rows.length);
    count.textContent = list.rows.length ? `${list.rows.length} shown, counting…` : NO_MATCH_TEXT;
    const total = await countConversations(db, next, hits);
    if (mine !== generation) return;
    root.dataset.countMs = (performance.now() - started).toFixed(1);
    root.dataset.total = String(total);
    const emptiness = listEmptiness(total, next);
    // An empty archive gets the ways to fill it instead of an empty list.
    emptyBox.hidden = emptiness !== 'archive-empty';
    split.hidden = emptiness === 'archive-empty';
    count.textContent = emptiness === 'not-empty' ? plural(total, 'conversation') : emptiness === 'archive-empty' ? ARCHIVE_EMPTY_TEXT : NO_MATCH_TEXT;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void applyFilter(filterFromForm(form));
  });
  form.addEventListener('change', () => void applyFilter(filterFromForm(form)));
  form.addEventListener('reset', () => setTimeout(() => void applyFilter(filterFromForm(form))));

  // ---- totals, tabs ----
  const totals = document.getElementById('totals');
  async function showTotals(): Promise<void> {
    const [conversations, messages] = await Promise.all([db.conversations.count(), db.messages.count()]);
    if (totals) totals.textContent = `${plural(conversations, 'conversation')} · ${plural(messages, 'reply', 'replies')} in the archive`;
  }
  /** After the archive changed (import, delete): the header's totals and the filter's site and model lists. */
  async function refreshTotals(): Promise<void> {
    const [fresh] = await Promise.all([filterOptions(db), showTotals()]);
    fillSelect(
      form.elements.namedItem('site') as HTMLSelectElement,
      fresh.sites.map((s) => [s, s]),
      state.filter.site,
    );
    fillSelect(
      form.elements.namedItem('model') as HTMLSelectElement,
      fresh.models.map((m) => [m, m]),
      state.filter.model,
    );
    document.dispatchEvent(new CustomEvent(ARCHIVE_CHANGED, { detail: fresh }));
  }
  void showTotals();

  const mounted = new Set<string>();
  const context = { state, refresh: () => applyFilter(state.filter), refreshTotals };
  for (const button of document.querySelectorAll<HTMLButtonElement>('nav [data-tab]')) {
    button.addEventListener('click', () => {
      const name = button.dataset.tab as keyof typeof tabs;
      for (const b of document.querySelectorAll('nav [data-tab]')) b.setAttribute('aria-selected', String(b === button));
      for (const [key, section] of Object.entries(tabs)) section.hidden = key !== name;
      if (mounted.has(name) && name !== 'charts' && name !== 'models') return;
      mounted.add(name);
      if (name === 'charts') void mountCharts(tabs.charts, context);
      if (name === 'models') void mountDrift(tabs.models, db);
      if (name === 'runs') mountRuns(tabs.runs, context);
      if (name === 'data') mountDataTab(tabs.data, context);
      if (name === 'labels') mountLabelsView(tabs.labels, db);
    });
  }

  await applyFilter(state.filter);
  root.dataset.ready = 'true';
}

export type DashboardContext = { state: DashboardState; refresh(): Promise<void>; refreshTotals(): Promise<void> };
