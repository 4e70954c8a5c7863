// The export panel (UI) on the export pipeline (export-pipeline.ts): the ticked conversations or
// the current filter; research zip (JSONL + CSV + JSON Schema + manifest), CSV, Markdown or
// ShareGPT; redaction on by default, with a review step that shows each conversation under its
// local title, its user turns and replies as they will leave with the placeholders marked, and
// lets the reader leave conversations out; a progress bar; records read and written one at a
// time, straight to a file on disk where the browser allows it (bounded memory).
import { browser } from 'wxt/browser';
import { loadNameFinder, type NameSpan } from '#shared/export/names';
import { h } from '../ui/dom.ts';
import { isolatedText } from '../ui/bidi.ts';
import { archiveRecords } from './archive-io.ts';
import {
  exportChunks,
  type ExportFormat,
  neverLeaves,
  plural,
  randomSalt,
  redactFor,
  type RedactionChoice,
  reviewEntry,
  type ReviewEntry,
} from './export-pipeline.ts';
import { mountImport } from './import-view.ts';
import type { DashboardContext } from './page.ts';
import { conversationKeysMatching } from './archive-pages.ts';

/** Most conversations in one export of "the current filter". */
export const MAX_EXPORT_CONVERSATIONS = 100_000;
const REVIEW_COUNT = 25;

const FILE_TYPES: Record<ExportFormat, { ext: string; mime: string }> = {
  zip: { ext: 'zip', mime: 'application/zip' },
  csv: { ext: 'csv', mime: 'text/csv' },
  markdown: { ext: 'md', mime: 'text/markdown' },
  sharegpt: { ext: 'json', mime: 'application/json' },
};

interface Sink {
  write(chunk: Uint8Array | string): Promise<void>;
  close(): Promise<void>;
}

type SavePicker = (options: {
  suggestedName: string;
}) => Promise<{ createWritable(): Promise<{ write(data: BufferSource | string): Promise<void>; close(): Promise<void> }> }>;

