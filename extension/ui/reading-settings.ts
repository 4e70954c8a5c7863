// Reading settings: what the reader wants to see on the page. Stored in storage.local under one
// key and applied live (every open page listens for changes). The filtering is pure.
import { z } from 'zod';
import { MOVE_IDS, type Flag, type MoveId, type ScoreResult } from '#shared/schemas';
import { calibrateFlags, type CalibrationTable } from '#shared/detect/calibration';

export const READING_KEY = 'reading';

const isMoveId = (id: string): id is MoveId => (MOVE_IDS as readonly string[]).includes(id);

export const ReadingSettings = z.object({
  /** Flags below this severity (1..3) are not drawn. 1 = show everything. */
  minSeverity: z.number().int().min(1).max(3).catch(1),
  /** Replies scoring below this (0..100) get a badge but no highlights. 0 = always draw. */
  minScore: z.number().min(0).max(100).catch(0),
  /** Moves the reader switched off. Unknown ids are dropped, not an error. */
  hiddenMoves: z
    .array(z.string())
    .catch([])
    .transform((ids) => [...new Set(ids.filter(isMoveId))]),
  /** Hostnames where Unspun stays quiet (no capture, no drawing). */
  pausedHosts: z
    .array(z.string().min(1).max(253))
    .catch([])
    .transform((hosts) => [...new Set(hosts.map((h) => h.toLowerCase()))]),
});
export type ReadingSettings = z.infer<typeof ReadingSettings>;

export const DEFAULT_READING: ReadingSettings = ReadingSettings.parse({});

export function parseReading(raw: unknown): ReadingSettings {
  return ReadingSettings.parse(typeof raw === 'object' && raw !== null ? raw : {});
}

/** Whether the reader wants to see this flag. */
export function isFlagShown(flag: Pick<Flag, 'move' | 'severity'>, settings: ReadingSettings): boolean {
  return flag.severity >= settings.minSeverity && !settings.hiddenMoves.includes(flag.move);
}

export function visibleFlags<F extends Pick<Flag, 'move' | 'severity'>>(flags: readonly F[], settings: ReadingSettings): F[] {
  return flags.filter((f) => isFlagShown(f, settings));
}

/** Whether a scored reply gets highlights at all (its score reaches the threshold). */
export function isReplyDrawn(result: Pick<ScoreResult, 'score'>, settings: ReadingSettings): boolean {
  return result.score >= settings.minScore;
}

/**
 * The result as the reader sees it: first the reader's labels (rules they mostly disagreed with
 * are shown milder or not at all, see shared/detect/calibration.ts), then the reading settings;
 * none when the reply is under the threshold. `hidden` counts every flag not drawn, of which
 * `hiddenByLabels` were hidden by the labels. The score is the stored one: hidden flags still count.
 */
export function applyReading(
  result: ScoreResult,
  settings: ReadingSettings,
  calibration?: CalibrationTable,
): { shown: Flag[]; hidden: number; hiddenByLabels: number } {
  const calibrated = calibrateFlags(result.flags, calibration);
  const shown = isReplyDrawn(result, settings) ? visibleFlags(calibrated.flags, settings) : [];
  return { shown, hidden: result.flags.length - shown.length, hiddenByLabels: calibrated.hidden.length };
}

export function isPausedHost(settings: ReadingSettings, host: string): boolean {
  return settings.pausedHosts.includes(host.toLowerCase());
}

export function withPausedHost(settings: ReadingSettings, host: string, paused: boolean): ReadingSettings {
  const h = host.toLowerCase();
  const others = settings.pausedHosts.filter((x) => x !== h);
  return { ...settings, pausedHosts: paused ? [...others, h] : others };
}

export function withMoveShown(settings: ReadingSettings, move: MoveId, shown: boolean): ReadingSettings {
  const others = settings.hiddenMoves.filter((m) => m !== move);
  return { ...settings, hiddenMoves: shown ? others : [...others, move] };
}

/** The storage area this module needs (browser.storage.local or a fake). */
export interface ReadingStorage {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export async function loadReading(storage: ReadingStorage): Promise<ReadingSettings> {
  const stored = await storage.get([READING_KEY]);
  return parseReading(stored[READING_KEY]);
}

export async function saveReading(storage: ReadingStorage, settings: ReadingSettings): Promise<void> {
  await storage.set({ [READING_KEY]: ReadingSettings.parse(settings) });
}

/** The new settings when a storage change touched them, else undefined. */
export function readingFromChange(changes: Record<string, { newValue?: unknown }>, area: string): ReadingSettings | undefined {
  if (area !== 'local' || !(READING_KEY in changes)) return undefined;
  return parseReading(changes[READING_KEY]?.newValue);
}
