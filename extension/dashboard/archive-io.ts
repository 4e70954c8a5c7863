// Between the archive and the export core (shared/export, shared/import): archive conversations
// streamed out as export records one at a time, and imported records stored as archive records.
// Imported replies that come without a score wait (status failed, a clear lastError, so the live
// queue leaves them alone) for the dashboard's import run to score them through the batch endpoint.
import { needsAskBack } from '#shared/ask-back';
import { recordFromArchive } from '#shared/export/build';
import type { ExportMessage, ExportRecord, ExportScore } from '#shared/export/record';
import { conversationKey, messageKey, RecordSource, type ConversationRecord, type MessageRecord, type ScoreRecord } from '#shared/records';
import { type CitationMarker, type Claim, MAX_ASK_BACK_CHARS, MAX_CITATION_LABEL, MAX_CITATIONS, MAX_REPLY_CHARS, type Flag, type Turn } from '#shared/schemas';
import { labelKey, type LabelRecord } from '../db/labels.ts';
import type { UnspunDb } from '../db/schema.ts';
import { messageScoreFields, quotesVerified, refreshSummary, titleFrom } from '../db/summary.ts';

/** Conversations read per transaction: few round trips, memory still bounded (two chunks at most). */
export const READ_CHUNK = 100;

interface ArchiveRows {
  conversation: ConversationRecord;
  messages: MessageRecord[];
  scores: ScoreRecord[];
  labels: LabelRecord[];
}

/**
 * One chunk of conversations with their rows, in one read-only transaction. Every read of the
 * chunk is issued at once (IndexedDB queues them; no round trip waits for another), each a getAll
 * on a key range: a conversation's replies by index, its scores by the primary-key prefix
 * `<conversation key>:` that every message key has (one request, not one per reply), its labels
 * only when the summary counts some. Raw IndexedDB, not Dexie: the export reads every row of the
 * archive, and Dexie's per-request promise plumbing was a measurable share of its time (test/bench/
 * dashboard.ts); the schema has no reading hooks for Dexie to apply.
 */
async function readChunk(db: UnspunDb, keys: readonly string[]): Promise<ArchiveRows[]> {
  if (!db.isOpen()) await db.open();
  const idb = db.backendDB();
  return new Promise((resolve, reject) => {
    const tx = idb.transaction(['conversations', 'messages', 'scores', 'labels'], 'readonly');
    const stores = {
      conversations: tx.objectStore('conversations'),
      messages: tx.objectStore('messages').index('conversationKey'),
      scores: tx.objectStore('scores'),
      labels: tx.objectStore('labels').index('conversationKey'),
    };
    const rows: (ArchiveRows | undefined)[] = new Array(keys.length);
    const read = <T>(request: IDBRequest<T>, done: (result: T) => void) => {
      request.onsuccess = () => done(request.result);
    };
    keys.forEach((key, i) => {
      const row: ArchiveRows = { conversation: undefined as unknown as ConversationRecord, messages: [], scores: [], labels: [] };
      read(stores.conversations.get(key) as IDBRequest<ConversationRecord | undefined>, (conversation) => {
        if (!conversation) return;
        row.conversation = conversation;
        rows[i] = row;
        if (conversation.labelCount !== 0) read(stores.labels.getAll(key) as IDBRequest<LabelRecord[]>, (labels) => (row.labels = labels));
      });
      read(stores.messages.getAll(key) as IDBRequest<MessageRecord[]>, (messages) => (row.messages = messages));
      // `;` follows `:` in code-unit order: the range is exactly the keys that start with `key:`.
      read(stores.scores.getAll(IDBKeyRange.bound(`${key}:`, `${key};`, false, true)) as IDBRequest<ScoreRecord[]>, (scores) => (row.scores = scores));
    });
    tx.oncomplete = () => {
      const out: ArchiveRows[] = [];
      for (const row of rows) {
        if (!row) continue;
        // A longer conversation id can share the prefix (`a:b` vs `a`): keep this conversation's own scores.
        const own = new Set(row.messages.map((m) => m.key));
        if (row.scores.some((s) => !own.has(s.messageKey))) row.scores = row.scores.filter((s) => own.has(s.messageKey));
        out.push(row);
      }
      resolve(out);
    };
    tx.onabort = () => reject(tx.error ?? new Error('reading the archive was aborted'));
  });
}

/**
 * Export records of these conversations, in order, read READ_CHUNK at a time. The next chunk is
 * read while the current one is turned into records (and written by the caller), so the
 * database's work and ours overlap instead of taking turns.
 */
