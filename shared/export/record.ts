// The research export record: one conversation per JSONL line. This zod schema is the single
// source of truth; the shipped JSON Schema (schema.json) is generated from it by exportJsonSchema().
//
// Versioning (semver): a new optional field is a minor bump; removing a field or changing a
// field's meaning is a major bump. Never change what a field means under the same version.
// Field names are snake_case, the convention of research datasets (ShareLM, WildChat, LMSYS);
// the wire Flag's camelCase fields map one to one (wouldSupport -> would_support, ruleId -> rule_id).
import { z } from 'zod';
import { CitationProblem, ClaimSupport, JudgeKind, MoveId, Support } from '../schemas.ts';
import { sha256Hex } from './sha256.ts';

export const EXPORT_SCHEMA_VERSION = '1.2.0';
/** Versions this code reads: every 1.x (a minor version only adds optional fields). */
export const READABLE_SCHEMA_VERSIONS = ['1.0.0', '1.1.0', '1.2.0'] as const;
export const EXPORT_SCHEMA_ID = `https://unspun.invalid/schemas/export/${EXPORT_SCHEMA_VERSION}.json`;

/** Every version with what changed, newest first; shipped in schema.json's description. */
export const EXPORT_SCHEMA_CHANGELOG: readonly (readonly [version: string, date: string, change: string])[] = [
  [
    '1.2.0',
    '2026-12-06',
    'Additive: messages may carry citations (the citation markers the page showed: at/end offsets into the exported text, label, url or null, n, sources, and where each points: host, or nowhere with the reason no-url|unusable-url|beyond-sources) and dropped_citations; claims may carry cites (the markers on that claim, as the side panel links them, with the index of the message citation). Redacted exports redact labels like texts, keep only scheme, host and path of every citation URL (query strings and fragments are dropped: they often carry ids or emails; a path in which redaction finds PII is cut to the host; url_redacted says so), and drop (and count) a marker that sat inside redacted text. 1.0.0 and 1.1.0 records stay valid.',
  ],
  [
    '1.1.0',
    '2026-12-06',
    'Additive: flags may carry ask_back (a follow-up question for weak and unsupported flags); scores may carry claims (the claim ledger: offsets, quote, support source|link|number|reasoning|none, note, quote_verified) and dropped_claims. 1.0.0 records stay valid.',
  ],
  [
    '1.0.0',
    '2026-11-23',
    'First version: one conversation a line; messages with ids, roles, texts, times, models and capture method; scores with judge provenance, flags with offsets into the exported text, reader labels; redaction placeholders and counts; pseudonymous ids.',
  ],
];

/** UTC ISO-8601 with milliseconds, as `Date.prototype.toISOString()` writes it. */
export const IsoTime = z.iso.datetime({ precision: 3 });

export const REDACTION_TYPES = ['EMAIL', 'PHONE', 'URL', 'SECRET', 'IP', 'CARD', 'NAME'] as const;
export const RedactionType = z.enum(REDACTION_TYPES);
export type RedactionType = z.infer<typeof RedactionType>;

export const RedactionCounts = z.partialRecord(RedactionType, z.number().int().nonnegative());
export type RedactionCounts = z.infer<typeof RedactionCounts>;

/** Where a conversation came from. */
export const CAPTURE_SOURCES = ['extension', 'chatgpt-export', 'claude-export'] as const;
export const CaptureSource = z.enum(CAPTURE_SOURCES);
export type CaptureSource = z.infer<typeof CaptureSource>;

/** dom: read from the page; network: from the site's own API payload; import: from a data export file. */
export const CaptureMethod = z.enum(['dom', 'network', 'import']);
export type CaptureMethod = z.infer<typeof CaptureMethod>;

export const Completeness = z.enum(['complete', 'partial', 'unknown']);
export type Completeness = z.infer<typeof Completeness>;

export const ExportLabel = z.object({
  verdict: z.enum(['agree', 'disagree']),
  note: z.string().optional(),
  labeled_at: IsoTime.optional(),
});
export type ExportLabel = z.infer<typeof ExportLabel>;

export const ExportFlag = z.object({
  move: MoveId,
  /** UTF-16 offsets into the message's exported (possibly redacted) text; quote === text.slice(start, end). */
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
  quote: z.string().min(1),
  severity: z.number().int().min(1).max(3),
  support: Support,
  rationale: z.string(),
  would_support: z.string().optional(),
  source: z.enum(['detector', 'judge']),
  rule_id: z.string().optional(),
  /** Weak and unsupported flags: the follow-up question a reader could ask for the missing support (additive, issue 13). */
  ask_back: z.string().optional(),
  /** True when the quote was checked against the text it points into (always, for this exporter). */
  quote_verified: z.boolean(),
  /** True when redaction touched the quote (it was re-sliced from the redacted text). */
  quote_redacted: z.boolean().optional(),
  /** The reader's agree/disagree label on this flag, if any. */
  label: ExportLabel.optional(),
});
export type ExportFlag = z.infer<typeof ExportFlag>;

