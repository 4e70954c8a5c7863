// The Message Batches API (half price) through the SDK, as the small UpstreamBatchClient the batch
// runner needs (judges/judge-interface.ts); the params it sends are the ones this judge's buildParams made.
// Built from the same settings as the judge (key, base URL); the key never leaves the client, and
// every failure is mapped by the judge's own toUpstreamError (key redacted).
import Anthropic from '@anthropic-ai/sdk';
import type { MessageBatch, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { UpstreamBatch, UpstreamBatchClient, UpstreamItemResult } from '../judge-interface.ts';
import { redactSecrets, toUpstreamError } from './errors.ts';

/** The Message Batches API as the batch runner's UpstreamBatchClient (params are this judge's buildParams). */
export type MessageBatchClient = UpstreamBatchClient;

export interface MessageBatchClientOptions {
  apiKey: string;
  baseURL?: string | undefined;
  /** Named in error messages (a 404 names the model). */
  model?: string | undefined;
  /** Per call (create, list, retrieve, results): these are small, quick requests. */
  timeoutMs?: number;
  maxRetries?: number;
  fetch?: typeof fetch;
}

export function createMessageBatchClient(options: MessageBatchClientOptions): MessageBatchClient {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const client = new Anthropic({
    apiKey: options.apiKey,
    authToken: null,
    baseURL: options.baseURL ?? null,
    maxRetries: options.maxRetries ?? 2,
    timeout: timeoutMs,
    logLevel: 'off',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function call<T>(what: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      return await what(deadline);
    } catch (error) {
      throw toUpstreamError(error, { deadline, deadlineMs: timeoutMs, model: options.model ?? 'the configured model', secrets: [options.apiKey] });
    }
  }

  return {
    create: (requests) =>
      call(async (signal) => {
        // The SDK's own retries would send a second batch after a timeout: the runner retries
        // instead, after looking for the batch the first try may have created.
        return describeBatch(
          await client.messages.batches.create(
            { requests: requests as Array<{ custom_id: string; params: MessageCreateParamsNonStreaming }> },
            { signal, maxRetries: 0 },
          ),
        );
      }),
    list: (since) =>
      call(async (signal) => {
        const out: UpstreamBatch[] = [];
        for await (const batch of client.messages.batches.list({ limit: 100 }, { signal })) {
          if (Date.parse(batch.created_at) < Date.parse(since)) break; // newest first
          out.push(describeBatch(batch));
        }
        return out;
      }),
    retrieve: (id) => call(async (signal) => describeBatch(await client.messages.batches.retrieve(id, {}, { signal }))),
    results: (id) =>
      call(async (signal) => {
        const out: UpstreamItemResult[] = [];
        for await (const line of await client.messages.batches.results(id, {}, { signal })) {
          const r = line.result;
          if (r.type === 'succeeded') out.push({ customId: line.custom_id, type: 'succeeded', message: r.message });
          else if (r.type === 'errored')
            out.push({ customId: line.custom_id, type: 'errored', message: redactSecrets(describeError(r.error), [options.apiKey]) });
          else out.push({ customId: line.custom_id, type: r.type });
        }
        return out;
      }),
    cancel: (id) =>
      call(async (signal) => {
        await client.messages.batches.cancel(id, {}, { signal });
      }),
  };
}

function describeBatch(batch: MessageBatch): UpstreamBatch {
  const counts = batch.request_counts;
  return {
    id: batch.id,
    processingStatus: batch.processing_status,
    createdAt: batch.created_at,
    requests: counts ? counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired : undefined,
  };
}

function describeError(error: unknown): string {
  const inner = (error as { error?: { type?: unknown; message?: unknown } } | undefined)?.error;
  const type = typeof inner?.type === 'string' ? inner.type : 'error';
  const message = typeof inner?.message === 'string' ? inner.message : 'no message';
  return `${type}: ${message}`;
}
