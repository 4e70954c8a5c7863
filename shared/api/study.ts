// The study server's wire contract (DESIGN.md "Study server"): the study file a researcher writes,
// and every request and response of /v1/studies/*. The server (proxy/study) validates with these
// and the extension's participant side imports the same schemas, so the two cannot drift.
import { z } from 'zod';
import { ExportManifest } from '../export/manifest.ts';
import { ExportRecord, IsoTime } from '../export/record.ts';

/** A site id as the extension names its adapters (demo, chatgpt, claude, ...). */
export const StudySiteId = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a site id is lower-case letters, digits and dashes, e.g. "chatgpt"');

/** What a study collects: only replies with at least one flag, or every reply. */
export const StudyCollect = z.enum(['flagged', 'all']);
export type StudyCollect = z.infer<typeof StudyCollect>;

/** A calendar day (2027-03-31, the study ends at the end of that UTC day) or an exact UTC time. */
export const StudyEndDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'endDate must be a date such as "2027-03-31" or an ISO time such as "2027-03-31T12:00:00Z"',
});

/** Who runs the study and how to reach them, as one line: "Dr. A. Researcher, Example University <a.researcher@example.edu>". */
export const StudyResearcher = z.string().trim().min(1).max(500);

export const MAX_CONSENT_CHARS = 20_000;

/** The study file given to `npm run study -- create FILE.json` (and the body of POST /v1/studies). */
export const StudyFile = z
  .object({
    title: z.string().trim().min(1, 'title must not be empty').max(200),
    researcher: StudyResearcher.optional(),
    /** Shown to the participant before they join; its SHA-256 is recorded with each consent. */
    consent: z.string().trim().min(20, 'consent must be the full consent text (at least 20 characters)').max(MAX_CONSENT_CHARS),
    collect: StudyCollect,
    /** Whether the user's own turns are donated with the replies (default false: replies only). */
    includeUserTurns: z.boolean().default(false),
    sites: z.union([z.literal('all'), z.array(StudySiteId).min(1, 'sites must name at least one site, or be "all"')]),
    endDate: StudyEndDate.optional(),
    maxParticipants: z.number().int().positive().max(10_000_000).optional(),
    /** Days the donations are kept after the study ends (closed or past its end date); default 365. */
    retentionDays: z.number().int().min(1).max(36_500).default(365),
    /** Hours a participant has to hold or exclude a conversation before it is sent; default 24. */
    reviewHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 90)
      .default(24),
  })
  .strict();
export type StudyFileInput = z.input<typeof StudyFile>;
export type StudyFile = z.infer<typeof StudyFile>;

export const StudyId = z.string().regex(/^s_[A-Za-z0-9_-]{16,64}$/, 'a study id looks like s_ followed by letters and digits');
export const ParticipantId = z.string().regex(/^p_[A-Za-z0-9_-]{16,64}$/, 'a participant id looks like p_ followed by letters and digits');

/** POST /v1/studies and `study create`: what the researcher keeps. The token is shown only here. */
export const CreatedStudy = z.object({
  studyId: StudyId,
  joinUrl: z.string(),
  researcherToken: z.string(),
});
export type CreatedStudy = z.infer<typeof CreatedStudy>;

/** GET /v1/studies/:id: public, what a participant sees before joining. */
export const StudyPublicInfo = z.object({
  studyId: StudyId,
  title: z.string(),
  researcher: StudyResearcher.optional(),
  consent: z.string(),
  /** Lowercase hex SHA-256 of the consent text as UTF-8: the participant's consent record holds it. */
  consentSha256: z.string().regex(/^[0-9a-f]{64}$/),
  collect: StudyCollect,
  includeUserTurns: z.boolean(),
  sites: z.union([z.literal('all'), z.array(StudySiteId)]),
  /** The study file's endDate as written (a day or a time), or null. */
  endDate: z.string().nullable(),
  /** UTC ISO time the study ends (a bare endDate ends at the end of that UTC day), or null (open until closed). */
  endsAt: IsoTime.nullable(),
  reviewHours: z.number().int().nonnegative(),
  retentionDays: z.number().int().positive(),
  maxParticipants: z.number().int().positive().nullable(),
  status: z.enum(['open', 'full', 'closed', 'ended']),
  /** Where donations go: the join link's origin (the extension shows it on the consent screen). */
  origin: z.string(),
  /** What leaves the participant's machine, in words, for the consent screen. */
  collected: z.array(z.string()),
});
export type StudyPublicInfo = z.infer<typeof StudyPublicInfo>;

/** POST /v1/studies/:id/participants */
export const JoinRequest = z.object({ consent: z.literal(true, 'consent must be true: the participant agreed to the consent text') }).strict();
export type JoinRequest = z.infer<typeof JoinRequest>;

export const JoinResponse = z.object({
  participantId: ParticipantId,
  /** Bearer secret for this participant's donations and withdrawal; shown once, kept in the extension. */
  secret: z.string(),
  studyId: StudyId,
  consentSha256: z.string().regex(/^[0-9a-f]{64}$/),
  consentedAt: IsoTime,
});
export type JoinResponse = z.infer<typeof JoinResponse>;

