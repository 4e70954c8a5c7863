// Batch runs for the dashboard, on the background's side (only the background talks to the
// proxy): re-score stored replies with another judge, or score imported ones, through
// POST /v1/score/batch. A run is kept in the archive (runs table) and sent in chunks of
// RUN_CHUNK replies, one proxy batch job at a time, so a run survives a restart of the service
// worker (the next status poll picks it up) and of the proxy (its jobs are on disk).
import { z } from 'zod';
import { judgeKey, type MessageRecord, type RescoreRecord, type RunRecord } from '#shared/records';
import { flagsMatchText, JudgeChoice, ScoreResult } from '#shared/schemas';
import { type BatchItem, BatchCreated, type BatchRequest, BatchView } from '#shared/api/batch';
import type { JudgesReport } from '#shared/api/health';
import { markScored } from '../db/queries.ts';
import type { UnspunDb } from '../db/schema.ts';
import type { Settings } from '../settings.ts';
import { createProxyClient, ProxyError } from '../scoring/proxy-client.ts';

/** Replies per proxy batch job: keeps one request body far below the proxy's 32 MB limit. */
export const RUN_CHUNK = 200;
/** Most replies in one run. */
export const MAX_RUN_REPLIES = 10_000;
/** Earlier turns sent as context per reply (the judge needs a little, not the whole chat). */
const CONTEXT_TURNS = 6;

// ---- dashboard → background -----------------------------------------------------------------

export const StartRun = z.object({
  type: z.literal('dashboard-start-run'),
  kind: z.enum(['rescore', 'import']),
  judge: JudgeChoice,
  messageKeys: z.array(z.string().min(1)).min(1).max(MAX_RUN_REPLIES),
});
export const RunStatus = z.object({ type: z.literal('dashboard-run-status'), runId: z.string().min(1) });
export const CancelRun = z.object({ type: z.literal('dashboard-cancel-run'), runId: z.string().min(1) });
/** Which judges the proxy can use (its GET /health), so the dashboard offers only those. */
export const AskJudges = z.object({ type: z.literal('dashboard-judges') });
export const DashboardToBackground = z.discriminatedUnion('type', [StartRun, RunStatus, CancelRun, AskJudges]);
export type DashboardToBackground = z.infer<typeof DashboardToBackground>;

export interface RunResponse {
  run?: RunRecord;
  error?: string;
}

/** The proxy's judges as GET /health reports them (shared/api/health.ts JudgesReport). */
export type ProxyJudges = JudgesReport;
export interface JudgesResponse {
  judges?: ProxyJudges;
  error?: string;
}

/** Proxy error codes that no retry can fix: the judge asked for is not set up on this proxy. */
const NOT_CONFIGURED = new Set(['judge_unavailable', 'not_configured']);
/** Statuses that say the request itself is wrong (not the proxy's state, nor the token: 401/403 wait for a re-pair). */
const REFUSED = new Set([400, 413, 422]);

// ---- the proxy's batch API --------------------------------------------------------------------

/** The proxy's batch API (shared/api/batch.ts), its answers parsed with the proxy's own schemas. */
export interface BatchApi {
  create(body: z.input<typeof BatchRequest>): Promise<BatchCreated>;
  get(id: string): Promise<BatchView>;
  cancel(id: string): Promise<BatchView>;
}

export function createBatchApi(settings: Pick<Settings, 'proxyUrl' | 'token'>, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): BatchApi {
  const proxy = createProxyClient({ proxyUrl: settings.proxyUrl, token: settings.token, fetch: fetchImpl });
  return {
    create: (body) => proxy.call('/v1/score/batch', BatchCreated, { method: 'POST', body }),
    get: (id) => proxy.call(`/v1/batches/${encodeURIComponent(id)}`, BatchView),
    cancel: (id) => proxy.call(`/v1/batches/${encodeURIComponent(id)}/cancel`, BatchView, { method: 'POST' }),
  };
}

