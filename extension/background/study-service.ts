// The background's side of study mode, I/O injected like service.ts: reading a study from its
// join link, joining it, filling the outbox from the archive, sending due records in batches with
// backoff, and pause / leave / "delete everything I gave". Only this code talks to study servers
// and only it reads the participant's secret (storage.local, never shown to a page).
import type { ArchiveConversation } from '#shared/export/build';
import type { ExportRecord } from '#shared/export/record';
import { sha256Hex } from '#shared/export/sha256';
import type { ScoreResult } from '#shared/schemas';
import type { UnspunDb } from '../db/schema.ts';
import { isAcceptableOrigin, isLoopbackOrigin, type JoinLink, parseJoinLink, type Participation, type StudyInfo } from '../study/contract.ts';
import { createStudyClient, StudyHttpError } from '../study/client.ts';
import { demoConversation } from '../study/demo-sample.ts';
import { studyRecord, studyWindow } from '../study/eligibility.ts';
import { type Failure, type ItemView, type PreviewResponse, StudyMessage, type StudyResponseFor, type StudyView } from '../study/messages.ts';
import { applyAction, closeReviews, countsFor, dropItems, markRejected, markRetry, markSent, nextBatch, nextDue, offer } from '../study/outbox.ts';
import { classifySendFailure } from '../study/outbox-state.ts';

export interface StudyDeps {
  db: UnspunDb;
  loadParticipations(): Promise<Record<string, Participation>>;
  saveParticipations(all: Record<string, Participation>): Promise<void>;
  /** Whether the extension may fetch this origin (loopback: always; others: the optional permission). */
  hasHostAccess(origin: string): Promise<boolean>;
  /** Scores a text with the built-in detector (the demo example). */
  scoreLocally(text: string): ScoreResult;
  /** Opens the studies page (in `tabId` when given). */
  openStudiesPage?(hash: string, tabId?: number): Promise<void>;
  fetch?: typeof fetch;
  now?: () => number;
  randomSecret?: () => string;
  /** Called with the delay until the next send is due, so the caller can set a timer. */
  scheduleSync?(delayMs: number): void;
}

