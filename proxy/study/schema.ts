// The study server's tables, as Drizzle sees them (queries are built from these). The tables are
// made by the ordered migrations in migrations.ts; test/study/app.test.ts checks that the two agree.
import { bigserial, index, integer, json, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { StudyFile } from '#shared/api/study';

export const studies = pgTable('studies', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  /** The study file as validated (defaults filled in). */
  definition: jsonb('definition').$type<StudyFile>().notNull(),
  consentSha256: text('consent_sha256').notNull(),
  /** SHA-256 (hex) of the researcher token; the token itself is never stored. */
  researcherTokenHash: text('researcher_token_hash').notNull(),
  /** HMAC key for the pseudonymous ids of records that arrive with site ids. */
  salt: text('salt').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }),
  closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
  maxParticipants: integer('max_participants'),
});

export const participants = pgTable(
  'participants',
  {
    id: text('id').primaryKey(),
    studyId: text('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    /** SHA-256 (hex) of the participant secret: the lookup key, the secret itself is never stored. */
    secretHash: text('secret_hash').notNull(),
    consentSha256: text('consent_sha256').notNull(),
    consentedAt: timestamp('consented_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('participants_secret_hash_key').on(t.secretHash), index('participants_study_idx').on(t.studyId)],
);

export const donations = pgTable(
  'donations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    studyId: text('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    participantId: text('participant_id')
      .notNull()
      .references(() => participants.id, { onDelete: 'cascade' }),
    /** `sha256:<hex>` of the stored record's canonical JSON: the same record twice is one row. */
    recordHash: text('record_hash').notNull(),
    /** The redacted record in the local export's schema; json (not jsonb) keeps it byte for byte, keys in schema order. */
    record: json('record').notNull(),
    site: text('site').notNull(),
    models: jsonb('models').$type<string[]>().notNull(),
    flagsByMove: jsonb('flags_by_move').$type<Record<string, number>>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('donations_participant_hash_key').on(t.participantId, t.recordHash), index('donations_study_idx').on(t.studyId, t.id)],
);

export const schema = { studies, participants, donations };