/** A stored reply as one item of POST /v1/score/batch; its archive key comes back as the result's id. */
export function batchItem(m: MessageRecord): BatchItem {
  return {
    id: m.key,
    reply: { text: m.text, id: m.messageId },
    context: { ...(m.userTurn !== undefined ? { user: m.userTurn } : {}), previous: m.previous.slice(-CONTEXT_TURNS) },
    site: m.site,
    conversationId: m.conversationId,
  };
}

/** The proxy's message without the "proxy answered 503:" prefix, which means nothing to a reader. */
function notConfiguredText(message: string): string {
  return `Not started: ${message.replace(/^proxy answered \d+:\s*/, '')}`;
}

// ---- the runs -------------------------------------------------------------------------------

export interface RunDeps {
  db: UnspunDb;
  loadSettings(): Promise<Settings>;
  fetch?: typeof fetch;
  now?: () => number;
  /** Run ids (tests pass their own). */
  newId?: () => string;
}

const TERMINAL = new Set(['done', 'failed', 'canceled']);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createRunService(deps: RunDeps) {
  const now = deps.now ?? (() => Date.now());
  const newId = deps.newId ?? (() => `run_${now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`);
  const api = async () => createBatchApi(await deps.loadSettings(), deps.fetch);
  const busy = new Map<string, Promise<RunRecord | undefined>>();

  async function sendChunk(run: RunRecord): Promise<RunRecord> {
    const start = run.done + run.failed;
    const keys = run.messageKeys.slice(start, start + RUN_CHUNK);
    const messages = (await deps.db.messages.bulkGet(keys)).filter((m): m is MessageRecord => Boolean(m));
    if (messages.length === 0) {
      // Deleted meanwhile: count them as failed and move on.
      return { ...run, failed: run.failed + keys.length, updatedAt: now(), ...(start + keys.length >= run.total ? { status: 'done' as const } : {}) };
    }
    const { id } = await (await api()).create({ judge: run.judge, items: messages.map(batchItem) });
    return { ...run, batchId: id, status: 'running', updatedAt: now() };
  }

  /** Stores a finished chunk's results: re-scores beside the primary score, or the primary score of an imported reply. */
  async function storeResults(run: RunRecord, view: BatchView): Promise<{ done: number; failed: number }> {
    let done = 0;
    let failed = 0;
    const at = now();
    const rescores: RescoreRecord[] = [];
    for (const raw of view.results ?? []) {
      const id = (raw as { id?: unknown }).id;
      const parsed = ScoreResult.safeParse(raw);
      if (typeof id !== 'string' || !parsed.success) {
        failed++;
        continue;
      }
      const message = await deps.db.messages.get(id);
      if (!message) {
        failed++;
        continue;
      }
      done++;
      if (run.kind === 'import') {
        await markScored(deps.db, id, parsed.data, at);
      } else {
        const jk = judgeKey(parsed.data.judge);
        rescores.push({
          ...parsed.data,
          id: `${id}|${jk}`,
          messageKey: id,
          conversationKey: message.conversationKey,
          judgeKey: jk,
          runId: run.id,
          scoredAt: at,
          quotesVerified: flagsMatchText(message.text, parsed.data.flags),
        });
      }
    }
    if (rescores.length) await deps.db.rescores.bulkPut(rescores);
    return { done, failed };
  }

  /** One step: asks the proxy about the chunk in flight, stores it when finished, sends the next. */
  async function advance(runId: string): Promise<RunRecord | undefined> {
    let run = await deps.db.runs.get(runId);
    if (!run || TERMINAL.has(run.status)) return run;
    try {
      if (!run.batchId) {
        run = await sendChunk(run);
      } else {
        const view = await (await api()).get(run.batchId);
        if (view.status === 'canceled') run = { ...run, status: 'canceled', updatedAt: now() };
        else if (view.status === 'failed') run = { ...run, status: 'failed', error: view.error?.message ?? 'the proxy batch failed', updatedAt: now() };
        else if (view.status === 'done') {
          const counts = await storeResults(run, view);
          const { batchId: _sent, ...rest } = run;
          run = { ...rest, done: run.done + counts.done, failed: run.failed + counts.failed, updatedAt: now() };
          run = run.done + run.failed >= run.total ? { ...run, status: 'done' } : await sendChunk(run);
        }
      }
    } catch (error) {
      if (error instanceof ProxyError && error.code && NOT_CONFIGURED.has(error.code)) {
        // Retrying cannot help until someone changes the proxy's settings: end the run now, saying why.
        run = { ...run, status: 'failed', error: notConfiguredText(error.message), updatedAt: now() };
      } else if (error instanceof ProxyError && run.batchId && error.status === 404) {
        // The proxy no longer has the chunk's job (deleted, or past its retention): send the chunk again.
        const { batchId: _gone, ...rest } = run;
        run = { ...rest, error: 'the proxy no longer had this part of the run; sending it again', updatedAt: now() };
      } else if (error instanceof ProxyError && error.status !== undefined && REFUSED.has(error.status)) {
        // The proxy refused the request itself: the same chunk would be refused on every poll, forever.
        run = { ...run, status: 'failed', error: `The proxy refused this run: ${error.message}`, updatedAt: now() };
      } else {
        // The proxy is down or refused: keep the run; the next poll tries again.
        run = { ...run, error: errorText(error), updatedAt: now() };
      }
    }
    await deps.db.runs.put(run);
    return run;
  }

  async function start(message: z.infer<typeof StartRun>): Promise<RunResponse> {
    const settings = await deps.loadSettings();
    if (!settings.token) return { error: 'Not paired with a proxy: re-scoring goes through the proxy’s batch endpoint.' };
    const run: RunRecord = {
      id: newId(),
      kind: message.kind,
      judge: message.judge,
      messageKeys: message.messageKeys,
      status: 'queued',
      done: 0,
      failed: 0,
      total: message.messageKeys.length,
      createdAt: now(),
      updatedAt: now(),
    };
    await deps.db.runs.put(run);
    return { run: await advance(run.id) };
  }

  /** Status of a run, moving it on (one step at a time, never two at once for the same run). */
  async function status(runId: string): Promise<RunResponse> {
    const pending = busy.get(runId) ?? advance(runId).finally(() => busy.delete(runId));
    busy.set(runId, pending);
    const run = await pending;
    return run ? { run } : { error: `No run ${runId}.` };
  }

  async function cancel(runId: string): Promise<RunResponse> {
    const run = await deps.db.runs.get(runId);
    if (!run) return { error: `No run ${runId}.` };
    if (TERMINAL.has(run.status)) return { run };
    if (run.batchId) await (await api()).cancel(run.batchId).catch(() => undefined);
    const canceled: RunRecord = { ...run, status: 'canceled', updatedAt: now() };
    await deps.db.runs.put(canceled);
    return { run: canceled };
  }

  async function judges(): Promise<JudgesResponse> {
    const settings = await deps.loadSettings();
    try {
      const health = await createProxyClient({ proxyUrl: settings.proxyUrl, token: '', fetch: deps.fetch }).health();
      if (!health.judges) return { error: 'This proxy does not say which judges it has (an older version?): restart it with npm start.' };
      return { judges: health.judges };
    } catch (error) {
      return { error: `Cannot ask the proxy which judges it has (${errorText(error)}). Is it running? Start it with npm start.` };
    }
  }

  async function handleMessage(raw: unknown): Promise<unknown> {
    const parsed = DashboardToBackground.safeParse(raw);
    if (!parsed.success) return undefined;
    const message = parsed.data;
    switch (message.type) {
      case 'dashboard-start-run':
        return start(message);
      case 'dashboard-run-status':
        return status(message.runId);
      case 'dashboard-cancel-run':
        return cancel(message.runId);
      case 'dashboard-judges':
        return judges();
    }
  }

  return { handleMessage, start, status, cancel, advance, judges };
}
