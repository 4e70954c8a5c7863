// The proxy's HTTP surface as a plain Hono app: everything it needs (config, judges, clock, logger,
// pages) is injected, so tests drive it through app.request() with no port and no files.
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { JudgeChoice, JudgeKind } from '#shared/schemas';
import type {
  HealthResponse,
  JudgesReport,
  PairChallengeResponse,
  PairCheckResponse,
  PairConfirmResponse,
  StatsResponse,
  TaxonomyResponse,
} from '#shared/api/index';
import { PairChallengeRequest } from '#shared/api/pairing';
import { MOVES, taxonomyVersion } from '#shared/taxonomy';
import { type DailySpend, openDailySpend } from './budget/daily-spend.ts';
import type { ResultCache } from './cache/result-cache.ts';
import type { Judges, UpstreamBatchClient } from './judges/judge-interface.ts';
import { availableKinds, JUDGES, type JudgeRegistry, selectJudge, unavailableJudges, upstreamModel } from './judges/registry.ts';
import { DEFAULT_LIMITS, DEFAULT_MAX_BODY_BYTES } from './config.ts';
import { createLimiter, type Limiter } from './limit.ts';
import { createScorer } from './scoring.ts';
import { MAX_BATCH_BODY_BYTES } from './batch/job.ts';
import { createBatchRunner, type RetentionPolicy } from './batch/runner.ts';
import { type BatchStore, createBatchStore } from './batch/store.ts';
import { createStats, type StatsRecorder } from './stats.ts';
import { bearerToken } from './middleware/bearer-token.ts';
import { ApiError, createOnError, notFound } from './middleware/errors.ts';
import { jsonBody } from './middleware/json-body.ts';
import { localOnly } from './middleware/local-only.ts';
import { requestLog } from './middleware/request-log.ts';
import { type DisabledSitesList, loadDisabledSites, sitesHandler } from './routes/sites.ts';
import { createMemoryPairedExtension, type PairedExtensionStore } from './pairing/paired-extension.ts';
import { normalise, pairedOrigin } from './middleware/paired-origin.ts';
import { pairingProof } from '#shared/pairing';
import { batchRoutes } from './routes/batches.ts';
import { scoreRoutes } from './routes/score.ts';
import { type Logger, silentLogger } from './types.ts';

// Logger lives in types.ts (scoring and the batch runner need it too); re-exported for callers of the app.
export { type Logger, silentLogger } from './types.ts';

/** The part of ProxyConfig the app reads; ProxyConfig satisfies it. */
export interface AppConfig {
  token: string;
  /** The port clients reach us on (the real one when listening on port 0). */
  port: number;
  /** The address we are bound to; default 127.0.0.1. */
  host?: string;
  /** Default judge when a request names none; default auto. */
  judge?: JudgeChoice;
  version?: string;
  /** Extra accepted Host names besides the loopback ones. */
  allowedHosts?: readonly string[];
  maxBodyBytes?: number;
  /** Requests in flight toward the upstream at once (default 4). */
  maxConcurrency?: number;
  /** One overall deadline per anthropic score, queueing included (default 30 s). */
  deadlineMs?: number;
  /** UNSPUN_DAILY_BUDGET_USD; used when no `spend` is injected. */
  dailyBudgetUsd?: number | null;
  /** UNSPUN_LOG_TEXT=1: log lines may contain reply text. */
  logText?: boolean;
  /** How often a running Message Batch is polled (default 30 s). */
  batchPollMs?: number;
  /** How long finished batch jobs are kept, and how many (default 30 days, 100 jobs). */
  batchRetention?: RetentionPolicy;
  /** Where <configDir>/disabled-sites.json is read for GET /v1/sites. */
  configDir?: string;
}

export type PageName = 'demo' | 'pair' | 'index';

export interface AppDeps {
  config: AppConfig;
  judges: Judges;
  /** Milliseconds from any fixed origin; injected so latency is testable. */
  now?: () => number;
  logger?: Logger;
  /** Returns the page's HTML, or null when it is not there. Default: read proxy/pages/<name>.html. */
  loadPage?: (name: PageName) => Promise<string | null>;
  /** The result cache (startServer opens the one in the config dir); default none. */
  cache?: ResultCache | null;
  /** Spend per UTC day and the daily budget; default in memory, budget from config. */
  spend?: DailySpend;
  stats?: StatsRecorder;
  /** The upstream concurrency limit; default from config.maxConcurrency. */
  limiter?: Limiter;
  /** Epoch milliseconds, for budget days and stats; default Date.now. */
  clock?: () => number;
  /** Where batch jobs are kept (startServer: <configDir>/batches); default in memory. */
  batchStore?: BatchStore;
  /** The upstream batch API (the Message Batches API); default none (batch items are then scored one by one). */
  batchClient?: UpstreamBatchClient | null;
  /** What each kind of judge supports (tests add their own judges); default the proxy's registry. */
  registry?: JudgeRegistry;
  /** Site adapters switched off remotely (GET /v1/sites); default: UNSPUN_DISABLED_SITES + <configDir>/disabled-sites.json. */
  disabledSites?: () => Promise<DisabledSitesList>;
  /** The extension install we are paired with (startServer: <configDir>/paired-extension); default in memory. */
  pairedExtension?: PairedExtensionStore;
}

