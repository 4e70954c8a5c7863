// A local HTTP server that speaks enough of the Anthropic Messages API for the real SDK to talk to:
// POST /v1/messages (text, structured output, forced tool use), and the Message Batches endpoints
// (create, retrieve, results as JSONL, cancel). On 127.0.0.1, port 0. No real API is reachable from
// tests, so this is how every test (unit, proxy, e2e) exercises the real SDK.
//
// Scripting: responses are taken first from a FIFO queue (`enqueue`), then from `respond`, then from
// the default responder, which reads the reply out of the request and returns a real-shaped verdict
// (with askBack and claims when the request's schema asks for them, prompt v4) quoting a real sentence of it (as JSON text for output_config.format or plain requests, as a
// tool_use block when a tool is forced). Special responses: { hang: true } never answers (deadline
// tests), { destroy: true } drops the connection. Every request is recorded in `requests`.
// Message Batches: list (newest first, paginated like the API) and cancel too; `enqueueBatchCreate`
// scripts what a create does ('hang-before': answer nothing and create nothing; 'hang-after' /
// 'destroy-after': create the batch, then never answer / drop the connection, as when the caller's
// timeout or death loses the answer), and `batches()` shows every batch created, canceled or not.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
}

export type FakeResponse = { status?: number; headers?: Record<string, string>; body: unknown } | { hang: true } | { destroy: true };

export interface RespondContext {
  request: RecordedRequest;
  /** 0-based index of this /v1/messages call (batch items included). */
  index: number;
  /** What the default responder would answer. */
  defaultResponse: () => FakeResponse;
}

export type Responder = (body: any, ctx: RespondContext) => FakeResponse | undefined | Promise<FakeResponse | undefined>;

export interface FakeAnthropicOptions {
  respond?: Responder;
  /** Batches stay in_progress for this many retrieve calls before they end (default 1). */
  batchPollsUntilEnded?: number;
  /** Default 0 (any free port). */
  port?: number;
}

export type BatchCreateBehavior = 'hang-before' | 'hang-after' | 'destroy-after';

export interface FakeAnthropic {
  /** Base URL for the SDK's `baseURL` (no trailing slash). */
  url: string;
  requests: RecordedRequest[];
  /** Only the POST /v1/messages requests (batch items not included). */
  messageRequests(): RecordedRequest[];
  enqueue(...responses: FakeResponse[]): void;
  setResponder(respond: Responder | undefined): void;
  /** What the next batch creates do, in order (then: create and answer). */
  enqueueBatchCreate(...behaviors: BatchCreateBehavior[]): void;
  /** Every Message Batch created so far, oldest first. */
  batches(): Array<{ id: string; processing_status: string; requests: number; canceled: boolean }>;
  /** Forgets recorded requests, queued responses, the responder and the prompt cache. */
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Response builders

export interface MessageShape {
  content: unknown[];
  stop_reason?: string;
  model?: string;
  usage?: Partial<FakeUsage>;
}

interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

let ids = 0;
const nextId = (prefix: string) => `${prefix}_fake${String(++ids).padStart(6, '0')}`;

/** A complete Message object, shaped as the API returns it. */
export function messageBody(shape: MessageShape): Record<string, unknown> {
  return {
    id: nextId('msg'),
    type: 'message',
    role: 'assistant',
    model: shape.model ?? 'claude-haiku-5-5',
    content: shape.content,
    stop_reason: shape.stop_reason ?? 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: null,
      inference_geo: null,
      output_tokens_details: null,
      server_tool_use: null,
      service_tier: 'standard',
      ...shape.usage,
    },
  };
}

export function textResponse(text: string, extra: Omit<MessageShape, 'content'> = {}): FakeResponse {
  return { body: messageBody({ ...extra, content: [{ type: 'text', text, citations: null }] }) };
}