/** Where a citation points: a page (`host`) or nowhere and why (shared/detect/citations.ts, citationTarget). */
const CitationTargetFields = {
  /** The page's host (`reuters.com`) when the marker points to a web page. */
  host: z.string().min(1).optional(),
  /** Why the marker points nowhere, when it does. Exactly one of host and nowhere is present. */
  nowhere: CitationProblem.optional(),
};

/** One citation marker the page put on the reply (Perplexity, ChatGPT search; additive, 1.2.0). */
export const ExportCitation = z.object({
  /** UTF-16 offset into the exported text where the marker sits: a chip sits between characters, a plain-text marker ("[3]") starts here. */
  at: z.number().int().nonnegative(),
  /** Plain-text markers only: where the marker's text ends. */
  end: z.number().int().positive().optional(),
  /** The marker as the page shows it ("3", "reuters +2", "【4†source】"); redacted like the texts. */
  label: z.string(),
  /** The URL the page gives for it, or null when it gives none. Redacted exports keep scheme, host and path only. */
  url: z.string().nullable(),
  /** The marker's number, when it is numbered. */
  n: z.number().int().positive().optional(),
  /** How many sources the reply lists beside its text, when the page shows such a list. */
  sources: z.number().int().nonnegative().optional(),
  ...CitationTargetFields,
  /** True when redaction changed the label. */
  label_redacted: z.boolean().optional(),
  /** True when redaction dropped the URL's query string or fragment. */
  url_redacted: z.boolean().optional(),
});
export type ExportCitation = z.infer<typeof ExportCitation>;

/** A citation marker on one claim, as the side panel links them (citeClaims). */
export const ExportCite = z.object({
  /** Index of the marker in the message's `citations`; absent when that marker was dropped. */
  citation: z.number().int().nonnegative().optional(),
  label: z.string(),
  url: z.string().nullable(),
  ...CitationTargetFields,
  label_redacted: z.boolean().optional(),
  url_redacted: z.boolean().optional(),
});
export type ExportCite = z.infer<typeof ExportCite>;

/** One factual claim of the reply and what backs it (the claim ledger; additive, issue 13). */
export const ExportClaim = z.object({
  /** UTF-16 offsets into the message's exported (possibly redacted) text; quote === text.slice(start, end). */
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
  quote: z.string().min(1),
  support: ClaimSupport,
  note: z.string().optional(),
  quote_verified: z.boolean(),
  quote_redacted: z.boolean().optional(),
  /** The citation markers that sit on this claim and where each points (1.2.0). `support` stays the judge's reading. */
  cites: z.array(ExportCite).optional(),
});
export type ExportClaim = z.infer<typeof ExportClaim>;

export const ExportJudge = z.object({
  kind: JudgeKind,
  model: z.string().optional(),
  prompt_version: z.string(),
  taxonomy_version: z.string(),
});
export type ExportJudge = z.infer<typeof ExportJudge>;

export const ExportScore = z.object({
  /** 0..100, the judge's overall score for the reply. */
  score: z.number().min(0).max(100),
  judge: ExportJudge,
  scored_at: IsoTime.optional(),
  flags: z.array(ExportFlag),
  /** Flags the judge gave whose quote could not be found in the text: dropped, never exported. */
  dropped_quotes: z.number().int().nonnegative().optional(),
  /** The claim ledger, when the judge gave one (judge: exact claims; offline detector: claim-like sentences). */
  claims: z.array(ExportClaim).optional(),
  /** Claims (and askBack questions) dropped because they failed anchoring or the schema. */
  dropped_claims: z.number().int().nonnegative().optional(),
});
export type ExportScore = z.infer<typeof ExportScore>;

export const ExportRedactionItem = z.object({
  type: RedactionType,
  /** Offsets of the placeholder in the exported text. */
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
});
export type ExportRedactionItem = z.infer<typeof ExportRedactionItem>;

export const MessageRole = z.enum(['user', 'assistant']);
export type MessageRole = z.infer<typeof MessageRole>;

