// One schema, versioned: each migration is an ordered, named step, applied once at start inside a
// transaction and recorded in study_migrations. Never edit a shipped step; add the next one.
// The SQL is plain PostgreSQL DDL run through Drizzle (the same on PGlite and PostgreSQL).
import { sql } from 'drizzle-orm';
import type { StudyDb } from './db.ts';

export interface Migration {
  /** `NNNN-what-it-does`: the order is the number. */
  name: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001-studies-participants-donations',
    statements: [
      `CREATE TABLE studies (
        id text PRIMARY KEY,
        title text NOT NULL,
        definition jsonb NOT NULL,
        consent_sha256 text NOT NULL,
        researcher_token_hash text NOT NULL,
        salt text NOT NULL,
        created_at timestamptz NOT NULL,
        ends_at timestamptz,
        closed_at timestamptz,
        max_participants integer
      )`,
      `CREATE TABLE participants (
        id text PRIMARY KEY,
        study_id text NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        secret_hash text NOT NULL,
        consent_sha256 text NOT NULL,
        consented_at timestamptz NOT NULL
      )`,
      `CREATE UNIQUE INDEX participants_secret_hash_key ON participants (secret_hash)`,
      `CREATE INDEX participants_study_idx ON participants (study_id)`,
      `CREATE TABLE donations (
        id bigserial PRIMARY KEY,
        study_id text NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        participant_id text NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        record_hash text NOT NULL,
        record json NOT NULL,
        site text NOT NULL,
        models jsonb NOT NULL,
        flags_by_move jsonb NOT NULL,
        received_at timestamptz NOT NULL
      )`,
      `CREATE UNIQUE INDEX donations_participant_hash_key ON donations (participant_id, record_hash)`,
      `CREATE INDEX donations_study_idx ON donations (study_id, id)`,
    ],
  },
];

/** Applies the steps not yet recorded, in order; returns the names applied now. */
export async function migrate(db: StudyDb, steps: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  // Up to date: read only, so the CLI can export from a read replica (a hot standby refuses DDL).
  if (await upToDate(db, steps)) return [];
  await db.execute(sql`CREATE TABLE IF NOT EXISTS study_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const step of steps) {
    const done = await db.transaction(async (tx) => {
      // Two servers starting at once on one PostgreSQL: the lock makes the second wait, then skip.
      await tx.execute(sql`LOCK TABLE study_migrations IN EXCLUSIVE MODE`);
      // Both drivers answer execute() with { rows } (node-postgres QueryResult, PGlite Results).
      const seen = (await tx.execute(sql`SELECT name FROM study_migrations WHERE name = ${step.name}`)) as unknown as { rows: unknown[] };
      if (seen.rows.length > 0) return false;
      for (const statement of step.statements) await tx.execute(sql.raw(statement));
      await tx.execute(sql`INSERT INTO study_migrations (name) VALUES (${step.name})`);
      return true;
    });
    if (done) applied.push(step.name);
  }
  return applied;
}

async function upToDate(db: StudyDb, steps: readonly Migration[]): Promise<boolean> {
  try {
    const result = (await db.execute(sql`SELECT name FROM study_migrations`)) as unknown as { rows: { name: string }[] };
    const done = new Set(result.rows.map((r) => r.name));
    return steps.every((step) => done.has(step.name));
  } catch {
    return false; // no migrations table yet
  }
}
