// Between the archive and the export core (shared/export, shared/import): archive conversations
// streamed out as export records one at a time, and imported records stored as archive records.
// Imported replies that come without a score wait (status failed, a clear lastError, so the live
// queue leaves them alone) for the dashboard's import run to score them through the batch endpoint.
import { recordFromArchive } from '#shared/export/build';
import type { ExportMessage, ExportRecord, ExportScore } from '#shared/export/record';
import { conversationKey, messageKey, RecordSource, type MessageRecord, type ScoreRecord } from '#shared/records';
import { MAX_REPLY_CHARS, type Flag, type Turn } from '#shared/schemas';
import { labelKey, type LabelRecord } from '../db/labels.ts';
import type { UnspunDb } from '../db/schema.ts';
import { messageScoreFields, quotesVerified, refreshSummary, titleFrom } from '../db/summary.ts';

/** Conversations read per transaction: few round trips, memory still bounded. */
export const READ_CHUNK = 100;

/** Export records of these conversations, in order, read READ_CHUNK at a time (memory: one chunk). */
export async function* archiveRecords(db: UnspunDb, keys: readonly string[], skip: ReadonlySet<string> = new Set()): AsyncGenerator<ExportRecord> {
  const wanted = keys.filter((k) => !skip.has(k));
  for (let i = 0; i < wanted.length; i += READ_CHUNK) {
    const chunk = wanted.slice(i, i + READ_CHUNK);
    const read = await db.transaction('r', [db.conversations, db.messages, db.scores, db.labels], async () => {
      const conversations = await db.conversations.bulkGet(chunk);
      const messages = await db.messages.where('conversationKey').anyOf(chunk).toArray();
      const scores = await db.scores.bulkGet(messages.map((m) => m.key));
      const labels = await db.labels.where('conversationKey').anyOf(chunk).toArray();
      return { conversations, messages, scores, labels };
    });
    const by = <T>(items: readonly T[], key: (t: T) => string) => {
      const map = new Map<string, T[]>();
      for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
      return map;
    };
    const messagesOf = by(read.messages, (m) => m.conversationKey);
    const scoreOf = new Map(read.scores.filter((s): s is ScoreRecord => Boolean(s)).map((s) => [s.messageKey, s]));
    const labelsOf = by(read.labels, (l) => l.conversationKey);
    for (const conversation of read.conversations) {
      if (!conversation) continue;
      const messages = messagesOf.get(conversation.key) ?? [];
      yield recordFromArchive({
        conversation,
        messages,
        scores: messages.map((m) => scoreOf.get(m.key)).filter((s): s is ScoreRecord => Boolean(s)),
        labels: labelsOf.get(conversation.key) ?? [],
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

export function scoreFromExport(score: ExportScore, messageKey: string, text: string, fallbackAt: number): ScoreRecord {
  const flags: Flag[] = score.flags.map((f) => ({
    move: f.move, start: f.start, end: f.end, quote: f.quote, severity: f.severity, support: f.support, rationale: f.rationale, source: f.source,
    ...(f.rule_id ? { ruleId: f.rule_id } : {}),
    ...(f.would_support ? { wouldSupport: f.would_support } : {}),
  }));
  const j = score.judge;
  const record: ScoreRecord = {
    messageKey, score: score.score, flags,
    judge: { kind: j.kind, ...(j.model ? { model: j.model } : {}), promptVersion: j.prompt_version, taxonomyVersion: j.taxonomy_version },
    cached: false, latencyMs: 0, scoredAt: epoch(score.scored_at) ?? fallbackAt,
    ...(score.dropped_quotes ? { droppedQuotes: score.dropped_quotes } : {}),
  };
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

const SOURCE_OF: Record<ExportRecord['capture']['source'], RecordSource> = { extension: 'unspun-export', 'chatgpt-export': 'chatgpt-export', 'claude-export': 'claude-export' };

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
      key, conversationKey: convKey, site, conversationId: id, messageId: m.id, role: 'assistant', text,
      ...(lastUser ? { userTurn: lastUser.text.slice(0, MAX_REPLY_CHARS) } : {}),
      previous: previousTurns, status: primary ? 'scored' : 'failed', attempts: 0, nextAttemptAt: 0,
      capturedAt: at, updatedAt: now, captureMethod: fromUnspun ? m.capture_method : 'import', completeness: record.capture.completeness === 'complete' ? 'complete' : 'unknown',
      ...(m.created_at ? { createdAt: at } : {}),
      ...(m.parent_id ? { parentId: m.parent_id } : {}),
      ...(m.model ? { model: m.model.slice(0, 200) } : {}),
      ...(record.capture.adapter_version ? { adapterVersion: record.capture.adapter_version.slice(0, 100) } : {}),
      ...(primary ? {} : { lastError: WAITING_FOR_IMPORT_RUN }),
    };
    if (primary) {
      const score = scoreFromExport(primary, key, text, now);
      scores.push(score);
      Object.assign(base, messageScoreFields(score), { scoredAt: score.scoredAt });
      for (const f of primary.flags) {
        if (!f.label) continue;
        const flag = { move: f.move, start: f.start, end: f.end, quote: f.quote, source: f.source, ...(f.rule_id ? { ruleId: f.rule_id } : {}) };
        const labeledAt = epoch(f.label.labeled_at) ?? now;
        labels.push({ key: labelKey(site, id, m.id, flag), messageKey: key, conversationKey: convKey, site, conversationId: id, messageId: m.id, flag, verdict: f.label.verdict, ...(f.label.note ? { note: f.label.note } : {}), createdAt: labeledAt, updatedAt: labeledAt });
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
        key: convKey, site, conversationId: id, firstCapturedAt: created, lastCapturedAt: Math.max(created, updated),
        ...(record.conversation.url ? { url: record.conversation.url } : {}),
        ...(title ? { title } : {}),
        ...(siteTitle ? { titleSource: 'site' as const } : {}),
        source: SOURCE_OF[record.capture.source], captureMethod: fromUnspun ? record.capture.method : 'import', completeness: record.capture.completeness,
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
