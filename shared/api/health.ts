// GET /health (public, no token): who is answering, its version, and which judges it can use.
import { z } from 'zod';
import { JudgeChoice, JudgeKind } from '../schemas.ts';

export const UnavailableJudge = z.object({
  kind: z.string().max(32),
  /** Machine-readable: `not_configured` (no API key). */
  reason: z.string().max(64),
  /** What to do about it, for a reader. */
  message: z.string().max(400),
});
export type UnavailableJudge = z.infer<typeof UnavailableJudge>;

/** Which judges the proxy has, its default, and why the others are off (names and reasons only, never a key). */
export const JudgesReport = z.object({
  available: z.array(JudgeKind),
  default: JudgeKind,
  /** Proxies from before 2026-12 sent no list. */
  unavailable: z.array(UnavailableJudge).default([]),
});
export type JudgesReport = z.infer<typeof JudgesReport>;

export const HealthResponse = z.object({
  ok: z.literal(true),
  service: z.literal('unspun'),
  version: z.string().max(64),
  /** The judge a request that names none gets (the choice itself when none can be built). */
  judge: z.union([JudgeKind, JudgeChoice]),
  judges: JudgesReport,
  taxonomyVersion: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/**
 * What every Unspun proxy's /health has said, old versions included: how a client tells an Unspun
 * proxy from some other local server before it trusts it. The rest is read field by field.
 */
export const HealthIdentity = z.object({
  service: z.literal('unspun'),
  version: z.string().max(64).optional().catch(undefined),
});
export type HealthIdentity = z.infer<typeof HealthIdentity>;
