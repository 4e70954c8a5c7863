// The background's side of the reader's experience: labels into the archive, and scoring a
// selection for "Check with Unspun". I/O injected, like service.ts.
import { detect } from '#shared/detect/index';
import { detectClaims } from '#shared/detect/claims';
import type { ScoreResult } from '#shared/schemas';
import { taxonomyVersion } from '#shared/taxonomy';
import { refreshCalibration, type CalibrationStorage } from '../db/calibration-store.ts';
import { labelsOfConversation, saveLabel } from '../db/labels.ts';
import type { UnspunDb } from '../db/schema.ts';
import { ReaderToBackground, type CheckResponse, type LabelResponse, type LabelsResponse } from '../reader-messages.ts';
import { createProxyClient, ProxyError } from '../scoring/proxy-client.ts';
import type { Settings } from '../settings.ts';

export interface ReaderDeps {
  db: UnspunDb;
  loadSettings(): Promise<Settings>;
  fetch?: typeof fetch;
  now?: () => number;
  /** Where the labels' calibration table is kept (storage.local); none = labels calibrate nothing. */
  calibration?: CalibrationStorage;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The extension's own offline detector, for when the proxy cannot answer. */
export function scoreLocally(text: string, started: number, now: number): ScoreResult {
  const { flags, score, detectorVersion } = detect(text);
  return {
    score,
    flags,
    claims: detectClaims(text),
    judge: { kind: 'offline', promptVersion: detectorVersion, taxonomyVersion, detectorVersion },
    cached: false,
    latencyMs: Math.max(0, now - started),
  };
}

export function createReaderService(deps: ReaderDeps) {
  const now = deps.now ?? (() => Date.now());

  async function label(message: Extract<ReaderToBackground, { type: 'label-flag' }>): Promise<LabelResponse> {
    try {
      const record = await saveLabel(deps.db, message, now());
      // The label may change what the reader's labels say about its rule: every open page redraws.
      if (deps.calibration) await refreshCalibration(deps.db, deps.calibration).catch(() => undefined);
      return { ok: true, label: record };
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  }

  async function labels(site: string, conversationId: string): Promise<LabelsResponse> {
    return { labels: await labelsOfConversation(deps.db, site, conversationId) };
  }

  /**
   * Scores selected text with the proxy (offline judge when the reader chose offline-only); when
   * the proxy is not paired or not reachable, with the built-in detector, and says so.
   */
  async function check(text: string): Promise<CheckResponse> {
    const started = now();
    const settings = await deps.loadSettings();
    if (settings.token) {
      const client = createProxyClient({ proxyUrl: settings.proxyUrl, token: settings.token, timeoutMs: 20_000, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
      try {
        return { result: await client.score({ reply: { text }, ...(settings.offlineOnly ? { judge: 'offline' as const } : {}) }) };
      } catch (error) {
        const status = error instanceof ProxyError ? error.status : undefined;
        if (status !== undefined && status < 500 && status !== 401 && status !== 403) return { error: errorText(error) };
        const result = scoreLocally(text, started, now());
        return { result: { ...result, notice: `The proxy did not answer (${errorText(error)}); scored by the built-in detector.` } };
      }
    }
    return { result: { ...scoreLocally(text, started, now()), notice: 'Not paired with a proxy: scored by the built-in detector.' } };
  }

  /** Routes one runtime message. Returns undefined for messages that are not ours. */
  async function handleMessage(raw: unknown): Promise<unknown> {
    const parsed = ReaderToBackground.safeParse(raw);
    if (!parsed.success) return undefined;
    const message = parsed.data;
    switch (message.type) {
      case 'label-flag':
        return label(message);
      case 'get-labels':
        return labels(message.site, message.conversationId);
      case 'check-selection':
        return check(message.text);
    }
  }

  return { handleMessage, check };
}

export type ReaderService = ReturnType<typeof createReaderService>;
