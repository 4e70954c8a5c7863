// Messages between the parts of the extension, named by direction. Payloads are parsed with zod
// on arrival: a content script runs inside a web page, so the background never trusts its shape.
import { z } from 'zod';
import { browser } from 'wxt/browser';
import { CitationMarker, MAX_CITATIONS, MAX_REPLY_CHARS, ScoreResult, Turn } from '#shared/schemas';
import { MessageStatus } from '#shared/records';

// ---- content → background -------------------------------------------------------------------

export const ReplyCaptured = z.object({
  type: z.literal('reply-captured'),
  site: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(512),
  messageId: z.string().min(1).max(512),
  text: z.string().min(1).max(MAX_REPLY_CHARS),
  userTurn: z.string().max(MAX_REPLY_CHARS).optional(),
  previous: z.array(Turn).max(200),
  url: z.string().max(4096).optional(),
  /** The user turn this reply answers (a regenerated or edited reply is a new message, same parent). */
  parentId: z.string().min(1).max(512).optional(),
  /** 'fallback' when the site shows no message id and `messageId` is a hash (sites/ids.ts). */
  idSource: z.enum(['site', 'fallback']).optional(),
  /** The model the page names for this reply, when it names one. */
  model: z.string().min(1).max(200).optional(),
  /** The reply's citation markers (search assistants), when the adapter reads them. */
  citations: z.array(CitationMarker).max(MAX_CITATIONS).optional(),
});
export type ReplyCaptured = z.infer<typeof ReplyCaptured>;

/** A site's content script says whether its adapter still reads the page (drift detection). */
export const SiteHealthReport = z.object({
  type: z.literal('site-health'),
  site: z.string().min(1).max(64),
  state: z.enum(['healthy', 'unhealthy']),
  check: z.string().max(64).optional(),
  reason: z.string().max(500).optional(),
});
export type SiteHealthReport = z.infer<typeof SiteHealthReport>;

/**
 * From the proxy's /pair page (content script) or the options page (a pasted token). The
 * background checks the proxy's identity and its proof of the token before it stores anything.
 */
export const PairRequest = z.object({
  type: z.literal('pair'),
  proxyUrl: z.string().url(),
  token: z.string().min(1).max(512),
  /** The reader said yes to replacing the pairing they have (asked on the pairing page). */
  confirmReplace: z.boolean().optional(),
});
export type PairRequest = z.infer<typeof PairRequest>;

// ---- popup / options → background -----------------------------------------------------------

export const GetStatus = z.object({ type: z.literal('get-status') });
export type GetStatus = z.infer<typeof GetStatus>;

export const TestConnection = z.object({
  type: z.literal('test-connection'),
  proxyUrl: z.string().url(),
  token: z.string().max(512),
});
export type TestConnection = z.infer<typeof TestConnection>;

export const ToBackground = z.discriminatedUnion('type', [ReplyCaptured, SiteHealthReport, PairRequest, GetStatus, TestConnection]);
export type ToBackground = z.infer<typeof ToBackground>;

// ---- background → content -------------------------------------------------------------------

export interface ScoreReady {
  type: 'score-ready';
  site: string;
  conversationId: string;
  messageId: string;
  status: MessageStatus;
  result?: ScoreResult;
  error?: string;
}

// ---- responses ------------------------------------------------------------------------------

export interface CaptureResponse {
  status: MessageStatus | 'disabled';
  result?: ScoreResult;
  error?: string;
}

/** A proxy as the reader sees it: where it is and which version answered. */
export interface ProxyIdentity {
  proxyUrl: string;
  version?: string;
}

export type PairResponse =
  | { ok: true; proxy: ProxyIdentity }
  /** Verified, but another pairing exists: nothing was changed until the reader says yes. */
  | { ok: false; needsConfirm: true; current: ProxyIdentity & { reachable: boolean }; next: ProxyIdentity }
  | { ok: false; needsConfirm?: undefined; error: string };

export interface CheckOutcome {
  ok: boolean;
  detail: string;
}

/**
 * What stands between this extension and scoring, for the popup's words: `ok`; `not-paired` (no
 * token yet); `proxy-down` (nothing answers); `not-unspun` (something else answers there);
 * `token-rejected` (401); `other-install` (the proxy is paired with another browser); `error`.
 */
export type ConnectionState = 'ok' | 'not-paired' | 'proxy-down' | 'not-unspun' | 'token-rejected' | 'other-install' | 'error';

export interface ConnectionReport {
  health: CheckOutcome;
  auth: CheckOutcome;
  state?: ConnectionState;
  /** The proxy's version, when /health answered. */
  version?: string;
}

export interface StatusResponse {
  enabled: boolean;
  paired: boolean;
  proxyUrl: string;
  /** The version the proxy's /health reports, when it answered. */
  proxyVersion?: string;
  /** When this proxy was paired (epoch ms), if it was paired through the challenge. */
  pairedAt?: number;
  reachable: boolean;
  detail: string;
  /** Why scoring works or not, in one word the popup turns into words and one action. */
  connection?: ConnectionState;
  counts: { pending: number; scored: number; failed: number };
}

export interface ResponseFor {
  'reply-captured': CaptureResponse;
  pair: PairResponse;
  'get-status': StatusResponse;
  'test-connection': ConnectionReport;
  'site-health': { ok: boolean };
}

/** Typed wrapper over runtime.sendMessage for messages to the background. */
export async function sendToBackground<M extends ToBackground>(message: M): Promise<ResponseFor[M['type']]> {
  return (await browser.runtime.sendMessage(message)) as ResponseFor[M['type']];
}
