// The "Your labels" tab: what the reader's agree / disagree labels taught the offline detector on
// this computer (shared/detect/calibration.ts does the maths, db/calibration-store.ts keeps the table).
// Per rule: the labels, the precision they give, and what changed on pages (shown milder or
// hidden, since when). Every change can be undone per rule ("Keep showing"), or all at once; the
// undo is stored, so it holds after a reload. Moves are named as readers know them, never by id.
import { browser } from 'wxt/browser';
import { CALIBRATION_DEFAULTS, changedRules, ruleCatchName, type CalibrationTable, type RuleCalibration } from '#shared/detect/calibration';
import { RULES } from '#shared/detect/rules';
import { CALIBRATION_KEY, KEPT_KEY, refreshCalibration, setKept } from '../db/calibration-store.ts';
import type { UnspunDb } from '../db/schema.ts';
import { adoptCss, h } from '../ui/dom.ts';
import { moveName } from '../ui/move-names.ts';

const CSS = `
.labels-view .lead { max-width: 70ch; margin: 0 0 8px; }
.labels-view .changes li { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: baseline; padding: 6px 0; border-bottom: 1px solid #f3f4f6; }
.labels-view .changes ul { list-style: none; padding: 0; margin: 0; }
.labels-view .what { font-weight: 600; }
.labels-view .tag { font-size: 12px; border-radius: 999px; padding: 1px 8px; }
.labels-view .tag.hide { background: #fee2e2; color: #7f1d1d; }
.labels-view .tag.lower { background: #fef3c7; color: #78350f; }
.labels-view .tag.kept { background: #e0e7ff; color: #312e81; }
.labels-view .tag.keep { background: #f3f4f6; color: #374151; }
.labels-view td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.labels-view .bar { display: inline-block; width: 80px; height: 8px; background: #f3f4f6; border-radius: 4px; vertical-align: middle; margin-right: 6px; overflow: hidden; }
.labels-view .bar span { display: block; height: 100%; background: #6366f1; }
.labels-view .rule-name { color: #374151; font-size: 12px; }
`;

const REASONS = new Map(RULES.map((r) => [r.id, r.reason]));
const when = (ts: number) => new Date(ts).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const pct = (p: number) => `${Math.round(p * 100)}%`;

/** The rule as a reader knows it: the move's name and what the rule catches. */
export function ruleTitle(rule: Pick<RuleCalibration, 'ruleId' | 'move'>): string {
  return `${moveName(rule.move)}: ${ruleCatchName(rule.ruleId)}`;
}

/** What the labels did to a rule, in words (pure, for tests). */
export function ruleStatus(rule: RuleCalibration): { tag: 'hide' | 'lower' | 'kept' | 'keep'; words: string; short: string } {
  const n = rule.agree + rule.disagree;
  if (rule.keptAt !== undefined && rule.suggested !== 'keep')
    return {
      tag: 'kept',
      short: 'Kept showing (your choice)',
      words: `Shown as the detector made it, at your request since ${when(rule.keptAt)} (your labels would ${rule.suggested === 'hide' ? 'hide it' : 'show it milder'})`,
    };
  if (rule.action === 'hide') return { tag: 'hide', short: 'Hidden', words: `Hidden on pages since ${when(rule.since ?? 0)}` };
  if (rule.action === 'lower') return { tag: 'lower', short: 'One step milder', words: `Shown one step milder since ${when(rule.since ?? 0)}` };
  const more = CALIBRATION_DEFAULTS.minLabels - n;
  if (more > 0) return { tag: 'keep', short: 'Unchanged', words: `Unchanged: ${more} more label${more === 1 ? '' : 's'} before your labels can change it` };
  return { tag: 'keep', short: 'Unchanged', words: 'Unchanged: your labels mostly agree with it' };
}