interface Sender {
  url?: string;
  tab?: { id?: number };
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const fail = (error: string, extra: Partial<Failure> = {}): Failure => ({ ok: false, error, ...extra });

function randomHex(): string {
  return [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function createStudyService(deps: StudyDeps) {
  const now = deps.now ?? (() => Date.now());
  const { db } = deps;
  const client = (p: { apiBase: string; studyId: string }) =>
    createStudyClient({ apiBase: p.apiBase, studyId: p.studyId, ...(deps.fetch ? { fetch: deps.fetch } : {}) });

  // storage.local writes are read-modify-write: one at a time, so two updates never lose each other.
  let storageChain: Promise<unknown> = Promise.resolve();
  function update<T>(fn: (all: Record<string, Participation>) => T | Promise<T>): Promise<T> {
    const run = storageChain.then(async () => {
      const all = await deps.loadParticipations();
      const result = await fn(all);
      await deps.saveParticipations(all);
      return result;
    });
    storageChain = run.catch(() => undefined);
    return run;
  }

  async function checkLink(joinUrl: string): Promise<{ link: JoinLink } | Failure> {
    const link = parseJoinLink(joinUrl);
    if (!link) return fail('This is not a study join link. A join link looks like https://study.example.org/join/<study id>.');
    if (!isAcceptableOrigin(link.origin))
      return fail(`A study on another machine must use https:// (this link uses ${new URL(link.origin).protocol}). Nothing was sent.`);
    if (!(await deps.hasHostAccess(link.origin))) return fail(`Unspun needs your permission to contact ${link.origin}.`, { needsPermission: link.origin });
    return { link };
  }

  /** The participant's most recent conversation the study would take, else the demo's. */
  async function example(study: StudyInfo, salt: string): Promise<{ record: ExportRecord; from: 'archive' | 'demo' }> {
    const recent = await db.conversations.orderBy('lastCapturedAt').reverse().limit(50).toArray();
    for (const conversation of recent) {
      const input = await archiveConversation(conversation.key);
      if (!input) continue;
      const result = studyRecord(input, study, { from: 0 }, salt);
      if (result.status === 'eligible') return { record: result.record, from: 'archive' };
    }
    const demo = demoConversation(deps.scoreLocally, now());
    const result = studyRecord(demo, { ...study, sites: 'all', collect: 'all' }, { from: 0 }, salt);
    if (result.status !== 'eligible') throw new Error('the demo conversation could not be turned into an example record');
    return { record: result.record, from: 'demo' };
  }

  async function archiveConversation(key: string): Promise<ArchiveConversation | null> {
    const conversation = await db.conversations.get(key);
    if (!conversation) return null;
    const messages = await db.messages.where('conversationKey').equals(key).toArray();
    const scores = (await db.scores.bulkGet(messages.map((m) => m.key))).filter((s) => s !== undefined);
    return { conversation, messages, scores };
  }

  async function preview(joinUrl: string): Promise<PreviewResponse> {
    const checked = await checkLink(joinUrl);
    if (!('link' in checked)) return checked;
    const { link } = checked;
    let study: StudyInfo;
    try {
      study = await client(link).info();
    } catch (error) {
      const status = error instanceof StudyHttpError ? error.status : undefined;
      if (status === 404 || status === 410)
        return fail(`No open study at this link (the server at ${link.origin} does not know it, or it has ended). Check the link with the researcher.`);
      return fail(`Could not read the study: ${errorText(error)}.`);
    }
    const existing = (await deps.loadParticipations())[link.studyId];
    const ex = await example(study, existing?.salt ?? randomHex());
    return {
      ok: true,
      link,
      loopback: isLoopbackOrigin(link.origin),
      study,
      consentHash: sha256Hex(study.consent),
      example: ex.record,
      exampleFrom: ex.from,
      ...(existing ? { joined: existing.state } : {}),
    };
  }

  async function join(joinUrl: string, consentHash: string): Promise<StudyResponseFor['study-join']> {
    const checked = await checkLink(joinUrl);
    if (!('link' in checked)) return checked;
    const { link } = checked;
    const existing = (await deps.loadParticipations())[link.studyId];
    if (existing && existing.state !== 'withdrawn') return fail('You have already joined this study: see it under "Your studies".');
    let study: StudyInfo;
    try {
      study = await client(link).info();
    } catch (error) {
      return fail(`Could not read the study again before joining: ${errorText(error)}. Nothing was sent.`);
    }
    if (sha256Hex(study.consent) !== consentHash)
      return fail('The study’s consent text changed since you opened it. Read it again before joining; nothing was sent.');
    let answer: { participantId: string; secret: string };
    try {
      answer = await client(link).join();
    } catch (error) {
      const status = error instanceof StudyHttpError ? error.status : undefined;
      const why = status === 409 || status === 403 || status === 410 ? `the study does not take new participants (${errorText(error)})` : errorText(error);
      return fail(`Could not join: ${why}.`);
    }
    const participation: Participation = {
      studyId: link.studyId,
      apiBase: link.apiBase,
      joinUrl: link.joinUrl,
      study,
      participantId: answer.participantId,
      secret: answer.secret,
      salt: randomHex(),
      joinedAt: now(),
      state: 'active',
    };
    await update((all) => {
      all[link.studyId] = participation;
    });
    return { ok: true, studyId: link.studyId };
  }

  // ---- outbox: fill and send ----

  /** Caps the conversations remembered as waiting for their scores (the rest wait for a new capture). */
  const MAX_WAITING = 500;

  /**
   * Offers the study's share of each conversation captured since the last fill, and of those that
   * were still being scored then. Reading only those keeps a sync cheap on a large archive.
   */
  async function fill(p: Participation): Promise<void> {
    const started = now();
    const window = studyWindow(p.study, p.joinedAt);
    const since = Math.max(p.joinedAt, p.fillCursor ?? 0);
    const keys = new Set<string>([...(await db.conversations.where('lastCapturedAt').aboveOrEqual(since).primaryKeys()), ...(p.waiting ?? [])]);
    const waiting: string[] = [];
    for (const key of keys) {
      const input = await archiveConversation(key);
      if (!input) continue;
      const result = studyRecord(input, p.study, window, p.salt);
      if (result.status === 'waiting') waiting.push(key);
      if (result.status !== 'eligible') continue;
      await offer(
        db,
        { studyId: p.studyId, conversationKey: key, record: result.record, replies: result.replies, reviewHours: p.study.reviewHours ?? 0 },
        now(),
      );
    }
    await update((all) => {
      const q = all[p.studyId];
      if (!q) return;
      q.fillCursor = started;
      q.waiting = waiting.slice(0, MAX_WAITING);
    });
  }

  const sending = new Map<string, { done: number; total: number }>();

  async function send(p: Participation): Promise<void> {
    if (p.state !== 'active' || p.blocked || !p.secret) return;
    const queuedDue = await db.studyOutbox
      .where('[studyId+state]')
      .equals([p.studyId, 'queued'])
      .filter((i) => i.nextAttemptAt <= now())
      .count();
    if (queuedDue === 0) return;
    const progress = { done: 0, total: queuedDue };
    sending.set(p.studyId, progress);
    let maxRecords: number | undefined;
    try {
      for (;;) {
        const batch = await nextBatch(db, p.studyId, now(), maxRecords);
        if (batch.length === 0) break;
        const ids = batch.map((i) => i.id);
        try {
          const answer = await client(p).donate(
            p.secret,
            batch.map((i) => i.record),
          );
          await markSent(db, ids, now(), answer.accepted === 0 && answer.duplicates > 0);
          progress.done += batch.length;
          await update((all) => {
            const q = all[p.studyId];
            if (q) {
              q.lastSentAt = now();
              delete q.lastError;
            }
          });
        } catch (error) {
          const status = error instanceof StudyHttpError ? error.status : undefined;
          const kind = classifySendFailure(status);
          const message = errorText(error);
          if (kind === 'retry') {
            const due = await markRetry(db, ids, now(), message, error instanceof StudyHttpError ? error.retryAfterSeconds : undefined);
            deps.scheduleSync?.(Math.max(0, due - now()));
            await update((all) => {
              const q = all[p.studyId];
              if (q) q.lastError = `Not sent yet: ${message}. Unspun tries again by itself.`;
            });
            break;
          }
          if (kind === 'blocked') {
            await update((all) => {
              const q = all[p.studyId];
              if (q) q.blocked = `The study server refused this participant: ${message}. Nothing more is sent; what is waiting stays here.`;
            });
            break;
          }
          // Refused as it is: find which record, one by one; a lone refused record is set aside.
          if (batch.length > 1) {
            maxRecords = 1;
            continue;
          }
          await markRejected(db, ids[0]!, now(), message);
        }
      }
    } finally {
      sending.delete(p.studyId);
    }
  }

  let running: Promise<void> | null = null;
  let again = false;

  /** Fills every active study's outbox, closes review windows that are over and sends what is due. */
  function sync(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const all = await deps.loadParticipations();
        for (const p of Object.values(all)) {
          if (p.state !== 'active') continue;
          try {
            await fill(p);
            await closeReviews(db, p.studyId, now());
            await send((await deps.loadParticipations())[p.studyId] ?? p);
          } catch (error) {
            await update((a) => {
              const q = a[p.studyId];
              if (q) q.lastError = errorText(error);
            });
          }
          const due = await nextDue(db, p.studyId);
          if (due !== undefined && due > now()) deps.scheduleSync?.(due - now());
          const firstReview = await db.studyOutbox.where('[studyId+state]').equals([p.studyId, 'review']).toArray();
          const reviewEnds = Math.min(...firstReview.map((i) => i.reviewUntil));
          if (Number.isFinite(reviewEnds)) deps.scheduleSync?.(Math.max(0, reviewEnds - now()));
        }
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  // ---- status and the participant's choices ----

  async function status(): Promise<StudyResponseFor['study-status']> {
    const all = await deps.loadParticipations();
    const studies: StudyView[] = [];
    for (const p of Object.values(all).sort((a, b) => b.joinedAt - a.joinedAt)) {
      const items = await db.studyOutbox.where('studyId').equals(p.studyId).toArray();
      items.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
      const views: ItemView[] = items.map((i) => ({
        id: i.id,
        state: i.state,
        site: i.record.conversation.site,
        replies: i.replies,
        createdAt: i.createdAt,
        reviewUntil: i.reviewUntil,
        attempts: i.attempts,
        nextAttemptAt: i.nextAttemptAt,
        record: i.record,
        ...(i.sentAt !== undefined ? { sentAt: i.sentAt } : {}),
        ...(i.duplicate ? { duplicate: true } : {}),
        ...(i.lastError ? { lastError: i.lastError } : {}),
      }));
      const due = await nextDue(db, p.studyId);
      const progress = sending.get(p.studyId);
      studies.push({
        studyId: p.studyId,
        origin: new URL(p.apiBase).origin,
        joinUrl: p.joinUrl,
        study: p.study,
        participantId: p.participantId,
        joinedAt: p.joinedAt,
        state: p.state,
        counts: await countsFor(db, p.studyId),
        items: views,
        ...(p.blocked ? { blocked: p.blocked } : {}),
        ...(p.lastError ? { lastError: p.lastError } : {}),
        ...(p.lastSentAt !== undefined ? { lastSentAt: p.lastSentAt } : {}),
        ...(p.receipt ? { receipt: p.receipt } : {}),
        ...(p.withdrawnAt !== undefined ? { withdrawnAt: p.withdrawnAt } : {}),
        ...(progress ? { sending: { ...progress } } : {}),
        ...(due !== undefined ? { nextAttemptAt: due } : {}),
      });
    }
    return { studies };
  }

  async function sendNow(studyId: string): Promise<StudyResponseFor['study-send-now']> {
    const p = (await deps.loadParticipations())[studyId];
    if (!p) return fail('No such study here.');
    if (p.state !== 'active') return fail(p.state === 'paused' ? 'This study is paused: resume it first.' : 'You no longer take part in this study.');
    const inReview = await db.studyOutbox.where('[studyId+state]').equals([studyId, 'review']).primaryKeys();
    for (const id of inReview) await applyAction(db, id, 'send-now', now());
    // A retry now, too: the participant asked, so the backoff's wait is cut short.
    const queued = await db.studyOutbox.where('[studyId+state]').equals([studyId, 'queued']).primaryKeys();
    await db.studyOutbox.bulkUpdate(queued.map((key) => ({ key, changes: { nextAttemptAt: 0 } })));
    if (p.blocked) await update((all) => void (all[studyId] && delete all[studyId].blocked));
    void sync();
    return { ok: true, queued: queued.length };
  }

  async function setPaused(studyId: string, paused: boolean): Promise<StudyResponseFor['study-pause']> {
    const ok = await update((all) => {
      const p = all[studyId];
      if (!p || (p.state !== 'active' && p.state !== 'paused')) return false;
      p.state = paused ? 'paused' : 'active';
      return true;
    });
    if (!ok) return fail('This study cannot be paused or resumed now.');
    if (!paused) void sync();
    return { ok: true };
  }

  async function leave(studyId: string): Promise<StudyResponseFor['study-leave']> {
    const ok = await update((all) => {
      const p = all[studyId];
      if (!p || p.state === 'withdrawn') return false;
      p.state = 'left';
      return true;
    });
    if (!ok) return fail('You do not take part in this study.');
    return { ok: true, dropped: await dropItems(db, studyId, 'unsent') };
  }

  async function withdraw(studyId: string): Promise<StudyResponseFor['study-withdraw']> {
    const p = (await deps.loadParticipations())[studyId];
    if (!p || !p.secret) return fail('There is nothing of yours to delete in this study.');
    // Stop sending first, so nothing reaches the server after the deletion.
    await update((all) => {
      const q = all[studyId];
      if (q && q.state === 'active') q.state = 'paused';
    });
    await running;
    let receipt;
    try {
      receipt = await client(p).withdraw(p.secret);
    } catch (error) {
      return fail(`The study server did not delete your data yet: ${errorText(error)}. Nothing was deleted; try again when it answers. Sending stays paused.`);
    }
    await update((all) => {
      const q = all[studyId];
      if (!q) return;
      q.state = 'withdrawn';
      q.receipt = receipt;
      q.withdrawnAt = now();
      delete q.secret;
      delete q.blocked;
      delete q.lastError;
    });
    await dropItems(db, studyId, 'all');
    return { ok: true, receipt };
  }

  async function openJoin(joinUrl: string, sender: Sender): Promise<{ ok: boolean }> {
    const link = parseJoinLink(joinUrl);
    // Only the join page itself may ask: its own address is the link.
    if (!link || !sender.url || !isLoopbackOrigin(link.origin) || parseJoinLink(sender.url)?.joinUrl !== link.joinUrl) return { ok: false };
    await deps.openStudiesPage?.(`#join=${encodeURIComponent(link.joinUrl)}`, sender.tab?.id);
    return { ok: true };
  }

  /** Answers study messages; undefined for any other message. */
  async function handleMessage(raw: unknown, sender: Sender = {}): Promise<unknown> {
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !type.startsWith('study-')) return undefined;
    const parsed = StudyMessage.safeParse(raw);
    if (!parsed.success) return fail(`Bad study message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const m = parsed.data;
    switch (m.type) {
      case 'study-preview':
        return preview(m.joinUrl);
      case 'study-join': {
        const joined = await join(m.joinUrl, m.consentHash);
        if (joined.ok) void sync();
        return joined;
      }
      case 'study-status':
        return status();
      case 'study-item': {
        const ok = m.id.startsWith(`${m.studyId}|`) && (await applyAction(db, m.id, m.action, now()));
        if (ok && m.action === 'send-now') void sync();
        return { ok };
      }
      case 'study-send-now':
        return sendNow(m.studyId);
      case 'study-pause':
        return setPaused(m.studyId, m.paused);
      case 'study-leave':
        return leave(m.studyId);
      case 'study-withdraw':
        return withdraw(m.studyId);
      case 'study-open-join':
        return openJoin(m.joinUrl, sender);
    }
  }

  return { handleMessage, sync, preview, join, status, sendNow, setPaused, leave, withdraw };
}

export type StudyService = ReturnType<typeof createStudyService>;
