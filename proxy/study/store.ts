// Everything the study server keeps, as operations on the database (Drizzle query builder; the
// same code on PGlite and PostgreSQL). Expected refusals are ApiErrors whose message says what to
// fix; the HTTP app and the CLI both call these.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, count, eq, gt, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { ClosedStudy, CreatedStudy, JoinResponse, StudyFile, StudyPublicInfo, StudyStats, StudySummary, WithdrawReceipt } from '#shared/api/study';
import type { ExportRecord } from '#shared/export/record';
import { ApiError } from '../middleware/errors.ts';
import type { StudyDb } from './db.ts';
import { donations, participants, studies } from './schema.ts';

export type StudyRow = typeof studies.$inferSelect;
export type ParticipantRow = typeof participants.$inferSelect;
export type StudyStatus = StudySummary['status'];

const DAY_MS = 86_400_000;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Random id/secret: `prefix` + base64url of `bytes` random bytes. */
function randomId(prefix: string, bytes: number): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** A study file's endDate as the instant the study ends: a bare date ends at the end of that UTC day. */
export function endInstant(endDate: string | undefined): Date | null {
  if (endDate === undefined) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(endDate)) return new Date(Date.parse(`${endDate}T00:00:00.000Z`) + DAY_MS);
  return new Date(endDate);
}

/** When a study's data is deleted: retentionDays after it closed or ended; null while it runs with no end. */
export function retentionEnds(study: StudyRow): Date | null {
  const stop = study.closedAt ?? study.endsAt;
  return stop === null ? null : new Date(stop.getTime() + study.definition.retentionDays * DAY_MS);
}

export function statusOf(study: StudyRow, participantCount: number, now: Date): StudyStatus {
  if (study.closedAt !== null) return 'closed';
  if (study.endsAt !== null && study.endsAt.getTime() <= now.getTime()) return 'ended';
  if (study.maxParticipants !== null && participantCount >= study.maxParticipants) return 'full';
  return 'open';
}

/** Words for the consent screen: exactly what leaves the participant's machine. */
export function collectedWords(def: StudyFile): string[] {
  const sites = def.sites === 'all' ? 'any supported chat site' : def.sites.join(', ');
  return [
    def.collect === 'flagged' ? 'Assistant replies in which Unspun flagged at least one persuasive move' : 'Every assistant reply Unspun captured',
    def.includeUserTurns ? 'Your own messages in those conversations' : 'Not your own messages (replies only)',
    `From: ${sites}`,
    "Unspun's scores and flags for those replies, the model name and capture times",
    'After redaction: e-mail addresses, phone numbers, URLs, secrets, IP addresses and card numbers are replaced before sending; conversation ids are pseudonymous; page URLs are left out',
    def.reviewHours > 0
      ? `You review each conversation for ${def.reviewHours} hour${def.reviewHours === 1 ? '' : 's'} before it is sent, and can hold or exclude it`
      : 'Conversations are sent without a review window (you can still pause or leave)',
  ];
}

export interface StudyStore {
  createStudy(file: StudyFile, publicBase: string): Promise<CreatedStudy>;
  getStudy(id: string): Promise<StudyRow | null>;
  publicInfo(study: StudyRow, origin: string): Promise<StudyPublicInfo>;
  listStudies(): Promise<StudySummary[]>;
  /** Checks a researcher token against a study: 401 wrong, 403 expired (retention over). */
  checkResearcher(study: StudyRow, token: string): void;
  join(studyId: string): Promise<JoinResponse>;
  participantBySecret(secret: string): Promise<ParticipantRow | null>;
  donate(
    study: StudyRow,
    participant: ParticipantRow,
    records: readonly PreparedRecord[],
  ): Promise<{ accepted: number; duplicates: number; results: { hash: string; status: 'accepted' | 'duplicate' }[] }>;
  withdraw(study: StudyRow, participantId: string): Promise<WithdrawReceipt>;
  stats(study: StudyRow): Promise<StudyStats>;
  close(study: StudyRow): Promise<ClosedStudy>;
  participantCount(studyId: string): Promise<number>;
  donationCount(studyId: string): Promise<number>;
  /** Participants of a study in export order (consent time, then id), a page at a time. */
  participantsPage(studyId: string, after: { consentedAt: Date; id: string } | null, limit: number): Promise<ParticipantRow[]>;
  donationsPage(participantId: string, afterId: number, limit: number): Promise<{ id: number; record: ExportRecord; recordHash: string; receivedAt: Date }[]>;
  /** Deletes the donations and participants of studies whose retention has passed; returns participants removed. */
  purgeExpired(): Promise<number>;
}

