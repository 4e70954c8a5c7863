// The reader's labels calibrating the detector inside the extension: a label through the
// background refreshes the stored table, pages apply it (hide / lower, judge flags untouched,
// hidden flags counted), the reader's undo persists, and garbage in storage changes nothing.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { Flag, ScoreResult } from '../../shared/schemas.ts';
import { createReaderService } from '../../extension/background/reader-service.ts';
import {
  CALIBRATION_KEY,
  calibrationFromChange,
  KEPT_KEY,
  loadCalibration,
  parseCalibration,
  refreshCalibration,
  setKept,
  type CalibrationStorage,
} from '../../extension/db/calibration-store.ts';
import { saveLabel } from '../../extension/db/labels.ts';
import { createDb } from '../../extension/db/schema.ts';
import { applyReading, parseReading } from '../../extension/ui/reading-settings.ts';
import { calibrate } from '../../shared/detect/calibration.ts';

let n = 0;
const freshDb = () => createDb(`calibration-${n++}`, { indexedDB: new IDBFactory(), IDBKeyRange });
function memoryStorage(): CalibrationStorage & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = {};
  return {
    data,
    async get(keys) {
      return Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, structuredClone(data[k])]));
    },
    async set(items) {
      Object.assign(data, structuredClone(items));
    },
  };
}

const URGENCY = 'false-urgency/act-now';
const flag = (over: Partial<Flag> = {}): Flag => ({
  move: 'false-urgency',
  start: 0,
  end: 7,
  quote: 'Act now',
  severity: 2,
  support: 'unsupported',
  rationale: 'r',
  source: 'detector',
  ruleId: URGENCY,
  ...over,
});
const result = (flags: Flag[]): ScoreResult => ({
  score: 40,
  flags,
  judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' },
  cached: false,
  latencyMs: 0,
});
const labelMessage = (i: number, verdict: 'agree' | 'disagree', f: Partial<Flag> = {}) => ({
  type: 'label-flag',
  site: 'demo',
  conversationId: `c${i}`,
  messageId: `m${i}`,
  flag: { move: 'false-urgency', start: 0, end: 7, quote: 'Act now', source: 'detector', ruleId: URGENCY, ...f },
  verdict,
});

describe('a label through the background refreshes the calibration', () => {
  it('five disagreements hide the rule; four do not', async () => {
    const db = freshDb();
    const storage = memoryStorage();
    let t = 1000;
    const service = createReaderService({
      db,
      loadSettings: async () => ({ proxyUrl: 'http://127.0.0.1:8787', token: '', enabled: true }),
      now: () => t++,
      calibration: storage,
    });
    for (let i = 0; i < 4; i++) expect(await service.handleMessage(labelMessage(i, 'disagree'))).toMatchObject({ ok: true });
    expect((await loadCalibration(storage)).rules[0]).toMatchObject({ ruleId: URGENCY, disagree: 4, action: 'keep' });
    await service.handleMessage(labelMessage(4, 'disagree'));
    const table = await loadCalibration(storage);
    expect(table.rules[0]).toMatchObject({ ruleId: URGENCY, agree: 0, disagree: 5, precision: 0.2, action: 'hide', since: 1004 });
  });

  it('keeps the learned tier’s confidence with the label, as the rule’s prior', async () => {
    const db = freshDb();
    const saved = await saveLabel(
      db,
      {
        site: 'demo',
        conversationId: 'c',
        messageId: 'm',
        flag: { ...labelMessage(0, 'agree').flag, source: 'detector', move: 'false-urgency', confidence: 0.9 },
        verdict: 'agree',
      },
      1,
    );
    expect(saved.flag.confidence).toBe(0.9);
    expect((await refreshCalibration(db, memoryStorage())).rules[0]!.priorMean).toBe(0.9);
  });
});

describe('the reader’s undo', () => {
  it('"keep showing" persists, survives new labels, and "let my labels decide" takes it back', async () => {
    const db = freshDb();
    const storage = memoryStorage();
    for (let i = 0; i < 6; i++)
      await saveLabel(
        db,
        { site: 'demo', conversationId: `c${i}`, messageId: 'm', flag: labelMessage(i, 'disagree').flag as never, verdict: 'disagree' },
        100 + i,
      );
    expect((await refreshCalibration(db, storage)).rules[0]!.action).toBe('hide');
    await setKept(db, storage, [URGENCY], true, 5000);
    expect(storage.data[KEPT_KEY]).toEqual({ [URGENCY]: { at: 5000 } });
    await saveLabel(db, { site: 'demo', conversationId: 'c9', messageId: 'm', flag: labelMessage(9, 'disagree').flag as never, verdict: 'disagree' }, 200);
    expect((await refreshCalibration(db, storage)).rules[0]).toMatchObject({ suggested: 'hide', action: 'keep', keptAt: 5000 });
    await setKept(db, storage, [URGENCY], false, 6000);
    expect((await loadCalibration(storage)).rules[0]).toMatchObject({ action: 'hide' });
    expect(storage.data[KEPT_KEY]).toEqual({});
  });
});

describe('pages apply the table', () => {
  const table = calibrate([
    ...Array.from({ length: 5 }, (_, i) => ({
      ruleId: URGENCY,
      move: 'false-urgency' as const,
      source: 'detector' as const,
      verdict: 'disagree' as const,
      at: i,
    })),
    ...Array.from({ length: 5 }, (_, i) => ({
      ruleId: 'flattery/praises-the-question',
      move: 'flattery' as const,
      source: 'detector' as const,
      verdict: i === 0 ? ('agree' as const) : ('disagree' as const),
      at: i,
    })),
  ]);

  it('hides a hidden rule’s flags and counts them, lowers a lowered one, leaves judge flags', () => {
    const flags = [
      flag(),
      flag({ move: 'flattery', ruleId: 'flattery/praises-the-question', severity: 2, start: 10, end: 17 }),
      flag({ source: 'judge', ruleId: undefined, start: 20, end: 27 }),
    ];
    const out = applyReading(result(flags), parseReading({}), table);
    expect(out.shown.map((f) => [f.move, f.source, f.severity])).toEqual([
      ['flattery', 'detector', 1],
      ['false-urgency', 'judge', 2],
    ]);
    expect(out).toMatchObject({ hidden: 1, hiddenByLabels: 1 });
    // A lowered flag then meets the reading settings' severity threshold like any other.
    expect(applyReading(result(flags), parseReading({ minSeverity: 2 }), table)).toMatchObject({ hidden: 2, hiddenByLabels: 1 });
  });

  it('reads the table from storage changes; garbage is no table, never an error', () => {
    expect(calibrationFromChange({ [CALIBRATION_KEY]: { newValue: table } }, 'local')).toEqual(table);
    expect(calibrationFromChange({ reading: { newValue: {} } }, 'local')).toBeUndefined();
    expect(calibrationFromChange({ [CALIBRATION_KEY]: { newValue: table } }, 'sync')).toBeUndefined();
    expect(parseCalibration({ version: 1, rules: [{ ruleId: 'x', action: 'explode' }] })).toEqual({ version: 1, rules: [] });
    expect(parseCalibration('nope').rules).toEqual([]);
  });
});
