// Scores by content hash, kept on disk so they survive a restart: one append-only JSONL file in the
// config dir, loaded at start, compacted when it has grown to twice the live entries. Least recently
// used entries are evicted past `maxEntries` (reads reorder in memory only: a hit costs no write,
// so after a restart the newest writes are the ones kept). A torn line (a crash mid-write) is skipped
// and reported with its line number, and the next append starts on a new line so it is not glued to
// the torn one. Entries hold results (quotes of the user's replies, never the key): the file is 0600.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JudgeInfo, ScoreResult, type ScoreRequest } from '#shared/schemas';
import { appendPrivateFile, ensurePrivateDir, writePrivateFileAtomic } from '../private-files.ts';

/** What is stored: a result without the per-request fields. */
export type StoredResult = Omit<ScoreResult, 'cached' | 'latencyMs' | 'notice'>;

export interface ResultCache {
  get(key: string): StoredResult | undefined;
  set(key: string, result: StoredResult): void;
  readonly size: number;
}

/** Which judge, model and versions produced a result: part of the cache key. */
export type JudgeIdentity = Pick<JudgeInfo, 'kind' | 'model' | 'promptVersion' | 'taxonomyVersion'>;

/**
 * sha256 over the reply, its context, its site and the judge identity, in a fixed order. The site is
 * part of it because the detector reads it (self-serving bias depends on who is speaking).
 */
export function cacheKey(request: Pick<ScoreRequest, 'reply' | 'context' | 'site'>, judge: JudgeIdentity): string {
  const context = request.context;
  const canonical = JSON.stringify([
    'unspun-cache-2',
    request.site ?? null,
    request.reply.text,
    context?.user ?? null,
    (context?.previous ?? []).map((t) => [t.role, t.text]),
    judge.kind,
    judge.model ?? null,
    judge.promptVersion,
    judge.taxonomyVersion,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

interface MemoryCache extends ResultCache {
  /** Least recently used first, without touching the order. */
  entries(): Array<[string, StoredResult]>;
}

export function createMemoryCache(maxEntries = 1000): MemoryCache {
  const entries = new Map<string, StoredResult>();
  return {
    entries: () => [...entries],
    get(key) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key, result) {
      if (maxEntries <= 0) return;
      entries.delete(key);
      entries.set(key, result);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    get size() {
      return entries.size;
    },
  };
}

export const CACHE_FILE = 'results.jsonl';

export interface FileCacheOptions {
  /** Directory of the cache file (created 0700). */
  dir: string;
  maxEntries?: number;
  /** Called when the file cannot be written (the cache then keeps working in memory), and when lines were skipped at load. */
  onError?: (message: string) => void;
}

/** Opens (or creates) the cache file; loads every valid line into memory. */
export function openResultCache({ dir, maxEntries = 5000, onError }: FileCacheOptions): ResultCache {
  const path = join(dir, CACHE_FILE);
  const memory = createMemoryCache(maxEntries);
  let lines = 0;
  /** The file ends without a newline (a crash cut the last line): the next append starts a new one. */
  let torn = false;
  ensurePrivateDir(dir);
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    torn = text.length > 0 && !text.endsWith('\n');
    const skipped: number[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      lines++;
      const entry = parseLine(line);
      if (entry) memory.set(entry.k, entry.r);
      else skipped.push(i + 1);
    });
    if (skipped.length > 0) {
      const shown = skipped.slice(0, 10).join(', ') + (skipped.length > 10 ? `, and ${skipped.length - 10} more` : '');
      onError?.(`the result cache ${path}: skipped ${skipped.length} unreadable line(s) (line ${shown}); those results will be asked for again`);
    }
  }
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    onError?.(
      `the result cache ${path} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}); results are cached in memory only until restart`,
    );
  };

  function compact(): void {
    const live: string[] = [];
    // Rewrites in least-recently-used order, so the next load keeps the same order.
    for (const [k, r] of memory.entries()) live.push(JSON.stringify({ k, r }));
    writePrivateFileAtomic(path, live.length ? `${live.join('\n')}\n` : '');
    lines = live.length;
    torn = false;
  }

  return {
    get: (key) => memory.get(key),
    set(key, result) {
      if (maxEntries <= 0) return;
      memory.set(key, result);
      if (failed) return;
      try {
        appendPrivateFile(path, `${torn ? '\n' : ''}${JSON.stringify({ k: key, r: result })}\n`);
        torn = false;
        lines++;
        if (lines > Math.max(2 * maxEntries, 100)) compact();
      } catch (error) {
        fail(error);
      }
    },
    get size() {
      return memory.size;
    },
  };
}

function parseLine(line: string): { k: string; r: StoredResult } | null {
  try {
    const value = JSON.parse(line) as { k?: unknown; r?: unknown };
    if (typeof value.k !== 'string' || !/^[0-9a-f]{64}$/.test(value.k)) return null;
    const parsed = ScoreResult.safeParse({ ...(value.r as object), cached: true, latencyMs: 0 });
    if (!parsed.success) return null;
    const { cached: _c, latencyMs: _l, notice: _n, ...stored } = parsed.data;
    return { k: value.k, r: stored };
  } catch {
    return null;
  }
}
