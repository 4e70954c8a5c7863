// The study server's HTTP surface through app.request(), the same suite on PGlite and on a real
// PostgreSQL: join, donate (idempotent), withdraw, the researcher's routes, and every kind of bad
// input answered with a clear 4xx and nothing stored.
import { createHash } from 'node:crypto';
import { count, eq, sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConsentExportRecord,
  CreatedStudy,
  JoinResponse,
  ManifestLine,
  StudyPublicInfo,
  StudyStats,
  WithdrawReceipt,
  type StudyFileInput,
} from '#shared/api/study';
import { ExportRecord, exportJsonSchema } from '#shared/export/record';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { createStudyApp, type StudyApp } from '../../proxy/study/app.ts';
import { type OpenDatabase, openDatabase } from '../../proxy/study/db.ts';
import { migrate } from '../../proxy/study/migrations.ts';
import { prepareRecords } from '../../proxy/study/prepare.ts';
import { createRateLimiter } from '../../proxy/study/rate-limit.ts';
import { donations, participants, schema } from '../../proxy/study/schema.ts';
import { startStudyServer } from '../../proxy/study/server.ts';
import { createStudyStore } from '../../proxy/study/store.ts';
import { validate } from '../helpers/json-schema.ts';
import type { PgCluster } from './pg-cluster.ts';
import { donationRecord } from './records.ts';
import { DB_TARGETS } from './targets.ts';

const ADMIN = 'usa_admin-token-for-the-tests-0123456789abcdef';
const PUBLIC = 'https://study.example.org';
const STUDY: StudyFileInput = {
  title: 'Persuasion <script>alert(1)</script> in the wild',
  researcher: 'Dr. A. Researcher <a@example.edu>',
  consent: 'I agree that my redacted, flagged replies are sent to this study for research.',
  collect: 'flagged',
  sites: ['demo', 'chatgpt'],
};

/** Drizzle's column types as PostgreSQL's format_type() names them. */
const SQL_TYPE: Record<string, string> = { bigserial: 'bigint', serial: 'integer', timestamp: 'timestamp without time zone' };

interface Call {
  body?: unknown;
  raw?: string;
  auth?: string;
  origin?: string;
  headers?: Record<string, string>;
}

