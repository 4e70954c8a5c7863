// What the anthropic judge has cost per UTC day, kept in the config dir so a restart does not reset
// the day's spend, and the daily budget checked against it (UNSPUN_DAILY_BUDGET_USD).
// Concurrent requests are checked before they run and counted when they finish, so a day can end
// a few requests over the budget, never more than the concurrency limit's worth.
import { readFileSync } from 'node:fs';
import { ensurePrivateDir, writePrivateFileAtomic } from '../private-files.ts';
import { dirname } from 'node:path';

export const SPEND_FILE = 'spend.json';
/** Days kept in the file (for /v1/stats and a look back); older ones are dropped. */
const KEEP_DAYS = 31;

export interface BudgetState {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  spentUsd: number;
  /** null when no budget is set. */
  budgetUsd: number | null;
  remainingUsd: number | null;
  exhausted: boolean;
  /** When the day's spend starts again from 0 (next UTC midnight), ISO. */
  resetsAt: string;
  /** Whole seconds until then (at least 1), for Retry-After. */
  resetsInSeconds: number;
}

export interface DailySpend {
  add(usd: number): void;
  state(): BudgetState;
}

export interface DailySpendOptions {
  budgetUsd: number | null;
  /** The JSON file; null keeps the spend in memory only (tests, createApp without a config dir). */
  file: string | null;
  /** Epoch milliseconds. */
  clock?: () => number;
  onError?: (message: string) => void;
}

export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function nextUtcMidnight(epochMs: number): number {
  const d = new Date(epochMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

export function openDailySpend({ budgetUsd, file, clock = Date.now, onError }: DailySpendOptions): DailySpend {
  const days = new Map<string, number>(file ? load(file) : []);
  let failed = false;

  function save(): void {
    if (!file || failed) return;
    try {
      const kept = [...days].sort(([a], [b]) => a.localeCompare(b)).slice(-KEEP_DAYS);
      ensurePrivateDir(dirname(file));
      writePrivateFileAtomic(file, `${JSON.stringify({ days: Object.fromEntries(kept) }, null, 1)}\n`);
    } catch (error) {
      failed = true;
      onError?.(
        `the spend file ${file} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}); today's spend is counted in memory only`,
      );
    }
  }

  return {
    add(usd) {
      if (!(usd > 0)) return;
      const day = utcDay(clock());
      days.set(day, round((days.get(day) ?? 0) + usd));
      save();
    },
    state() {
      const now = clock();
      const day = utcDay(now);
      const spentUsd = days.get(day) ?? 0;
      return {
        day,
        spentUsd,
        budgetUsd,
        remainingUsd: budgetUsd === null ? null : round(Math.max(0, budgetUsd - spentUsd)),
        exhausted: budgetUsd !== null && spentUsd >= budgetUsd,
        resetsAt: new Date(nextUtcMidnight(now)).toISOString(),
        resetsInSeconds: Math.max(1, Math.ceil((nextUtcMidnight(now) - now) / 1000)),
      };
    },
  };
}

function load(file: string): Array<[string, number]> {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { days?: Record<string, unknown> };
    return Object.entries(value.days ?? {}).filter(
      (e): e is [string, number] => /^\d{4}-\d{2}-\d{2}$/.test(e[0]) && typeof e[1] === 'number' && Number.isFinite(e[1]) && e[1] >= 0,
    );
  } catch {
    // Missing or unreadable: start from 0 (a corrupt file is rewritten on the next spend).
    return [];
  }
}

function round(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