export const ExportMessage = z
  .object({
    /** Site message id, or a pseudonymous `m_<hex>` when ids are pseudonymous. */
    id: z.string().min(1),
    /** The message this one answers or follows on the exported branch. */
    parent_id: z.string().min(1).optional(),
    /** 0-based position in the exported branch. */
    index: z.number().int().nonnegative(),
    role: MessageRole,
    /** Plain text / markdown as captured, after redaction when the export is redacted. */
    text: z.string(),
    created_at: IsoTime.optional(),
    captured_at: IsoTime.optional(),
    model: z.string().optional(),
    /** api: the site's own model slug; dom: the label the page shows. */
    model_source: z.enum(['api', 'dom']).optional(),
    capture_method: CaptureMethod,
    /** Non-text parts the export left out (images, files, audio). */
    attachments: z.array(z.object({ kind: z.string().min(1), mime: z.string().optional() })).optional(),
    /** Where the redaction placeholders are in `text`. */
    redactions: z.array(ExportRedactionItem).optional(),
    /** The reply's citation markers, in the order the page showed them (1.2.0). */
    citations: z.array(ExportCitation).optional(),
    /** Markers left out because their offsets did not fit the text, or sat inside redacted text. */
    dropped_citations: z.number().int().nonnegative().optional(),
    /** Assistant messages only: one entry per judge that scored it. */
    scores: z.array(ExportScore).optional(),
  })
  .superRefine((message, ctx) => {
    message.scores?.forEach((score, s) => {
      score.flags.forEach((flag, f) => {
        if (flag.end > message.text.length || message.text.slice(flag.start, flag.end) !== flag.quote) {
          ctx.addIssue({ code: 'custom', path: ['scores', s, 'flags', f, 'quote'], message: 'quote must equal text.slice(start, end)' });
        }
      });
      score.claims?.forEach((claim, c) => {
        if (claim.end > message.text.length || message.text.slice(claim.start, claim.end) !== claim.quote) {
          ctx.addIssue({ code: 'custom', path: ['scores', s, 'claims', c, 'quote'], message: 'quote must equal text.slice(start, end)' });
        }
        claim.cites?.forEach((cite, k) => {
          const path = ['scores', s, 'claims', c, 'cites', k];
          if (cite.citation !== undefined && cite.citation >= (message.citations?.length ?? 0)) {
            ctx.addIssue({ code: 'custom', path: [...path, 'citation'], message: 'citation must be an index into the message citations' });
          }
          if ((cite.host === undefined) === (cite.nowhere === undefined))
            ctx.addIssue({ code: 'custom', path, message: 'a cite has exactly one of host and nowhere' });
        });
      });
    });
    message.citations?.forEach((citation, i) => {
      if (citation.at > message.text.length || (citation.end !== undefined && (citation.end <= citation.at || citation.end > message.text.length))) {
        ctx.addIssue({ code: 'custom', path: ['citations', i, 'at'], message: 'citation offsets must lie within the text (at < end <= text length)' });
      }
      if ((citation.host === undefined) === (citation.nowhere === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['citations', i], message: 'a citation has exactly one of host and nowhere' });
      }
    });
    if (message.role !== 'assistant' && message.scores && message.scores.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['scores'], message: 'only assistant messages are scored' });
    }
  });
export type ExportMessage = z.infer<typeof ExportMessage>;

export const ExportRecord = z.object({
  schema_version: z.enum(READABLE_SCHEMA_VERSIONS),
  record_type: z.literal('conversation'),
  conversation: z.object({
    /** Site conversation id, or a pseudonymous `c_<hex>` (HMAC-SHA-256 of site and id with the export's salt). */
    id: z.string().min(1),
    site: z.string().min(1).max(64),
    /** Page URL without query or fragment. Left out of redacted exports (it holds the site's id). */
    url: z.string().optional(),
    title: z.string().optional(),
    created_at: IsoTime.optional(),
    updated_at: IsoTime.optional(),
    first_captured_at: IsoTime.optional(),
    last_captured_at: IsoTime.optional(),
    /** Models seen on the exported assistant messages, in order of first appearance. */
    models: z.array(z.string()),
    /** `sha256:<hex>` over the exported roles and texts, for de-duplication across exports. */
    content_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  }),
  capture: z.object({
    source: CaptureSource,
    method: CaptureMethod,
    /** Site adapter (extension) or importer that read it, with its version. */
    adapter_version: z.string().optional(),
    completeness: Completeness,
    warnings: z.array(z.string()),
  }),
  redaction: z.object({
    /** True when the texts went through PII redaction. */
    redacted: z.boolean(),
    /** site: ids as the site gave them; pseudonymous: HMAC-derived ids. */
    ids: z.enum(['site', 'pseudonymous']),
    counts: RedactionCounts,
  }),
  messages: z.array(ExportMessage),
});
export type ExportRecord = z.infer<typeof ExportRecord>;

/** The JSON Schema shipped beside every export (schema.json), generated from ExportRecord. */
export function exportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ExportRecord, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  const changelog = EXPORT_SCHEMA_CHANGELOG.map(([version, date, change]) => `${version} (${date}): ${change}`).join('\n');
  return {
    ...schema,
    $id: EXPORT_SCHEMA_ID,
    title: `Unspun export record ${EXPORT_SCHEMA_VERSION}`,
    description: `One conversation of an Unspun export (JSONL, one record a line). Offsets are UTF-16 code units; times are UTC ISO-8601. Changelog:\n${changelog}`,
  };
}

/** `sha256:<hex>` over role + text of each message (NUL separated): identical conversations hash alike. */
export function contentHash(messages: readonly Pick<ExportMessage, 'role' | 'text'>[]): string {
  return `sha256:${sha256Hex(messages.map((m) => `${m.role}\u0000${m.text}`).join('\u0000'))}`;
}
