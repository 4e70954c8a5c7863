// Export and import in the browser, on the export core (shared/export, shared/import).
// Export: the ticked conversations or the current filter; research zip (JSONL + CSV + JSON Schema
// + manifest), CSV, Markdown or ShareGPT; redaction on by default, with a review step that shows
// what will leave and lets the reader leave conversations out; a progress bar; records read and
// written one at a time, straight to a file on disk where the browser allows it (bounded memory).
// Import: ChatGPT / Claude data exports or Unspun JSONL, read as a stream; malformed records are
// named and skipped; replies without a score are then scored through the batch endpoint.
import { browser } from 'wxt/browser';
import { exportZip } from '#shared/export/bundle';
import { csvHeader, csvRows, toMarkdown, toShareGpt } from '#shared/export/formats';
import { loadNameFinder, type NameSpan } from '#shared/export/names';
import type { ExportRecord } from '#shared/export/record';
import { findNamesInRecord, redactRecord } from '#shared/export/redact-record';
import { importRecords, type ImportFormat } from '#shared/import/index';
import { h } from '../ui/dom.ts';
import { isolatedText } from '../ui/bidi.ts';
import { archiveRecords, storeImported } from './archive-io.ts';
import type { DashboardContext } from './page.ts';
import type { UnspunDb } from '../db/schema.ts';
import { conversationKeysMatching } from './queries.ts';
import { MAX_RUN_REPLIES } from './runs.ts';
import { runMonitor, sendRunMessage } from './runs-view.ts';