export function toolUseResponse(name: string, input: unknown, extra: Omit<MessageShape, 'content'> = {}): FakeResponse {
  return {
    body: messageBody({ stop_reason: 'tool_use', ...extra, content: [{ type: 'tool_use', id: nextId('toolu'), name, input }] }),
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/**
 * An API error. Retryable ones say `retry-after: 0` as asked, plus `retry-after-ms: 1` so the SDK's
 * retries take a millisecond (with retry-after 0 alone it falls back to its 0.5 s+ backoff).
 */
export function errorResponse(status: number, message = `fake ${status}`, headers: Record<string, string> = {}): FakeResponse {
  const retryable = status === 429 || status >= 500;
  return {
    status,
    headers: { ...(retryable ? { 'retry-after': '0', 'retry-after-ms': '1' } : {}), ...headers },
    body: { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message }, request_id: nextId('req') },
  };
}

// ---------------------------------------------------------------------------------------------
// The default responder

/** The reply text between the judge's delimiters in the last user message, or null. */
export function replyFromRequest(body: any): string | null {
  const text = lastUserText(body);
  const m = /<reply_to_judge>\n([\s\S]*?)\n<\/reply_to_judge>/.exec(text);
  return m?.[1] ?? null;
}

function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const user = [...messages].reverse().find((m) => m?.role === 'user');
  // The first user message holds the reply; repair turns come after it.
  const first = messages.find((m) => m?.role === 'user');
  for (const m of [first, user]) {
    if (!m) continue;
    const content =
      typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((b: any) => (b?.type === 'text' ? b.text : '')).join('\n') : '';
    if (content.includes('<reply_to_judge>')) return content;
  }
  return '';
}

/** The first sentence of the reply (as written), for a quote that anchors exactly. */
export function firstSentence(reply: string): string {
  const m = /^\s*([^\n]*?[.!?])(\s|$)/.exec(reply);
  const sentence = (m?.[1] ?? reply.split('\n')[0] ?? reply).trim();
  return sentence.length > 0 ? sentence : reply.trim();
}

/**
 * Whether the request asks for the v4 verdict (askBack on flags and a claims list): its output
 * schema, tool schema or system prompt names "claims".
 */
export function wantsLedger(body: any): boolean {
  return /\\?"claims\\?"/.test(JSON.stringify([body?.output_config ?? null, body?.tools ?? null, body?.system ?? null]));
}

/** The follow-up question the default responder puts on its flag (v4 requests). */
export const DEFAULT_ASK_BACK = 'What is the source for this, and where can I check it?';

/**
 * A verdict quoting the reply's first sentence; no flags when there is no reply. For a v4 request
 * the flag carries askBack and the verdict lists the reply's first sentence as an unbacked claim.
 */
export function defaultVerdict(body: any): { flags: unknown[]; claims?: unknown[] } {
  const reply = replyFromRequest(body);
  const ledger = wantsLedger(body);
  if (!reply || reply.trim() === '') return ledger ? { flags: [], claims: [] } : { flags: [] };
  const quote = firstSentence(reply);
  const flag = {
    quote,
    move: 'unsupported-claim',
    reason: 'States this as fact without giving any source or argument.',
    support: 'unsupported',
    wouldSupport: 'a source or a number the reader can check',
    ...(ledger ? { askBack: DEFAULT_ASK_BACK } : {}),
    severity: 2,
  };
  return ledger ? { flags: [flag], claims: [{ quote, support: 'none', note: 'no source, figure or reason given' }] } : { flags: [flag] };
}

const approxTokens = (text: string) => Math.ceil(text.length / 4);

function systemText(body: any): { cached: string; rest: string } {
  const system = body?.system;
  if (typeof system === 'string') return { cached: '', rest: system };
  let cached = '';
  let rest = '';
  let seenBreakpoint = false;
  for (const block of Array.isArray(system) ? system : []) {
    const t = typeof block?.text === 'string' ? block.text : '';
    if (!seenBreakpoint) cached += t;
    else rest += t;
    if (block?.cache_control) seenBreakpoint = true;
  }
  return seenBreakpoint ? { cached, rest } : { cached: '', rest: cached + rest };
}

