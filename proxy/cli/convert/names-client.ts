// The main thread's side of the names worker: texts in, name spans out, one request at a time
// per call (requests are matched by id, so calls may overlap).
import { Worker } from 'node:worker_threads';
import type { NameSpan } from '#shared/export/names';

export interface NameFinder {
  find(texts: readonly string[]): Promise<NameSpan[][]>;
  close(): Promise<void>;
}

type Reply = { id: number; spans: NameSpan[][] } | { id: number; error: string };

export function startNameWorker(): NameFinder {
  // Node 20 does not carry tsx's loader hooks into a worker: register them there first.
  const script = new URL('./names-worker.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); })`, { eval: true });
  const waiting = new Map<number, { resolve(spans: NameSpan[][]): void; reject(error: Error): void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const pending of waiting.values()) pending.reject(failure);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    const pending = waiting.get(reply.id);
    if (!pending) return;
    waiting.delete(reply.id);
    if ('error' in reply) pending.reject(new Error(`finding names failed: ${reply.error}`));
    else pending.resolve(reply.spans);
  });
  worker.on('error', (error) => failAll(new Error(`the names worker failed: ${error.message}`)));
  worker.on('exit', (code) => failAll(new Error(`the names worker stopped (exit code ${code})`)));
  // An idle worker must not keep the process alive.
  worker.unref();
  return {
    find(texts) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      worker.ref();
      return new Promise<NameSpan[][]>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, texts });
      }).finally(() => {
        if (waiting.size === 0) worker.unref();
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