export function mountLabelsView(section: HTMLElement, db: UnspunDb): void {
  adoptCss(document, CSS);
  section.classList.add('labels-view');
  let busy = false;

  async function undo(ruleIds: string[], keep: boolean): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      await setKept(db, browser.storage.local, ruleIds, keep, Date.now());
    } finally {
      busy = false;
    }
    await render();
  }

  async function render(): Promise<void> {
    const table: CalibrationTable = await refreshCalibration(db, browser.storage.local);
    const judgeLabels = await db.labels.filter((l) => l.flag.source === 'judge').count();
    const changed = changedRules(table);
    const kept = table.rules.filter((r) => r.keptAt !== undefined && r.suggested !== 'keep');

    const changes = h('div', { class: 'panel changes', attrs: { 'aria-labelledby': 'labels-changed' } }, [
      h('h2', { text: 'What your labels changed', attrs: { id: 'labels-changed' } }),
    ]);
    if (changed.length === 0 && kept.length === 0) {
      changes.append(h('p', { class: 'muted', text: 'Nothing yet: every rule shows its flags as the detector makes them.' }));
    } else {
      const list = h('ul');
      for (const rule of [...changed, ...kept]) {
        const status = ruleStatus(rule);
        const isKept = status.tag === 'kept';
        const button = h('button', {
          text: isKept ? 'Let my labels decide' : 'Keep showing',
          attrs: { type: 'button', 'data-rule': rule.ruleId, 'data-undo': isKept ? 'release' : 'keep' },
        });
        button.addEventListener('click', () => void undo([rule.ruleId], !isKept));
        list.append(
          h('li', { attrs: { 'data-rule': rule.ruleId, 'data-action': rule.action } }, [
            h('span', { class: 'what', text: ruleTitle(rule) }),
            h('span', { class: `tag ${status.tag}`, text: status.words }),
            h('span', { class: 'muted', text: `you agreed ${rule.agree} of ${rule.agree + rule.disagree} times` }),
            button,
          ]),
        );
      }
      changes.append(list);
      if (changed.length > 0) {
        const all = h('button', { class: 'danger', text: 'Undo all changes', attrs: { type: 'button', id: 'labels-reset-all' } });
        all.addEventListener(
          'click',
          () =>
            void undo(
              changed.map((r) => r.ruleId),
              true,
            ),
        );
        changes.append(
          h('p', {}, [
            all,
            document.createTextNode(' '),
            h('span', { class: 'muted', text: 'Every rule shows its flags as the detector makes them again; your labels stay.' }),
          ]),
        );
      }
    }

    const rows = table.rules.map((rule) => {
      const status = ruleStatus(rule);
      const bar = h('span', { class: 'bar', attrs: { 'aria-hidden': 'true' } }, [h('span')]);
      (bar.firstChild as HTMLElement).style.width = pct(rule.precision);
      return h('tr', { attrs: { 'data-rule': rule.ruleId } }, [
        h('td', {}, [h('div', { text: moveName(rule.move) }), h('div', { class: 'rule-name', text: REASONS.get(rule.ruleId) ?? ruleCatchName(rule.ruleId) })]),
        h('td', { class: 'num', text: String(rule.agree) }),
        h('td', { class: 'num', text: String(rule.disagree) }),
        h('td', { class: 'num precision' }, [bar, document.createTextNode(pct(rule.precision))]),
        h('td', {}, [h('span', { class: `tag ${status.tag}`, text: status.short, attrs: { title: status.words } })]),
      ]);
    });
    const perRule = h('div', { class: 'panel' }, [
      h('h2', { text: 'Precision per rule, from your labels' }),
      rows.length
        ? h('table', { attrs: { id: 'labels-rules' } }, [
            h('thead', {}, [
              h(
                'tr',
                {},
                ['Move and rule', 'Agreed', 'Disagreed', 'Precision', 'On pages'].map((t) => h('th', { text: t })),
              ),
            ]),
            h('tbody', {}, rows),
          ])
        : h('p', { class: 'muted', text: 'No labels on the offline detector’s flags yet. Agree or disagree with a flag from its card on a chat page.' }),
      h('p', {
        class: 'muted',
        text: `Precision starts from the rule’s default confidence (${pct(CALIBRATION_DEFAULTS.defaultConfidence)}, or the learned tier’s when it rated the flags) counted as ${CALIBRATION_DEFAULTS.priorStrength} labels, so a few labels move it only a little. With ${CALIBRATION_DEFAULTS.minLabels} labels or more, below ${pct(CALIBRATION_DEFAULTS.lowerBelow)} shows the rule’s flags one step milder, below ${pct(CALIBRATION_DEFAULTS.hideBelow)} hides them. Hidden flags stay in the archive and in the score.`,
      }),
    ]);

    section.replaceChildren(
      h('div', { class: 'panel' }, [
        h('h2', { text: 'Your labels teach your detector' }),
        h('p', {
          class: 'lead',
          text: 'When you agree or disagree with a flag of the offline detector, the rule that made it learns how often it is right for you. Rules you mostly disagree with are shown milder or not at all. This happens in this browser only: your labels never leave it.',
        }),
        judgeLabels
          ? h('p', {
              class: 'muted',
              text: `${judgeLabels} label${judgeLabels === 1 ? '' : 's'} on the judge model’s flags: kept in the archive, not used here (the judge has no rules to tune).`,
            })
          : null,
      ]),
      changes,
      perRule,
    );
    section.dataset.ready = 'true';
  }

  void render();
  // Labels saved elsewhere (a chat page, the conversation view) or an undo from another tab.
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && (CALIBRATION_KEY in changes || KEPT_KEY in changes) && !busy) void render();
  });
  // Shown again: labels may have been added in the conversation view meanwhile.
  new MutationObserver(() => {
    if (!section.hidden) void render();
  }).observe(section, { attributes: true, attributeFilter: ['hidden'] });
}
