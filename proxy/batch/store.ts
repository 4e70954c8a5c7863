// Batch jobs on disk: one JSON file per job in <configDir>/batches (0600: items quote the user's
// conversations), written whole through a temp file so a crash never leaves half a job. Without a
// dir (createApp in tests) jobs live in memory only.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchJob } from './job.ts';

export interface BatchStore {
  save(job: BatchJob): void;
  get(id: string): BatchJob | undefined;
  /** Every stored job (valid files only). */
  all(): BatchJob[];
}

export function createBatchStore(dir: string | null, onError?: (message: string) => void): BatchStore {
  const jobs = new Map<string, BatchJob>();
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const parsed = BatchJob.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
        if (parsed.success) jobs.set(parsed.data.id, parsed.data);
        else onError?.(`skipped the batch job file ${name}: it does not match the job schema`);
      } catch {
        onError?.(`skipped the batch job file ${name}: it is not valid JSON`);
      }
    }
  }
  return {
    save(job) {
      jobs.set(job.id, job);
      if (!dir) return;
      const path = join(dir, `${job.id}.json`);
      try {
        writeFileSync(`${path}.tmp`, JSON.stringify(job), { mode: 0o600 });
        renameSync(`${path}.tmp`, path);
      } catch (error) {
        onError?.(`cannot write the batch job file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); the job continues in memory`);
      }
    },
    get: (id) => jobs.get(id),
    all: () => [...jobs.values()],
  };
}
