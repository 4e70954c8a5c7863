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
import {
  agreementByJudge,
  PALETTE,
  agreementSeries,
  chartPlan,
  movesOverTime,
  ratePer10k,
  type ChartKind,
  type ChartReply,
  type GroupBy,
  type JudgedReply,
  type LabelledSpan,
  type Series,
} from './chart-data.ts';
import { plural } from './export-pipeline.ts';
import { matchesFilter } from './filters.ts';
import type { DashboardContext } from './page.ts';
import { rangeOf } from './archive-pages.ts';
import type { UnspunDb } from '../db/schema.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

export const CHART_CONVERSATION_LIMIT = 20_000;

/** Chart rows: one per conversation of the filter (its summary), newest first, bounded. */
export async function chartRows(ctx: DashboardContext): Promise<{ rows: ChartReply[]; truncated: boolean }> {
  const { db, filter, search } = ctx.state;
  const rows: ChartReply[] = [];
  const hits = filter.text ? (search?.keys ?? new Set<string>()) : undefined;
  let truncated = false;
  await rangeOf(db, filter)
    .until(() => rows.length >= CHART_CONVERSATION_LIMIT)
    .each((c) => {
      if (rows.length >= CHART_CONVERSATION_LIMIT) {
        truncated = true;
        return;
      }
      if (!matchesFilter(c, filter, hits)) return;
      rows.push({
        site: c.site,
        model: c.models?.[0],
        capturedAt: c.lastCapturedAt,
        chars: c.charCount ?? 0,
        score: (c.maxScore ?? -1) >= 0 ? c.maxScore : undefined,
        flagCount: c.flagCount ?? 0,
      });
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
  if (keys.length)
    for (const r of await db.rescores.where('messageKey').anyOf(keys).toArray()) judged.push({ messageKey: r.messageKey, judge: r.judgeKey, flags: r.flags });
  return agreementByJudge(spans, judged);
}

const charts: Chart[] = [];

/**
 * One chart's box: its title, a note, and the chart drawn as chartPlan says (bars for one or two
 * days, whole-number ticks for counts), or, with nothing to draw, a sentence instead of an empty grid.
 */
function chartBox(kind: ChartKind, id: string, title: string, note: string, series: Series, yTitle: string, yMax?: number): HTMLElement {
  const plan = chartPlan(kind, series);
  const head = [h('h3', { text: title }), h('p', { class: 'muted', text: note })];
  if (plan.empty)
    return h('div', { class: 'chart', attrs: { 'data-chart': kind, 'data-empty': '' } }, [
      ...head,
      h('p', { class: 'chart-empty', attrs: { id }, text: plan.empty }),
    ]);
  // The labels in words for screen readers (and tests): what the canvas shows.
  const canvas = h('canvas', { attrs: { id, role: 'img', 'aria-label': `${title}: ${series.labels.join(', ')}` } });
  const config: ChartConfiguration = {
    type: plan.type,
    // Agreement of 0% is a finding, not a gap: its bar keeps a sliver (minBarLength) so it shows.
    data: {
      labels: series.labels,
      datasets: series.datasets.map((d, i) => ({
        ...d,
        backgroundColor: PALETTE[i % PALETTE.length],
        borderColor: PALETTE[i % PALETTE.length],
        ...(kind === 'agreement' ? { minBarLength: 4 } : {}),
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: series.datasets.length > 1 || kind === 'over-time' || kind === 'agreement' } },
      scales: {
        y: {
          beginAtZero: true,
          ...(yMax !== undefined ? { max: yMax } : {}),
          ...(plan.integerAxis ? { ticks: { precision: 0 } } : {}),
          title: { display: true, text: yTitle },
        },
      },
    },
  };
  // Drawn once the box is in the page (chart.js sizes itself from its parent).
  queueMicrotask(() => {
    const chart = new Chart(canvas, config);
    charts.push(chart);
    canvas.dataset.yTicks = chart.scales.y?.ticks.map((t) => t.value).join(',') ?? '';
  });
  return h('div', { class: 'chart', attrs: { 'data-chart': kind, 'data-type': plan.type } }, [...head, canvas]);
}

export async function mountCharts(root: HTMLElement, ctx: DashboardContext): Promise<void> {
  for (const c of charts.splice(0)) c.destroy();
  const groupSelect = h('select', { attrs: { 'aria-label': 'Group by' } }, [
    h('option', { text: 'by site', attrs: { value: 'site' } }),
    h('option', { text: 'by model', attrs: { value: 'model' } }),
  ]);
  const bucketSelect = h('select', { attrs: { 'aria-label': 'Time bucket' } }, [
    h('option', { text: 'per day', attrs: { value: 'day' } }),
    h('option', { text: 'per week', attrs: { value: 'week' } }),
  ]);
  const status = h('span', { class: 'muted', text: 'Loading…' });
  const grid = h('div', { class: 'charts' });
  root.replaceChildren(h('div', { class: 'toolbar' }, [h('span', { text: 'Charts of the current filter' }), groupSelect, bucketSelect, status]), grid);
  const { rows, truncated } = await chartRows(ctx);
  const [bands, agreement] = await Promise.all([scoreBands(ctx.state.db), agreementData(ctx.state.db)]);

  const render = () => {
    for (const c of charts.splice(0)) c.destroy();
    const by = groupSelect.value as GroupBy;
    const bucket = bucketSelect.value as 'day' | 'week';
    grid.replaceChildren(
      chartBox(
        'over-time',
        'chart-over-time',
        `Flags ${by === 'site' ? 'per site' : 'per model'} over time`,
        `Flags in scored conversations, per ${bucket} they were last captured.`,
        movesOverTime(rows, by, bucket),
        'flags',
      ),
      chartBox('rate', 'chart-rate', 'Flags per 10,000 characters', 'So long replies do not dominate.', ratePer10k(rows, by), 'flags per 10k characters'),
      chartBox(
        'scores',
        'chart-scores',
        'Score distribution',
        'Every scored reply in the archive, by its score (0 = no unsupported persuasion).',
        bands,
        'replies',
      ),
      chartBox(
        'agreement',
        'chart-agreement',
        'Agreement with your labels',
        'Per move: the share of each judge’s flags you agreed with.',
        agreementSeries(agreement),
        '% of flags you agreed with',
        100,
      ),
    );
    queueMicrotask(() => (root.dataset.charts = String(charts.length)));
  };
  groupSelect.addEventListener('change', render);
  bucketSelect.addEventListener('change', render);
  status.textContent = `${plural(rows.length, 'conversation')}${truncated ? ` (the newest ${CHART_CONVERSATION_LIMIT.toLocaleString()})` : ''}`;
  render();
}
