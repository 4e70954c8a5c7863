// Building export records: from judge results (the convert CLI) and from the extension's archive
// records (the dashboard). Pure; every record leaves through `finishRecord`, which fills the
// derived fields (models, content hash) so they always agree with the messages.
import { citationTarget, citeClaims } from '../detect/citations.ts';
import type { ConversationRecord, MessageRecord, ScoreRecord } from '../records.ts';
import type { CitationMarker, Claim, ClaimCite, Flag, JudgeInfo } from '../schemas.ts';
import {
  type CaptureSource,
  type Completeness,
  contentHash,
  EXPORT_SCHEMA_VERSION,
  type ExportCitation,
  type ExportCite,
  type ExportClaim,
  type ExportFlag,
  type ExportLabel,
  type ExportMessage,
  type ExportRecord,
  type ExportScore,
} from './record.ts';

export function isoTime(value: number | string | Date | undefined | null): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  // Epoch ms (every time the archive stores): straight to the string, no checks on a Date object.
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= 8.64e15 ? new Date(value).toISOString() : undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isFinite(date.getTime()) ? date.toISOString() : undefined;
}

export function exportJudge(judge: JudgeInfo): ExportScore['judge'] {
  return { kind: judge.kind, ...(judge.model ? { model: judge.model } : {}), prompt_version: judge.promptVersion, taxonomy_version: judge.taxonomyVersion };
}

/** A wire Flag as exported. `quote_verified` is checked here, against the text it points into. */
export function exportFlag(flag: Flag, text: string, label?: ExportLabel): ExportFlag {
  const out: ExportFlag = {
    move: flag.move,
    start: flag.start,
    end: flag.end,
    quote: flag.quote,
    severity: flag.severity,
    support: flag.support,
    rationale: flag.rationale,
    ...(flag.wouldSupport !== undefined ? { would_support: flag.wouldSupport } : {}),
    source: flag.source,
    ...(flag.ruleId !== undefined ? { rule_id: flag.ruleId } : {}),
    ...(flag.askBack !== undefined ? { ask_back: flag.askBack } : {}),
    quote_verified: text.slice(flag.start, flag.end) === flag.quote,
  };
  if (label) out.label = label;
  return out;
}

export interface ExportedCitations {
  citations: ExportCitation[];
  /** The markers kept, in the order of `citations` (their indices are the claims' `cites[].citation`). */
  kept: CitationMarker[];
  dropped: number;
}

/**
 * The page's citation markers as exported, each with where it points (a host, or nowhere and why).
 * A marker whose offsets do not fit `text` is dropped and counted, never exported pointing elsewhere.
 */
export function exportCitations(markers: readonly CitationMarker[], text: string): ExportedCitations {
  const out: ExportedCitations = { citations: [], kept: [], dropped: 0 };
  for (const marker of markers) {
    if (marker.at > text.length || (marker.end !== undefined && (marker.end <= marker.at || marker.end > text.length))) {
      out.dropped++;
      continue;
    }
    const target = citationTarget(marker);
    out.kept.push(marker);
    out.citations.push({
      at: marker.at,
      ...(marker.end !== undefined ? { end: marker.end } : {}),
      label: marker.label,
      url: marker.url ?? null,
      ...(marker.n !== undefined ? { n: marker.n } : {}),
      ...(marker.sources !== undefined ? { sources: marker.sources } : {}),
      ...('nowhere' in target ? { nowhere: target.nowhere } : { host: target.host }),
    });
  }
  return out;
}

function exportCite(cite: ClaimCite, citation?: number): ExportCite {
  // A cite made elsewhere may name neither: where its URL points, by the same rule as a marker's.
  const target = cite.nowhere ? { nowhere: cite.nowhere } : cite.host ? { host: cite.host } : citationTarget({ ...(cite.url ? { url: cite.url } : {}) });
  return {
    ...(citation !== undefined ? { citation } : {}),
    label: cite.label,
    url: cite.url ?? null,
    ...('nowhere' in target ? { nowhere: target.nowhere } : { host: target.host }),
  };
}

/** Most cites one claim carries (as the side panel shows them). */
const MAX_CITES = 50;

/**
 * Each claim with the markers that sit on it (`cites`), linked exactly as the side panel links
 * them (citeClaims), plus each marker's index in the message's citations. Only `cites` is added:
 * a claim's support and note stay the judge's reading.
 */
function citeExportClaims(text: string, claims: ExportClaim[], markers: readonly CitationMarker[]): ExportClaim[] {
  if (markers.length === 0 || claims.length === 0) return claims;
  const plain: Claim[] = claims.map((c) => ({
    start: c.start,
    end: c.end,
    quote: c.quote,
    support: c.support,
    ...(c.note !== undefined ? { note: c.note } : {}),
  }));
  const cites = claims.map((): ExportCite[] => []);
  markers.forEach((marker, i) => {
    // One marker at a time: which claim it lands on, and the cite the panel makes of it.
    const linked = citeClaims(text, plain, [marker]);
    const on = linked.findIndex((c) => c.cites?.length);
    if (on < 0 || cites[on]!.length >= MAX_CITES) return;
    cites[on]!.push(exportCite(linked[on]!.cites![0]!, i));
  });
  return claims.map((claim, j) => (cites[j]!.length ? { ...claim, cites: cites[j]! } : claim));
}

