// The charts tab (chart.js): moves per site / model over time, rate per 10k characters, score
// distribution, and agreement of the reader's labels with each judge. Reads bounded data: the
// conversations of the current filter (newest CHART_CONVERSATION_LIMIT, their summaries), the
// `score` index's keys (no score record is loaded) and the labels with the scores they point at.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { judgeKey } from '#shared/records';
import { h } from '../ui/dom.ts';
import { agreementByJudge, agreementSeries, movesOverTime, ratePer10k, type ChartReply, type GroupBy, type JudgedReply, type LabelledSpan, type Series } from './chart-data.ts';
import { matchesFilter } from './filters.ts';
import type { DashboardContext } from './page.ts';
import { rangeOf } from './queries.ts';
import type { UnspunDb } from '../db/schema.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

export const CHART_CONVERSATION_LIMIT = 20_000;
const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#a09100', '#000000'];

/** Chart rows: one per conversation of the filter (its summary), newest first, bounded. */
export async function chartRows(ctx: DashboardContext): Promise<{ rows: ChartReply[]; truncated: boolean }> {
  const { db, filter, search } = ctx.state;
  const rows: ChartReply[] = [];
  const hits = filter.text ? search?.keys ?? new Set<string>() : undefined;
  let truncated = false;
  await rangeOf(db, filter).until(() => rows.length >= CHART_CONVERSATION_LIMIT).each((c) => {
    if (rows.length >= CHART_CONVERSATION_LIMIT) {
      truncated = true;
      return;
    }
    if (!matchesFilter(c, filter, hits)) return;
    rows.push({ site: c.site, model: c.models?.[0], capturedAt: c.lastCapturedAt, chars: c.charCount ?? 0, score: (c.maxScore ?? -1) >= 0 ? c.maxScore : undefined, flagCount: c.flagCount ?? 0 });
  });
  return { rows, truncated };
}

/** Reply scores in bands of 10, from the `score` index keys alone. */
export async function scoreBands(db: UnspunDb): Promise<Series> {
  const data = new Array<number>(10).fill(0);
  const keys = await db.scores.orderBy('score').keys();
  for (const k of keys) data[Math.min(9, Math.floor(Number(k) / 10))]! += 1;
  return { labels: data.map((_, i) => (i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`)), datasets: [{ label: 'replies', data }] };
}

export async function agreementData(db: UnspunDb) {
  const labels = await db.labels.toArray();
  const spans: LabelledSpan[] = labels.map((l) => ({ messageKey: l.messageKey, move: l.flag.move, start: l.flag.start, end: l.flag.end, verdict: l.verdict }));
  const keys = [...new Set(labels.map((l) => l.messageKey))];
  const judged: JudgedReply[] = [];
  for (const s of await db.scores.bulkGet(keys)) if (s) judged.push({ messageKey: s.messageKey, judge: judgeKey(s.judge), flags: s.flags });
  if (keys.length) for (const r of await db.rescores.where('messageKey').anyOf(keys).toArray()) judged.push({ messageKey: r.messageKey, judge: r.judgeKey, flags: r.flags });
  return agreementByJudge(spans, judged);
}

const charts: Chart[] = [];

function chartBox(title: string, id: string, note?: string): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { attrs: { id, role: 'img', 'aria-label': title } });
  return { box: h('div', { class: 'chart' }, [h('h3', { text: title }), note ? h('p', { class: 'muted', text: note }) : null, canvas]), canvas };
}

function draw(canvas: HTMLCanvasElement, type: 'line' | 'bar', series: Series, yTitle: string, yMax?: number): void {
  const config: ChartConfiguration = {
    type,
    data: { labels: series.labels, datasets: series.datasets.map((d, i) => ({ ...d, backgroundColor: PALETTE[i % PALETTE.length], borderColor: PALETTE[i % PALETTE.length] })) },
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ...(yMax !== undefined ? { max: yMax } : {}), title: { display: true, text: yTitle } } } },
  };
  charts.push(new Chart(canvas, config));
}

export async function mountCharts(root: HTMLElement, ctx: DashboardContext): Promise<void> {
  for (const c of charts.splice(0)) c.destroy();
  const groupSelect = h('select', { attrs: { 'aria-label': 'Group by' } }, [h('option', { text: 'by site', attrs: { value: 'site' } }), h('option', { text: 'by model', attrs: { value: 'model' } })]);
  const bucketSelect = h('select', { attrs: { 'aria-label': 'Time bucket' } }, [h('option', { text: 'per day', attrs: { value: 'day' } }), h('option', { text: 'per week', attrs: { value: 'week' } })]);
  const status = h('span', { class: 'muted', text: 'Loading…' });
  const grid = h('div', { class: 'charts' });
  root.replaceChildren(h('div', { class: 'toolbar' }, [h('span', { text: 'Charts of the current filter' }), groupSelect, bucketSelect, status]), grid);
  const { rows, truncated } = await chartRows(ctx);
  const [bands, agreement] = await Promise.all([scoreBands(ctx.state.db), agreementData(ctx.state.db)]);

  const render = () => {
    for (const c of charts.splice(0)) c.destroy();
    const by = groupSelect.value as GroupBy;
    const over = chartBox(`Flags ${by === 'site' ? 'per site' : 'per model'} over time`, 'chart-over-time', 'Flags in scored conversations, by the day they were last captured.');
    const rate = chartBox('Flags per 10,000 characters', 'chart-rate', 'So long replies do not dominate.');
    const dist = chartBox('Score distribution', 'chart-scores', 'Every scored reply in the archive.');
    const agree = chartBox('Agreement with your labels', 'chart-agreement', agreement.length ? 'Precision per move: the share of each judge’s flags you agreed with.' : 'No labels yet: agree or disagree with flags to see this.');
    grid.replaceChildren(over.box, rate.box, dist.box, agree.box);
    draw(over.canvas, 'line', movesOverTime(rows, by, bucketSelect.value as 'day' | 'week'), 'flags');
    draw(rate.canvas, 'bar', ratePer10k(rows, by), 'flags / 10k chars');
    draw(dist.canvas, 'bar', bands, 'replies');
    draw(agree.canvas, 'bar', agreementSeries(agreement), 'precision %', 100);
    root.dataset.charts = String(charts.length);
  };
  groupSelect.addEventListener('change', render);
  bucketSelect.addEventListener('change', render);
  status.textContent = `${rows.length.toLocaleString()} conversations${truncated ? ` (the newest ${CHART_CONVERSATION_LIMIT.toLocaleString()})` : ''}`;
  render();
}
