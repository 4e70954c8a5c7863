// The re-score tab: pick conversations (the ticked ones, or the whole current filter) and score
// them again with another judge through the proxy's batch endpoint (the background sends it);
// a progress bar, cancel, and the runs so far. The side-by-side view of two judges' flags is in
// the conversation view (conversation-view.ts), under each re-scored reply.
import { browser } from 'wxt/browser';
import type { RunRecord } from '#shared/records';
import { h } from '../ui/dom.ts';
import type { DashboardContext } from './page.ts';
import { conversationKeysMatching, messageKeysOf } from './queries.ts';
import { MAX_RUN_REPLIES, type DashboardToBackground, type RunResponse } from './runs.ts';

const TERMINAL = new Set(['done', 'failed', 'canceled']);
const POLL_MS = 1000;

export async function sendRunMessage(message: DashboardToBackground): Promise<RunResponse> {
  return (await browser.runtime.sendMessage(message)) as RunResponse;
}

/** Polls a run through the background until it ends; `onUpdate` after each step. */
export async function followRun(runId: string, onUpdate: (run: RunRecord | undefined, error?: string) => void): Promise<RunRecord | undefined> {
  for (;;) {
    const { run, error } = await sendRunMessage({ type: 'dashboard-run-status', runId });
    onUpdate(run, error ?? run?.error);
    if (!run || TERMINAL.has(run.status)) return run;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export function runProgress(run: RunRecord): { value: number; text: string } {
  const finished = run.done + run.failed;
  return {
    value: run.total ? finished / run.total : 1,
    text: `${run.kind === 'import' ? 'Scoring imported replies' : 'Re-scoring'} with ${run.judge}: ${finished} of ${run.total}${run.failed ? ` (${run.failed} failed)` : ''} · ${run.status}${run.error && !TERMINAL.has(run.status) ? ` · waiting: ${run.error}` : ''}`,
  };
}

/** A progress bar with a cancel button that follows one run; resolves when the run ends. */
export function runMonitor(run: RunRecord, host: HTMLElement): Promise<RunRecord | undefined> {
  const bar = h('progress', { attrs: { max: '1', value: '0' } });
  const text = h('span', { class: 'status', attrs: { role: 'status' } });
  const cancel = h('button', { text: 'Cancel', attrs: { type: 'button' } });
  const row = h('div', { class: 'toolbar run', attrs: { 'data-run': run.id } }, [bar, text, cancel]);
  host.prepend(row);
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    await sendRunMessage({ type: 'dashboard-cancel-run', runId: run.id });
  });
  const show = (r: RunRecord | undefined, error?: string) => {
    if (!r) {
      text.textContent = error ?? 'The run is gone.';
      return;
    }
    const p = runProgress(r);
    bar.value = p.value;
    text.textContent = p.text;
    row.dataset.status = r.status;
    if (TERMINAL.has(r.status)) cancel.remove();
  };
  show(run);
  return followRun(run.id, show);
}

export function mountRuns(root: HTMLElement, ctx: DashboardContext): void {
  const judge = h('select', { attrs: { 'aria-label': 'Judge', name: 'judge' } }, [
    h('option', { text: 'the judge model (anthropic)', attrs: { value: 'anthropic' } }),
    h('option', { text: 'the offline detector', attrs: { value: 'offline' } }),
    h('option', { text: 'auto (the proxy decides)', attrs: { value: 'auto' } }),
  ]);
  const selected = h('button', { class: 'primary', text: 'Re-score ticked conversations', attrs: { type: 'button', id: 'rescore-selected' } });
  const filtered = h('button', { text: 'Re-score the current filter', attrs: { type: 'button', id: 'rescore-filter' } });
  const status = h('p', { class: 'status', attrs: { role: 'status' } });
  const runs = h('div', { attrs: { id: 'runs' } });
  root.replaceChildren(
    h('div', { class: 'panel' }, [
      h('h2', { text: 'Score again with another judge' }),
      h('p', { class: 'muted', text: `Replies go to the proxy’s batch endpoint (at most ${MAX_RUN_REPLIES.toLocaleString()} per run). The new scores are kept beside the first ones; open a conversation to see both judges side by side.` }),
      h('div', { class: 'toolbar' }, [h('span', { text: 'Judge' }), judge, selected, filtered]),
      status,
    ]),
    h('div', { class: 'panel' }, [h('h2', { text: 'Runs' }), runs]),
  );

  async function start(conversationKeys: string[]): Promise<void> {
    if (conversationKeys.length === 0) {
      status.textContent = 'No conversations picked: tick some in the list, or set a filter.';
      status.className = 'status bad';
      return;
    }
    const messageKeys = (await messageKeysOf(ctx.state.db, conversationKeys)).slice(0, MAX_RUN_REPLIES);
    if (messageKeys.length === 0) {
      status.textContent = 'These conversations have no replies.';
      return;
    }
    const { run, error } = await sendRunMessage({ type: 'dashboard-start-run', kind: 'rescore', judge: judge.value as 'offline' | 'anthropic' | 'auto', messageKeys });
    if (!run) {
      status.textContent = error ?? 'The background did not start the run.';
      status.className = 'status bad';
      return;
    }
    status.textContent = `Started: ${messageKeys.length} replies.`;
    status.className = 'status ok';
    void runMonitor(run, runs);
  }

  selected.addEventListener('click', () => void start([...ctx.state.selected]));
  filtered.addEventListener('click', async () => void start(await conversationKeysMatching(ctx.state.db, ctx.state.filter, MAX_RUN_REPLIES, ctx.state.search?.keys)));

  // Earlier runs; unfinished ones are followed again (they resume after a restart).
  void ctx.state.db.runs.orderBy('createdAt').reverse().limit(20).toArray().then((list) => {
    for (const run of list.reverse()) {
      if (!TERMINAL.has(run.status)) void runMonitor(run, runs);
      else runs.prepend(h('div', { class: 'toolbar run', attrs: { 'data-run': run.id, 'data-status': run.status } }, [h('span', { text: `${new Date(run.createdAt).toLocaleString()} · ${runProgress(run).text}` })]));
    }
  });
}