for (const target of DB_TARGETS) {
  describe(`study server on ${target.name}`, () => {
    let database: OpenDatabase;
    let cluster: PgCluster | null;
    let cleanup: () => Promise<void>;
    let app: StudyApp;
    let now = Date.parse('2026-12-06T12:00:00.000Z');
    const clock = () => now;

    beforeAll(async () => {
      ({ database, cluster, cleanup } = await target.open());
      app = createStudyApp({
        config: { publicUrl: PUBLIC, adminToken: ADMIN, maxDonationBytes: 512 * 1024 },
        store: createStudyStore(database.db, clock),
        clock,
        rateLimiter: createRateLimiter({ burst: 1000, perSecond: 1000, clock }),
        joinLimiter: createRateLimiter({ burst: 1000, perSecond: 1000, clock }),
      });
    }, 120_000);
    afterAll(async () => cleanup?.());

    async function call(method: string, path: string, options: Call = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
      if (options.auth) headers.authorization = `Bearer ${options.auth}`;
      if (options.origin) headers.origin = options.origin;
      const body = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
      const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let json: any = null;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: res.status, json, text, headers: res.headers };
    }

    async function createStudy(overrides: Partial<StudyFileInput> = {}) {
      const res = await call('POST', '/v1/studies', { auth: ADMIN, body: { ...STUDY, ...overrides } });
      expect(res.status, res.text).toBe(201);
      return CreatedStudy.parse(res.json);
    }

    async function join(studyId: string) {
      const res = await call('POST', `/v1/studies/${studyId}/participants`, { body: { consent: true } });
      expect(res.status, res.text).toBe(201);
      return JoinResponse.parse(res.json);
    }

    async function rowsOf(studyId: string) {
      const [row] = await database.db.select({ n: count() }).from(donations).where(eq(donations.studyId, studyId));
      return row!.n;
    }

    it('creates a study whose join link and public description say what is collected', async () => {
      const created = await createStudy();
      expect(created.joinUrl).toBe(`${PUBLIC}/join/${created.studyId}`);
      const info = StudyPublicInfo.parse((await call('GET', `/v1/studies/${created.studyId}`)).json);
      expect(info.consent).toBe(STUDY.consent);
      expect(info.consentSha256).toBe(createHash('sha256').update(STUDY.consent).digest('hex'));
      expect(info).toMatchObject({
        status: 'open',
        collect: 'flagged',
        includeUserTurns: false,
        sites: ['demo', 'chatgpt'],
        reviewHours: 24,
        retentionDays: 365,
        origin: PUBLIC,
      });
      expect(info.collected.join(' ')).toContain('flagged');
    });

    it('serves the join page with the title as text, never markup', async () => {
      const { studyId } = await createStudy();
      const page = await call('GET', `/join/${studyId}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('<script>alert(1)</script>');
      expect(page.text).toContain('Persuasion &lt;script&gt;alert(1)&lt;/script&gt; in the wild');
      expect(page.text).toContain(`<meta name="unspun-study" content="${studyId}">`);
      expect(page.text).toContain(`${PUBLIC}/join/${studyId}`);
      // Where donations go is the server's public origin, on the page and in its meta for the extension.
      expect(page.text).toContain(`Donations go to ${PUBLIC}.`);
      expect(page.text).toContain(`<meta name="unspun-study-origin" content="${PUBLIC}">`);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect((await call('GET', '/join/s_nosuchstudy0000000000')).status).toBe(404);
    });

    it('answers a wrong join link with 404 on the API too', async () => {
      const res = await call('POST', '/v1/studies/s_doesnotexist00000000/participants', { body: { consent: true } });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('study_not_found');
    });

    it('joins only with consent: true, and keeps a hash of the secret, never the secret', async () => {
      const { studyId } = await createStudy();
      const refused = await call('POST', `/v1/studies/${studyId}/participants`, { body: {} });
      expect(refused.status).toBe(400);
      expect(refused.json.error.message).toContain('consent');
      const joined = await join(studyId);
      const [row] = await database.db.select().from(participants).where(eq(participants.id, joined.participantId));
      expect(row!.secretHash).toBe(createHash('sha256').update(joined.secret).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(joined.secret);
      expect(row!.consentSha256).toBe(createHash('sha256').update(STUDY.consent).digest('hex'));
    });

    it('stores donations once: a replay and a repeat in the same request are reported as duplicates', async () => {
      const { studyId } = await createStudy();
      const p = await join(studyId);
      const a = donationRecord({ n: 1 });
      const b = donationRecord({ n: 2, site: 'chatgpt' });
      const first = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [a, b] } });
      expect(first.status, first.text).toBe(200);
      expect(first.json).toMatchObject({ accepted: 2, duplicates: 0 });
      const replay = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [b, a, a] } });
      expect(replay.json).toMatchObject({ accepted: 0, duplicates: 3 });
      const twice = await call('POST', `/v1/studies/${studyId}/donations`, {
        auth: p.secret,
        body: { records: [donationRecord({ n: 3 }), donationRecord({ n: 3 })] },
      });
      expect(twice.json).toMatchObject({ accepted: 1, duplicates: 1 });
      expect(await rowsOf(studyId)).toBe(3);
    });

    it('redacts again on the server: PII the client missed, site ids and the page URL', async () => {
      const { studyId, researcherToken } = await createStudy();
      const p = await join(studyId);
      const raw = donationRecord({ n: 7, redact: false, extra: 'Write to bob@example.com or call +1 415 555 0100.' });
      const claimed = { ...raw, redaction: { ...raw.redaction, redacted: true } };
      const res = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [claimed] } });
      expect(res.status, res.text).toBe(200);
      const lines = (await call('GET', `/v1/studies/${studyId}/export`, { auth: researcherToken })).text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const record = ExportRecord.parse(lines[1]);
      expect(JSON.stringify(record)).not.toContain('bob@example.com');
      expect(record.messages[0]!.text).toContain('[EMAIL]');
      expect(record.conversation.url).toBeUndefined();
      expect(record.conversation.id).toMatch(/^c_[0-9a-f]{32}$/);
      expect(record.redaction.ids).toBe('pseudonymous');
      // The flag still points at its quote in the redacted text.
      const flag = record.messages[0]!.scores![0]!.flags[0]!;
      expect(record.messages[0]!.text.slice(flag.start, flag.end)).toBe(flag.quote);
    });

    it('stores a record the extension already redacted exactly as sent (placeholders and all)', async () => {
      const { studyId, researcherToken } = await createStudy();
      const p = await join(studyId);
      const sent = donationRecord({ n: 8, extra: 'Write to bob@example.com.' });
      expect(sent.messages[0]!.text).toContain('[EMAIL]');
      const res = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [sent] } });
      expect(res.json.results[0].hash).toBe(`sha256:${createHash('sha256').update(JSON.stringify(sent)).digest('hex')}`);
      const lines = (await call('GET', `/v1/studies/${studyId}/export`, { auth: researcherToken })).text.trim().split('\n');
      expect(lines[1]).toBe(JSON.stringify(sent));
    });

    it('refuses records outside the study terms or the schema, naming the field, and stores nothing', async () => {
      const { studyId } = await createStudy();
      const p = await join(studyId);
      const good = donationRecord({ n: 1 });
      const cases: [unknown, number, string][] = [
        [{ records: [{ ...good, redaction: { ...good.redaction, redacted: false } }, good] }, 400, 'records.0.redaction.redacted'],
        [{ records: [good, donationRecord({ n: 2, site: 'claude' })] }, 400, 'records.1.conversation.site'],
        [{ records: [donationRecord({ n: 3, withUserTurn: true })] }, 400, 'records.0.messages.0.role'],
        [{ records: [donationRecord({ n: 4, flagged: false })] }, 400, 'flagged replies only'],
        [{ records: [{ ...good, messages: [{ ...good.messages[0], role: 'robot' }] }] }, 400, 'records.0.messages.0.role'],
        [{ records: [{ ...good, schema_version: '9.9.9' }] }, 400, 'records.0.schema_version'],
        [{ records: [] }, 400, 'records'],
        [{ records: [good], participantId: 'p_someoneelse000000000' }, 400, 'participantId'],
        [{ records: Array.from({ length: 101 }, () => good) }, 400, 'at most 100 records'],
      ];
      for (const [body, status, needle] of cases) {
        const res = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body });
        expect(res.status, needle).toBe(status);
        expect(JSON.stringify(res.json.error), needle).toContain(needle);
      }
      const malformed = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, raw: '{"records": [' });
      expect(malformed.status).toBe(400);
      expect(malformed.json.error.code).toBe('invalid_json');
      expect(await rowsOf(studyId)).toBe(0);
    });

    it('answers an oversized donation with 413 and stores nothing', async () => {
      const { studyId } = await createStudy();
      const p = await join(studyId);
      const big = donationRecord({ n: 1, extra: 'x'.repeat(600 * 1024) });
      const res = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [big] } });
      expect(res.status).toBe(413);
      expect(res.json.error.message).toContain('fewer records');
      expect(await rowsOf(studyId)).toBe(0);
    });

    it('lets a participant secret donate and withdraw only its own rows', async () => {
      const one = await createStudy();
      const two = await createStudy();
      const alice = await join(one.studyId);
      const bob = await join(one.studyId);
      const carol = await join(two.studyId);
      await call('POST', `/v1/studies/${one.studyId}/donations`, { auth: bob.secret, body: { records: [donationRecord({ n: 1 })] } });

      const crossStudy = await call('POST', `/v1/studies/${one.studyId}/donations`, { auth: carol.secret, body: { records: [donationRecord({ n: 2 })] } });
      expect(crossStudy.status).toBe(403);
      expect(crossStudy.json.error.code).toBe('wrong_study');
      const deleteBob = await call('DELETE', `/v1/studies/${one.studyId}/participants/${bob.participantId}`, { auth: alice.secret });
      expect(deleteBob.status).toBe(403);
      expect((await call('GET', `/v1/studies/${one.studyId}/stats`, { auth: alice.secret })).status).toBe(403);
      expect((await call('GET', `/v1/studies/${one.studyId}/export`, { auth: alice.secret })).status).toBe(403);
      expect((await call('DELETE', `/v1/studies/${two.studyId}/participants/me`, { auth: alice.secret })).status).toBe(403);
      expect(await rowsOf(one.studyId)).toBe(1);

      // Alice withdrawing removes Alice only.
      const receipt = await call('DELETE', `/v1/studies/${one.studyId}/participants/me`, { auth: alice.secret });
      expect(WithdrawReceipt.parse(receipt.json)).toMatchObject({ deleted: true, participantId: alice.participantId, donations: 0 });
      expect(await rowsOf(one.studyId)).toBe(1);
    });

    it('withdraws: every row of the participant is deleted, with a receipt, and the secret stops working', async () => {
      const { studyId, researcherToken } = await createStudy();
      const p = await join(studyId);
      await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 }), donationRecord({ n: 2 })] } });
      const receipt = WithdrawReceipt.parse((await call('DELETE', `/v1/studies/${studyId}/participants/me`, { auth: p.secret })).json);
      expect(receipt).toMatchObject({ deleted: true, studyId, participantId: p.participantId, donations: 2, consentRecords: 1 });
      expect(await rowsOf(studyId)).toBe(0);
      const again = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 })] } });
      expect(again.status).toBe(401);
      expect(again.json.error.code).toBe('unknown_participant');
      const stats = StudyStats.parse((await call('GET', `/v1/studies/${studyId}/stats`, { auth: researcherToken })).json);
      expect(stats).toMatchObject({ participants: 0, donations: 0 });
    });

    it('stores nothing for a participant who withdrew while their donation was on its way', async () => {
      const { studyId } = await createStudy();
      const p = await join(studyId);
      const store = createStudyStore(database.db, clock);
      const study = (await store.getStudy(studyId))!;
      const stale = (await store.participantBySecret(p.secret))!;
      await store.withdraw(study, p.participantId);
      const prepared = prepareRecords([donationRecord({ n: 1 })], study);
      await expect(store.donate(study, stale, prepared)).rejects.toMatchObject({ status: 401, code: 'unknown_participant' });
      expect(await rowsOf(studyId)).toBe(0);
    });

    it('lets the researcher delete one participant on request', async () => {
      const { studyId, researcherToken } = await createStudy();
      const p = await join(studyId);
      const q = await join(studyId);
      await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 })] } });
      await call('POST', `/v1/studies/${studyId}/donations`, { auth: q.secret, body: { records: [donationRecord({ n: 1 })] } });
      const res = await call('DELETE', `/v1/studies/${studyId}/participants/${p.participantId}`, { auth: researcherToken });
      expect(res.json).toMatchObject({ deleted: true, donations: 1 });
      expect(await rowsOf(studyId)).toBe(1);
      expect((await call('DELETE', `/v1/studies/${studyId}/participants/${p.participantId}`, { auth: researcherToken })).status).toBe(404);
    });

    it("never lets one study's researcher delete a participant of another study", async () => {
      const mine = await createStudy();
      const theirs = await createStudy();
      const p = await join(theirs.studyId);
      await call('POST', `/v1/studies/${theirs.studyId}/donations`, {
        auth: p.secret,
        body: { records: [donationRecord({ n: 1 }), donationRecord({ n: 2 })] },
      });
      const res = await call('DELETE', `/v1/studies/${mine.studyId}/participants/${p.participantId}`, { auth: mine.researcherToken });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('participant_not_found');
      // The other study's token on the other study's path: 401, not a way in.
      expect((await call('DELETE', `/v1/studies/${theirs.studyId}/participants/${p.participantId}`, { auth: mine.researcherToken })).status).toBe(401);
      expect(await rowsOf(theirs.studyId)).toBe(2);
      const store = createStudyStore(database.db, clock);
      expect(await store.participantCount(theirs.studyId)).toBe(1);
    });

    it('refuses missing, wrong and expired researcher tokens', async () => {
      const { studyId, researcherToken } = await createStudy({ retentionDays: 1 });
      const other = await createStudy();
      expect((await call('GET', `/v1/studies/${studyId}/stats`)).status).toBe(401);
      expect((await call('GET', `/v1/studies/${studyId}/stats`, { auth: 'usr_wrong' })).status).toBe(401);
      expect((await call('GET', `/v1/studies/${studyId}/stats`, { auth: other.researcherToken })).status).toBe(401);
      expect((await call('GET', `/v1/studies/${studyId}/stats`, { auth: ADMIN })).status).toBe(200);
      expect((await call('GET', '/v1/studies', { auth: researcherToken })).status).toBe(401);
      await call('POST', `/v1/studies/${studyId}/close`, { auth: researcherToken });
      const saved = now;
      now += 2 * 86_400_000;
      try {
        const expired = await call('GET', `/v1/studies/${studyId}/export`, { auth: researcherToken });
        expect(expired.status).toBe(403);
        expect(expired.json.error.code).toBe('token_expired');
      } finally {
        now = saved;
      }
    });

    it('closes a study: no joins, no donations (410); a full study refuses joins (409)', async () => {
      const { studyId, researcherToken } = await createStudy({ maxParticipants: 1 });
      const p = await join(studyId);
      const full = await call('POST', `/v1/studies/${studyId}/participants`, { body: { consent: true } });
      expect(full.status).toBe(409);
      expect(full.json.error.code).toBe('study_full');
      expect(full.json.error.message).toContain('already has its 1 participants: it takes no one else');
      expect((await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 })] } })).status).toBe(200);

      const closed = await call('POST', `/v1/studies/${studyId}/close`, { auth: researcherToken });
      expect(closed.json).toMatchObject({ studyId, status: 'closed' });
      expect((await call('POST', `/v1/studies/${studyId}/participants`, { body: { consent: true } })).status).toBe(410);
      const late = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 2 })] } });
      expect(late.status).toBe(410);
      expect(late.json.error.code).toBe('study_closed');
      expect((await call('GET', `/join/${studyId}`)).status).toBe(410);
      expect(await rowsOf(studyId)).toBe(1);
    });

    it('lets a participant delete everything they gave after the study closed or ended', async () => {
      const closed = await createStudy();
      const ended = await createStudy({ endDate: '2026-12-07' });
      const p = await join(closed.studyId);
      const q = await join(ended.studyId);
      await call('POST', `/v1/studies/${closed.studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 })] } });
      await call('POST', `/v1/studies/${ended.studyId}/donations`, { auth: q.secret, body: { records: [donationRecord({ n: 1 })] } });
      await call('POST', `/v1/studies/${closed.studyId}/close`, { auth: closed.researcherToken });
      const saved = now;
      now = Date.parse('2026-12-08T00:00:01.000Z');
      try {
        for (const [studyId, secret] of [
          [closed.studyId, p.secret],
          [ended.studyId, q.secret],
        ] as const) {
          const res = await call('DELETE', `/v1/studies/${studyId}/participants/me`, { auth: secret });
          expect(res.status, res.text).toBe(200);
          expect(WithdrawReceipt.parse(res.json)).toMatchObject({ deleted: true, donations: 1, consentRecords: 1 });
          expect(await rowsOf(studyId)).toBe(0);
        }
      } finally {
        now = saved;
      }
    });

    it('refuses joins and donations after the end date (410)', async () => {
      const { studyId } = await createStudy({ endDate: '2026-12-07' });
      const p = await join(studyId);
      const saved = now;
      now = Date.parse('2026-12-08T00:00:01.000Z');
      try {
        expect((await call('POST', `/v1/studies/${studyId}/participants`, { body: { consent: true } })).json.error.code).toBe('study_ended');
        expect((await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 })] } })).status).toBe(410);
      } finally {
        now = saved;
      }
    });

    it('never lets joins overrun the participant cap, even all at once', async () => {
      const { studyId } = await createStudy({ maxParticipants: 3 });
      const answers = await Promise.all(Array.from({ length: 10 }, () => call('POST', `/v1/studies/${studyId}/participants`, { body: { consent: true } })));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(7);
    });

    it('serves the extension with CORS and refuses web pages on every route that acts', async () => {
      const { studyId } = await createStudy();
      const ext = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
      const joined = await call('POST', `/v1/studies/${studyId}/participants`, { body: { consent: true }, origin: ext });
      expect(joined.status).toBe(201);
      expect(joined.headers.get('access-control-allow-origin')).toBe(ext);
      const preflight = await call('OPTIONS', `/v1/studies/${studyId}/donations`, {
        origin: 'moz-extension://0f6d3c1e-1111-2222-3333-444455556666',
        headers: { 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      const web = await call('POST', `/v1/studies/${studyId}/participants`, { body: { consent: true }, origin: 'https://evil.example' });
      expect(web.status).toBe(403);
      expect(web.json.error.code).toBe('origin_refused');
      const secret = JoinResponse.parse(joined.json).secret;
      expect(
        (await call('POST', `/v1/studies/${studyId}/donations`, { auth: secret, origin: 'https://evil.example', body: { records: [donationRecord()] } }))
          .status,
      ).toBe(403);
      expect((await call('OPTIONS', `/v1/studies/${studyId}/donations`, { origin: 'https://evil.example' })).status).toBe(403);
      const read = await call('GET', `/v1/studies/${studyId}`, { origin: 'https://evil.example' });
      expect(read.status).toBe(200);
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
      expect(await rowsOf(studyId)).toBe(0);
    });

    it('never takes an API key', async () => {
      const { studyId } = await createStudy();
      const res = await call('POST', `/v1/studies/${studyId}/participants`, { body: { consent: true }, headers: { 'x-api-key': 'sk-ant-api03-secret' } });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('api_key_refused');
      expect(JSON.stringify(await call('GET', `/v1/studies/${studyId}`))).not.toContain('sk-ant');
    });

    it('rate-limits each participant and stores nothing over the limit', async () => {
      const { studyId } = await createStudy();
      let t = now;
      const limited = createStudyApp({
        config: { publicUrl: PUBLIC, adminToken: ADMIN },
        store: createStudyStore(database.db, () => t),
        clock: () => t,
        rateLimiter: createRateLimiter({ burst: 2, perSecond: 0.5, clock: () => t }),
      });
      const p = JoinResponse.parse(await (await limited.request(`/v1/studies/${studyId}/participants`, { method: 'POST', body: '{"consent":true}' })).json());
      const send = (n: number) =>
        limited.request(`/v1/studies/${studyId}/donations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${p.secret}` },
          body: JSON.stringify({ records: [donationRecord({ n })] }),
        });
      expect((await send(1)).status).toBe(200);
      expect((await send(2)).status).toBe(200);
      const third = await send(3);
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('2');
      t += 2000;
      expect((await send(3)).status).toBe(200);
      expect(await rowsOf(studyId)).toBe(3);
    });

    describe('per-address join limit', () => {
      let t = now;
      const limitedApp = (options: { trustedProxies?: string[]; logger?: { info(): void; warn(l: string): void; error(): void } } = {}) =>
        createStudyApp({
          config: {
            publicUrl: PUBLIC,
            adminToken: ADMIN,
            joinLimit: { burst: 3, perHour: 60 },
            ...(options.trustedProxies ? { trustedProxies: options.trustedProxies } : {}),
          },
          store: createStudyStore(database.db, () => t),
          clock: () => t,
          ...(options.logger ? { logger: options.logger } : {}),
        });
      /** A join as @hono/node-server hands it over: the socket's remote address in env.incoming. */
      const joinFrom = (limited: StudyApp, studyId: string, socket: string, forwardedFor?: string) =>
        limited.request(
          `/v1/studies/${studyId}/participants`,
          { method: 'POST', body: '{"consent":true}', headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } },
          { incoming: { socket: { remoteAddress: socket, remotePort: 50_000, remoteFamily: socket.includes(':') ? 'IPv6' : 'IPv4' } } },
        );
      /** One join after another (in order: the limit is about which request came first). */
      const statuses = async <T>(items: T[], send: (item: T) => Response | Promise<Response>) => {
        const out: number[] = [];
        for (const item of items) out.push((await send(item)).status);
        return out;
      };

      it('answers joins over the limit from one address with 429 and Retry-After, creates no participant, and leaves other addresses alone', async () => {
        const { studyId } = await createStudy();
        const limited = limitedApp();
        const store = createStudyStore(database.db, () => t);
        for (let i = 0; i < 3; i++) expect((await joinFrom(limited, studyId, '203.0.113.7')).status).toBe(201);
        const refused = await joinFrom(limited, studyId, '203.0.113.7');
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toBe('60');
        const body = (await refused.json()) as { error: { code: string; message: string } };
        expect(body.error).toMatchObject({ code: 'too_many_joins', message: 'Too many joins from this address: try again in 60 s (nothing was stored).' });
        expect(await store.participantCount(studyId)).toBe(3);
        // A bad join counts too (it reaches neither the body parser nor the database).
        expect((await joinFrom(limited, 's_nosuchstudy0000000000', '203.0.113.7')).status).toBe(429);

        expect((await joinFrom(limited, studyId, '203.0.113.8')).status).toBe(201);
        t += 59_000;
        expect((await joinFrom(limited, studyId, '203.0.113.7')).status).toBe(429);
        t += 1_000;
        expect((await joinFrom(limited, studyId, '203.0.113.7')).status).toBe(201);
        expect(await store.participantCount(studyId)).toBe(5);
      });

      it('ignores X-Forwarded-For unless the socket is a trusted proxy', async () => {
        const { studyId } = await createStudy();
        const warnings: string[] = [];
        const limited = limitedApp({ logger: { info() {}, error() {}, warn: (line) => warnings.push(line) } });
        const spoofed = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'];
        expect(await statuses(spoofed, (xff) => joinFrom(limited, studyId, '127.0.0.1', xff))).toEqual([201, 201, 201, 429]);
        // Behind an untrusted reverse proxy on loopback, the operator is told once what to set.
        expect(warnings).toEqual([expect.stringContaining('set UNSPUN_STUDY_TRUSTED_PROXIES=127.0.0.1')]);
        // A client on the internet that sends the header is limited by its own address too.
        const direct = ['198.51.100.5', '198.51.100.6', '198.51.100.7', '198.51.100.8'];
        expect(await statuses(direct, (xff) => joinFrom(limited, studyId, '192.0.2.50', xff))).toEqual([201, 201, 201, 429]);
        expect(warnings).toHaveLength(1);
      });

      it('behind a trusted proxy, limits by the right-most address the proxy did not add itself', async () => {
        const { studyId } = await createStudy();
        const limited = limitedApp({ trustedProxies: ['127.0.0.1', '10.0.0.0/8'] });
        // The client writes any X-Forwarded-For it likes; the proxies (10.0.0.5, then us on 127.0.0.1) append its address.
        const rotating = [1, 2, 3, 4].map((n) => `192.0.2.${n}, 198.51.100.7, 10.0.0.5`);
        expect(await statuses(rotating, (xff) => joinFrom(limited, studyId, '127.0.0.1', xff))).toEqual([201, 201, 201, 429]);
        // Another participant behind the same proxies is not affected.
        expect((await joinFrom(limited, studyId, '127.0.0.1', '198.51.100.8, 10.0.0.5')).status).toBe(201);
        // The header from a socket that is not a trusted proxy still counts for nothing.
        expect((await joinFrom(limited, studyId, '192.0.2.99', '198.51.100.9')).status).toBe(201);
        expect((await joinFrom(limited, studyId, '198.51.100.9')).status).toBe(201);
      });

      it('groups IPv6 addresses by /64, so one host cannot rotate through its block', async () => {
        const { studyId } = await createStudy();
        const limited = limitedApp();
        const sameBlock = ['2001:db8:1:2::a', '2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:DB8:1:2::1%eth0', '2001:db8:1:2:ffff::1'];
        expect(await statuses(sameBlock, (a) => joinFrom(limited, studyId, a))).toEqual([201, 201, 201, 429]);
        expect((await joinFrom(limited, studyId, '2001:db8:1:3::a')).status).toBe(201);
        // An IPv4 client on a dual-stack socket (::ffff:a.b.c.d) is the same client as a.b.c.d.
        const dualStack = ['::ffff:203.0.113.20', '203.0.113.20', '::ffff:203.0.113.20', '203.0.113.20'];
        expect(await statuses(dualStack, (a) => joinFrom(limited, studyId, a))).toEqual([201, 201, 201, 429]);
      });

      it('reads the real socket address on a listening server', async () => {
        const { studyId } = await createStudy();
        const dir = mkdtempSync(joinPath(tmpdir(), 'unspun-study-joins-'));
        const start = (trustedProxies: string[]) =>
          startStudyServer({
            config: {
              host: '127.0.0.1',
              port: 0,
              publicUrl: null,
              configDir: dir,
              database: { kind: 'pglite', dataDir: null },
              joinLimit: { burst: 2, perHour: 60 },
              trustedProxies,
            },
            adminToken: ADMIN,
            logger: { info() {}, warn() {}, error() {} },
            clock,
            database,
          });
        const untrusted = await start([]);
        const trusted = await start(['127.0.0.1']);
        try {
          const post = (url: string, xff: string) =>
            fetch(`${url}/v1/studies/${studyId}/participants`, { method: 'POST', body: '{"consent":true}', headers: { 'x-forwarded-for': xff } }).then(
              (r) => r.status,
            );
          expect([await post(untrusted.url, '192.0.2.1'), await post(untrusted.url, '192.0.2.2'), await post(untrusted.url, '192.0.2.3')]).toEqual([
            201, 201, 429,
          ]);
          expect([await post(trusted.url, '192.0.2.1'), await post(trusted.url, '192.0.2.2'), await post(trusted.url, '192.0.2.3')]).toEqual([201, 201, 201]);
          expect([await post(trusted.url, '192.0.2.1'), await post(trusted.url, '192.0.2.1')]).toEqual([201, 429]);
        } finally {
          await untrusted.close();
          await trusted.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });

    it('reports participants, donations per day, flags per move, site and model', async () => {
      const { studyId, researcherToken } = await createStudy();
      const p = await join(studyId);
      await call('POST', `/v1/studies/${studyId}/donations`, {
        auth: p.secret,
        body: { records: [donationRecord({ n: 1, model: 'gpt-5' }), donationRecord({ n: 2, site: 'chatgpt', model: 'gpt-5' })] },
      });
      const saved = now;
      now += 86_400_000;
      await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 3, model: 'o9' })] } });
      now = saved;
      const stats = StudyStats.parse((await call('GET', `/v1/studies/${studyId}/stats`, { auth: researcherToken })).json);
      expect(stats).toMatchObject({
        participants: 1,
        donations: 3,
        donationsPerDay: [
          { day: '2026-12-06', donations: 2 },
          { day: '2026-12-07', donations: 1 },
        ],
        flagsPerMove: { exaggeration: 3 },
        donationsPerSite: { demo: 2, chatgpt: 1 },
        donationsPerModel: { 'gpt-5': 2, o9: 1 },
      });
      const list = await call('GET', '/v1/studies', { auth: ADMIN });
      expect(list.json.studies.find((s: { studyId: string }) => s.studyId === studyId)).toMatchObject({ participants: 1, donations: 3, status: 'open' });
    });

    it('exports the local record schema, one consent record per participant and a manifest whose SHA-256 checks', async () => {
      const { studyId, researcherToken } = await createStudy();
      const p = await join(studyId);
      const q = await join(studyId);
      await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 }), donationRecord({ n: 2 })] } });
      await call('POST', `/v1/studies/${studyId}/donations`, { auth: q.secret, body: { records: [donationRecord({ n: 3 })] } });
      const res = await call('GET', `/v1/studies/${studyId}/export`, { auth: researcherToken });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = res.text.split('\n').filter(Boolean);
      const manifestLine = ManifestLine.parse(JSON.parse(lines.at(-1)!));
      const body = `${lines.slice(0, -1).join('\n')}\n`;
      expect(manifestLine.manifest.files[0]!.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      expect(manifestLine.manifest.files[0]!.bytes).toBe(Buffer.byteLength(body));
      expect(manifestLine.manifest.counts.conversations).toBe(3);
      expect(manifestLine.manifest.study).toMatchObject({ study_id: studyId, participants: 2, consent_records: 2 });
      const schema = exportJsonSchema();
      const consents = [];
      let owner = '';
      const byOwner: Record<string, number> = {};
      for (const line of lines.slice(0, -1)) {
        const value = JSON.parse(line);
        if (value.record_type === 'consent') {
          const consent = ConsentExportRecord.parse(value);
          consents.push(consent);
          owner = consent.participant_id;
        } else {
          ExportRecord.parse(value);
          expect(validate(schema, value)).toEqual([]);
          byOwner[owner] = (byOwner[owner] ?? 0) + 1;
        }
      }
      expect(consents.map((c) => c.participant_id).sort()).toEqual([p.participantId, q.participantId].sort());
      expect(byOwner).toEqual({ [p.participantId]: 2, [q.participantId]: 1 });
      for (const c of consents) expect(c.conversations).toBe(byOwner[c.participant_id]);
    });

    it('deletes the donations of a study once its retention after closing has passed', async () => {
      const { studyId, researcherToken } = await createStudy({ retentionDays: 2 });
      const p = await join(studyId);
      await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 })] } });
      await call('POST', `/v1/studies/${studyId}/close`, { auth: researcherToken });
      const store = createStudyStore(database.db, () => now + 86_400_000);
      await store.purgeExpired();
      expect(await rowsOf(studyId)).toBe(1);
      const later = createStudyStore(database.db, () => now + 3 * 86_400_000);
      expect(await later.purgeExpired()).toBeGreaterThanOrEqual(1);
      expect(await rowsOf(studyId)).toBe(0);
      expect(await later.participantCount(studyId)).toBe(0);
    });

    it('applies each migration once', async () => {
      expect(await migrate(database.db)).toEqual([]);
    });

    it('has the tables the Drizzle schema describes: the same columns, types, keys, indexes and cascades as the migrations made', async () => {
      const rows = async <T>(query: ReturnType<typeof sql>) => ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
      for (const table of Object.values(schema)) {
        const config = getTableConfig(table);
        const expected = config.columns
          .map((c) => ({ name: c.name, type: SQL_TYPE[c.getSQLType()] ?? c.getSQLType(), notNull: c.notNull, primary: c.primary }))
          .sort((a, b) => a.name.localeCompare(b.name));
        const actual = (
          await rows<{ name: string; type: string; not_null: boolean; is_primary: boolean }>(sql`
            SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY(i.indkey)) AS is_primary
            FROM pg_attribute a WHERE a.attrelid = ${config.name}::regclass AND a.attnum > 0 AND NOT a.attisdropped`)
        )
          .map((r) => ({ name: r.name, type: r.type, notNull: r.not_null, primary: r.is_primary }))
          .sort((a, b) => a.name.localeCompare(b.name));
        expect(actual, config.name).toEqual(expected);

        const indexes = (
          await rows<{ name: string; is_unique: boolean }>(sql`
            SELECT c.relname AS name, i.indisunique AS is_unique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = ${config.name}::regclass AND NOT i.indisprimary`)
        ).sort((a, b) => a.name.localeCompare(b.name));
        expect(indexes, config.name).toEqual(
          config.indexes.map((i) => ({ name: i.config.name, is_unique: i.config.unique })).sort((a, b) => a.name!.localeCompare(b.name!)),
        );

        const foreignKeys = (
          await rows<{ column: string; target: string; on_delete: string }>(sql`
            SELECT a.attname AS column, t.relname AS target, c.confdeltype AS on_delete FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] JOIN pg_class t ON t.oid = c.confrelid
            WHERE c.conrelid = ${config.name}::regclass AND c.contype = 'f'`)
        ).sort((a, b) => a.column.localeCompare(b.column));
        expect(foreignKeys, config.name).toEqual(
          config.foreignKeys
            .map((fk) => {
              const ref = fk.reference();
              return { column: ref.columns[0]!.name, target: getTableConfig(ref.foreignTable).name, on_delete: fk.onDelete === 'cascade' ? 'c' : 'a' };
            })
            .sort((a, b) => a.column.localeCompare(b.column)),
        );
      }
    });

    if (target.name === 'postgres') {
      it('opens a read-only database (a read replica) for stats and exports without trying to migrate it', async () => {
        const { studyId } = await createStudy();
        const replica = await openDatabase({ kind: 'postgres', url: `${cluster!.url}?options=${encodeURIComponent('-c default_transaction_read_only=on')}` });
        try {
          const store = createStudyStore(replica.db, clock);
          const study = (await store.getStudy(studyId))!;
          expect((await store.stats(study)).donations).toBe(0);
          await expect(store.createStudy({ ...STUDY, includeUserTurns: false, retentionDays: 1, reviewHours: 0 } as never, PUBLIC)).rejects.toThrow();
        } finally {
          await replica.close();
        }
      });

      it('answers 503 while the database is down, logs what is wrong, and serves again once it is back', async () => {
        const { studyId } = await createStudy();
        const p = await join(studyId);
        const errors: string[] = [];
        const logged = createStudyApp({
          config: { publicUrl: PUBLIC, adminToken: ADMIN },
          store: createStudyStore(database.db, clock),
          clock,
          logger: { info() {}, warn() {}, error: (line) => errors.push(line) },
        });
        await cluster!.stop();
        try {
          const down = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 })] } });
          expect(down.status).toBe(503);
          expect(down.json.error.code).toBe('database_unavailable');
          expect(down.json.error.message).toContain('nothing was stored');
          expect(down.headers.get('retry-after')).toBe('30');
          // What `npm run study` prints (its logger is the console): which request, and that the database is away.
          const again = await logged.request(`/v1/studies/${studyId}/donations`, {
            method: 'POST',
            headers: { authorization: `Bearer ${p.secret}` },
            body: JSON.stringify({ records: [donationRecord({ n: 1 })] }),
          });
          expect(again.status).toBe(503);
          expect(errors).toEqual([expect.stringMatching(new RegExp(`^database unavailable on POST /v1/studies/${studyId}/donations: .+`))]);
        } finally {
          await cluster!.start();
        }
        const back = await call('POST', `/v1/studies/${studyId}/donations`, { auth: p.secret, body: { records: [donationRecord({ n: 1 })] } });
        expect(back.json).toMatchObject({ accepted: 1, duplicates: 0 });
      });
    }
  });
}
