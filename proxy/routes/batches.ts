// Batch scoring (shared/api/batch.ts), as two routed apps: `intake` is POST /v1/score/batch (a job
// of many replies, answered 202 at once) and `jobs` is /v1/batches (list, status with the results
// once a job has ended, cancel, delete). createApp mounts both after its auth, Origin and
// body-limit checks; the work itself is the batch runner's.
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { type BatchCreated, type BatchDeleted, BatchIdParam, type BatchList } from '#shared/api/batch';
import { parseBatchBody } from '../batch/intake.ts';
import { type BatchJob, notScored, publicSummary, TERMINAL } from '../batch/job.ts';
import type { BatchRunner } from '../batch/runner.ts';
import { ApiError } from '../middleware/errors.ts';
import { validBody } from '../middleware/json-body.ts';

const EXAMPLE = '{"items":[{"reply":{"text":"..."}}]}';

/** The batch body, read as it arrives and checked an item at a time (batch/intake.ts). */
const validBatchRequest = validBody(async (c) => parseBatchBody(await readText(c.req.raw), EXAMPLE));

const noSuchBatch = (id: string) =>
  new ApiError(404, 'batch_not_found', `No batch ${id.slice(0, 80)}: the id comes from POST /v1/score/batch (GET /v1/batches lists them).`);

/** An id the proxy could not have made names no job: the same 404 as an unknown one. */
const validBatchId = zValidator('param', BatchIdParam, (result, c) => {
  if (!result.success) throw noSuchBatch(c.req.param('id') ?? '');
});

export function batchRoutes(batches: BatchRunner) {
  function findBatch(id: string): BatchJob {
    const job = batches.get(id);
    if (!job) throw noSuchBatch(id);
    return job;
  }

  const intake = new Hono().post('/', validBatchRequest, async (c) => {
    const request = c.req.valid('json');
    const job = await batches.create(request.items, request.judge);
    c.header('Location', `/v1/batches/${job.id}`);
    const body: BatchCreated = { id: job.id, status: job.status, judge: job.judge, total: job.total, ...(job.notice ? { notice: job.notice } : {}) };
    return c.json(body, 202);
  });

  const jobs = new Hono()
    .get('/', (c) => {
      const body: BatchList = {
        batches: batches
          .list()
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
          .map(publicSummary),
      };
      return c.json(body);
    })
    .get('/:id', validBatchId, (c) => batchView(batches, findBatch(c.req.valid('param').id)))
    .post('/:id/cancel', validBatchId, async (c) => {
      const job = findBatch(c.req.valid('param').id);
      if (TERMINAL.has(job.status)) throw new ApiError(409, 'batch_finished', `Batch ${job.id} has already ended (${job.status}); there is nothing to cancel.`);
      return batchView(batches, (await batches.cancel(job.id)) ?? job);
    })
    .delete('/:id', validBatchId, async (c) => {
      const job = findBatch(c.req.valid('param').id);
      const wasRunning = !TERMINAL.has(job.status);
      await batches.delete(job.id);
      const body: BatchDeleted = { id: job.id, deleted: true, ...(wasRunning ? { canceled: true as const } : {}) };
      return c.json(body);
    });

  return { intake, jobs };
}

/**
 * A job as GET /v1/batches/:id shows it (BatchView): the summary, and once it has ended every item's
 * result in input order, streamed from disk a chunk at a time rather than built in memory.
 */
function batchView(batches: BatchRunner, job: BatchJob): Response {
  const summary = JSON.stringify(publicSummary(job));
  const headers = { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'no-store' };
  if (!TERMINAL.has(job.status)) return new Response(summary, { headers });
  const encoder = new TextEncoder();
  const rows = batches.results(job.id)[Symbol.asyncIterator]();
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${summary.slice(0, -1)},"results":[`));
    },
    async pull(controller) {
      let chunk = '';
      while (chunk.length < 64 * 1024) {
        const next = await rows.next();
        if (next.done) {
          controller.enqueue(encoder.encode(`${chunk}]}`));
          controller.close();
          return;
        }
        const [, item, result] = next.value;
        chunk += `${first ? '' : ','}${JSON.stringify(result ?? notScored(item))}`;
        first = false;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await rows.return?.();
    },
  });
  return new Response(body, { headers });
}

/**
 * The body as text, decoded a chunk at a time as it arrives: Request.text() decodes a 32 MB body in
 * one go, which held the event loop for half a second on a busy machine.
 */
async function readText(request: Request): Promise<string> {
  if (!request.body) return '';
  const decoder = new TextDecoder();
  const reader = request.body.getReader();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