// ---------------------------------------------------------------------------------------------
// The server

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  let respond = options.respond;
  const queue: FakeResponse[] = [];
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  /** Prompt-cache simulation: cached prefixes seen so far (ephemeral, no TTL here). */
  const promptCache = new Set<string>();
  let messageIndex = 0;
  const batches = new Map<string, { batch: Record<string, unknown>; lines: string[]; polls: number }>();
  const createBehaviors: BatchCreateBehavior[] = [];
  const pollsUntilEnded = options.batchPollsUntilEnded ?? 1;

  function usageFor(body: any, output: string): FakeUsage {
    const { cached, rest } = systemText(body);
    const messagesText = JSON.stringify(body?.messages ?? []) + JSON.stringify(body?.tools ?? []) + JSON.stringify(body?.output_config ?? {});
    const cachedTokens = approxTokens(cached);
    const hit = cached !== '' && promptCache.has(cached);
    if (cached !== '') promptCache.add(cached);
    return {
      input_tokens: approxTokens(rest) + approxTokens(messagesText),
      output_tokens: Math.max(1, approxTokens(output)),
      cache_creation_input_tokens: hit ? 0 : cachedTokens,
      cache_read_input_tokens: hit ? cachedTokens : 0,
    };
  }

  function defaultResponse(body: any): FakeResponse {
    const verdict = defaultVerdict(body);
    const forced = body?.tool_choice?.type === 'tool' ? body.tool_choice.name : undefined;
    const model = typeof body?.model === 'string' ? body.model : undefined;
    if (forced) {
      const res = toolUseResponse(forced, verdict, model ? { model } : {});
      fillUsage(res, body, JSON.stringify(verdict));
      return res;
    }
    const res = textResponse(JSON.stringify(verdict), model ? { model } : {});
    fillUsage(res, body, JSON.stringify(verdict));
    return res;
  }

  // Gives a scripted 200 message realistic usage unless the script set its own.
  function fillUsage(res: FakeResponse, body: any, output: string): void {
    if (!('body' in res) || (res.status ?? 200) !== 200) return;
    const message = res.body as any;
    if (message?.type !== 'message' || !message.usage) return;
    const u = message.usage;
    if (u.input_tokens === 0 && u.output_tokens === 0 && u.cache_read_input_tokens === 0 && u.cache_creation_input_tokens === 0) {
      Object.assign(u, usageFor(body, output));
    }
  }

  async function answerMessage(body: any, request: RecordedRequest): Promise<FakeResponse> {
    const index = messageIndex++;
    const queued = queue.shift();
    let res: FakeResponse | undefined = queued;
    if (!res && respond) res = await respond(body, { request, index, defaultResponse: () => defaultResponse(body) });
    res ??= defaultResponse(body);
    if ('body' in res) {
      const message = res.body as any;
      const output = JSON.stringify(message?.content ?? '');
      fillUsage(res, body, output);
    }
    return res;
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { type: 'error', error: { type: 'api_error', message: String(error) } } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: any = null;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, errorResponse(400, 'The request body is not valid JSON.'));
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, headers, body };
    requests.push(recorded);

    // Auth as the real API: x-api-key or Authorization: Bearer, and an anthropic-version.
    const hasKey = Boolean(headers['x-api-key']) || /^Bearer\s+\S+/.test(headers.authorization ?? '');
    if (!hasKey) return send(res, errorResponse(401, 'x-api-key or Authorization header is required'));
    if (!headers['anthropic-version']) return send(res, errorResponse(400, 'anthropic-version header is required'));

    const method = req.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/v1/messages') {
      if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages) || typeof body.max_tokens !== 'number') {
        return send(res, errorResponse(400, 'model, max_tokens and messages are required'));
      }
      const last = body.messages[body.messages.length - 1];
      if (last?.role === 'assistant') {
        return send(res, errorResponse(400, 'This model does not support assistant message prefill. The conversation must end with a user message.'));
      }
      return send(res, await answerMessage(body, recorded));
    }

    if (method === 'GET' && url.pathname === '/v1/messages/batches') {
      const newestFirst = [...batches.values()].reverse().map((e) => publicBatch(e.batch));
      const after = url.searchParams.get('after_id');
      const from = after ? newestFirst.findIndex((b) => b.id === after) + 1 : 0;
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const data = newestFirst.slice(from, from + limit);
      return send(res, { body: { data, has_more: from + limit < newestFirst.length, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null } });
    }

    if (method === 'POST' && url.pathname === '/v1/messages/batches') {
      const behavior = createBehaviors.shift();
      if (behavior === 'hang-before') return send(res, { hang: true });
      const items: any[] = Array.isArray(body?.requests) ? body.requests : [];
      const lines: string[] = [];
      const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
      for (const item of items) {
        const answer = await answerMessage(item.params, { ...recorded, body: item.params });
        if ('body' in answer && (answer.status ?? 200) === 200) {
          counts.succeeded++;
          lines.push(JSON.stringify({ custom_id: item.custom_id, result: { type: 'succeeded', message: answer.body } }));
        } else {
          counts.errored++;
          const error = 'body' in answer ? answer.body : { type: 'error', error: { type: 'api_error', message: 'no answer' } };
          lines.push(JSON.stringify({ custom_id: item.custom_id, result: { type: 'errored', error } }));
        }
      }
      const id = nextId('msgbatch');
      const now = new Date();
      const batch = {
        id,
        type: 'message_batch',
        processing_status: 'in_progress',
        request_counts: { processing: items.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
        ended_at: null,
        archived_at: null,
        cancel_initiated_at: null,
        results_url: null,
      };
      batches.set(id, { batch: { ...batch, final_counts: counts }, lines, polls: 0 });
      if (behavior === 'hang-after') return send(res, { hang: true });
      if (behavior === 'destroy-after') return send(res, { destroy: true });
      return send(res, { body: batch });
    }

    const batchMatch = /^\/v1\/messages\/batches\/([^/]+)(\/results|\/cancel)?$/.exec(url.pathname);
    if (batchMatch) {
      const entry = batches.get(batchMatch[1] ?? '');
      if (!entry) return send(res, errorResponse(404, `No batch ${batchMatch[1]}`));
      const suffix = batchMatch[2];
      if (method === 'GET' && suffix === '/results') {
        if (entry.batch.processing_status !== 'ended') return send(res, errorResponse(400, 'The batch has not ended yet.'));
        res.writeHead(200, { 'content-type': 'application/binary' });
        res.end(entry.lines.join('\n') + '\n');
        return;
      }
      if (method === 'POST' && suffix === '/cancel') {
        entry.batch.canceled = true;
        if (entry.batch.processing_status !== 'ended') entry.batch.processing_status = 'canceling';
        entry.batch.cancel_initiated_at = new Date().toISOString();
        return send(res, { body: publicBatch(entry.batch) });
      }
      if (method === 'GET' && suffix === undefined) {
        entry.polls++;
        if (entry.batch.processing_status !== 'ended' && entry.polls >= pollsUntilEnded) {
          entry.batch.processing_status = 'ended';
          entry.batch.ended_at = new Date().toISOString();
          entry.batch.request_counts = entry.batch.final_counts;
          entry.batch.results_url = `${baseUrl}/v1/messages/batches/${batchMatch[1]}/results`;
        }
        return send(res, { body: publicBatch(entry.batch) });
      }
    }

    return send(res, errorResponse(404, `No fake route ${method} ${url.pathname}`));
  }

  function send(res: ServerResponse, answer: FakeResponse): void {
    if ('hang' in answer) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if ('destroy' in answer) {
      res.socket?.destroy();
      return;
    }
    const status = answer.status ?? 200;
    const requestId = nextId('req');
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    requests,
    messageRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages'),
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    enqueueBatchCreate: (...behaviors) => {
      createBehaviors.push(...behaviors);
    },
    batches: () =>
      [...batches.values()].map(({ batch }) => {
        const counts = batch.final_counts as Record<string, number>;
        return {
          id: String(batch.id),
          processing_status: String(batch.processing_status),
          requests: Object.values(counts).reduce((a, b) => a + b, 0),
          canceled: batch.canceled === true,
        };
      }),
    setResponder: (next) => {
      respond = next;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      respond = options.respond;
      promptCache.clear();
    },
    close: async () => {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function publicBatch(batch: Record<string, unknown>): Record<string, unknown> {
  const { final_counts: _ignored, canceled: _canceled, ...rest } = batch;
  return rest;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// `npx tsx test/fake-anthropic/server.ts [port]` runs it on its own, to try the proxy by hand:
// ANTHROPIC_BASE_URL=<printed url> ANTHROPIC_API_KEY=anything npm start
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeAnthropic({ port: Number(process.argv[2] ?? 0) });
  console.log(`fake Anthropic API on ${fake.url}`);
}
