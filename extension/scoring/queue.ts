// The scoring queue: pending messages in the DB are the queue, so nothing is lost when the
// service worker dies. A drain scores every due message; failures are rescheduled with backoff.
import type { MessageRecord, MessageStatus } from '#shared/records';
import type { ScoreRequest, ScoreResult } from '#shared/schemas';
import { duePending, makePendingDue, markFailed, markRetry, markScored, nextDueAt } from '../db/queries.ts';
import type { UnspunDb } from '../db/schema.ts';
import { createProxyClient, ProxyError } from './proxy-client.ts';
import { classifyFailure, retryDelayMs, type BackoffOptions } from './retry.ts';
import type { Settings } from '../settings.ts';

export interface ScoreUpdate {
  status: MessageStatus;
  result?: ScoreResult;
  error?: string;
}

export interface ScoringQueueDeps {
  db: UnspunDb;
  getSettings(): Promise<Settings>;
  /** Told about every message whose status changed (to draw it in its tab). */
  notify(message: MessageRecord, update: ScoreUpdate): void | Promise<void>;
  fetch?: typeof fetch;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  backoff?: BackoffOptions;
}

export interface DrainOptions {
  /** Ignore backoff: try every pending message now (new capture, popup open, pairing). */
  force?: boolean;
}

/** `offlineOnly` (a reading setting) asks the proxy for its offline detector, never the judge model. */
export function toScoreRequest(message: MessageRecord, options: { offlineOnly?: boolean } = {}): ScoreRequest {
  return {
    ...(options.offlineOnly ? { judge: 'offline' as const } : {}),
    reply: { text: message.text, id: message.messageId },
    context: {
      ...(message.userTurn !== undefined ? { user: message.userTurn } : {}),
      previous: message.previous,
    },
    site: message.site,
    conversationId: message.conversationId,
  };
}

export function createScoringQueue(deps: ScoringQueueDeps) {
  const now = deps.now ?? (() => Date.now());
  const setTimer = deps.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = deps.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let timer: unknown = null;
  let running: Promise<void> | null = null;
  let rerun = false;
  let rerunForce = false;

  async function drainOnce(force: boolean): Promise<void> {
    const settings = await deps.getSettings();
    if (!settings.enabled || !settings.token) return; // stays pending until paired / switched on
    if (force) await makePendingDue(deps.db);
    const due = await duePending(deps.db, now());
    const client = createProxyClient({ proxyUrl: settings.proxyUrl, token: settings.token, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
    for (let i = 0; i < due.length; i++) {
      const message = due[i]!;
      try {
        const result = await client.score(toScoreRequest(message, { offlineOnly: settings.offlineOnly }));
        await markScored(deps.db, message.key, result, now());
        await deps.notify(message, { status: 'scored', result });
      } catch (error) {
        const status = error instanceof ProxyError ? error.status : undefined;
        const text = error instanceof Error ? error.message : String(error);
        if (classifyFailure(status) === 'fail') {
          await markFailed(deps.db, message.key, text, now());
          await deps.notify(message, { status: 'failed', error: text });
          continue;
        }
        const at = now() + retryDelayMs(message.attempts + 1, deps.backoff);
        await markRetry(deps.db, message.key, text, at, now());
        if (status === undefined) {
          // The proxy is down: do not hammer it with the rest; they wait just as long.
          for (const rest of due.slice(i + 1)) await markRetry(deps.db, rest.key, text, now() + retryDelayMs(rest.attempts + 1, deps.backoff), now());
          return;
        }
      }
    }
  }

  async function scheduleNext(): Promise<void> {
    if (timer !== null) clearTimer(timer);
    timer = null;
    const settings = await deps.getSettings();
    if (!settings.enabled || !settings.token) return;
    const at = await nextDueAt(deps.db);
    if (at === null) return;
    timer = setTimer(
      () => {
        timer = null;
        void drain();
      },
      Math.max(0, at - now()),
    );
  }

  /** Scores every due pending message; concurrent calls join the running drain (single flight). */
  function drain(options: DrainOptions = {}): Promise<void> {
    if (running) {
      rerun = true;
      rerunForce ||= options.force ?? false;
      return running;
    }
    running = (async () => {
      let force = options.force ?? false;
      do {
        rerun = false;
        await drainOnce(force);
        force = rerunForce;
        rerunForce = false;
      } while (rerun);
      await scheduleNext();
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    drain,
    stop(): void {
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
  };
}

export type ScoringQueue = ReturnType<typeof createScoringQueue>;
