// The "Models" tab: drift per model. A line per model (on one site, or every site) of moves per
// 1,000 words over time, with a shaded 95% interval that widens where little data is behind a
// point; a table of the same numbers; and "what changed" between two models of one site.
// Reads the newest DRIFT_REPLY_LIMIT scored replies (their v3 summary fields; texts only to count
// words, one at a time). A move counts once per reply: three "Great question!"s are one flattery.
import { Chart, Filler, Legend, LinearScale, CategoryScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { MOVE_IDS, type MoveId } from '#shared/schemas';
import type { UnspunDb } from '../db/schema.ts';
import { h } from '../ui/dom.ts';
import { moveName } from '../ui/move-names.ts';
import { mountAskSummary } from './askback-view.ts';
import { PALETTE } from './chart-data.ts';
import { plural } from './export-pipeline.ts';
import { compareModels, countWords, driftSeries, modelsOnSite, type DriftReply, type MoveChange, type RatePoint } from './drift-data.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Legend, Tooltip);

export const DRIFT_REPLY_LIMIT = 20_000;

/** Scored replies, newest first, as drift rows. */
export async function driftRows(db: UnspunDb, limit = DRIFT_REPLY_LIMIT): Promise<{ rows: DriftReply[]; truncated: boolean }> {
  const rows: DriftReply[] = [];
  let truncated = false;
  await db.messages
    .orderBy('capturedAt')
    .reverse()
    .until(() => rows.length >= limit)
    .each((m) => {
      if (rows.length >= limit) {
        truncated = true;
        return;
      }
      if (m.score === undefined) return;
      rows.push({ site: m.site, model: m.model, capturedAt: m.createdAt ?? m.capturedAt, words: countWords(m.text), moves: m.moves ?? [] });
    });
  return { rows, truncated };
}

const fmt = (n: number | null, digits = 1) => (n === null ? '–' : n.toFixed(digits));
const rateText = (p: RatePoint) => (p.rate === null ? 'no words' : `${fmt(p.rate)} (${fmt(p.low)}–${fmt(p.high)})`);

const VERDICT_WORDS: Record<MoveChange['verdict'], string> = {
  up: 'more often',
  down: 'less often',
  same: 'can’t tell apart',
};

let chart: Chart | undefined;

export async function mountDrift(root: HTMLElement, db: UnspunDb): Promise<void> {
  chart?.destroy();
  chart = undefined;
  const status = h('span', { class: 'muted', text: 'Loading…' });
  const askBox = h('section', { class: 'drift-compare', attrs: { 'data-ask-summary': '' } });
  root.replaceChildren(h('div', { class: 'toolbar' }, [h('span', { text: 'Persuasive moves per model' }), status]));
  const { rows, truncated } = await driftRows(db);
  // Said last, under the models: whether asking for support got it.
  const showAsks = () => {
    root.append(askBox);
    void mountAskSummary(askBox, db);
  };
  if (rows.length === 0) {
    status.textContent = '';
    root.append(
      h('div', { class: 'empty', attrs: { 'data-drift-empty': '' } }, [
        h('p', { text: 'No scored replies yet.' }),
        h('p', {
          class: 'muted',
          text: 'Once replies are captured and scored, this shows how often each model makes persuasive moves, per 1,000 words, over time. Chat sites that show the model (ChatGPT, Gemini, Perplexity, Poe) and imported ChatGPT and Claude exports name it.',
        }),
      ]),
    );
    showAsks();
    return;
  }
  status.textContent = `${plural(rows.length, 'scored reply', 'scored replies')}${truncated ? ` (the newest ${DRIFT_REPLY_LIMIT.toLocaleString()})` : ''}`;

  const sites = [...new Set(rows.map((r) => r.site))].sort();
  const siteSelect = h('select', { attrs: { 'aria-label': 'Site', 'data-drift-site': '' } }, [
    h('option', { text: 'every site', attrs: { value: '' } }),
    ...sites.map((s) => h('option', { text: s, attrs: { value: s } })),
  ]);
  const moveSelect = h('select', { attrs: { 'aria-label': 'Move', 'data-drift-move': '' } }, [
    h('option', { text: 'all moves', attrs: { value: '' } }),
    ...MOVE_IDS.map((m) => h('option', { text: moveName(m), attrs: { value: m } })),
  ]);
  const bucketSelect = h('select', { attrs: { 'aria-label': 'Time bucket' } }, [
    h('option', { text: 'per week', attrs: { value: 'week' } }),
    h('option', { text: 'per day', attrs: { value: 'day' } }),
  ]);
  const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': 'Moves per 1,000 words per model over time' } });
  const table = h('table', { class: 'drift-table', attrs: { 'data-drift-table': '' } });
  const compareBox = h('section', { class: 'drift-compare', attrs: { 'data-drift-compare': '' } });
  root.append(
    h('div', { class: 'toolbar' }, [siteSelect, moveSelect, bucketSelect]),
    h('div', { class: 'chart' }, [
      h('h3', { text: 'Moves per 1,000 words' }),
      h('p', {
        class: 'muted',
        text: 'Each line is one model; the band around it is a 95% interval: wide where few words are behind a point, narrow where many are. A move counts once per reply.',
      }),
      h('div', { class: 'chart-canvas' }, [canvas]),
    ]),
    table,
    compareBox,
  );

  const render = () => {
    const site = siteSelect.value;
    const move = (moveSelect.value || undefined) as MoveId | undefined;
    const shown = site ? rows.filter((r) => r.site === site) : rows;
    const series = driftSeries(shown, { bucket: bucketSelect.value as 'day' | 'week', ...(move ? { move } : {}) });
    const lineName = (l: { site: string; model: string }) => (site ? l.model : `${l.site} · ${l.model}`);

    // Chart: per line, its interval as a band (high filled down to low), then the rate on top.
    chart?.destroy();
    const datasets: ChartConfiguration<'line'>['data']['datasets'] = [];
    series.lines.forEach((line, i) => {
      const color = PALETTE[i % PALETTE.length]!;
      datasets.push(
        { label: `${lineName(line)} low`, data: line.points.map((p) => p?.low ?? null), borderWidth: 0, pointRadius: 0, fill: false, spanGaps: true },
        {
          label: `${lineName(line)} high`,
          data: line.points.map((p) => p?.high ?? null),
          borderWidth: 0,
          pointRadius: 0,
          fill: '-1',
          backgroundColor: `${color}22`,
          spanGaps: true,
        },
        { label: lineName(line), data: line.points.map((p) => p?.rate ?? null), borderColor: color, backgroundColor: color, pointRadius: 4, spanGaps: true },
      );
    });
    chart = new Chart(canvas, {
      type: 'line',
      data: { labels: series.buckets, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: `${move ? moveName(move) : 'moves'} per 1,000 words` } } },
        plugins: { legend: { labels: { filter: (item) => !/ (low|high)$/.test(item.text) } } },
      },
    });
    root.dataset.driftLines = String(series.lines.length);

    table.replaceChildren(
      h('caption', { text: `Per model, all time${move ? `: ${moveName(move)}` : ''}` }),
      h('thead', {}, [
        h(
          'tr',
          {},
          ['Model', 'Site', 'Replies', 'Words', 'Per 1,000 words (95% interval)'].map((t) => h('th', { text: t, attrs: { scope: 'col' } })),
        ),
      ]),
      h(
        'tbody',
        {},
        series.lines.map((l) =>
          h('tr', {}, [
            h('td', { text: l.model }),
            h('td', { text: l.site }),
            h('td', { text: l.total.replies.toLocaleString() }),
            h('td', { text: l.total.words.toLocaleString() }),
            h('td', { text: rateText(l.total) }),
          ]),
        ),
      ),
    );
    renderCompare(site);
  };

  const renderCompare = (site: string) => {
    if (!site) {
      compareBox.replaceChildren(
        h('h3', { text: 'What changed' }),
        h('p', { class: 'muted', text: 'Pick a site above to compare two of its models (or two versions of one).' }),
      );
      return;
    }
    const models = modelsOnSite(rows, site);
    if (models.length < 2) {
      compareBox.replaceChildren(
        h('h3', { text: 'What changed' }),
        h('p', { class: 'muted', text: `Only one model seen on ${site} so far; a comparison needs two.` }),
      );
      return;
    }
    const option = (m: (typeof models)[number]) => h('option', { text: `${m.model} (${plural(m.replies, 'reply', 'replies')})`, attrs: { value: m.model } });
    const before = h('select', { attrs: { 'aria-label': 'Before', 'data-drift-before': '' } }, models.map(option));
    const after = h('select', { attrs: { 'aria-label': 'After', 'data-drift-after': '' } }, models.map(option));
    before.value = models[1]!.model;
    after.value = models[0]!.model;
    const result = h('div');
    const show = () => {
      const c = compareModels(rows, site, before.value, after.value);
      const verdict = (m: Omit<MoveChange, 'move'>) => h('td', { class: `verdict-${m.verdict}`, text: VERDICT_WORDS[m.verdict] });
      result.replaceChildren(
        h('p', {}, [
          h('strong', { text: `All moves: ${rateText(c.overall.before)} → ${rateText(c.overall.after)} per 1,000 words, ` }),
          h('span', { text: VERDICT_WORDS[c.overall.verdict] }),
        ]),
        c.moves.length === 0
          ? h('p', { class: 'muted', text: 'Neither model made any move here.' })
          : h('table', { class: 'drift-table' }, [
              h('thead', {}, [
                h(
                  'tr',
                  {},
                  ['Move', c.before, c.after, 'Change'].map((t) => h('th', { text: t, attrs: { scope: 'col' } })),
                ),
              ]),
              h(
                'tbody',
                {},
                c.moves.map((m) =>
                  h('tr', { attrs: { 'data-move': m.move } }, [
                    h('td', { text: moveName(m.move) }),
                    h('td', { text: rateText(m.before) }),
                    h('td', { text: rateText(m.after) }),
                    verdict(m),
                  ]),
                ),
              ),
            ]),
        h('p', {
          class: 'muted',
          text: '“More often” and “less often” only where the two 95% intervals do not overlap; otherwise the data cannot tell the models apart.',
        }),
      );
    };
    before.addEventListener('change', show);
    after.addEventListener('change', show);
    compareBox.replaceChildren(
      h('h3', { text: `What changed on ${site}` }),
      h('div', { class: 'toolbar' }, [h('span', { text: 'from' }), before, h('span', { text: 'to' }), after]),
      result,
    );
    show();
  };

  for (const select of [siteSelect, moveSelect, bucketSelect]) select.addEventListener('change', render);
  render();
  showAsks();
}