export interface ScoreLike {
  score: number;
  flags: readonly Flag[];
  judge: JudgeInfo;
  droppedQuotes?: number;
  claims?: readonly Claim[] | undefined;
  droppedClaims?: number | undefined;
}

/**
 * A judge's result on `text` as an export score. Flags whose quote is not the text at their
 * offsets are dropped and counted (never exported unverified).
 */
export function exportScore(
  result: ScoreLike,
  text: string,
  scoredAt?: number | string,
  labelOf?: (flag: Flag) => ExportLabel | undefined,
  /** The message's exported markers (`exportCitations(...).kept`): claims get their `cites`. */
  markers: readonly CitationMarker[] = [],
): ExportScore {
  const flags: ExportFlag[] = [];
  let dropped = result.droppedQuotes ?? 0;
  for (const flag of result.flags) {
    const exported = exportFlag(flag, text, labelOf?.(flag));
    if (exported.quote_verified && flag.end <= text.length) flags.push(exported);
    else dropped++;
  }
  // The claim ledger, under the same rule: a claim whose quote is not the text is dropped and counted.
  let claims: ExportClaim[] | undefined;
  let droppedClaims = result.droppedClaims ?? 0;
  if (result.claims) {
    claims = [];
    for (const claim of result.claims) {
      if (claim.end <= text.length && text.slice(claim.start, claim.end) === claim.quote) {
        claims.push({
          start: claim.start,
          end: claim.end,
          quote: claim.quote,
          support: claim.support,
          ...(claim.note !== undefined ? { note: claim.note } : {}),
          quote_verified: true,
          // Cites the claim came with (no markers to link here): carried without a marker index.
          ...(claim.cites?.length && markers.length === 0 ? { cites: claim.cites.map((c) => exportCite(c)) } : {}),
        });
      } else droppedClaims++;
    }
    claims = citeExportClaims(text, claims, markers);
  }
  const scored_at = isoTime(scoredAt);
  return {
    score: result.score,
    judge: exportJudge(result.judge),
    ...(scored_at ? { scored_at } : {}),
    flags,
    ...(dropped > 0 ? { dropped_quotes: dropped } : {}),
    ...(claims ? { claims } : {}),
    ...(droppedClaims > 0 ? { dropped_claims: droppedClaims } : {}),
  };
}

/** Fills the derived fields: models in order of first appearance and the content hash. */
export function finishRecord(record: ExportRecord): ExportRecord {
  const models: string[] = [];
  for (const m of record.messages) if (m.role === 'assistant' && m.model && !models.includes(m.model)) models.push(m.model);
  return { ...record, conversation: { ...record.conversation, models, content_hash: contentHash(record.messages) } };
}

export interface NewRecordInput {
  id: string;
  site: string;
  url?: string;
  title?: string;
  createdAt?: number | string;
  updatedAt?: number | string;
  firstCapturedAt?: number | string;
  lastCapturedAt?: number | string;
  source: CaptureSource;
  method: ExportMessage['capture_method'];
  adapterVersion?: string;
  completeness: Completeness;
  warnings?: string[];
  messages: ExportMessage[];
}

/** A record with site ids and no redaction, as an importer or the archive reads it. */
export function newRecord(input: NewRecordInput): ExportRecord {
  const conversation: ExportRecord['conversation'] = { id: input.id, site: input.site, models: [], content_hash: contentHash([]) };
  if (input.url) conversation.url = stripQuery(input.url);
  if (input.title) conversation.title = input.title;
  const times = { created_at: input.createdAt, updated_at: input.updatedAt, first_captured_at: input.firstCapturedAt, last_captured_at: input.lastCapturedAt };
  for (const [key, value] of Object.entries(times)) {
    const iso = isoTime(value);
    if (iso) conversation[key as keyof typeof times] = iso;
  }
  return finishRecord({
    schema_version: EXPORT_SCHEMA_VERSION,
    record_type: 'conversation',
    conversation,
    capture: {
      source: input.source,
      method: input.method,
      ...(input.adapterVersion ? { adapter_version: input.adapterVersion } : {}),
      completeness: input.completeness,
      warnings: input.warnings ?? [],
    },
    redaction: { redacted: false, ids: 'site', counts: {} },
    messages: input.messages,
  });
}

export function stripQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut >= 0 ? url.slice(0, cut) : url;
}

// ---- from the extension's archive (for the dashboard) ----

/** The part of the extension's LabelRecord an export needs (kept structural: shared/ cannot import extension/). */
export interface ArchiveLabel {
  messageKey: string;
  flag: { move: string; start: number; end: number };
  verdict: 'agree' | 'disagree';
  note?: string;
  updatedAt: number;
}

