// Donation records for the study tests and bench: real export records (shared/export builders),
// redacted the way the extension redacts them, with one flag whose quote is checked by the schema.
import { finishRecord, newRecord } from '#shared/export/build';
import { ExportRecord } from '#shared/export/record';
import { redactRecord } from '#shared/export/redact-record';
import { sha256Hex } from '#shared/export/sha256';
import type { StudyPublicInfo } from '#shared/api/study';

export interface RecordOptions {
  site?: string;
  model?: string;
  /** Makes the text (and so the record) unique. */
  n?: number;
  flagged?: boolean;
  withUserTurn?: boolean;
  /** Extra text in the reply (e.g. PII the server must redact again). */
  extra?: string;
  redact?: boolean;
}

export function donationRecord(options: RecordOptions = {}): ExportRecord {
  const n = options.n ?? 0;
  const quote = 'Everyone agrees this is the only sensible choice';
  const text = `Reply ${n}. ${quote}, so you should act now.${options.extra ? ` ${options.extra}` : ''}`;
  const start = text.indexOf(quote);
  const messages: ExportRecord['messages'] = [];
  if (options.withUserTurn) messages.push({ id: `u${n}`, index: 0, role: 'user', text: `Question ${n}?`, capture_method: 'dom' });
  messages.push({
    id: `a${n}`,
    index: messages.length,
    role: 'assistant',
    text,
    model: options.model ?? 'gpt-test',
    capture_method: 'dom',
    captured_at: '2026-12-06T10:00:00.000Z',
    scores:
      options.flagged === false
        ? []
        : [
            {
              score: 40,
              judge: { kind: 'offline', prompt_version: 'p1', taxonomy_version: 't1' },
              flags: [
                {
                  move: 'exaggeration',
                  start,
                  end: start + quote.length,
                  quote,
                  severity: 2,
                  support: 'unsupported',
                  rationale: 'claims consensus',
                  source: 'detector',
                  quote_verified: true,
                },
              ],
            },
          ],
  });
  const base = finishRecord({
    ...newRecord({
      id: `conv-${n}`,
      site: options.site ?? 'demo',
      url: `https://example.test/c/${n}`,
      source: 'extension',
      method: 'dom',
      completeness: 'complete',
      messages: [],
    }),
    messages,
  });
  const record = options.redact === false ? base : redactRecord(base, { texts: true, ids: true, salt: 'participant-salt' });
  return ExportRecord.parse(record);
}

/** What a study server says of an open study (GET /v1/studies/:id), for the extension's study tests. */
export function publicStudy(studyId: string, consent: string, origin: string, overrides: Partial<StudyPublicInfo> = {}): StudyPublicInfo {
  return {
    studyId,
    title: 'Persuasion in the wild',
    consent,
    consentSha256: sha256Hex(consent),
    collect: 'flagged',
    sites: 'all',
    includeUserTurns: false,
    endDate: null,
    endsAt: null,
    reviewHours: 0,
    retentionDays: 365,
    maxParticipants: null,
    status: 'open',
    origin,
    collected: [],
    ...overrides,
  };
}