/** Answers a pairing nonce; public, since the answer proves the token without revealing it. */
const CHALLENGE_PATH = '/v1/pair/challenge';
/** Records the calling extension's origin as the paired one; needs the token. */
const CONFIRM_PATH = '/v1/pair/confirm';
/** Answers 200 only to the paired extension (or a tool without an Origin); changes nothing. */
const CHECK_PATH = '/v1/pair/check';
const PUBLIC_PATHS = ['/', '/health', '/demo', '/pair', CHALLENGE_PATH];

export function createApp(deps: AppDeps) {
  const { config, judges } = deps;
  const now = deps.now ?? (() => performance.now());
  const logger = deps.logger ?? silentLogger;
  const loadPage = deps.loadPage ?? readPageFile;
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const defaultChoice: JudgeChoice = config.judge ?? 'auto';
  const clock = deps.clock ?? Date.now;
  const stats = deps.stats ?? createStats(clock);
  const spend = deps.spend ?? openDailySpend({ budgetUsd: config.dailyBudgetUsd ?? null, file: null, clock });
  const registry = deps.registry ?? JUDGES;
  const limiter = deps.limiter ?? createLimiter(config.maxConcurrency ?? DEFAULT_LIMITS.maxConcurrency);
  const scorer = createScorer({
    judges,
    defaultChoice,
    stats,
    limiter,
    cache: deps.cache ?? null,
    spend,
    deadlineMs: config.deadlineMs,
    now,
    logger,
    logText: config.logText ?? false,
    registry,
  });

  const batches = createBatchRunner({
    store: deps.batchStore ?? createBatchStore(null),
    scorer,
    judges,
    client: deps.batchClient ?? null,
    pollMs: config.batchPollMs ?? DEFAULT_LIMITS.batchPollMs,
    ...(config.batchRetention ? { retention: config.batchRetention } : {}),
    stats,
    logger,
    clock,
    registry,
  });

  const app = new Hono();
  app.onError(createOnError({ logError: (line) => logger.error(line) }));
  app.notFound(notFound);

  app.use(requestLog((line) => logger.info(line), now));
  app.use(async (c, next) => {
    await next();
    // Scores quote the user's conversations: nothing here belongs in a cache.
    if (!c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'no-store');
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });
  app.use(localOnly({ port: config.port, host: config.host ?? '127.0.0.1', allowedHosts: config.allowedHosts ?? [] }));
  app.use(bearerToken({ token: config.token, publicPaths: PUBLIC_PATHS }));
  const paired = deps.pairedExtension ?? createMemoryPairedExtension();
  app.use(pairedOrigin({ store: paired, exempt: [...PUBLIC_PATHS, CONFIRM_PATH] }));
  const scoreLimit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new ApiError(
        413,
        'payload_too_large',
        `The request body is larger than ${formatBytes(maxBodyBytes)}: send one reply per request and trim older context turns.`,
      );
    },
  });
  const batchLimit = bodyLimit({
    maxSize: MAX_BATCH_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `The batch body is larger than ${formatBytes(MAX_BATCH_BODY_BYTES)}: split the items into several jobs.`);
    },
  });
  app.use((c, next) => (c.req.path === '/v1/score/batch' ? batchLimit(c, next) : scoreLimit(c, next)));

  // Every route's request and answer schema is in shared/api/ (the extension parses the same ones).
  app.get('/health', (c) =>
    c.json({
      ok: true,
      service: 'unspun',
      version: config.version ?? '0.0.0',
      judge: defaultJudgeKind(judges, defaultChoice, registry),
      judges: judgeReport(judges, defaultChoice, registry),
      taxonomyVersion,
    } satisfies HealthResponse),
  );

  // Pairing (shared/pairing.ts): the extension checks that we hold the token from the link, then
  // tells us, with the token, that it paired; its origin becomes the only extension origin we serve.
  const validChallenge = jsonBody(PairChallengeRequest, {
    send: 'e.g. {"nonce":"<43 base64url characters>"}',
    invalid: (issues) => new ApiError(400, 'invalid_request', `The pairing challenge is invalid: ${issues[0]?.message ?? 'send {"nonce": "..."}'}.`),
  });
  app.post(CHALLENGE_PATH, validChallenge, async (c) => {
    const proxyOrigin = new URL(c.req.url).origin;
    const proof = await pairingProof(config.token, c.req.valid('json').nonce, proxyOrigin);
    return c.json({ service: 'unspun', version: config.version ?? '0.0.0', proof } satisfies PairChallengeResponse);
  });

  app.post(CONFIRM_PATH, (c) => {
    const origin = c.req.header('origin');
    if (origin === undefined) {
      // A local tool holding the token: nothing to record, nothing refused.
      return c.json({ paired: false, origin: paired.get()?.origin ?? null, version: config.version ?? '0.0.0' } satisfies PairConfirmResponse);
    }
    const previous = paired.get();
    const record = paired.set(normalise(origin), new Date(clock()));
    if (previous?.origin !== record.origin) logger.info(`paired with the extension at ${record.origin}${previous ? ` (was ${previous.origin})` : ''}`);
    return c.json({ paired: true, origin: record.origin, version: config.version ?? '0.0.0' } satisfies PairConfirmResponse);
  });

  // "Would my requests be served?" for the extension's status check: a POST, so the browser sends
  // the extension's Origin (it sends none on GET) and the paired-origin check applies. Changes nothing.
  app.post(CHECK_PATH, (c) => c.json({ ok: true, version: config.version ?? '0.0.0' } satisfies PairCheckResponse));

  app.get('/v1/sites', sitesHandler(deps.disabledSites ?? (() => loadDisabledSites({ configDir: config.configDir }))));

  app.get('/v1/taxonomy', (c) => c.json({ taxonomyVersion, moves: [...MOVES] } satisfies TaxonomyResponse));

  app.get('/v1/stats', (c) => {
    const s = stats.snapshot();
    const day = spend.state();
    const model = upstreamModel(judges);
    return c.json({
      since: stats.startedAt,
      judge: defaultJudgeKind(judges, defaultChoice, registry),
      judges: availableKinds(judges),
      ...(model !== undefined ? { model } : {}),
      requests: s.requests,
      cacheHits: s.cacheHits,
      judgeCalls: s.judgeCalls,
      failures: s.failures,
      parseFailures: s.parseFailures,
      repairs: s.repairs,
      droppedQuotes: s.droppedQuotes,
      droppedClaims: s.droppedClaims,
      tokens: s.tokens,
      costUsdSinceStart: s.costUsd,
      spend: {
        day: day.day,
        todayUsd: day.spentUsd,
        budgetUsd: day.budgetUsd,
        remainingUsd: day.remainingUsd,
        exhausted: day.exhausted,
        resetsAt: day.resetsAt,
        fallbacks: s.budgetFallbacks,
        refusals: s.budgetRefusals,
      },
      concurrency: { max: limiter.max, active: limiter.active, queued: limiter.queued },
      cache: { entries: deps.cache?.size ?? 0 },
    } satisfies StatsResponse);
  });

  // Score and batches as routed sub-apps; the checks above (auth, Origin, body limit) run first.
  const { intake, jobs } = batchRoutes(batches);
  app.route('/v1/score/batch', intake);
  app.route('/v1/score', scoreRoutes(scorer));
  app.route('/v1/batches', jobs);

  for (const name of ['demo', 'pair', 'index'] as const) {
    // The front door (/) says how to pair and links the demo; it holds no token.
    app.get(name === 'index' ? '/' : `/${name}`, async (c) => {
      const html = await loadPage(name);
      if (html === null) {
        throw new ApiError(404, 'page_missing', `proxy/pages/${name}.html is missing from this install: restore it (git checkout proxy/pages) and reload.`);
      }
      if (name === 'pair') {
        // The token rides in the URL fragment; keep it out of referrers, caches and frames.
        c.header('Referrer-Policy', 'no-referrer');
        c.header('Cache-Control', 'no-store');
        c.header('X-Frame-Options', 'DENY');
      }
      return c.html(html);
    });
  }

  batches.resume();
  return Object.assign(app, {
    /** Stops batch polling and local batch work; jobs stay on disk and resume on the next start. */
    shutdown: () => batches.close(),
    /** Resolves when no batch is being worked on (tests). */
    batchesIdle: () => batches.idle(),
  });
}

export type App = ReturnType<typeof createApp>;

function defaultJudgeKind(judges: Judges, choice: JudgeChoice, registry: JudgeRegistry): JudgeKind | JudgeChoice {
  try {
    return selectJudge(judges, choice, registry).kind;
  } catch {
    return choice;
  }
}

/**
 * Which judges this proxy can use, its default, and why the others are off, for GET /health
 * (public: names and reasons only, never a key or where it came from). The reasons are the
 * registry's, so a judge that is not built says what its own definition needs.
 */
function judgeReport(judges: Judges, choice: JudgeChoice, registry: JudgeRegistry): JudgesReport {
  const kind = defaultJudgeKind(judges, choice, registry);
  return {
    available: availableKinds(judges),
    default: kind === 'auto' ? 'offline' : kind,
    unavailable: unavailableJudges(judges, registry),
  };
}

async function readPageFile(name: PageName): Promise<string | null> {
  try {
    return await readFile(new URL(`./pages/${name}.html`, import.meta.url), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}