export async function* archiveRecords(db: UnspunDb, keys: readonly string[], skip: ReadonlySet<string> = new Set()): AsyncGenerator<ExportRecord> {
  const wanted = keys.filter((k) => !skip.has(k));
  const read = (from: number): Promise<ArchiveRows[]> | undefined => {
    if (from >= wanted.length) return undefined;
    const pending = readChunk(db, wanted.slice(from, from + READ_CHUNK));
    pending.catch(() => undefined); // awaited below; a consumer that stops early must not leave it unhandled
    return pending;
  };
  let next = read(0);
  for (let i = 0; next; i += READ_CHUNK) {
    const chunk = await next;
    next = read(i + READ_CHUNK);
    for (const { conversation, messages, scores, labels } of chunk) {
      yield recordFromArchive({
        conversation,
        messages,
        scores,
        labels,
        ...(conversation.adapterVersion ? { adapterVersion: conversation.adapterVersion } : {}),
      });
    }
  }
}

export const WAITING_FOR_IMPORT_RUN = 'Imported without a score: waiting for the import run (batch endpoint).';

const epoch = (iso: string | undefined): number | undefined => {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
};

/**
 * An exported message's citation markers as the archive stores them (1.2.0 exports). Where each
 * points is not stored: the side panel works it out again from the URL. Markers that do not fit
 * the stored text (cut to MAX_REPLY_CHARS) are left out.
 */
export function citationsFromExport(message: Pick<ExportMessage, 'citations'>, text: string): CitationMarker[] {
  const markers: CitationMarker[] = [];
  for (const c of message.citations ?? []) {
    if (markers.length >= MAX_CITATIONS) break;
    if (c.at > text.length || (c.end !== undefined && c.end > text.length)) continue;
    markers.push({
      at: c.at,
      ...(c.end !== undefined ? { end: c.end } : {}),
      label: c.label.slice(0, MAX_CITATION_LABEL),
      ...(c.url !== null ? { url: c.url.slice(0, 2048) } : {}),
      ...(c.n !== undefined ? { n: c.n } : {}),
      ...(c.sources !== undefined ? { sources: c.sources } : {}),
    });
  }
  return markers;
}

export function scoreFromExport(score: ExportScore, messageKey: string, text: string, fallbackAt: number): ScoreRecord {
  const flags: Flag[] = score.flags.map((f) => ({
    move: f.move,
    start: f.start,
    end: f.end,
    quote: f.quote,
    severity: f.severity,
    support: f.support,
    rationale: f.rationale,
    source: f.source,
    ...(f.rule_id ? { ruleId: f.rule_id } : {}),
    ...(f.would_support ? { wouldSupport: f.would_support } : {}),
    // The follow-up question (1.1.0+): kept where a flag may carry one, so "Did asking help?" counts
    // questions asked about imported replies too.
    ...(f.ask_back?.trim() && f.ask_back.length <= MAX_ASK_BACK_CHARS && needsAskBack(f) ? { askBack: f.ask_back } : {}),
  }));
  const j = score.judge;
  const record: ScoreRecord = {
    messageKey,
    score: score.score,
    flags,
    judge: { kind: j.kind, ...(j.model ? { model: j.model } : {}), promptVersion: j.prompt_version, taxonomyVersion: j.taxonomy_version },
    cached: false,
    latencyMs: 0,
    scoredAt: epoch(score.scored_at) ?? fallbackAt,
    ...(score.dropped_quotes ? { droppedQuotes: score.dropped_quotes } : {}),
  };
  // The claim ledger (1.1.0+), without cites: the panel links the stored markers to it again.
  if (score.claims) {
    const claims: Claim[] = score.claims
      .filter((c) => c.end <= text.length && text.slice(c.start, c.end) === c.quote)
      .map((c) => ({ start: c.start, end: c.end, quote: c.quote, support: c.support, ...(c.note !== undefined ? { note: c.note.slice(0, 300) } : {}) }));
    record.claims = claims;
    if (score.dropped_claims) record.droppedClaims = score.dropped_claims;
  }
  record.quotesVerified = quotesVerified(text, record);
  return record;
}

export interface StoredImport {
  conversationKey: string;
  /** Replies stored now (not already in the archive). */
  added: number;
  /** Replies stored without a score: the import run scores them. */
  unscored: string[];
}

const SOURCE_OF: Record<ExportRecord['capture']['source'], RecordSource> = {
  extension: 'unspun-export',
  'chatgpt-export': 'chatgpt-export',
  'claude-export': 'claude-export',
};