/** Straight to disk (File System Access) when chosen and available, else a download of the collected Blob. */
async function openSink(name: string, mime: string, toDisk: boolean): Promise<Sink> {
  const picker = (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (toDisk && picker) {
    const writable = await (await picker({ suggestedName: name })).createWritable();
    return { write: (c) => writable.write(c as BufferSource | string), close: () => writable.close() };
  }
  const parts: BlobPart[] = [];
  return {
    write: async (c) => void parts.push(c as BlobPart),
    close: async () => {
      const url = URL.createObjectURL(new Blob(parts, { type: mime }));
      const a = h('a', { attrs: { href: url, download: name } });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
  };
}

/** One conversation of the review: local title, what leaves, the turns with placeholders marked. */
function reviewItem(entry: ReviewEntry, included: boolean, onToggle: (on: boolean) => void): HTMLElement {
  const include = h('input', { attrs: { type: 'checkbox', 'data-key': entry.key, 'aria-label': 'Include in the export' } });
  include.checked = included;
  include.addEventListener('change', () => onToggle(include.checked));
  const titleNote =
    entry.titleInFile === undefined
      ? 'title stays on this computer'
      : entry.titleInFile === entry.localTitle
        ? 'title leaves as shown'
        : 'title leaves redacted';
  const turns = entry.turns.map((turn) => {
    const text = h(
      'div',
      { class: 'review-text' },
      turn.segments.map((s) =>
        s.placeholder
          ? h('mark', { class: 'placeholder', text: s.text, attrs: { title: 'Replaced: the original stays on this computer' } })
          : document.createTextNode(s.text),
      ),
    );
    if (turn.truncated) text.append(document.createTextNode('…'));
    return h('div', { class: `review-turn from-${turn.role}` }, [h('span', { class: 'who', text: turn.role === 'user' ? 'You' : 'Assistant' }), text]);
  });
  return h('div', { class: 'reply review-item', attrs: { 'data-key': entry.key } }, [
    h('label', { class: 'check review-title' }, [
      include,
      h('strong', {}, [isolatedText(entry.localTitle)]),
      h('span', { class: 'muted', text: ` · ${titleNote}` }),
    ]),
    h('p', { class: 'muted', text: `${entry.site} · id in the file: ${entry.idInFile} · ${plural(entry.messages, 'message')} · ${entry.replaced}` }),
    ...turns,
    entry.more > 0 ? h('p', { class: 'muted', text: `and ${plural(entry.more, 'more message')}, redacted the same way` }) : null,
  ]);
}

export function mountExportImport(root: HTMLElement, ctx: DashboardContext): void {
  const { db } = ctx.state;
  const scope = h('select', { attrs: { name: 'scope', 'aria-label': 'What to export' } }, [
    h('option', { text: 'the current filter', attrs: { value: 'filter' } }),
    h('option', { text: 'the ticked conversations', attrs: { value: 'selected' } }),
  ]);
  const format = h('select', { attrs: { name: 'format', 'aria-label': 'Format' } }, [
    h('option', { text: 'Research zip (JSONL, CSV, JSON Schema, manifest)', attrs: { value: 'zip' } }),
    h('option', { text: 'CSV (one row per flag)', attrs: { value: 'csv' } }),
    h('option', { text: 'Markdown report', attrs: { value: 'markdown' } }),
    h('option', { text: 'ShareGPT JSON', attrs: { value: 'sharegpt' } }),
  ]);
  const redactTexts = h('input', { attrs: { type: 'checkbox', name: 'redact', checked: '' } });
  const redactIds = h('input', { attrs: { type: 'checkbox', name: 'pseudonymous', checked: '' } });
  const dropTitles = h('input', { attrs: { type: 'checkbox', name: 'drop-titles', checked: '' } });
  const toDisk = h('input', { attrs: { type: 'checkbox', name: 'to-disk' } });
  const ptc = h('input', { attrs: { type: 'checkbox', name: 'ptc' } });
  const agreement = h('input', { attrs: { type: 'checkbox', name: 'agreement' } });
  const researchExtras = h('div', { class: 'toolbar', attrs: { 'data-research-extras': '' } }, [
    h('span', { text: 'Also in the zip:' }),
    h('label', { class: 'check' }, [ptc, document.createTextNode(' SemEval-2020 Task 11 spans (PTC format)')]),
    h('label', { class: 'check' }, [agreement, document.createTextNode(' Agreement between judges (Cohen’s κ per move)')]),
  ]);
  const hasPicker = typeof (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker === 'function';
  toDisk.checked = hasPicker;
  toDisk.disabled = !hasPicker;
  const review = h('button', { text: 'Review what will leave', attrs: { type: 'button', id: 'export-review' } });
  const go = h('button', { class: 'primary', text: 'Export', attrs: { type: 'button', id: 'export-go' } });
  const bar = h('progress', { attrs: { max: '1', value: '0', hidden: '' } });
  const status = h('p', { class: 'status', attrs: { role: 'status', id: 'export-status' } });
  const reviewBox = h('div', { attrs: { id: 'export-review-list' } });
  const excluded = new Set<string>();
  /** One salt per export: the review shows the very ids that will leave; a new one after each export. */
  let salt = randomSalt();

  // Redaction is on by default for the research formats; a Markdown report to share is the reader's own call.
  format.addEventListener('change', () => {
    const research = format.value === 'zip' || format.value === 'csv';
    researchExtras.hidden = format.value !== 'zip';
    redactTexts.checked = research || redactTexts.checked;
    redactIds.checked = research || redactIds.checked;
  });

  let nameFinder: Promise<(text: string) => NameSpan[]> | null = null;
  async function redaction(salt: string): Promise<RedactionChoice> {
    const choice: RedactionChoice = { texts: redactTexts.checked, ids: redactIds.checked, dropTitles: dropTitles.checked, salt };
    if (choice.texts) {
      nameFinder ??= loadNameFinder();
      choice.findNames = await nameFinder;
    }
    return choice;
  }

  async function scopeKeys(): Promise<string[]> {
    if (scope.value === 'selected') return [...ctx.state.selected];
    return conversationKeysMatching(db, ctx.state.filter, MAX_EXPORT_CONVERSATIONS, ctx.state.search?.keys);
  }

  review.addEventListener('click', async () => {
    review.disabled = true;
    try {
      const keys = await scopeKeys();
      const choice = await redaction(salt);
      const items: HTMLElement[] = [];
      for await (const record of archiveRecords(db, keys.slice(0, REVIEW_COUNT))) {
        const entry = reviewEntry(record, redactFor(record, choice));
        items.push(reviewItem(entry, !excluded.has(entry.key), (on) => (on ? excluded.delete(entry.key) : excluded.add(entry.key))));
      }
      const stays = neverLeaves(choice);
      reviewBox.replaceChildren(
        h('div', { class: 'never-leaves', attrs: { id: 'never-leaves' } }, [
          h('strong', { text: 'Never leaves this computer:' }),
          h(
            'ul',
            {},
            stays.map((s) => h('li', { text: s })),
          ),
        ]),
        h('p', {
          class: 'muted',
          text:
            keys.length === 0
              ? 'Nothing to export: tick conversations or widen the filter.'
              : keys.length > REVIEW_COUNT
                ? `The first ${REVIEW_COUNT} of ${plural(keys.length, 'conversation')}, as they will leave. The rest are redacted the same way.`
                : `${plural(keys.length, 'conversation')}, as ${keys.length === 1 ? 'it' : 'they'} will leave. Untick one to leave it out.`,
        }),
        ...items,
      );
    } finally {
      review.disabled = false;
    }
  });

  go.addEventListener('click', async () => {
    go.disabled = true;
    status.className = 'status';
    try {
      const keys = (await scopeKeys()).filter((k) => !excluded.has(k));
      if (!keys.length) throw new Error('nothing to export: tick conversations or widen the filter');
      const fmt = format.value as ExportFormat;
      const { ext, mime } = FILE_TYPES[fmt];
      const sink = await openSink(`unspun-export-${new Date().toISOString().slice(0, 10)}.${ext}`, mime, toDisk.checked);
      const choice = await redaction(salt);
      const errors: string[] = [];
      bar.hidden = false;
      bar.value = 0;
      const filters = { ...ctx.state.filter, scope: scope.value, excluded: excluded.size };
      for await (const chunk of exportChunks(archiveRecords(db, keys), fmt, choice, {
        filters,
        version: browser.runtime.getManifest().version,
        ...(fmt === 'zip' ? { research: { ptc: ptc.checked, agreement: agreement.checked } } : {}),
        onProgress: (done) => {
          bar.value = done / keys.length;
          status.textContent = `Exporting: ${done} of ${plural(keys.length, 'conversation')}`;
        },
        onError: (where, message) => errors.push(`${where}: ${message}`),
      })) {
        await sink.write(chunk);
      }
      await sink.close();
      const exported = keys.length - errors.length;
      status.textContent = `Exported ${plural(exported, 'conversation')}${choice.texts ? ', redacted' : ''}${errors.length ? `; left out: ${errors.slice(0, 3).join('; ')}` : ''}.`;
      status.className = errors.length ? 'status warn' : 'status ok';
      root.dataset.exported = String(exported);
      salt = randomSalt();
    } catch (error) {
      status.textContent = `Not exported: ${error instanceof Error ? error.message : String(error)}`;
      status.className = 'status bad';
    } finally {
      go.disabled = false;
    }
  });

  const importPanel = h('div', { attrs: { id: 'import-panel' } });
  root.replaceChildren(
    h('h2', { text: 'Export' }),
    h('div', { class: 'toolbar' }, [h('span', { text: 'Export' }), scope, h('span', { text: 'as' }), format]),
    h('div', { class: 'toolbar' }, [
      h('label', { class: 'check' }, [redactTexts, document.createTextNode(' Redact emails, phone numbers, URLs, secrets and names')]),
      h('label', { class: 'check' }, [redactIds, document.createTextNode(' Pseudonymous ids')]),
      h('label', { class: 'check' }, [dropTitles, document.createTextNode(' Leave titles out of the file')]),
      h('label', { class: 'check' }, [
        toDisk,
        document.createTextNode(hasPicker ? ' Write straight to a file' : ' Write straight to a file (not offered by this browser)'),
      ]),
    ]),
    researchExtras,
    h('div', { class: 'toolbar' }, [review, go, bar]),
    status,
    reviewBox,
    importPanel,
  );
  mountImport(importPanel, ctx);
}
