// What the server does to each donated record before it is stored. The extension redacts before
// sending; the server does not trust that:
// - a record not marked redacted (redaction.redacted !== true) is refused, with the field named;
// - records outside the study's terms (another site, unflagged replies in a "flagged" study, user
//   turns the study does not collect) are refused, not trimmed, so the participant's review stays
//   the truth about what was given;
// - the texts go through shared/redact again (placeholders already there stay as they are), site
//   ids become pseudonymous with the study's own salt, and the page URL is dropped.
// The stored record still validates against the local export's schema, and its hash (SHA-256 of
// its canonical JSON) is what makes a donation idempotent.
import { ExportRecord } from '#shared/export/record';
import { redactableTexts, redactRecord } from '#shared/export/redact-record';
import { findSensitiveSpans } from '#shared/redact';
import type { StudyFile } from '#shared/api/study';
import { ApiError, type ErrorIssue, zodIssues } from '../middleware/errors.ts';
import { sha256Hex, type PreparedRecord } from './store.ts';

export function prepareRecords(records: readonly ExportRecord[], study: { definition: StudyFile; salt: string }): PreparedRecord[] {
  const issues: ErrorIssue[] = [];
  records.forEach((record, i) => issues.push(...termIssues(record, study.definition).map((issue) => ({ ...issue, path: `records.${i}.${issue.path}` }))));
  if (issues.length > 0) {
    throw new ApiError(
      400,
      'record_refused',
      `${issues.length === 1 ? 'A record does' : `${issues.length} records do`} not meet the study's terms, nothing was stored: ${issues
        .slice(0, 5)
        .map((x) => `${x.path}: ${x.message}`)
        .join('; ')}.`,
      { issues: issues.slice(0, 100) },
    );
  }
  return records.map((record, i) => {
    // The usual case: the extension already redacted everything, and the record was validated on
    // the way in. Only a record with something left to redact (or site ids) is rebuilt and re-checked.
    const clean = record.redaction.ids === 'pseudonymous' && redactableTexts(record).every((text) => findSensitiveSpans(text).length === 0);
    const redacted = clean ? record : redactRecord(record, { texts: true, ids: true, salt: study.salt });
    const { url: _url, ...conversation } = redacted.conversation;
    const parsed = clean ? ({ success: true, data: { ...redacted, conversation } } as const) : ExportRecord.safeParse({ ...redacted, conversation });
    if (!parsed.success) {
      const found = zodIssues(parsed.error).map((x) => ({ path: `records.${i}.${x.path}`, message: x.message }));
      throw new ApiError(
        400,
        'invalid_record',
        `Record ${i} is not valid once redacted, nothing was stored: ${found
          .slice(0, 3)
          .map((x) => `${x.path}: ${x.message}`)
          .join('; ')}.`,
        { issues: found },
      );
    }
    const stored = parsed.data;
    const flagsByMove: Record<string, number> = {};
    for (const message of stored.messages)
      for (const score of message.scores ?? []) for (const flag of score.flags) flagsByMove[flag.move] = (flagsByMove[flag.move] ?? 0) + 1;
    return {
      record: stored,
      hash: `sha256:${sha256Hex(JSON.stringify(stored))}`,
      site: stored.conversation.site,
      models: stored.conversation.models,
      flagsByMove,
    };
  });
}

function termIssues(record: ExportRecord, def: StudyFile): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  if (record.redaction.redacted !== true) {
    issues.push({ path: 'redaction.redacted', message: 'must be true: redact the record (the export redaction) before donating it' });
  }
  if (def.sites !== 'all' && !def.sites.includes(record.conversation.site)) {
    issues.push({
      path: 'conversation.site',
      message: `"${record.conversation.site.slice(0, 64)}" is not collected by this study (sites: ${def.sites.join(', ')})`,
    });
  }
  record.messages.forEach((message, m) => {
    if (message.role === 'user' && !def.includeUserTurns)
      issues.push({ path: `messages.${m}.role`, message: "this study does not collect the user's turns: leave them out" });
  });
  if (!record.messages.some((m) => m.role === 'assistant')) issues.push({ path: 'messages', message: 'a donation needs at least one assistant reply' });
  if (def.collect === 'flagged' && !record.messages.some((m) => m.scores?.some((s) => s.flags.length > 0))) {
    issues.push({ path: 'messages', message: 'this study collects flagged replies only, and no reply in this conversation has a flag' });
  }
  return issues;
}
