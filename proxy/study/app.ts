// The study server's HTTP surface (DESIGN.md "Study server") as a plain Hono app: the store, clock,
// logger and limits are injected, so tests drive it through app.request() with no port. Same
// middleware shapes as proxy/app.ts: one onError, ApiError for expected refusals, request log
// without bodies or headers.
import { createHash, timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import type { ZodType } from 'zod';
import { DonationRequest, JoinRequest, MAX_DONATION_BODY_BYTES, MAX_RECORDS_PER_DONATION, type StudyExportManifest, StudyFile } from '#shared/api/study';
import { buildManifest, createExportStats, createFileHasher } from '#shared/export/manifest';
import { ApiError, createOnError, errorBody, safePath, zodIssues } from '../middleware/errors.ts';
import { requestLog } from '../middleware/request-log.ts';
import { type Logger, silentLogger } from '../types.ts';
import { clientAddress, parseTrustedProxies } from './client-address.ts';
import { DEFAULT_JOIN_LIMIT } from './config.ts';
import { isDatabaseUnavailable } from './db.ts';
import { prepareRecords } from './prepare.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { type ParticipantRow, refuseDonationsUnlessRunning, type StudyRow, type StudyStore, studyNotFound } from './store.ts';

export interface StudyAppConfig {
  /** Where participants reach us (join links are built on it): UNSPUN_STUDY_PUBLIC_URL or http://HOST:PORT. */
  publicUrl: string;
  /** The admin token (create and list studies; acts as any study's researcher). Null: no admin routes. */
  adminToken: string | null;
  version?: string;
  /** Body limit of a donation request (default 8 MB). */
  maxDonationBytes?: number;
  /** Joins per client address (default DEFAULT_JOIN_LIMIT: 60 at once, then 60 an hour). */
  joinLimit?: { burst: number; perHour: number };
  /** Our reverse proxies (IPs/CIDRs): only their X-Forwarded-For is read. Default none. */
  trustedProxies?: readonly string[];
}

export interface StudyAppDeps {
  config: StudyAppConfig;
  store: StudyStore;
  logger?: Logger;
  /** Epoch milliseconds; default Date.now. */
  clock?: () => number;
  /** Per-participant limit on donation and withdrawal requests; default 120 at once, then 2 a second. */
  rateLimiter?: RateLimiter;
  /** Per-address limit on joins; default from config.joinLimit. */
  joinLimiter?: RateLimiter;
}

/** Browser-extension origins: the only browser origins that may call the participant routes. */
const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[A-Za-z0-9._-]+$/;
const SMALL_BODY_BYTES = 256 * 1024;

export function createStudyApp(deps: StudyAppDeps) {
  const { config, store } = deps;
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? Date.now;
  const limiter = deps.rateLimiter ?? createRateLimiter({ burst: 120, perSecond: 2, clock });
  const joinLimit = config.joinLimit ?? DEFAULT_JOIN_LIMIT;
  const joinLimiter = deps.joinLimiter ?? createRateLimiter({ burst: joinLimit.burst, perSecond: joinLimit.perHour / 3600, clock });
  const trustedProxies = parseTrustedProxies(config.trustedProxies ?? []);
  let warnedUntrustedProxy = false;
  const adminDigest = config.adminToken === null ? null : digest(config.adminToken);
  const maxDonationBytes = config.maxDonationBytes ?? MAX_DONATION_BODY_BYTES;
  const publicOrigin = new URL(config.publicUrl).origin;

  const app = new Hono();
  const baseOnError = createOnError({ logError: (line) => logger.error(line) });
  app.onError((err, c) => {
    if (!(err instanceof ApiError) && isDatabaseUnavailable(err)) {
      logger.error(`database unavailable on ${c.req.method} ${safePath(c)}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      return c.json(
        errorBody(
          'database_unavailable',
          'The study database cannot be reached right now; nothing was stored. Try again later (the extension keeps its queue and retries).',
        ),
        503,
        { 'Retry-After': '30' },
      );
    }
    return baseOnError(err, c);
  });
  app.notFound((c) =>
    c.json(
      errorBody(
        'not_found',
        `No route ${c.req.method} ${safePath(c)}: use GET /join/:id, GET /v1/studies/:id, POST /v1/studies/:id/participants, POST /v1/studies/:id/donations, DELETE /v1/studies/:id/participants/me, GET /v1/studies/:id/stats or GET /v1/studies/:id/export.`,
      ),
      404,
    ),
  );

  app.use(requestLog((line) => logger.info(line)));
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'no-store');
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
  });

  // CORS for the extension's background (and pages), and a wall against web pages: a page on any
  // site could otherwise join studies or spend a leaked secret from a visitor's browser.
  app.use('/v1/*', async (c, next) => {
    const origin = c.req.header('origin');
    const fromExtension = origin !== undefined && EXTENSION_ORIGIN.test(origin);
    if (c.req.method === 'OPTIONS') {
      if (!fromExtension) throw new ApiError(403, 'origin_refused', 'Only the Unspun browser extension may call the study API from a browser.');
      return new Response(null, { status: 204, headers: corsHeaders(origin!, true) });
    }
    const publicRead = c.req.method === 'GET' && /^\/v1\/studies\/[^/]+$/.test(c.req.path);
    if (origin !== undefined && !fromExtension && !publicRead) {
      throw new ApiError(
        403,
        'origin_refused',
        `Requests from the web page ${origin.slice(0, 100)} are refused: only the Unspun extension (or a tool with no Origin, such as curl) may call ${c.req.method} ${safePath(c)}.`,
      );
    }
    if (c.req.header('x-api-key') !== undefined) {
      throw new ApiError(
        400,
        'api_key_refused',
        'The study server never takes an API key: remove the x-api-key header (it only needs the participant secret or the researcher token).',
      );
    }
    await next();
    if (fromExtension) for (const [k, v] of Object.entries(corsHeaders(origin!, false))) c.res.headers.set(k, v);
  });

  const donationLimit = bodyLimit({
    maxSize: maxDonationBytes,
    onError: () => {
      throw new ApiError(
        413,
        'payload_too_large',
        `The donation is larger than ${formatBytes(maxDonationBytes)}: send fewer records per request (at most ${MAX_RECORDS_PER_DONATION}).`,
      );
    },
  });
  const smallLimit = bodyLimit({
    maxSize: SMALL_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `The request body is larger than ${formatBytes(SMALL_BODY_BYTES)}.`);
    },
  });
  app.use('/v1/*', (c, next) => (c.req.path.endsWith('/donations') ? donationLimit(c, next) : smallLimit(c, next)));

  app.get('/health', (c) => c.json({ ok: true, service: 'unspun-study', version: config.version ?? '0.0.0' }));

  // ---- public ----

  app.get('/join/:id', async (c) => {
    const id = c.req.param('id');
    const study = await store.getStudy(id);
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    if (!study) return c.html(joinPage({ id, missing: true, origin: publicOrigin, joinUrl: c.req.url }), 404);
    const info = await store.publicInfo(study, publicOrigin);
    return c.html(
      joinPage({
        id,
        missing: false,
        origin: publicOrigin,
        joinUrl: `${config.publicUrl.replace(/\/+$/, '')}/join/${id}`,
        title: info.title,
        researcher: info.researcher,
        collected: info.collected,
        status: info.status,
        endsOn: info.endDate?.slice(0, 10) ?? info.endsAt?.slice(0, 10) ?? null,
      }),
      info.status === 'closed' || info.status === 'ended' ? 410 : 200,
    );
  });

  app.get('/v1/studies/:id', async (c) => {
    const study = await findStudy(c.req.param('id'));
    return c.json(await store.publicInfo(study, publicOrigin));
  });

  app.post('/v1/studies/:id/participants', async (c) => {
    // Before the body and the database: every attempt counts, so a bot can neither fill a study's
    // cap nor probe study ids from one address, and a refused join stores nothing.
    limitJoins(c);
    parseBody(await c.req.text(), JoinRequest, 'the join request', '{"consent": true}');
    const joined = await store.join(c.req.param('id'));
    logger.info(`study ${joined.studyId}: participant ${joined.participantId} joined`);
    return c.json(joined, 201);
  });

  // ---- participant (Bearer secret) ----

  app.post('/v1/studies/:id/donations', async (c) => {
    const { study, participant } = await authParticipant(c);
    limit(participant);
    refuseDonationsUnlessRunning(study, new Date(clock()));
    const body = parseBody(await c.req.text(), DonationRequest, 'the donation', '{"records": [<export records>]}');
    const prepared = prepareRecords(body.records, study);
    const result = await store.donate(study, participant, prepared);
    return c.json(result);
  });

  app.delete('/v1/studies/:id/participants/me', async (c) => {
    const { study, participant } = await authParticipant(c);
    limit(participant);
    const receipt = await store.withdraw(study, participant.id);
    logger.info(`study ${study.id}: participant ${participant.id} withdrew (${receipt.donations} donations deleted)`);
    return c.json(receipt);
  });

  // ---- researcher (Bearer researcher token, or the admin token) ----

  app.get('/v1/studies/:id/stats', async (c) => c.json(await store.stats(await authResearcher(c))));

  app.post('/v1/studies/:id/close', async (c) => c.json(await store.close(await authResearcher(c))));

  app.delete('/v1/studies/:id/participants/:pid', async (c) => {
    const study = await authResearcher(c);
    const receipt = await store.withdraw(study, c.req.param('pid'));
    logger.info(`study ${study.id}: participant ${receipt.participantId} deleted by the researcher (${receipt.donations} donations)`);
    return c.json(receipt);
  });

  app.get('/v1/studies/:id/export', async (c) => {
    const study = await authResearcher(c);
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${study.id}.jsonl"`);
    return c.body(exportStream(store, study, `${study.id}.jsonl`, clock, config.version ?? '0.0.0'));
  });

  // ---- admin (the server's own token) ----

  app.post('/v1/studies', async (c) => {
    authAdmin(c);
    const file = parseBody(await c.req.text(), StudyFile, 'the study file', 'a study file (see DESIGN.md "Study server")');
    const created = await store.createStudy(file, config.publicUrl);
    logger.info(`study ${created.studyId} created: ${file.title.slice(0, 80)}`);
    return c.json(created, 201);
  });

  app.get('/v1/studies', async (c) => {
    authAdmin(c);
    return c.json({ studies: await store.listStudies() });
  });

  async function findStudy(id: string): Promise<StudyRow> {
    const study = await store.getStudy(id);
    if (!study) throw studyNotFound(id);
    return study;
  }

  async function authParticipant(c: Context): Promise<{ study: StudyRow; participant: ParticipantRow }> {
    const secret = bearer(c, 'the participant secret the extension got when it joined');
    const study = await findStudy(c.req.param('id')!);
    const participant = await store.participantBySecret(secret);
    if (!participant) {
      throw new ApiError(
        401,
        'unknown_participant',
        'No participant has this secret: it was withdrawn or deleted, or it was never issued. Join the study again to take part.',
        {
          headers: { 'WWW-Authenticate': 'Bearer realm="unspun-study", error="invalid_token"' },
        },
      );
    }
    if (participant.studyId !== study.id) {
      throw new ApiError(
        403,
        'wrong_study',
        `This participant secret belongs to another study, not ${study.id}: a secret only donates to and withdraws from its own study.`,
      );
    }
    return { study, participant };
  }

  async function authResearcher(c: Context): Promise<StudyRow> {
    const token = bearer(c, 'the researcherToken that "npm run study -- create" printed');
    const study = await findStudy(c.req.param('id')!);
    if (adminDigest !== null && timingSafeEqual(digest(token), adminDigest)) return study;
    if (token.startsWith('usp_') && (await store.participantBySecret(token)) !== null) {
      throw new ApiError(403, 'participant_secret', 'A participant secret can only donate and withdraw its own rows: this route needs the researcher token.');
    }
    store.checkResearcher(study, token);
    return study;
  }

  function authAdmin(c: Context): void {
    const token = bearer(c, `the admin token in the study server's config dir (study-admin-token)`);
    if (adminDigest === null || !timingSafeEqual(digest(token), adminDigest)) {
      throw new ApiError(
        401,
        'unauthorized',
        'Wrong admin token: creating and listing studies needs the token in the study-admin-token file of the server\'s config dir (or use "npm run study -- create" on the server).',
        {
          headers: { 'WWW-Authenticate': 'Bearer realm="unspun-study", error="invalid_token"' },
        },
      );
    }
  }

  function limit(participant: ParticipantRow): void {
    const wait = limiter.take(participant.id);
    if (wait > 0) {
      throw new ApiError(429, 'rate_limited', `Too many requests from this participant: wait ${Math.ceil(wait)} s and send again (nothing was stored).`, {
        headers: { 'Retry-After': String(Math.ceil(wait)) },
      });
    }
  }

  /** The address a join counts against (see client-address.ts), from the Node socket when there is one. */
  function joinKey(c: Context): string {
    let socket: string | undefined;
    try {
      socket = getConnInfo(c).remote.address;
    } catch {
      socket = undefined; // no Node socket: app.request() without env
    }
    const forwardedFor = c.req.header('x-forwarded-for');
    if (forwardedFor !== undefined && socket !== undefined && !warnedUntrustedProxy && !trustedProxies.has(socket) && isPrivateAddress(socket)) {
      warnedUntrustedProxy = true;
      logger.warn(
        `joins arrive with X-Forwarded-For from ${socket}, which is not a trusted proxy: everyone behind it shares one join limit. If it is your reverse proxy, set UNSPUN_STUDY_TRUSTED_PROXIES=${socket}.`,
      );
    }
    return clientAddress(socket, forwardedFor, trustedProxies);
  }

  function limitJoins(c: Context): void {
    const wait = joinLimiter.take(joinKey(c));
    if (wait > 0) {
      const seconds = Math.ceil(wait);
      throw new ApiError(429, 'too_many_joins', `Too many joins from this address: try again in ${seconds} s (nothing was stored).`, {
        headers: { 'Retry-After': String(seconds) },
      });
    }
  }

  return Object.assign(app, { limiter, joinLimiter });
}

export type StudyApp = ReturnType<typeof createStudyApp>;

function bearer(c: Context, what: string): string {
  const header = c.req.header('authorization');
  if (header === undefined || header.trim() === '') {
    throw new ApiError(401, 'unauthorized', `Missing Authorization header: send "Authorization: Bearer <token>" with ${what}.`, {
      headers: { 'WWW-Authenticate': 'Bearer realm="unspun-study"' },
    });
  }
  const match = /^Bearer[ \t]+(\S{1,512})\s*$/i.exec(header);
  if (!match)
    throw new ApiError(401, 'unauthorized', `The Authorization header must be "Bearer <token>", with ${what}.`, {
      headers: { 'WWW-Authenticate': 'Bearer realm="unspun-study", error="invalid_request"' },
    });
  return match[1]!;
}

/** Loopback, RFC 1918, IPv6 unique-local: where an operator's own reverse proxy sits. */
function isPrivateAddress(address: string): boolean {
  return /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|::ffff:(127|10)\.|f[cd][0-9a-f]{2}:)/i.test(address);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function corsHeaders(origin: string, preflight: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  if (preflight) {
    headers['Access-Control-Allow-Methods'] = 'GET, POST, DELETE';
    headers['Access-Control-Allow-Headers'] = 'authorization, content-type';
    headers['Access-Control-Max-Age'] = '600';
  }
  return headers;
}

/** Parses and validates a JSON body, or a 400 naming the field to fix. */
function parseBody<T>(raw: string, schema: ZodType<T>, what: string, example: string): T {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    const why = raw.trim() === '' ? 'the body is empty' : (error as Error).message;
    throw new ApiError(400, 'invalid_json', `The body is not valid JSON (${why}): send ${example}.`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    const summary = issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    throw new ApiError(400, 'invalid_request', `${what[0]!.toUpperCase()}${what.slice(1)} is invalid, nothing was stored: ${summary}.`, {
      issues: issues.slice(0, 100),
    });
  }
  return parsed.data;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(0)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * The export as JSONL, a page of rows at a time: per participant a consent line then their
 * conversation records; the last line is the manifest (counts, the SHA-256 of every byte before it).
 */
export function exportStream(store: StudyStore, study: StudyRow, fileName: string, clock: () => number, version: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const hasher = createFileHasher(fileName, 'records');
  const stats = createExportStats();
  const PAGE = 200;
  let after: { consentedAt: Date; id: string } | null = null;
  let queue: ParticipantRow[] = [];
  let participantCount = 0;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      if (queue.length === 0) {
        queue = await store.participantsPage(study.id, after, PAGE);
        if (queue.length === 0) {
          done = true;
          const manifest: StudyExportManifest = {
            ...buildManifest({
              stats,
              files: [hasher.file()],
              generator: { name: 'unspun-study', version },
              createdAt: clock(),
              filters: { study_id: study.id },
              redaction: { texts: true, ids: 'pseudonymous', salt: 'per-export' },
            }),
            study: {
              study_id: study.id,
              title: study.title,
              consent_sha256: study.consentSha256,
              participants: participantCount,
              consent_records: participantCount,
            },
          };
          controller.enqueue(encoder.encode(`${JSON.stringify({ record_type: 'manifest', manifest })}\n`));
          controller.close();
          return;
        }
      }
      const participant = queue.shift()!;
      after = { consentedAt: participant.consentedAt, id: participant.id };
      participantCount++;
      const lines: string[] = [];
      let afterId = 0;
      for (;;) {
        const rows = await store.donationsPage(participant.id, afterId, PAGE);
        for (const row of rows) {
          stats.add(row.record);
          lines.push(JSON.stringify(row.record));
        }
        if (rows.length < PAGE) break;
        afterId = rows[rows.length - 1]!.id;
      }
      const consent = {
        record_type: 'consent',
        study_id: study.id,
        participant_id: participant.id,
        consent_sha256: participant.consentSha256,
        consented_at: participant.consentedAt.toISOString(),
        conversations: lines.length,
      };
      const chunk = `${[JSON.stringify(consent), ...lines].join('\n')}\n`;
      hasher.update(chunk);
      controller.enqueue(encoder.encode(chunk));
    },
  });
}