/** Records per donation request; larger sets are sent in several batches. */
export const MAX_RECORDS_PER_DONATION = 100;
/** Body of one donation request (the server answers 413 above it). */
export const MAX_DONATION_BODY_BYTES = 8 * 1024 * 1024;

/** POST /v1/studies/:id/donations: records in the local export's record schema, redacted. */
export const DonationRequest = z
  .object({
    records: z
      .array(ExportRecord)
      .min(1, 'records must hold at least one record')
      .max(MAX_RECORDS_PER_DONATION, `at most ${MAX_RECORDS_PER_DONATION} records per request: send the rest in another batch`),
  })
  .strict();
export type DonationRequest = z.infer<typeof DonationRequest>;

export const DonationResponse = z.object({
  /** Records stored by this request. */
  accepted: z.number().int().nonnegative(),
  /** Records already stored before (a retry or a replay): not stored again. */
  duplicates: z.number().int().nonnegative(),
  /** Per record, in request order: its donation hash (`sha256:<hex>`, what the server dedupes by) and whether it was new. */
  results: z.array(z.object({ hash: z.string(), status: z.enum(['accepted', 'duplicate']) })),
});
export type DonationResponse = z.infer<typeof DonationResponse>;

/** DELETE /v1/studies/:id/participants/me (and the researcher's DELETE .../participants/:pid). */
export const WithdrawReceipt = z.object({
  deleted: z.literal(true),
  studyId: StudyId,
  participantId: ParticipantId,
  /** Donation rows removed. */
  donations: z.number().int().nonnegative(),
  /** Consent records removed (1). */
  consentRecords: z.number().int().nonnegative(),
  deletedAt: IsoTime,
});
export type WithdrawReceipt = z.infer<typeof WithdrawReceipt>;

/** GET /v1/studies/:id/stats (researcher). */
export const StudyStats = z.object({
  studyId: StudyId,
  title: z.string(),
  status: z.enum(['open', 'full', 'closed', 'ended']),
  participants: z.number().int().nonnegative(),
  donations: z.number().int().nonnegative(),
  /** UTC day (YYYY-MM-DD) → donations received that day, oldest first. */
  donationsPerDay: z.array(z.object({ day: z.string(), donations: z.number().int().nonnegative() })),
  flagsPerMove: z.record(z.string(), z.number().int().nonnegative()),
  donationsPerSite: z.record(z.string(), z.number().int().nonnegative()),
  donationsPerModel: z.record(z.string(), z.number().int().nonnegative()),
});
export type StudyStats = z.infer<typeof StudyStats>;

/** GET /v1/studies (admin) and `study list`. */
export const StudySummary = z.object({
  studyId: StudyId,
  title: z.string(),
  status: z.enum(['open', 'full', 'closed', 'ended']),
  createdAt: IsoTime,
  endsAt: IsoTime.nullable(),
  closedAt: IsoTime.nullable(),
  participants: z.number().int().nonnegative(),
  donations: z.number().int().nonnegative(),
});
export type StudySummary = z.infer<typeof StudySummary>;

/** POST /v1/studies/:id/close (researcher). */
export const ClosedStudy = z.object({ studyId: StudyId, closedAt: IsoTime, status: z.literal('closed') });
export type ClosedStudy = z.infer<typeof ClosedStudy>;

/**
 * A study export (GET /v1/studies/:id/export, `study export`) is JSONL: for each participant, one
 * consent line followed by that participant's conversation lines, each a record of the local
 * export's schema (shared/export/record.ts, unchanged, so schema.json validates it). Pseudonymous:
 * no name, no address. The HTTP answer ends with one manifest line; the CLI writes it beside the file.
 */
export const ConsentExportRecord = z.object({
  record_type: z.literal('consent'),
  study_id: StudyId,
  participant_id: ParticipantId,
  consent_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  consented_at: IsoTime,
  /** How many conversation lines of this participant follow. */
  conversations: z.number().int().nonnegative(),
});
export type ConsentExportRecord = z.infer<typeof ConsentExportRecord>;

export const StudyExportManifest = ExportManifest.extend({
  study: z.object({
    study_id: StudyId,
    title: z.string(),
    consent_sha256: z.string(),
    participants: z.number().int().nonnegative(),
    consent_records: z.number().int().nonnegative(),
  }),
});
export type StudyExportManifest = z.infer<typeof StudyExportManifest>;

/** The last line of the HTTP export: its files[0].sha256 covers every byte before this line. */
export const ManifestLine = z.object({ record_type: z.literal('manifest'), manifest: StudyExportManifest });
export type ManifestLine = z.infer<typeof ManifestLine>;

/** The error body of every 4xx/5xx (as the proxy's). */
export const StudyErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() }),
});
export type StudyErrorBody = z.infer<typeof StudyErrorBody>;
