// Where the reader's labels calibrate the detector (shared/detect/calibration.ts does the maths):
// the table is worked out from every label in the archive plus the reader's "keep showing"
// choices, and kept in storage.local so every open page applies it at once (storage.onChanged),
// like the reading settings. Nothing leaves the machine. The background refreshes it after each
// label; the dashboard's "Your labels" view after each undo.
import { z } from 'zod';
import { MoveId } from '#shared/schemas';
import { calibrate, EMPTY_CALIBRATION, type CalibrationLabel, type CalibrationOverrides, type CalibrationTable } from '#shared/detect/calibration';
import type { UnspunDb } from './schema.ts';

export const CALIBRATION_KEY = 'calibration';
/** The reader's "keep showing" choices, by rule id: the one part that is not derived from labels. */
export const KEPT_KEY = 'calibration-kept';

const Action = z.enum(['keep', 'lower', 'hide']);
const StoredTable = z.object({
  version: z.literal(1),
  rules: z.array(
    z.object({
      ruleId: z.string().min(1).max(200),
      move: MoveId,
      agree: z.number().int().nonnegative(),
      disagree: z.number().int().nonnegative(),
      priorMean: z.number().min(0).max(1),
      precision: z.number().min(0).max(1),
      suggested: Action,
      action: Action,
      since: z.number().optional(),
      keptAt: z.number().optional(),
    }),
  ),
});
const StoredKept = z.record(z.string().min(1).max(200), z.object({ at: z.number() }));

/** The area this module needs (browser.storage.local or a fake). */
export interface CalibrationStorage {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

/** A stored table, or the empty one when there is none or it does not parse (then nothing changes). */
export function parseCalibration(raw: unknown): CalibrationTable {
  const parsed = StoredTable.safeParse(raw);
  return parsed.success ? (parsed.data as CalibrationTable) : EMPTY_CALIBRATION;
}

export async function loadCalibration(storage: CalibrationStorage): Promise<CalibrationTable> {
  return parseCalibration((await storage.get([CALIBRATION_KEY]))[CALIBRATION_KEY]);
}

export async function loadKept(storage: CalibrationStorage): Promise<CalibrationOverrides> {
  const parsed = StoredKept.safeParse((await storage.get([KEPT_KEY]))[KEPT_KEY]);
  return parsed.success ? parsed.data : {};
}

/** The new table when a storage change touched it, else undefined. */
export function calibrationFromChange(changes: Record<string, { newValue?: unknown }>, area: string): CalibrationTable | undefined {
  if (area !== 'local' || !(CALIBRATION_KEY in changes)) return undefined;
  return parseCalibration(changes[CALIBRATION_KEY]?.newValue);
}

/** Every label in the archive, as calibration reads it. */
export async function calibrationLabels(db: UnspunDb): Promise<CalibrationLabel[]> {
  const labels = await db.labels.toArray();
  return labels.map((l) => ({
    move: l.flag.move,
    source: l.flag.source,
    verdict: l.verdict,
    at: l.updatedAt,
    ...(l.flag.ruleId ? { ruleId: l.flag.ruleId } : {}),
    ...(l.flag.confidence !== undefined ? { confidence: l.flag.confidence } : {}),
  }));
}

/** Works the table out again from the archive's labels and the reader's choices, and stores it. */
export async function refreshCalibration(db: UnspunDb, storage: CalibrationStorage): Promise<CalibrationTable> {
  const [labels, kept] = await Promise.all([calibrationLabels(db), loadKept(storage)]);
  const table = calibrate(labels, kept);
  const before = await loadCalibration(storage);
  // Unchanged tables are not written, so open pages are not redrawn for nothing.
  if (JSON.stringify(before) !== JSON.stringify(table)) await storage.set({ [CALIBRATION_KEY]: table });
  return table;
}

/**
 * The reader's undo: `keep` true = keep showing this rule's flags as the detector made them
 * (from `now` on); false = let the labels decide again. Then the table is refreshed.
 */
export async function setKept(db: UnspunDb, storage: CalibrationStorage, ruleIds: readonly string[], keep: boolean, now: number): Promise<CalibrationTable> {
  const kept = { ...(await loadKept(storage)) };
  for (const id of ruleIds) {
    if (keep) kept[id] ??= { at: now };
    else delete kept[id];
  }
  await storage.set({ [KEPT_KEY]: kept });
  return refreshCalibration(db, storage);
}