/** A record ready to store: redacted, validated, with its canonical hash and what stats need. */
export interface PreparedRecord {
  record: ExportRecord;
  hash: string;
  site: string;
  models: string[];
  flagsByMove: Record<string, number>;
}

export function createStudyStore(db: StudyDb, clock: () => number = Date.now): StudyStore {
  const now = () => new Date(clock());

  async function participantCount(studyId: string): Promise<number> {
    const [row] = await db.select({ n: count() }).from(participants).where(eq(participants.studyId, studyId));
    return row?.n ?? 0;
  }

  async function donationCount(studyId: string): Promise<number> {
    const [row] = await db.select({ n: count() }).from(donations).where(eq(donations.studyId, studyId));
    return row?.n ?? 0;
  }

  return {
    participantCount,
    donationCount,

    async createStudy(file, publicBase) {
      const studyId = randomId('s_', 16);
      const researcherToken = randomId('usr_', 32);
      await db.insert(studies).values({
        id: studyId,
        title: file.title,
        definition: file,
        consentSha256: sha256Hex(file.consent),
        researcherTokenHash: sha256Hex(researcherToken),
        salt: randomBytes(32).toString('base64url'),
        createdAt: now(),
        endsAt: endInstant(file.endDate),
        closedAt: null,
        maxParticipants: file.maxParticipants ?? null,
      });
      return { studyId, joinUrl: `${publicBase.replace(/\/+$/, '')}/join/${studyId}`, researcherToken };
    },

    async getStudy(id) {
      const [row] = await db.select().from(studies).where(eq(studies.id, id)).limit(1);
      return row ?? null;
    },

    async publicInfo(study, origin) {
      const def = study.definition;
      return {
        studyId: study.id,
        title: def.title,
        ...(def.researcher ? { researcher: def.researcher } : {}),
        consent: def.consent,
        consentSha256: study.consentSha256,
        collect: def.collect,
        includeUserTurns: def.includeUserTurns,
        sites: def.sites,
        endDate: def.endDate ?? null,
        endsAt: study.endsAt?.toISOString() ?? null,
        reviewHours: def.reviewHours,
        retentionDays: def.retentionDays,
        maxParticipants: study.maxParticipants,
        status: statusOf(study, study.maxParticipants === null ? 0 : await participantCount(study.id), now()),
        origin,
        collected: collectedWords(def),
      };
    },

    async listStudies() {
      const rows = await db
        .select({
          study: studies,
          participants: sql<number>`(SELECT count(*) FROM participants p WHERE p.study_id = studies.id)`.mapWith(Number),
          donations: sql<number>`(SELECT count(*) FROM donations d WHERE d.study_id = studies.id)`.mapWith(Number),
        })
        .from(studies)
        .orderBy(asc(studies.createdAt), asc(studies.id));
      const at = now();
      return rows.map(({ study, participants: p, donations: d }) => ({
        studyId: study.id,
        title: study.title,
        status: statusOf(study, p, at),
        createdAt: study.createdAt.toISOString(),
        endsAt: study.endsAt?.toISOString() ?? null,
        closedAt: study.closedAt?.toISOString() ?? null,
        participants: p,
        donations: d,
      }));
    },

    checkResearcher(study, token) {
      const given = Buffer.from(sha256Hex(token), 'hex');
      const expected = Buffer.from(study.researcherTokenHash, 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ApiError(
          401,
          'unauthorized',
          `Wrong researcher token for study ${study.id}: use the researcherToken that "npm run study -- create" printed for this study.`,
          {
            headers: { 'WWW-Authenticate': 'Bearer realm="unspun-study", error="invalid_token"' },
          },
        );
      }
      const until = retentionEnds(study);
      if (until !== null && until.getTime() <= clock()) {
        throw new ApiError(
          403,
          'token_expired',
          `The researcher token of study ${study.id} expired on ${until.toISOString()}, when the study's retention (${study.definition.retentionDays} days) ended and its donations were deleted.`,
        );
      }
    },

    async join(studyId) {
      return db.transaction(async (tx) => {
        // The row lock serialises joins of one study, so the participant cap cannot be overrun.
        const [study] = await tx.select().from(studies).where(eq(studies.id, studyId)).for('update');
        if (!study) throw studyNotFound(studyId);
        const [row] = await tx.select({ n: count() }).from(participants).where(eq(participants.studyId, studyId));
        const status = statusOf(study, row?.n ?? 0, now());
        refuseUnlessOpen(study, status);
        const participantId = randomId('p_', 16);
        const secret = randomId('usp_', 32);
        const consentedAt = now();
        await tx.insert(participants).values({ id: participantId, studyId, secretHash: sha256Hex(secret), consentSha256: study.consentSha256, consentedAt });
        return { participantId, secret, studyId, consentSha256: study.consentSha256, consentedAt: consentedAt.toISOString() };
      });
    },

    async participantBySecret(secret) {
      const [row] = await db
        .select()
        .from(participants)
        .where(eq(participants.secretHash, sha256Hex(secret)))
        .limit(1);
      return row ?? null;
    },

    async donate(study, participant, records) {
      if (records.length === 0) return { accepted: 0, duplicates: 0, results: [] };
      const receivedAt = now();
      const rows = records.map((r) => ({
        studyId: study.id,
        participantId: participant.id,
        recordHash: r.hash,
        record: r.record,
        site: r.site,
        models: r.models,
        flagsByMove: r.flagsByMove,
        receivedAt,
      }));
      let inserted: { hash: string }[];
      try {
        inserted = await db
          .insert(donations)
          .values(rows)
          .onConflictDoNothing({ target: [donations.participantId, donations.recordHash] })
          .returning({ hash: donations.recordHash });
      } catch (error) {
        // The participant withdrew while this request was on its way: their rows are gone, and stay gone.
        if (hasCode(error, '23503'))
          throw new ApiError(401, 'unknown_participant', 'This participant withdrew (or was deleted) while the donation was on its way: nothing was stored.');
        throw error;
      }
      const fresh = new Set(inserted.map((r) => r.hash));
      const results = records.map((r) => {
        // The same record twice in one request: the first is the one stored.
        const status = fresh.delete(r.hash) ? ('accepted' as const) : ('duplicate' as const);
        return { hash: r.hash, status };
      });
      const accepted = results.filter((r) => r.status === 'accepted').length;
      return { accepted, duplicates: results.length - accepted, results };
    },

    async withdraw(study, participantId) {
      return db.transaction(async (tx) => {
        // Scoped to this study: a researcher token of one study can never reach another study's rows.
        const gone = await tx
          .delete(donations)
          .where(and(eq(donations.participantId, participantId), eq(donations.studyId, study.id)))
          .returning({ id: donations.id });
        const left = await tx
          .delete(participants)
          .where(and(eq(participants.id, participantId), eq(participants.studyId, study.id)))
          .returning({ id: participants.id });
        if (left.length === 0)
          throw new ApiError(
            404,
            'participant_not_found',
            `Study ${study.id} has no participant ${participantId.slice(0, 80)} (already deleted, or never joined).`,
          );
        return {
          deleted: true as const,
          studyId: study.id,
          participantId,
          donations: gone.length,
          consentRecords: left.length,
          deletedAt: now().toISOString(),
        };
      });
    },

    async stats(study) {
      const [p, d] = await Promise.all([participantCount(study.id), donationCount(study.id)]);
      const day = sql<string>`to_char(${donations.receivedAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
      const perDay = await db.select({ day, n: count() }).from(donations).where(eq(donations.studyId, study.id)).groupBy(day).orderBy(day);
      const perSite = await db
        .select({ site: donations.site, n: count() })
        .from(donations)
        .where(eq(donations.studyId, study.id))
        .groupBy(donations.site)
        .orderBy(donations.site);
      const perModel = await db
        .select({ model: sql<string>`m.value`, n: count() })
        .from(donations)
        .innerJoin(sql`jsonb_array_elements_text(${donations.models}) AS m(value)`, sql`true`)
        .where(eq(donations.studyId, study.id))
        .groupBy(sql`m.value`)
        .orderBy(sql`m.value`);
      const perMove = await db
        .select({ move: sql<string>`f.key`, n: sql<number>`sum((f.value)::int)`.mapWith(Number) })
        .from(donations)
        .innerJoin(sql`jsonb_each_text(${donations.flagsByMove}) AS f(key, value)`, sql`true`)
        .where(eq(donations.studyId, study.id))
        .groupBy(sql`f.key`)
        .orderBy(sql`f.key`);
      return {
        studyId: study.id,
        title: study.title,
        status: statusOf(study, p, now()),
        participants: p,
        donations: d,
        donationsPerDay: perDay.map((r) => ({ day: r.day, donations: r.n })),
        flagsPerMove: Object.fromEntries(perMove.map((r) => [r.move, r.n])),
        donationsPerSite: Object.fromEntries(perSite.map((r) => [r.site, r.n])),
        donationsPerModel: Object.fromEntries(perModel.map((r) => [r.model, r.n])),
      };
    },

    async close(study) {
      const closedAt = study.closedAt ?? now();
      if (study.closedAt === null) await db.update(studies).set({ closedAt }).where(eq(studies.id, study.id));
      return { studyId: study.id, closedAt: closedAt.toISOString(), status: 'closed' };
    },

    async participantsPage(studyId, after, limit) {
      const where = after
        ? and(
            eq(participants.studyId, studyId),
            or(gt(participants.consentedAt, after.consentedAt), and(eq(participants.consentedAt, after.consentedAt), gt(participants.id, after.id))),
          )
        : eq(participants.studyId, studyId);
      return db.select().from(participants).where(where).orderBy(asc(participants.consentedAt), asc(participants.id)).limit(limit);
    },

    async donationsPage(participantId, afterId, limit) {
      const rows = await db
        .select({ id: donations.id, record: donations.record, recordHash: donations.recordHash, receivedAt: donations.receivedAt })
        .from(donations)
        .where(and(eq(donations.participantId, participantId), gt(donations.id, afterId)))
        .orderBy(asc(donations.id))
        .limit(limit);
      return rows.map((r) => ({ ...r, record: r.record as ExportRecord }));
    },

    async purgeExpired() {
      const ended = await db
        .select()
        .from(studies)
        .where(or(isNotNull(studies.closedAt), and(isNotNull(studies.endsAt), lt(studies.endsAt, now()))));
      let removed = 0;
      for (const study of ended) {
        const until = retentionEnds(study);
        if (until === null || until.getTime() > clock()) continue;
        const gone = await db.transaction(async (tx) => {
          await tx.delete(donations).where(eq(donations.studyId, study.id));
          return tx.delete(participants).where(eq(participants.studyId, study.id)).returning({ id: participants.id });
        });
        removed += gone.length;
      }
      return removed;
    },
  };
}

function hasCode(error: unknown, code: string): boolean {
  for (let e = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) if ((e as { code?: unknown }).code === code) return true;
  return false;
}

export function studyNotFound(id: string): ApiError {
  return new ApiError(
    404,
    'study_not_found',
    `No study ${id.slice(0, 80)} here: check the join link (it ends in /join/<study id>), or ask the researcher for a new one.`,
  );
}

function refuseUnlessOpen(study: StudyRow, status: StudyStatus): void {
  if (status === 'closed')
    throw new ApiError(
      410,
      'study_closed',
      `Study ${study.id} ("${study.title}") was closed on ${study.closedAt!.toISOString()} and takes no new participants or donations.`,
    );
  if (status === 'ended')
    throw new ApiError(
      410,
      'study_ended',
      `Study ${study.id} ("${study.title}") ended on ${study.endsAt!.toISOString()} and takes no new participants or donations.`,
    );
  if (status === 'full')
    throw new ApiError(409, 'study_full', `Study ${study.id} ("${study.title}") already has its ${study.maxParticipants} participants: it takes no one else.`);
}

/** Donations are refused once a study is closed or ended (a full study still takes its participants' donations). */
export function refuseDonationsUnlessRunning(study: StudyRow, at: Date): void {
  const status = statusOf(study, 0, at);
  if (status === 'closed' || status === 'ended') refuseUnlessOpen(study, status);
}