export interface ArchiveConversation {
  conversation: ConversationRecord;
  /** The conversation's captured assistant messages, in any order. */
  messages: readonly MessageRecord[];
  scores: readonly ScoreRecord[];
  labels?: readonly ArchiveLabel[];
  /** Version of the site adapter that captured it, if known. */
  adapterVersion?: string;
}

/** The archive's record source as an export's capture source: a re-imported Unspun export was captured by the extension. */
const CAPTURE_SOURCE_OF: Record<NonNullable<ConversationRecord['source']>, CaptureSource> = {
  extension: 'extension',
  'unspun-export': 'extension',
  'chatgpt-export': 'chatgpt-export',
  'claude-export': 'claude-export',
};

/**
 * The archive stores assistant replies, each with the user turn it answers. The export lists them
 * as user/assistant pairs in capture order; a user turn gets the reply's parent id when the site
 * gave one, else `<reply id>:user`. Provenance comes from what the archive recorded (source,
 * method, completeness, title, per-message capture method and times); records written before
 * those fields existed were all captured by the extension from the page, and are exported so.
 */
export function recordFromArchive(input: ArchiveConversation): ExportRecord {
  const { conversation } = input;
  const source = CAPTURE_SOURCE_OF[conversation.source ?? 'extension'];
  const method = conversation.captureMethod ?? 'dom';
  const imported = source !== 'extension';
  const scoreByMessage = new Map(input.scores.map((s) => [s.messageKey, s]));
  const labelsByMessage = new Map<string, ArchiveLabel[]>();
  for (const label of input.labels ?? []) labelsByMessage.set(label.messageKey, [...(labelsByMessage.get(label.messageKey) ?? []), label]);
  const replies = [...input.messages].sort((a, b) => a.capturedAt - b.capturedAt || a.key.localeCompare(b.key));
  const messages: ExportMessage[] = [];
  const seenUserIds = new Set<string>();
  let anyFallbackId = false;
  for (const reply of replies) {
    if (reply.idSource === 'fallback') anyFallbackId = true;
    let parentId = reply.parentId;
    if (reply.userTurn !== undefined) {
      const userId = reply.parentId ?? `${reply.messageId}:user`;
      if (!seenUserIds.has(userId)) {
        seenUserIds.add(userId);
        messages.push({ id: userId, index: messages.length, role: 'user', text: reply.userTurn, capture_method: reply.captureMethod ?? method });
      }
      parentId = userId;
    }
    const score = scoreByMessage.get(reply.key);
    const labels = labelsByMessage.get(reply.key) ?? [];
    const labelOf = (flag: Flag): ExportLabel | undefined => {
      const label = labels.find((l) => l.flag.move === flag.move && l.flag.start === flag.start && l.flag.end === flag.end);
      if (!label) return undefined;
      return { verdict: label.verdict, ...(label.note ? { note: label.note } : {}), labeled_at: isoTime(label.updatedAt)! };
    };
    const message: ExportMessage = {
      id: reply.messageId,
      ...(parentId ? { parent_id: parentId } : {}),
      index: messages.length,
      role: 'assistant',
      text: reply.text,
      ...(reply.createdAt !== undefined ? { created_at: isoTime(reply.createdAt)! } : {}),
      // An imported reply's capture time is when the export was read, not a fact about the conversation.
      ...(reply.captureMethod === 'import' ? {} : { captured_at: isoTime(reply.capturedAt)! }),
      // Models of imports come from the site's own export data; the extension reads the page's label.
      ...(reply.model
        ? { model: reply.model, model_source: reply.captureMethod === 'dom' || reply.captureMethod === undefined ? ('dom' as const) : ('api' as const) }
        : {}),
      capture_method: reply.captureMethod ?? method,
    };
    const cited = exportCitations(reply.citations ?? [], reply.text);
    if (cited.citations.length) message.citations = cited.citations;
    if (cited.dropped) message.dropped_citations = cited.dropped;
    if (score) message.scores = [exportScore({ ...score, droppedQuotes: score.droppedQuotes }, reply.text, score.scoredAt, labelOf, cited.kept)];
    messages.push(message);
  }
  const warnings: string[] = [];
  if (anyFallbackId) warnings.push('some message ids were derived by the extension (the site showed none)');
  return newRecord({
    id: conversation.conversationId,
    site: conversation.site,
    ...(conversation.url ? { url: conversation.url } : {}),
    // A site export's title is the site's own; otherwise the title is the first user turn, shortened
    // (the dashboard's label for the list): that one is not exported, the user turn itself is.
    ...(conversation.titleSource === 'site' && conversation.title ? { title: conversation.title } : {}),
    // An import stores the conversation's own creation and update times where the extension stores its capture times.
    ...(imported
      ? { createdAt: conversation.firstCapturedAt, updatedAt: conversation.lastCapturedAt }
      : { firstCapturedAt: conversation.firstCapturedAt, lastCapturedAt: conversation.lastCapturedAt }),
    source,
    method,
    ...(input.adapterVersion ? { adapterVersion: input.adapterVersion } : {}),
    // The extension stores the replies it saw finish; earlier turns of the chat may be missing.
    completeness: conversation.completeness ?? 'partial',
    warnings,
    messages,
  });
}
