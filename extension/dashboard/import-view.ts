// The import panel (UI): ChatGPT / Claude data exports or Unspun JSONL, read as a stream and stored
// one conversation at a time; what worked in green, what was skipped as a separate warning with a
// plain reason per conversation (import-report.ts), then the imported replies without a score are
// scored through the batch endpoint and the panel ends on "Done". The filters learn new sites and
// models at once (ctx.refreshTotals).
import { importRecords, type ImportFormat } from '#shared/import/index';
import type { RunRecord } from '#shared/records';
import { h } from '../ui/dom.ts';
import { storeImported } from './archive-io.ts';
import { addImported, addSkipped, emptyTally, importDone, importLines, type ImportTally } from './import-report.ts';
import type { DashboardContext } from './page.ts';
import { MAX_RUN_REPLIES } from './runs.ts';
import { askJudges, fillJudgePicker, runMonitor, sendRunMessage } from './runs-view.ts';

/** Skipped conversations listed by name; the rest are counted. */
const SHOWN_SKIPPED = 50;

/** Text chunks of a file, streamed (never the whole file as one string). */
async function* fileChunks(file: File): AsyncGenerator<string> {
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    yield value;
  }
}

export function mountImport(root: HTMLElement, ctx: DashboardContext): void {
  const { db } = ctx.state;
  const importFormat = h('select', { attrs: { name: 'import-format', 'aria-label': 'File format' } }, [
    h('option', { text: 'ChatGPT data export (conversations.json)', attrs: { value: 'chatgpt' } }),
    h('option', { text: 'Claude data export (conversations.json)', attrs: { value: 'claude' } }),
    h('option', { text: 'Unspun export (conversations.jsonl)', attrs: { value: 'unspun' } }),
  ]);
  const file = h('input', { attrs: { type: 'file', name: 'import-file', accept: '.json,.jsonl,application/json' } });
  // Until the proxy says which judges it has (GET /health, through the background), the import
  // scores with its default; then only the judges it has can be picked, as in the re-score tab.
  const importJudge = h('select', { attrs: { name: 'import-judge', 'aria-label': 'Judge' } }, [
    h('option', { text: 'the proxy’s default judge', attrs: { value: 'auto' } }),
  ]);
  const judgeNote = h('p', { class: 'muted', attrs: { id: 'import-judge-note' } });
  void askJudges().then(({ judges }) => {
    judgeNote.textContent = judges
      ? fillJudgePicker(importJudge, judges)
      : 'The proxy is not reachable: the import still works, and its replies are scored with the proxy’s default judge once it runs (start it with npm start).';
  });
  const importGo = h('button', { class: 'primary', text: 'Import', attrs: { type: 'button', id: 'import-go' } });
  const okLine = h('p', { class: 'status ok', attrs: { role: 'status', id: 'import-status' } });
  const warning = h('div', { class: 'warning', attrs: { id: 'import-warning', hidden: '' } });
  const runsBox = h('div', { attrs: { id: 'import-runs' } });

  function show(tally: ImportTally, reading: boolean): void {
    const lines = importLines(tally, reading);
    okLine.textContent = lines.failed ?? lines.ok ?? (reading ? 'Reading the file…' : '');
    okLine.className = lines.failed ? 'status bad' : 'status ok';
    warning.hidden = !lines.warning;
    if (!lines.warning) return;
    const list = h(
      'ul',
      { attrs: { id: 'import-errors' } },
      tally.skipped.slice(0, SHOWN_SKIPPED).map((s) => h('li', {}, [h('strong', { text: `${s.where}: ` }), document.createTextNode(s.reason)])),
    );
    if (tally.skipped.length > SHOWN_SKIPPED) list.append(h('li', { text: `and ${tally.skipped.length - SHOWN_SKIPPED} more` }));
    warning.replaceChildren(h('p', { text: lines.warning }), ...(reading ? [] : [list]));
  }

  importGo.addEventListener('click', async () => {
    const picked = file.files?.[0];
    if (!picked) {
      okLine.textContent = 'Pick a file first.';
      okLine.className = 'status bad';
      return;
    }
    importGo.disabled = true;
    delete root.dataset.importDone;
    runsBox.replaceChildren();
    const tally = emptyTally();
    const unscored: string[] = [];
    show(tally, true);
    try {
      for await (const outcome of importRecords(importFormat.value as ImportFormat, fileChunks(picked))) {
        if (!outcome.ok) addSkipped(tally, outcome.where, outcome.message);
        else {
          try {
            const stored = await storeImported(db, outcome.record, Date.now());
            addImported(tally, stored);
            unscored.push(...stored.unscored);
          } catch (error) {
            addSkipped(tally, outcome.where, `Could not be stored: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        show(tally, true);
      }
      show(tally, false);
      root.dataset.imported = String(tally.imported);
      await ctx.refresh();
      await ctx.refreshTotals();
      const runs: Promise<RunRecord | undefined>[] = [];
      for (let i = 0; i < unscored.length; i += MAX_RUN_REPLIES) {
        const { run, error } = await sendRunMessage({
          type: 'dashboard-start-run',
          kind: 'import',
          judge: importJudge.value as 'offline' | 'anthropic' | 'auto',
          messageKeys: unscored.slice(i, i + MAX_RUN_REPLIES),
        });
        if (!run) {
          okLine.textContent += ` Not scored yet: ${error ?? 'the background did not start the run'}. The replies are kept; re-score them later.`;
          okLine.className = 'status warn';
          return;
        }
        runs.push(runMonitor(run, runsBox));
      }
      if (tally.imported === 0) {
        root.dataset.importDone = 'true';
        return;
      }
      const finished = await Promise.all(runs);
      if (runs.length) await ctx.refresh();
      const done = importDone(tally, finished);
      okLine.textContent = done.text;
      okLine.className = done.ok ? 'status ok' : 'status warn';
      root.dataset.importDone = 'true';
    } catch (error) {
      okLine.textContent = `Import stopped: ${error instanceof Error ? error.message : String(error)} (${tally.imported} conversations were imported before).`;
      okLine.className = 'status bad';
    } finally {
      importGo.disabled = false;
    }
  });

  root.replaceChildren(
    h('h2', { text: 'Import' }),
    h('div', { class: 'toolbar' }, [importFormat, file, h('span', { text: 'score with' }), importJudge, importGo]),
    judgeNote,
    okLine,
    warning,
    runsBox,
  );
}
