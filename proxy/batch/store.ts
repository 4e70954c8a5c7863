// Batch jobs on disk, in <configDir>/batches, three files per job (all 0600: items quote the user's
// conversations):
//   <id>.json           the job without items or results (status, counts, upstream batch): small,
//                       rewritten whole through a temp file, the only part kept in memory
//   <id>.items.jsonl    the items, one a line, written once at create and read as a stream
//   <id>.results.jsonl  {"i":index,"r":result} lines, appended as items finish, put in input order
//                       when the job ends, and streamed from disk into GET /v1/batches/:id
// So a finished job costs no memory, and a restart reads only the small files. Without a dir
// (createApp in tests) the same store lives in memory.
import { closeSync, createReadStream, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { appendPrivateFile, ensurePrivateDir, writePrivateFileAtomic, writePrivateLinesAtomic } from '../private-files.ts';
import { type BatchItem, type BatchItemResult, BatchJob, LegacyBatchJob } from './job.ts';

export interface ScoredSoFar {
  /** Items that have a result. */
  indices: Set<number>;
  /** How many of those results are errors. */
  failed: number;
}

export interface BatchStore {
  /** Writes a new job with its items (a slice at a time). Rejects when they cannot be stored. */
  create(job: BatchJob, items: readonly BatchItem[]): Promise<void>;
  /** Rewrites the job file (status, counts, upstream). */
  save(job: BatchJob): void;
  get(id: string): BatchJob | undefined;
  /** Every stored job (valid files only). */
  all(): BatchJob[];
  /** The job's items in input order, read from disk as they are needed. */
  items(id: string): AsyncIterable<[number, BatchItem]>;
  /** Appends one finished item. Throws when it cannot be written. */
  appendResult(id: string, index: number, result: BatchItemResult): void;
  /** Which items have a result (read back from disk at resume). */
  scored(id: string): Promise<ScoredSoFar>;
  /** Puts the results in input order once the job has ended. */
  finish(id: string): void;
  /** One entry per item, in input order: its result, or null when it has none. */
  results(id: string): AsyncIterable<[number, BatchItem, BatchItemResult | null]>;
  /** Removes the job and its files. */
  delete(id: string): void;
}

export function createBatchStore(dir: string | null, onError?: (message: string) => void): BatchStore {
  return dir ? createDiskStore(dir, onError) : createMemoryStore();
}

function createMemoryStore(): BatchStore {
  const jobs = new Map<string, { job: BatchJob; items: readonly BatchItem[]; results: Map<number, BatchItemResult> }>();
  const entry = (id: string) => {
    const found = jobs.get(id);
    if (!found) throw new Error(`no batch job ${id}`);
    return found;
  };
  return {
    async create(job, items) {
      jobs.set(job.id, { job, items, results: new Map() });
    },
    save(job) {
      const found = jobs.get(job.id);
      if (found) found.job = job;
    },
    get: (id) => jobs.get(id)?.job,
    all: () => [...jobs.values()].map((e) => e.job),
    async *items(id) {
      const { items } = entry(id);
      for (let i = 0; i < items.length; i++) yield [i, items[i]!];
    },
    appendResult(id, index, result) {
      entry(id).results.set(index, result);
    },
    async scored(id) {
      const { results } = entry(id);
      return { indices: new Set(results.keys()), failed: [...results.values()].filter((r) => 'error' in r).length };
    },
    finish() {},
    async *results(id) {
      const { items, results } = entry(id);
      for (let i = 0; i < items.length; i++) yield [i, items[i]!, results.get(i) ?? null];
    },
    delete(id) {
      jobs.delete(id);
    },
  };
}

function createDiskStore(dir: string, onError?: (message: string) => void): BatchStore {
  const jobs = new Map<string, BatchJob>();
  /** Results files that may end in a torn line (a crash mid-append): the next append starts a new line. */
  const checkedTail = new Set<string>();
  const metaPath = (id: string) => join(dir, `${id}.json`);
  const itemsPath = (id: string) => join(dir, `${id}.items.jsonl`);
  const resultsPath = (id: string) => join(dir, `${id}.results.jsonl`);

  ensurePrivateDir(dir);
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      const raw = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { version?: unknown };
      if (raw.version === 1) {
        const legacy = LegacyBatchJob.safeParse(raw);
        if (legacy.success) jobs.set(legacy.data.id, convertLegacy(legacy.data));
        else onError?.(`skipped the batch job file ${name}: it does not match the job schema`);
        continue;
      }
      const parsed = BatchJob.safeParse(raw);
      if (parsed.success && existsSync(itemsPath(parsed.data.id))) jobs.set(parsed.data.id, parsed.data);
      else onError?.(`skipped the batch job file ${name}: ${parsed.success ? 'its items file is missing' : 'it does not match the job schema'}`);
    } catch {
      onError?.(`skipped the batch job file ${name}: it is not valid JSON`);
    }
  }

  /** A version-1 file held items and results inline: split it into the three files once. */
  function convertLegacy(legacy: LegacyBatchJob): BatchJob {
    const { items, results, upstream, version: _v, ...rest } = legacy;
    writePrivateFileAtomic(itemsPath(legacy.id), items.map((item) => `${JSON.stringify(item)}\n`).join(''));
    const lines: string[] = [];
    results.forEach((r, i) => r !== null && lines.push(`${JSON.stringify({ i, r })}\n`));
    writePrivateFileAtomic(resultsPath(legacy.id), lines.join(''));
    const finished = results.filter((r) => r !== null);
    const failed = finished.filter((r) => 'error' in r).length;
    const job: BatchJob = {
      ...rest,
      version: 2,
      total: items.length,
      done: finished.length - failed,
      failed,
      ...(upstream ? { upstream: { ...upstream, tag: 'item' } } : {}),
    };
    writePrivateFileAtomic(metaPath(job.id), JSON.stringify(job));
    return job;
  }

  async function* lines(path: string): AsyncIterable<string> {
    if (!existsSync(path)) return;
    const reader = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    try {
      for await (const line of reader) if (line.trim() !== '') yield line;
    } finally {
      reader.close();
    }
  }

  async function* resultLines(id: string): AsyncIterable<[number, BatchItemResult]> {
    for await (const line of lines(resultsPath(id))) {
      try {
        const { i, r } = JSON.parse(line) as { i: number; r: BatchItemResult };
        if (Number.isInteger(i) && r && typeof r === 'object') yield [i, r];
      } catch {
        // A line torn by a crash: that item is scored again on resume.
      }
    }
  }

  return {
    async create(job, items) {
      await writePrivateLinesAtomic(itemsPath(job.id), items);
      writePrivateFileAtomic(metaPath(job.id), JSON.stringify(job));
      jobs.set(job.id, job);
    },
    save(job) {
      if (!jobs.has(job.id)) return; // deleted meanwhile
      jobs.set(job.id, job);
      try {
        writePrivateFileAtomic(metaPath(job.id), JSON.stringify(job));
      } catch (error) {
        onError?.(
          `cannot write the batch job file ${metaPath(job.id)} (${(error as NodeJS.ErrnoException).code ?? String(error)}); the job continues in memory`,
        );
      }
    },
    get: (id) => jobs.get(id),
    all: () => [...jobs.values()],
    async *items(id) {
      let i = 0;
      for await (const line of lines(itemsPath(id))) yield [i++, JSON.parse(line) as BatchItem];
    },
    appendResult(id, index, result) {
      const path = resultsPath(id);
      let lead = '';
      if (!checkedTail.has(path)) {
        checkedTail.add(path);
        if (existsSync(path) && statSync(path).size > 0 && !readTail(path).endsWith('\n')) lead = '\n';
      }
      appendPrivateFile(path, `${lead}${JSON.stringify({ i: index, r: result })}\n`);
    },
    async scored(id) {
      const indices = new Set<number>();
      let failed = 0;
      for await (const [i, r] of resultLines(id)) {
        if (indices.has(i)) continue;
        indices.add(i);
        if ('error' in r) failed++;
      }
      return { indices, failed };
    },
    finish(id) {
      sortResults(resultsPath(id));
    },
    async *results(id) {
      const results = resultLines(id)[Symbol.asyncIterator]();
      let next = await results.next();
      for await (const [i, item] of this.items(id)) {
        while (!next.done && next.value[0] < i) next = await results.next();
        if (!next.done && next.value[0] === i) {
          yield [i, item, next.value[1]];
          next = await results.next();
        } else yield [i, item, null];
      }
      await results.return?.();
    },
    delete(id) {
      jobs.delete(id);
      for (const path of [resultsPath(id), itemsPath(id), metaPath(id)]) rmSync(path, { force: true });
      checkedTail.delete(resultsPath(id));
    },
  };
}

function readTail(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const byte = Buffer.alloc(1);
    if (size > 0) readSync(fd, byte, 0, 1, size - 1);
    return size > 0 ? byte.toString('latin1') : '';
  } finally {
    closeSync(fd);
  }
}

/**
 * Rewrites a results file in input order (one line per item, the last one written wins), moving
 * the lines as bytes without parsing them. Files already in order are left alone (offline jobs).
 */
function sortResults(path: string): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path);
  const spans: Array<[number, number, number]> = [];
  let inOrder = true;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(10, start);
    if (end === -1) end = text.length;
    const m = /^\{"i":(\d+),/.exec(text.subarray(start, Math.min(end, start + 24)).toString('latin1'));
    if (m) {
      const i = Number(m[1]);
      if (spans.length > 0 && spans[spans.length - 1]![0] >= i) inOrder = false;
      spans.push([i, start, end]);
    }
    start = end + 1;
  }
  if (inOrder) return;
  const last = new Map<number, [number, number, number]>();
  for (const span of spans) last.set(span[0], span);
  const ordered = [...last.values()].sort((a, b) => a[0] - b[0]);
  writePrivateFileAtomic(path, ordered.map(([, s, e]) => `${text.subarray(s, e).toString('utf8')}\n`).join(''));
}
