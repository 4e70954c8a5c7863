// The re-score tab: pick conversations (the ticked ones, or the whole current filter) and score
// them again with another judge through the proxy's batch endpoint (the background sends it);
// a progress bar, cancel, and the runs so far. The side-by-side view of two judges' flags is in
// the conversation view (conversation-view.ts), under each re-scored reply.
import { browser } from 'wxt/browser';
import type { RunRecord } from '#shared/records';
import { h } from '../ui/dom.ts';
import type { DashboardContext } from './page.ts';
import { conversationKeysMatching, messageKeysOf } from './archive-pages.ts';
import { type JudgesResponse, MAX_RUN_REPLIES, type DashboardToBackground, type ProxyJudges, type RunResponse } from './runs.ts';

const TERMINAL = new Set(['done', 'failed', 'canceled']);
const POLL_MS = 1000;

export async function sendRunMessage(message: DashboardToBackground): Promise<RunResponse> {
  return (await browser.runtime.sendMessage(message)) as RunResponse;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const JUDGE_LABEL: Record<'offline' | 'anthropic', string> = { anthropic: 'the judge model (anthropic)', offline: 'the offline detector' };

/**
 * The judge picker's options for what the proxy has: its default first and selected, the others
 * it cannot use disabled with the proxy's reason (pure, for tests).
 */
export function judgeOptions(judges: ProxyJudges): { value: 'offline' | 'anthropic'; label: string; disabled: boolean; selected: boolean; reason?: string }[] {
  const order = [judges.default, ...(['offline', 'anthropic'] as const).filter((k) => k !== judges.default)];
  return order.map((kind) => {
    const usable = judges.available.includes(kind);
    const reason = judges.unavailable.find((u) => u.kind === kind)?.message ?? (usable ? undefined : 'The proxy does not have this judge.');
    return {
      value: kind,
      label: `${JUDGE_LABEL[kind]}${kind === judges.default ? ' (the proxy’s default)' : usable ? '' : ' (not set up on this proxy)'}`,
      disabled: !usable,
      selected: kind === judges.default,
      ...(reason && !usable ? { reason } : {}),
    };
  });
}

/** Which judges the proxy has (its GET /health, asked through the background). */
export async function askJudges(): Promise<JudgesResponse> {
  try {
    return (await browser.runtime.sendMessage({ type: 'dashboard-judges' } satisfies DashboardToBackground)) as JudgesResponse;
  } catch (error) {
    return { error: String(error) };
  }
}

/**
 * Fills a judge picker with what the proxy has: its default selected (or the reader's pick, when
 * the proxy has it), the others disabled with the proxy's reason. Returns that reason in words, to
 * show beside the picker ('' when every judge can be used).
 */
export function fillJudgePicker(select: HTMLSelectElement, judges: ProxyJudges): string {
  const options = judgeOptions(judges);
  const kept = options.find((o) => o.value === select.value && !o.disabled)?.value;
  select.replaceChildren(
    ...options.map((o) => {
      const option = h('option', { text: o.label, attrs: { value: o.value } });
      option.disabled = o.disabled;
      option.selected = kept ? o.value === kept : o.selected;
      if (o.reason) option.title = o.reason;
      return option;
    }),
  );
  select.disabled = false;
  return options
    .filter((o) => o.reason)
    .map((o) => `${capitalise(JUDGE_LABEL[o.value])} is off. ${o.reason}`)
    .join(' ');
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
    text: `${run.kind === 'import' ? 'Scoring imported replies' : 'Re-scoring'} with ${run.judge}: ${finished} of ${run.total}${run.failed ? ` (${run.failed} failed)` : ''} · ${run.status}${run.error && !TERMINAL.has(run.status) ? ` · waiting: ${run.error}` : run.error && run.status === 'failed' ? ` · ${run.error}` : ''}`,
  };
}

const RUN_JUDGE: Record<RunRecord['judge'], string> = { offline: 'the offline detector', anthropic: 'the judge model', auto: 'the proxy’s default judge' };
const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export interface RunLine {
  when: string;
  /** "Re-scoring 12 replies with the offline detector". */
  what: string;
  /** 0..1 */
  value: number;
  /** "12 of 12". */
  count: string;
  /** "Done", "Running", "Waiting: …", "Failed: …", "Canceled", with failures counted. */
  status: string;
  tone: 'ok' | 'warn' | 'bad' | 'busy';
}

/** One run as one line of the runs list: the same fields, in the same order, whether it is running or ended (pure, for tests). */
export function runLine(run: RunRecord, formatWhen: (ts: number) => string = (ts) => WHEN.format(ts)): RunLine {
  const finished = run.done + run.failed;
  const n = run.total.toLocaleString();
  const replies = run.kind === 'import' ? `${n} imported ${run.total === 1 ? 'reply' : 'replies'}` : `${n} ${run.total === 1 ? 'reply' : 'replies'}`;
  const what = `${run.kind === 'import' ? 'Scoring' : 'Re-scoring'} ${replies} with ${RUN_JUDGE[run.judge]}`;
  const failedNote = run.failed ? ` (${run.failed.toLocaleString()} failed)` : '';
  let status: string;
  let tone: RunLine['tone'];
  if (run.status === 'done') [status, tone] = [`Done${failedNote}`, run.failed ? 'warn' : 'ok'];
  else if (run.status === 'failed') [status, tone] = [`Failed${run.error ? `: ${run.error}` : ''}`, 'bad'];
  else if (run.status === 'canceled') [status, tone] = [`Canceled${failedNote}`, 'warn'];
  else if (run.error) [status, tone] = [`Waiting: ${run.error}`, 'warn'];
  else [status, tone] = [run.status === 'queued' ? 'Queued' : 'Running', 'busy'];
  return {
    when: formatWhen(run.createdAt),
    what,
    value: run.total ? finished / run.total : 1,
    count: `${finished.toLocaleString()} of ${run.total.toLocaleString()}`,
    status,
    tone,
  };
}

