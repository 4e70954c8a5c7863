// The participant's side of the study server contract (DESIGN.md "Study server"): the join link,
// the study's public description, the answers to join / donate / withdraw, and what the extension
// keeps about each study it joined. The server's answers are parsed here, never trusted as shaped:
// a join link can point anywhere, so every field is checked and every text is bounded.
import { z } from 'zod';

/** `${publicBase}/join/${studyId}`: where the study's API lives and which study. */
export interface JoinLink {
  /** The server's public base (origin plus any path prefix before /join/), no trailing slash. */
  apiBase: string;
  origin: string;
  studyId: string;
  /** The link as given, normalised (no query or fragment). */
  joinUrl: string;
}

const STUDY_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Parses a pasted or opened join link; null when it is not one. */
export function parseJoinLink(value: string): JoinLink | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  const match = /^(.*)\/join\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) return null;
  let studyId: string;
  try {
    studyId = decodeURIComponent(match[2]!);
  } catch {
    return null;
  }
  if (!STUDY_ID.test(studyId)) return null;
  const apiBase = `${url.origin}${match[1]!.replace(/\/+$/, '')}`;
  return { apiBase, origin: url.origin, studyId, joinUrl: `${apiBase}/join/${encodeURIComponent(studyId)}` };
}

/** Loopback: the extension already holds host access there; any other origin needs the reader's yes. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const { hostname } = new URL(origin);
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

/** Plain http is acceptable only on this machine; a remote study must be served over HTTPS. */
export function isAcceptableOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackOrigin(origin));
  } catch {
    return false;
  }
}

const text = (max: number) => z.string().max(max);

/** What the server says a study collects. Unknown extra fields are ignored. */
export const StudyInfo = z.object({
  title: text(300).min(1),
  researcher: text(500).optional().catch(undefined),
  consent: text(50_000).min(1),
  collect: z.enum(['flagged', 'all']),
  sites: z.union([z.literal('all'), z.array(text(64).min(1)).max(100)]),
  includeUserTurns: z.boolean().optional().catch(undefined),
  endDate: text(64).nullish().catch(undefined),
  reviewHours: z.number().min(0).max(24 * 365).nullish().catch(undefined),
  maxParticipants: z.number().int().nonnegative().nullish().catch(undefined),
  retentionDays: z.number().int().nonnegative().nullish().catch(undefined),
  /** open | closed | ...: anything but open refuses new participants. */
  status: text(32).optional().catch(undefined),
});
export type StudyInfo = z.infer<typeof StudyInfo>;

/** `GET /v1/studies/:id` answers the study, bare or as `{study}`. */
export function parseStudyInfo(body: unknown): StudyInfo {
  const inner = body && typeof body === 'object' && 'study' in body && typeof (body as { study: unknown }).study === 'object' ? (body as { study: unknown }).study : body;
  return StudyInfo.parse(inner);
}

export const JoinAnswer = z.object({
  participantId: text(200).min(1),
  secret: text(1000).min(16),
});
export type JoinAnswer = z.infer<typeof JoinAnswer>;

export const DonationAnswer = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
});
export type DonationAnswer = z.infer<typeof DonationAnswer>;

/** The withdrawal receipt: `{deleted}` plus whatever the server adds (times, ids): shown as text. */
export const WithdrawReceipt = z.looseObject({ deleted: z.unknown() });
export type WithdrawReceipt = z.infer<typeof WithdrawReceipt>;

/** Study end date as epoch ms (end of that day when only a date is given); undefined = open-ended. */
export function endTime(study: Pick<StudyInfo, 'endDate'>): number | undefined {
  if (!study.endDate) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(study.endDate);
  const t = Date.parse(dateOnly ? `${study.endDate}T23:59:59.999Z` : study.endDate);
  return Number.isFinite(t) ? t : undefined;
}

export const PARTICIPATION_STATES = ['active', 'paused', 'left', 'withdrawn'] as const;
export const ParticipationState = z.enum(PARTICIPATION_STATES);
export type ParticipationState = z.infer<typeof ParticipationState>;

/**
 * One joined study, kept in storage.local (extension-only; no web page can read it). The secret
 * is the participant's only key to donate and withdraw; the salt makes the pseudonymous
 * conversation ids of this study (stable within it, unlinkable across studies).
 */
export const Participation = z.object({
  studyId: z.string(),
  apiBase: z.string(),
  joinUrl: z.string(),
  study: StudyInfo,
  participantId: z.string(),
  /** Removed once everything was deleted (withdrawn): nothing is left to act on. */
  secret: z.string().optional(),
  salt: z.string(),
  joinedAt: z.number(),
  state: ParticipationState,
  /** The server's last refusal that stops sending (closed study, unknown participant). */
  blocked: z.string().optional(),
  lastError: z.string().optional(),
  lastSentAt: z.number().optional(),
  receipt: WithdrawReceipt.optional(),
  withdrawnAt: z.number().optional(),
});
export type Participation = z.infer<typeof Participation>;

export const PARTICIPATIONS_KEY = 'studyParticipations';