interface JoinPageInput {
  id: string;
  missing: boolean;
  origin: string;
  joinUrl: string;
  title?: string;
  researcher?: string | undefined;
  collected?: string[];
  status?: string;
  endsOn?: string | null;
}

/**
 * The join link's page. Every value is escaped by hono/html (a study title is text, never markup).
 * The extension recognises it by the meta tags on loopback; elsewhere the participant pastes the link.
 */
function joinPage(p: JoinPageInput) {
  const style =
    'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px;word-break:break-all}.note{color:#555}';
  if (p.missing) {
    return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Unspun study not found</title><style>${style}</style></head><body><main><h1>No such study</h1><p>This server has no study <code>${p.id}</code>. Check the link, or ask the researcher for a new one.</p></main></body></html>`;
  }
  const closed = p.status === 'closed' || p.status === 'ended';
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="unspun-study" content="${p.id}"><meta name="unspun-study-origin" content="${p.origin}"><title>Unspun study: ${p.title}</title><style>${style}</style></head><body><main id="unspun-study-join" data-study-id="${p.id}" data-status="${p.status}">
<p class="note">Unspun research study</p>
<h1>${p.title}</h1>
${p.researcher ? html`<p>Run by ${p.researcher}.</p>` : ''}
${closed ? html`<p><strong>This study is ${p.status} and takes no new participants.</strong></p>` : html`<p>${p.status === 'full' ? html`<strong>This study has all the participants it needs.</strong>` : ''}</p>`}
<h2>What it collects, if you join</h2>
<ul>${(p.collected ?? []).map((line) => html`<li>${line}</li>`)}</ul>
${p.endsOn ? html`<p>The study ends on ${p.endsOn}.</p>` : ''}
<h2>How to join</h2>
<p>Joining needs the Unspun browser extension. With it installed, the extension shows this study's full consent text and an example of exactly what would be sent, and you decide there. Nothing is sent by visiting this page.</p>
<p>If the extension does not open the consent screen by itself, open its <strong>Studies</strong> page and paste this link:</p>
<p><code>${p.joinUrl}</code></p>
<p class="note">Donations go to ${p.origin}.</p>
</main></body></html>`;
}
