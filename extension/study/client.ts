// HTTP to a study server, from the background only (it holds the host access; pages never see
// the participant's secret). Every answer is parsed with the contract's schemas; every failure
// becomes a StudyHttpError with the status (none = the server did not answer) and the server's
// own message when it gave one.
import { type DonationAnswer, DonationAnswer as DonationAnswerSchema, JoinAnswer, parseStudyInfo, type StudyInfo, WithdrawReceipt } from './contract.ts';
import type { ExportRecord } from '#shared/export/record';

export class StudyHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'StudyHttpError';
  }
}

export interface StudyClientOptions {
  apiBase: string;
  studyId: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** The server's error text: `{error: {message}}`, `{error: "..."}`, `{message}` or plain text, bounded. */
function errorMessage(body: unknown, raw: string): string {
  const b = body as { error?: unknown; message?: unknown } | null;
  const inner =
    b && typeof b === 'object' ? (typeof b.error === 'object' && b.error ? (b.error as { message?: unknown }).message : (b.error ?? b.message)) : undefined;
  const text = typeof inner === 'string' ? inner : raw;
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

export function createStudyClient(options: StudyClientOptions) {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = `${options.apiBase}/v1/studies/${encodeURIComponent(options.studyId)}`;

  async function call(path: string, init: { method: string; body?: unknown; secret?: string }): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.secret) headers.authorization = `Bearer ${init.secret}`;
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method: init.method,
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
        credentials: 'omit',
        redirect: 'error',
      });
    } catch (error) {
      throw new StudyHttpError(
        `the study server at ${new URL(options.apiBase).origin} did not answer (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const raw = await response.text().catch(() => '');
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = null;
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new StudyHttpError(
        `${response.status}: ${errorMessage(body, raw) || response.statusText}`,
        response.status,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    return body;
  }

  return {
    async info(): Promise<StudyInfo> {
      const body = await call('', { method: 'GET' });
      try {
        return parseStudyInfo(body);
      } catch {
        throw new StudyHttpError('the server answered, but not with a study description (is this link from an Unspun study server?)', 502);
      }
    },
    async join(): Promise<{ participantId: string; secret: string }> {
      const parsed = JoinAnswer.safeParse(await call('/participants', { method: 'POST', body: { consent: true } }));
      if (!parsed.success) throw new StudyHttpError('the server did not give a participant id and secret', 502);
      return parsed.data;
    },
    async donate(secret: string, records: readonly ExportRecord[]): Promise<DonationAnswer> {
      const parsed = DonationAnswerSchema.safeParse(await call('/donations', { method: 'POST', body: { records }, secret }));
      if (!parsed.success) throw new StudyHttpError('the server did not say how many records it accepted', 502);
      return parsed.data;
    },
    async withdraw(secret: string): Promise<WithdrawReceipt> {
      const parsed = WithdrawReceipt.safeParse(await call('/participants/me', { method: 'DELETE', secret }));
      if (!parsed.success) throw new StudyHttpError('the server gave no deletion receipt', 502);
      return parsed.data;
    },
  };
}

export type StudyClient = ReturnType<typeof createStudyClient>;