/** A run's row: when, what, a progress bar with its count, the status, and Cancel while it runs. */
function runRow(run: RunRecord): { row: HTMLElement; update(run: RunRecord | undefined, error?: string): void } {
  const when = h('span', { class: 'run-when' });
  const what = h('span', { class: 'run-what' });
  const bar = h('progress', { attrs: { max: '1', value: '0' } });
  const count = h('span', { class: 'run-count' });
  const status = h('span', { class: 'status', attrs: { role: 'status' } });
  const cancel = h('button', { text: 'Cancel', attrs: { type: 'button' } });
  const row = h('div', { class: 'run', attrs: { 'data-run': run.id } }, [when, what, h('span', { class: 'run-progress' }, [bar, count]), status, cancel]);
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    await sendRunMessage({ type: 'dashboard-cancel-run', runId: run.id });
  });
  const update = (r: RunRecord | undefined, error?: string) => {
    if (!r) {
      status.textContent = error ?? 'The run is gone.';
      status.className = 'status bad';
      cancel.hidden = true;
      return;
    }
    const line = runLine(r);
    when.textContent = line.when;
    what.textContent = line.what;
    bar.value = line.value;
    count.textContent = line.count;
    status.textContent = line.status;
    status.className = `status ${line.tone}`;
    row.dataset.status = r.status;
    cancel.hidden = TERMINAL.has(r.status);
  };
  update(run);
  return { row, update };
}

/** A run's row that follows it until it ends; resolves with the last state. */
export function runMonitor(run: RunRecord, host: HTMLElement): Promise<RunRecord | undefined> {
  const { row, update } = runRow(run);
  host.prepend(row);
  return followRun(run.id, update);
}

export function mountRuns(root: HTMLElement, ctx: DashboardContext): void {
  // Filled from the proxy's GET /health (through the background): only judges it has can be picked.
  const judge = h('select', { attrs: { 'aria-label': 'Judge', name: 'judge' } }, [h('option', { text: 'asking the proxy…', attrs: { value: '' } })]);
  judge.disabled = true;
  const judgeNote = h('p', { class: 'muted', attrs: { id: 'judge-note' } });
  const selected = h('button', { class: 'primary', text: 'Re-score ticked conversations', attrs: { type: 'button', id: 'rescore-selected' } });
  const filtered = h('button', { text: 'Re-score the current filter', attrs: { type: 'button', id: 'rescore-filter' } });
  const status = h('p', { class: 'status', attrs: { role: 'status' } });
  const runs = h('div', { attrs: { id: 'runs' } });
  root.replaceChildren(
    h('div', { class: 'panel' }, [
      h('h2', { text: 'Score again with another judge' }),
      h('p', {
        class: 'muted',
        text: `Replies go to the proxy’s batch endpoint (at most ${MAX_RUN_REPLIES.toLocaleString()} per run). The new scores are kept beside the first ones; open a conversation to see both judges side by side.`,
      }),
      h('div', { class: 'toolbar' }, [h('span', { text: 'Judge' }), judge, selected, filtered]),
      judgeNote,
      status,
    ]),
    h('div', { class: 'panel' }, [h('h2', { text: 'Runs' }), runs]),
  );

  void askJudges().then(({ judges, error }) => {
    if (!judges) {
      judge.replaceChildren(h('option', { text: 'the proxy is not reachable', attrs: { value: '' } }));
      judgeNote.textContent = error ?? 'The proxy did not say which judges it has.';
      judgeNote.className = 'status bad';
      selected.disabled = filtered.disabled = true;
      return;
    }
    judgeNote.textContent = fillJudgePicker(judge, judges);
  });

  async function start(conversationKeys: string[]): Promise<void> {
    if (!judge.value) {
      status.textContent = 'The proxy has not said which judges it has yet: is it running? Start it with npm start, then reload this page.';
      status.className = 'status bad';
      return;
    }
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
    const { run, error } = await sendRunMessage({
      type: 'dashboard-start-run',
      kind: 'rescore',
      judge: judge.value as 'offline' | 'anthropic' | 'auto',
      messageKeys,
    });
    if (!run) {
      status.textContent = error ?? 'The background did not start the run.';
      status.className = 'status bad';
      return;
    }
    status.textContent = `Started: ${messageKeys.length.toLocaleString()} ${messageKeys.length === 1 ? 'reply' : 'replies'}.`;
    status.className = 'status ok';
    runs.querySelector('#no-runs')?.remove();
    void runMonitor(run, runs);
  }

  selected.addEventListener('click', () => void start([...ctx.state.selected]));
  filtered.addEventListener(
    'click',
    async () => void start(await conversationKeysMatching(ctx.state.db, ctx.state.filter, MAX_RUN_REPLIES, ctx.state.search?.keys)),
  );

  // Earlier runs; unfinished ones are followed again (they resume after a restart).
  void ctx.state.db.runs
    .orderBy('createdAt')
    .reverse()
    .limit(20)
    .toArray()
    .then((list) => {
      for (const run of list.reverse()) {
        if (!TERMINAL.has(run.status)) void runMonitor(run, runs);
        else runs.prepend(runRow(run).row);
      }
      if (!list.length)
        runs.replaceChildren(
          h('p', { class: 'muted', attrs: { id: 'no-runs' }, text: 'No runs yet: a re-score or an import’s scoring shows here, with its progress.' }),
        );
    });
}