/** Stores one imported conversation; replies already in the archive (same site, ids) are kept as they are. */
export async function storeImported(db: UnspunDb, record: ExportRecord, now: number): Promise<StoredImport> {
  const { site, id } = record.conversation;
  const convKey = conversationKey(site, id);
  const created = epoch(record.conversation.created_at) ?? epoch(record.conversation.first_captured_at) ?? now;
  const updated = epoch(record.conversation.updated_at) ?? epoch(record.conversation.last_captured_at) ?? created;
  // A re-imported Unspun export of the extension's captures keeps how they were captured (dom,
  // network); everything read from a site's data export is an import.
  const fromUnspun = record.capture.source === 'extension';
  const messages: MessageRecord[] = [];
  const scores: ScoreRecord[] = [];
  const labels: LabelRecord[] = [];
  const turns: Turn[] = [];
  let lastUser: ExportMessage | undefined;
  for (const m of record.messages) {
    if (m.role === 'user') {
      lastUser = m;
      turns.push({ role: 'user', text: m.text.slice(0, MAX_REPLY_CHARS) });
      continue;
    }
    const text = m.text.slice(0, MAX_REPLY_CHARS);
    const previousTurns = turns.slice(0, lastUser ? -1 : undefined).slice(-20);
    turns.push({ role: 'assistant', text });
    if (!text.trim()) continue;
    const key = messageKey(site, id, m.id);
    const at = epoch(m.created_at) ?? epoch(m.captured_at) ?? created + m.index;
    const primary = m.scores?.[0];
    const base: MessageRecord = {
      key,
      conversationKey: convKey,
      site,
      conversationId: id,
      messageId: m.id,
      role: 'assistant',
      text,
      ...(lastUser ? { userTurn: lastUser.text.slice(0, MAX_REPLY_CHARS) } : {}),
      previous: previousTurns,
      status: primary ? 'scored' : 'failed',
      attempts: 0,
      nextAttemptAt: 0,
      capturedAt: at,
      updatedAt: now,
      captureMethod: fromUnspun ? m.capture_method : 'import',
      completeness: record.capture.completeness === 'complete' ? 'complete' : 'unknown',
      ...(m.created_at ? { createdAt: at } : {}),
      ...(m.parent_id ? { parentId: m.parent_id } : {}),
      ...(m.model ? { model: m.model.slice(0, 200) } : {}),
      ...(record.capture.adapter_version ? { adapterVersion: record.capture.adapter_version.slice(0, 100) } : {}),
      ...(primary ? {} : { lastError: WAITING_FOR_IMPORT_RUN }),
    };
    const citations = citationsFromExport(m, text);
    if (citations.length) base.citations = citations;
    if (primary) {
      const score = scoreFromExport(primary, key, text, now);
      scores.push(score);
      Object.assign(base, messageScoreFields(score), { scoredAt: score.scoredAt });
      for (const f of primary.flags) {
        if (!f.label) continue;
        const flag = { move: f.move, start: f.start, end: f.end, quote: f.quote, source: f.source, ...(f.rule_id ? { ruleId: f.rule_id } : {}) };
        const labeledAt = epoch(f.label.labeled_at) ?? now;
        labels.push({
          key: labelKey(site, id, m.id, flag),
          messageKey: key,
          conversationKey: convKey,
          site,
          conversationId: id,
          messageId: m.id,
          flag,
          verdict: f.label.verdict,
          ...(f.label.note ? { note: f.label.note } : {}),
          createdAt: labeledAt,
          updatedAt: labeledAt,
        });
      }
    }
    messages.push(base);
  }
  return db.transaction('rw', [db.conversations, db.messages, db.scores, db.labels], async () => {
    const existing = new Set((await db.messages.bulkGet(messages.map((m) => m.key))).filter(Boolean).map((m) => m!.key));
    const fresh = messages.filter((m) => !existing.has(m.key));
    const conversation = await db.conversations.get(convKey);
    if (!conversation) {
      const siteTitle = record.conversation.title?.slice(0, 200);
      const title = siteTitle || titleFrom(fresh[0]?.userTurn);
      await db.conversations.add({
        key: convKey,
        site,
        conversationId: id,
        firstCapturedAt: created,
        lastCapturedAt: Math.max(created, updated),
        ...(record.conversation.url ? { url: record.conversation.url } : {}),
        ...(title ? { title } : {}),
        ...(siteTitle ? { titleSource: 'site' as const } : {}),
        source: SOURCE_OF[record.capture.source],
        captureMethod: fromUnspun ? record.capture.method : 'import',
        completeness: record.capture.completeness,
        ...(record.capture.adapter_version ? { adapterVersion: record.capture.adapter_version.slice(0, 100) } : {}),
      });
    }
    await db.messages.bulkAdd(fresh);
    const freshKeys = new Set(fresh.map((m) => m.key));
    await db.scores.bulkPut(scores.filter((s) => freshKeys.has(s.messageKey)));
    await db.labels.bulkPut(labels.filter((l) => freshKeys.has(l.messageKey)));
    await refreshSummary(db, convKey);
    return { conversationKey: convKey, added: fresh.length, unscored: fresh.filter((m) => m.status === 'failed').map((m) => m.key) };
  });
}
