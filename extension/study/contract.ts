// The participant's side of the study server contract (DESIGN.md "Study server"): the join link,
// and what the extension keeps about each study it joined. The wire shapes (public info, join,
// donation and withdrawal answers) are the server's own schemas in shared/api/study.ts, so the
// two sides cannot drift; every answer is parsed with them, never trusted as shaped: a join link
// can point anywhere.
import { z } from 'zod';
import { StudyPublicInfo, WithdrawReceipt } from '#shared/api/study';

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

/** What the server says a study collects (GET /v1/studies/:id): the server's own wire schema. */
export const StudyInfo = StudyPublicInfo;
export type StudyInfo = StudyPublicInfo;

export function parseStudyInfo(body: unknown): StudyInfo {
  return StudyPublicInfo.parse(body);
}

export { DonationResponse as DonationAnswer, JoinResponse as JoinAnswer, WithdrawReceipt } from '#shared/api/study';

/** Study end date as epoch ms (end of that day when only a date is given); undefined = open-ended. */
export function endTime(study: { endDate?: string | null | undefined }): number | undefined {
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
  /** The outbox was filled from every conversation captured before this time (each fill reads only newer ones). */
  fillCursor: z.number().optional(),
  /** Conversations that were still being scored at the last fill: read again next time. */
  waiting: z.array(z.string()).optional(),
});
export type Participation = z.infer<typeof Participation>;

export const PARTICIPATIONS_KEY = 'studyParticipations';