export const EXPORT_FORMATS = ['zip', 'csv', 'markdown', 'sharegpt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** Most conversations in one export of "the current filter". */
export const MAX_EXPORT_CONVERSATIONS = 100_000;
const REVIEW_COUNT = 25;

export interface RedactionChoice {
  texts: boolean;
  ids: boolean;
  salt: string;
  findNames?: (text: string) => readonly NameSpan[];
}

export function randomSalt(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function redactFor(record: ExportRecord, r: RedactionChoice): ExportRecord {
  if (!r.texts && !r.ids) return record;
  return redactRecord(record, { texts: r.texts, ids: r.ids, salt: r.salt, ...(r.texts && r.findNames ? { names: findNamesInRecord(record, r.findNames) } : {}) });
}

/** The chunks of one export file, streamed record by record. */
export async function* exportChunks(records: AsyncIterable<ExportRecord>, format: ExportFormat, redaction: RedactionChoice, hooks: { onProgress(done: number): void; onError(where: string, message: string): void; filters: Record<string, unknown>; version: string }): AsyncGenerator<Uint8Array | string> {
  if (format === 'zip') {
    yield* exportZip(records, {
      generator: { name: 'unspun-dashboard', version: hooks.version },
      filters: hooks.filters,
      redaction: { texts: redaction.texts, ids: redaction.ids, salt: redaction.salt, saltKind: redaction.ids ? 'per-export' : 'none', ...(redaction.findNames ? { findNames: redaction.findNames } : {}) },
      csv: true,
      onProgress: hooks.onProgress,
      onError: hooks.onError,
    });
    return;
  }
  if (format === 'csv') yield csvHeader();
  if (format === 'sharegpt') yield '[\n';
  let done = 0;
  for await (const input of records) {
    try {
      const record = redactFor(input, redaction);
      if (format === 'csv') yield csvRows(record);
      else if (format === 'markdown') yield `${done ? '\n---\n\n' : ''}${toMarkdown(record)}`;
      else yield `${done ? ',\n' : ''}${JSON.stringify(toShareGpt(record))}`;
    } catch (error) {
      hooks.onError(`conversation ${JSON.stringify(input.conversation.id)}`, error instanceof Error ? error.message : String(error));
    }
    hooks.onProgress(++done);
  }
  if (format === 'sharegpt') yield '\n]\n';
}

/**
 * Exports the newest `limit` conversations into a byte counter (no file): for the bench
 * (test/bench/dashboard.ts), which samples the page's heap from outside while it runs.
 */
export async function measureExport(db: UnspunDb, limit: number, format: ExportFormat = 'zip'): Promise<{ ms: number; bytes: number; records: number }> {
  const keys = await db.conversations.orderBy('lastCapturedAt').reverse().limit(limit).primaryKeys();
  const started = performance.now();
  let bytes = 0;
  let records = 0;
  for await (const chunk of exportChunks(archiveRecords(db, keys), format, { texts: false, ids: false, salt: 'bench' }, { onProgress: (n) => (records = n), onError: () => {}, filters: {}, version: 'bench' })) {
    bytes += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
  }
  return { ms: performance.now() - started, bytes, records };
}

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

type SavePicker = (options: { suggestedName: string }) => Promise<{ createWritable(): Promise<{ write(data: BufferSource | string): Promise<void>; close(): Promise<void> }> }>;

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

/** Text chunks of a file, streamed (never the whole file as one string). */
async function* fileChunks(file: File): AsyncGenerator<string> {
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    yield value;
  }
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
  const toDisk = h('input', { attrs: { type: 'checkbox', name: 'to-disk' } });
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
    redactTexts.checked = research || redactTexts.checked;
    redactIds.checked = research || redactIds.checked;
  });

  let nameFinder: Promise<(text: string) => NameSpan[]> | null = null;
  async function redaction(salt: string): Promise<RedactionChoice> {
    const choice: RedactionChoice = { texts: redactTexts.checked, ids: redactIds.checked, salt };
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
    const keys = await scopeKeys();
    const choice = await redaction(salt);
    const items: HTMLElement[] = [];
    for await (const record of archiveRecords(db, keys.slice(0, REVIEW_COUNT))) {
      const key = `${record.conversation.site}:${record.conversation.id}`;
      const out = redactFor(record, choice);
      const counts = Object.entries(out.redaction.counts).map(([t, n]) => `${n} ${t.toLowerCase()}`).join(', ') || 'nothing redacted';
      const include = h('input', { attrs: { type: 'checkbox', 'data-key': key } });
      include.checked = !excluded.has(key);
      include.addEventListener('change', () => (include.checked ? excluded.delete(key) : excluded.add(key)));
      const sample = out.messages.find((m) => m.role === 'assistant')?.text ?? out.messages[0]?.text ?? '';
      items.push(h('div', { class: 'reply review-item' }, [
        h('label', { class: 'check' }, [include, document.createTextNode(' '), h('strong', {}, [isolatedText(out.conversation.title ?? out.conversation.id)])]),
        h('p', { class: 'muted', text: `${out.conversation.site} · id ${out.conversation.id} · ${out.messages.length} messages · ${counts}` }),
        h('div', { class: 'reply-text', text: sample.length > 400 ? `${sample.slice(0, 400)}…` : sample }),
      ]));
    }
    reviewBox.replaceChildren(
      h('p', { class: 'muted', text: keys.length > REVIEW_COUNT ? `The first ${REVIEW_COUNT} of ${keys.length} conversations, as they will leave. The rest are redacted the same way.` : `${keys.length} conversation${keys.length === 1 ? '' : 's'}, as they will leave.` }),
      ...items,
    );
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
        onProgress: (done) => {
          bar.value = done / keys.length;
          status.textContent = `Exporting: ${done} of ${keys.length} conversations`;
        },
        onError: (where, message) => errors.push(`${where}: ${message}`),
      })) {
        await sink.write(chunk);
      }
      await sink.close();
      status.textContent = `Exported ${keys.length - errors.length} conversation${keys.length - errors.length === 1 ? '' : 's'}${choice.texts ? ', redacted' : ''}${errors.length ? `; left out: ${errors.slice(0, 3).join('; ')}` : ''}.`;
      status.className = errors.length ? 'status bad' : 'status ok';
      root.dataset.exported = String(keys.length - errors.length);
      salt = randomSalt();
    } catch (error) {
      status.textContent = `Not exported: ${error instanceof Error ? error.message : String(error)}`;
      status.className = 'status bad';
    } finally {
      go.disabled = false;
    }
  });

  // ---- import ----
  const importFormat = h('select', { attrs: { name: 'import-format', 'aria-label': 'File format' } }, [
    h('option', { text: 'ChatGPT data export (conversations.json)', attrs: { value: 'chatgpt' } }),
    h('option', { text: 'Claude data export (conversations.json)', attrs: { value: 'claude' } }),
    h('option', { text: 'Unspun export (conversations.jsonl)', attrs: { value: 'unspun' } }),
  ]);
  const file = h('input', { attrs: { type: 'file', name: 'import-file', accept: '.json,.jsonl,application/json' } });
  const importJudge = h('select', { attrs: { name: 'import-judge', 'aria-label': 'Judge' } }, [
    h('option', { text: 'auto', attrs: { value: 'auto' } }),
    h('option', { text: 'offline detector', attrs: { value: 'offline' } }),
    h('option', { text: 'judge model', attrs: { value: 'anthropic' } }),
  ]);
  const importGo = h('button', { class: 'primary', text: 'Import', attrs: { type: 'button', id: 'import-go' } });
  const importStatus = h('p', { class: 'status', attrs: { role: 'status', id: 'import-status' } });
  const importErrors = h('ul', { class: 'muted', attrs: { id: 'import-errors' } });
  const importRuns = h('div');

  importGo.addEventListener('click', async () => {
    const picked = file.files?.[0];
    if (!picked) {
      importStatus.textContent = 'Pick a file first.';
      return;
    }
    importGo.disabled = true;
    importErrors.replaceChildren();
    let good = 0;
    let bad = 0;
    let added = 0;
    const unscored: string[] = [];
    try {
      for await (const outcome of importRecords(importFormat.value as ImportFormat, fileChunks(picked))) {
        if (!outcome.ok) {
          bad++;
          if (bad <= 50) importErrors.append(h('li', { text: `${outcome.where}: ${outcome.message}` }));
        } else {
          try {
            const stored = await storeImported(db, outcome.record, Date.now());
            good++;
            added += stored.added;
            unscored.push(...stored.unscored);
          } catch (error) {
            bad++;
            if (bad <= 50) importErrors.append(h('li', { text: `${outcome.where}: ${error instanceof Error ? error.message : String(error)}` }));
          }
        }
        importStatus.textContent = `Reading: ${good} conversations imported, ${bad} could not be.`;
      }
      importStatus.textContent = `Imported ${good} conversation${good === 1 ? '' : 's'} (${added} new replies)${bad ? `; ${bad} could not be imported (below)` : ''}.${unscored.length ? ` Scoring ${unscored.length} replies through the proxy…` : ''}`;
      importStatus.className = bad ? 'status bad' : 'status ok';
      root.dataset.imported = String(good);
      await ctx.refresh();
      await ctx.refreshTotals();
      for (let i = 0; i < unscored.length; i += MAX_RUN_REPLIES) {
        const { run, error } = await sendRunMessage({ type: 'dashboard-start-run', kind: 'import', judge: importJudge.value as 'auto', messageKeys: unscored.slice(i, i + MAX_RUN_REPLIES) });
        if (!run) {
          importStatus.textContent += ` Not scored yet: ${error ?? 'the background did not start the run'}. The replies are kept; re-score them later.`;
          break;
        }
        void runMonitor(run, importRuns).then(() => ctx.refresh());
      }
    } catch (error) {
      importStatus.textContent = `Import stopped: ${error instanceof Error ? error.message : String(error)} (${good} conversations were imported before).`;
      importStatus.className = 'status bad';
    } finally {
      importGo.disabled = false;
    }
  });

  root.replaceChildren(
    h('h2', { text: 'Export' }),
    h('div', { class: 'toolbar' }, [h('span', { text: 'Export' }), scope, h('span', { text: 'as' }), format]),
    h('div', { class: 'toolbar' }, [
      h('label', { class: 'check' }, [redactTexts, document.createTextNode(' Redact emails, phone numbers, URLs, secrets and names')]),
      h('label', { class: 'check' }, [redactIds, document.createTextNode(' Pseudonymous ids')]),
      h('label', { class: 'check' }, [toDisk, document.createTextNode(hasPicker ? ' Write straight to a file' : ' Write straight to a file (not offered by this browser)')]),
    ]),
    h('div', { class: 'toolbar' }, [review, go, bar]),
    status,
    reviewBox,
    h('h2', { text: 'Import' }),
    h('div', { class: 'toolbar' }, [importFormat, file, h('span', { text: 'score with' }), importJudge, importGo]),
    importStatus,
    importErrors,
    importRuns,
  );
}
