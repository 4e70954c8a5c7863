// The conversations list: fixed-height rows, only the visible ones in the DOM (windowing), pages
// loaded from the archive as the reader scrolls (keyset cursor, queries.ts). Never holds more
// rows than have been scrolled past.
import type { ConversationRecord } from '#shared/records';
import { h, scoreTone } from '../ui/dom.ts';
import { isolatedText } from '../ui/bidi.ts';

export const ROW_HEIGHT = 64;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 6;

export interface ListSource {
  /** Loads the next page; returns false when there is nothing more. */
  loadMore(): Promise<boolean>;
}

export interface ListViewOptions {
  onOpen(row: ConversationRecord): void;
  onSelect(row: ConversationRecord, selected: boolean): void;
  isSelected(key: string): boolean;
}

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateText = (ts: number) => DATE_FORMAT.format(ts);

export function rowMeta(c: ConversationRecord): string {
  const parts = [c.site];
  if (c.models?.length) parts.push(c.models.join(', '));
  parts.push(`${c.messageCount ?? '?'} repl${c.messageCount === 1 ? 'y' : 'ies'}`);
  parts.push(`${c.flagCount ?? 0} flag${c.flagCount === 1 ? '' : 's'}`);
  if (c.labeled) parts.push(`${c.labelCount} label${c.labelCount === 1 ? '' : 's'}`);
  parts.push(dateText(c.lastCapturedAt));
  return parts.join(' · ');
}

export function createListView(container: HTMLElement, options: ListViewOptions) {
  container.classList.add('list');
  container.setAttribute('role', 'listbox');
  container.setAttribute('aria-label', 'Conversations');
  const spacer = h('div');
  container.append(spacer);
  let rows: ConversationRecord[] = [];
  let source: ListSource | null = null;
  let exhausted = true;
  let loading: Promise<void> | null = null;
  let openKey: string | null = null;
  const drawn = new Map<number, HTMLElement>();

  function rowElement(c: ConversationRecord, index: number): HTMLElement {
    const tick = h('input', { attrs: { type: 'checkbox', 'aria-label': 'Select' } });
    tick.checked = options.isSelected(c.key);
    tick.addEventListener('click', (e) => e.stopPropagation());
    tick.addEventListener('change', () => options.onSelect(c, tick.checked));
    const score = (c.maxScore ?? -1) >= 0 ? Math.round(c.maxScore!) : null;
    const el = h('div', { class: 'row', attrs: { role: 'option', 'data-key': c.key, 'aria-selected': String(c.key === openKey), tabindex: '0' } }, [
      tick,
      isolatedText(c.title ?? c.conversationId, 'title'),
      h('span', {
        class: `score ${score === null ? 'none' : scoreTone(score)}`,
        text: score === null ? '–' : String(score),
        attrs: { title: 'Highest reply score' },
      }),
      h('span', { class: 'meta', text: rowMeta(c) }),
    ]);
    el.style.top = `${index * ROW_HEIGHT}px`;
    el.addEventListener('click', () => open(c));
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') open(c);
    });
    return el;
  }

  function open(c: ConversationRecord): void {
    openKey = c.key;
    for (const el of drawn.values()) el.setAttribute('aria-selected', String(el.dataset.key === openKey));
    options.onOpen(c);
  }

  /** Draws the rows in view (and a few around them), removes the rest. */
  function render(): void {
    spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
    const first = Math.max(0, Math.floor(container.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length - 1, Math.ceil((container.scrollTop + container.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    for (const [i, el] of drawn) {
      if (i < first || i > last) {
        el.remove();
        drawn.delete(i);
      }
    }
    for (let i = first; i <= last; i++) {
      if (drawn.has(i)) continue;
      const el = rowElement(rows[i]!, i);
      drawn.set(i, el);
      container.append(el);
    }
    const nearEnd = (last + 1) * ROW_HEIGHT >= rows.length * ROW_HEIGHT - container.clientHeight;
    if (nearEnd && !exhausted) void more();
  }

  async function more(): Promise<void> {
    if (!source || exhausted) return;
    if (!loading) {
      const from = source;
      loading = from
        .loadMore()
        .then((hasMore) => {
          if (from !== source) return;
          exhausted = !hasMore;
        })
        .finally(() => {
          loading = null;
        });
      await loading;
      render();
    } else await loading;
  }

  let frame: number | null = null;
  container.addEventListener(
    'scroll',
    () => {
      if (frame !== null) return;
      frame = requestAnimationFrame(() => {
        frame = null;
        render();
      });
    },
    { passive: true },
  );

  return {
    /** Starts over with a new source (a new filter). */
    async reset(next: ListSource): Promise<void> {
      source = next;
      rows = [];
      exhausted = false;
      for (const el of drawn.values()) el.remove();
      drawn.clear();
      container.scrollTop = 0;
      await more();
      render();
    },
    append(page: readonly ConversationRecord[]): void {
      rows.push(...page);
    },
    /** Redraws (e.g. after a selection change or a delete). */
    refresh(): void {
      for (const el of drawn.values()) el.remove();
      drawn.clear();
      render();
    },
    remove(key: string): void {
      rows = rows.filter((r) => r.key !== key);
      this.refresh();
    },
    get rows(): readonly ConversationRecord[] {
      return rows;
    },
  };
}

export type ListView = ReturnType<typeof createListView>;
