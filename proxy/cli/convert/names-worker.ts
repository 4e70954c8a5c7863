// Worker thread that finds person names with the full compromise build. It runs apart from the
// main thread on purpose: loading full compromise into the realm where the offline detector runs
// makes the detector's tokenizer ~20x slower (shared/export/names.ts).
import { parentPort } from 'node:worker_threads';
import { loadNameFinder } from '#shared/export/names';

const find = await loadNameFinder();
parentPort!.on('message', (request: { id: number; texts: string[] }) => {
  try {
    parentPort!.postMessage({ id: request.id, spans: request.texts.map((text) => find(text)) });
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
