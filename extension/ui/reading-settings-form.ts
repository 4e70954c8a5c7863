// The "Reading" section of the options page: sensitivity, moves on/off, offline-only mode and
// paused sites. Every change is saved at once; open pages apply it live (storage.onChanged).
import { browser } from 'wxt/browser';
import { FAMILIES, FAMILY_INFO, MOVES } from '#shared/taxonomy';
import { loadSettings, saveSettings } from '../settings.ts';
import { adoptCss, h } from './dom.ts';
import { FAMILY_COLOURS } from './families.ts';
import { loadReading, readingFromChange, saveReading, withMoveShown, withPausedHost, type ReadingSettings } from './reading-settings.ts';

const FORM_CSS = `
#reading fieldset { border: 1px solid #e5e7eb; border-radius: 10px; margin: 12px 0; padding: 8px 12px 12px; }
#reading legend { font-weight: 600; padding: 0 4px; }
#reading .moves { display: grid; grid-template-columns: 1fr 1fr; gap: 2px 12px; }
#reading .family { grid-column: 1 / -1; display: flex; align-items: center; gap: 6px; font-weight: 600; margin-top: 8px; font-size: 13px; }
#reading .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 3px; }
#reading .check { display: flex; gap: 8px; align-items: center; font-weight: 400; margin: 2px 0; }
#reading select, #reading input[type="number"] { font: inherit; padding: 4px 6px; border: 1px solid #d1d5db; border-radius: 6px; }
#reading .paused li { display: flex; gap: 8px; align-items: center; margin: 4px 0; }
#reading .status { color: #15803d; min-height: 1.2em; font-size: 13px; }
`;

export function mountReadingSettings(container: HTMLElement): void {
  adoptCss(document, FORM_CSS);
  container.id ||= 'reading';
  const status = h('p', { class: 'status', attrs: { role: 'status' } });
  let reading: ReadingSettings;
  let statusTimer: ReturnType<typeof setTimeout> | undefined;

  const saved = () => {
    status.textContent = 'Saved. Open pages use it now.';
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => (status.textContent = ''), 2500);
  };
  const save = async (next: ReadingSettings) => {
    reading = next;
    await saveReading(browser.storage.local, next);
    saved();
  };

  function render(offlineOnly: boolean): void {
    const severity = h('select', { attrs: { id: 'minSeverity' } }, [
      h('option', { text: 'Every flag', attrs: { value: '1' } }),
      h('option', { text: 'Medium and strong moves', attrs: { value: '2' } }),
      h('option', { text: 'Strong moves only', attrs: { value: '3' } }),
    ]);
    severity.value = String(reading.minSeverity);
    severity.addEventListener('change', () => void save({ ...reading, minSeverity: Number(severity.value) }));

    const minScore = h('input', { attrs: { type: 'number', id: 'minScore', min: '0', max: '100', step: '5' } });
    minScore.value = String(reading.minScore);
    minScore.addEventListener('change', () => {
      const n = Math.max(0, Math.min(100, Math.round(Number(minScore.value) || 0)));
      minScore.value = String(n);
      void save({ ...reading, minScore: n });
    });

    const moves = h('div', { class: 'moves' });
    for (const family of FAMILIES) {
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = FAMILY_COLOURS[family].line;
      moves.append(h('div', { class: 'family' }, [swatch, document.createTextNode(FAMILY_INFO[family].name)]));
      for (const move of MOVES.filter((m) => m.family === family)) {
        const box = h('input', { attrs: { type: 'checkbox', 'data-move': move.id } });
        box.checked = !reading.hiddenMoves.includes(move.id);
        box.addEventListener('change', () => void save(withMoveShown(reading, move.id, box.checked)));
        moves.append(h('label', { class: 'check', attrs: { title: move.definition } }, [box, document.createTextNode(move.name)]));
      }
    }

    const offline = h('input', { attrs: { type: 'checkbox', id: 'offlineOnly' } });
    offline.checked = offlineOnly;
    offline.addEventListener('change', async () => {
      await saveSettings({ offlineOnly: offline.checked });
      saved();
    });

    const paused = h('ul', { class: 'paused' });
    for (const host of reading.pausedHosts) {
      const resume = h('button', { text: 'Resume', attrs: { type: 'button' } });
      resume.addEventListener('click', () => void save(withPausedHost(reading, host, false)));
      paused.append(h('li', {}, [h('span', { text: host }), resume]));
    }

    container.replaceChildren(
      h('h2', { text: 'Reading' }),
      h('fieldset', {}, [
        h('legend', { text: 'Sensitivity' }),
        h('label', { class: 'check', attrs: { for: 'minSeverity' } }, [document.createTextNode('Show '), severity]),
        h('label', { class: 'check', attrs: { for: 'minScore' } }, [
          document.createTextNode('Highlight replies scoring at least '),
          minScore,
          document.createTextNode(' of 100'),
        ]),
      ]),
      h('fieldset', {}, [h('legend', { text: 'Moves to show' }), moves]),
      h('fieldset', {}, [
        h('legend', { text: 'Scoring' }),
        h('label', { class: 'check' }, [offline, document.createTextNode('Offline only: never send replies to a judge model, use the offline detector')]),
      ]),
      h('fieldset', {}, [
        h('legend', { text: 'Paused sites' }),
        reading.pausedHosts.length ? paused : h('p', { class: 'hint', text: 'None. Pause a site from the conversation panel.' }),
      ]),
      status,
    );
  }

  void Promise.all([loadReading(browser.storage.local), loadSettings()]).then(([r, s]) => {
    reading = r;
    render(s.offlineOnly === true);
  });
  // Changed elsewhere (the panel's pause switch): show it.
  browser.storage.onChanged.addListener((changes, area) => {
    const next = readingFromChange(changes, area);
    if (next && JSON.stringify(next) !== JSON.stringify(reading)) {
      reading = next;
      void loadSettings().then((s) => render(s.offlineOnly === true));
    }
  });
}
