// Redacting a whole export record: texts (messages, title, label notes, and what scores say about a
// reply: rationales, would-support lines, ask-back questions, claim notes) through shared/redact.ts,
// flag, claim and citation-marker offsets moved onto the redacted text with every quote re-sliced
// from it (a marker inside redacted text is dropped and counted), citation URLs cut to scheme, host
// and path, and site ids replaced by pseudonymous ids (HMAC-SHA-256 with a salt: stable for one
// salt, unlinkable without it).
import { addCounts, mapOffset, mapRange, type PlaceholderType, type Redaction, redactText } from '../redact.ts';
import { finishRecord, stripQuery } from './build.ts';
import { type NameSpan, spreadNames } from './names.ts';
import type { ExportCitation, ExportCite, ExportFlag, ExportMessage, ExportRecord } from './record.ts';
import { hmacSha256Hex } from './sha256.ts';

export interface RecordRedactionOptions {
  /** Replace PII in texts with typed placeholders. */
  texts: boolean;
  /** Replace site conversation and message ids with HMAC-derived ids (and drop the URL, which holds the site id). */
  ids: boolean;
  /** HMAC key for ids: per export (random) or per user (kept), so ids join across that user's exports. */
  salt?: string;
  /** Person names in a text (original offsets). Without it, names are not redacted. */
  names?: (text: string) => readonly NameSpan[];
  keep?: readonly PlaceholderType[];
}

/** Hex digits kept of the HMAC: 128 bits, no collisions in any realistic export. */
const ID_HEX = 32;

export function pseudonymousConversationId(salt: string, site: string, conversationId: string): string {
  return `c_${hmacSha256Hex(salt, `conversation\u0000${site}\u0000${conversationId}`).slice(0, ID_HEX)}`;
}

export function pseudonymousMessageId(salt: string, site: string, conversationId: string, messageId: string): string {
  return `m_${hmacSha256Hex(salt, `message\u0000${site}\u0000${conversationId}\u0000${messageId}`).slice(0, ID_HEX)}`;
}

/** Every text of a record that redaction reads (for a caller that finds names ahead, e.g. in a worker). */
export function redactableTexts(record: ExportRecord): string[] {
  const texts: string[] = [];
  if (record.conversation.title) texts.push(record.conversation.title);
  for (const message of record.messages) {
    texts.push(message.text);
    for (const citation of message.citations ?? []) texts.push(citation.label);
    for (const score of message.scores ?? []) {
      for (const flag of score.flags) {
        if (flag.label?.note) texts.push(flag.label.note);
        texts.push(...scorerTexts(flag));
      }
      for (const claim of score.claims ?? []) if (claim.note) texts.push(claim.note);
    }
  }
  return texts;
}

/** What a score says about a flag in its own words: these often quote the reply (a judge's reason, the ask-back question). */
function scorerTexts(flag: ExportFlag): string[] {
  return [flag.rationale, ...(flag.would_support ? [flag.would_support] : []), ...(flag.ask_back ? [flag.ask_back] : [])];
}

/**
 * Whether redaction replaced text the marker sits in: a plain-text marker that overlaps a replaced
 * span, or a chip strictly inside one. Such a marker has no place in the redacted text: it is dropped.
 */
function markerRedacted(redaction: Redaction, citation: Pick<ExportCitation, 'at' | 'end'>): boolean {
  const { at, end } = citation;
  return redaction.replaced.some((span) => (end !== undefined ? span.start < end && at < span.end : span.start < at && at < span.end));
}

/**
 * A citation URL in a redacted export: scheme, host and path; query strings and fragments often carry
 * ids or emails. A path in which redaction finds PII (an email, a phone number, a key…) is cut to the
 * host: `https://example.org/`.
 */
export function redactUrl(url: string | null, keep?: readonly PlaceholderType[]): { url: string | null; url_redacted?: true } {
  if (url === null) return { url };
  let kept = stripQuery(url);
  if (kept) {
    try {
      const parsed = new URL(kept);
      let path = parsed.pathname;
      try {
        path = decodeURIComponent(path);
      } catch {
        // A malformed escape: check the path as it is.
      }
      // As it is (keys, emails) and with separators as spaces (a phone number split by slashes or dashes).
      const found = (text: string) => redactText(text, keep ? { keep } : {}).replaced.length > 0;
      if (found(path) || found(path.replace(/[/_+-]+/g, ' '))) kept = `${parsed.protocol}//${parsed.host}/`;
    } catch {
      // Not an absolute URL (a relative href): kept as cut.
    }
  }
  // A fragment-only href ("#cite-3") leaves nothing: null, and url_redacted says why.
  return kept === url ? { url } : { url: kept || null, url_redacted: true };
}

/**
 * The `names` option of redactRecord from the spans a finder gave for redactableTexts(record):
 * a name found in one text of the conversation is also hidden in the others (spreadNames).
 */
export function namesLookup(texts: readonly string[], found: readonly (readonly NameSpan[])[]): (text: string) => readonly NameSpan[] {
  const spread = spreadNames(texts, found);
  const byText = new Map(texts.map((text, i) => [text, spread[i] ?? []]));
  return (text) => byText.get(text) ?? [];
}

/** namesLookup with a synchronous finder (the dashboard, after loadNameFinder()). */
export function findNamesInRecord(record: ExportRecord, find: (text: string) => readonly NameSpan[]): (text: string) => readonly NameSpan[] {
  const texts = [...new Set(redactableTexts(record))];
  return namesLookup(texts, texts.map(find));
}

export function redactRecord(record: ExportRecord, options: RecordRedactionOptions): ExportRecord {
  if (options.ids && !options.salt) throw new Error('redactRecord: pseudonymous ids need a salt');
  const counts = { ...record.redaction.counts };
  const redactUncounted = (text: string): Redaction =>
    redactText(text, { ...(options.names ? { names: options.names(text) } : {}), ...(options.keep ? { keep: options.keep } : {}) });
  const redact = (text: string): Redaction => {
    const result = redactUncounted(text);
    addCounts(counts, result.counts);
    return result;
  };

  const pseudonymize = options.ids && record.redaction.ids === 'site';
  const { site } = record.conversation;
  const siteConversationId = record.conversation.id;
  const messageId = (id: string) => (pseudonymize ? pseudonymousMessageId(options.salt!, site, siteConversationId, id) : id);

  const conversation = { ...record.conversation };
  if (pseudonymize) {
    conversation.id = pseudonymousConversationId(options.salt!, site, siteConversationId);
    delete conversation.url;
  }
  if (options.texts && conversation.title) conversation.title = redact(conversation.title).text;

  const messages = record.messages.map((message) => {
    const out: ExportMessage = { ...message, id: messageId(message.id) };
    if (message.parent_id !== undefined) out.parent_id = messageId(message.parent_id);
    if (!options.texts) return out;
    const redaction = redact(message.text);
    const changed = redaction.replaced.length > 0;
    if (changed) {
      out.text = redaction.text;
      // Placeholders already in the text (an earlier redaction) move like flags do.
      const earlier = (message.redactions ?? []).map((item) => ({ type: item.type, ...mapRange(redaction, item.start, item.end) }));
      out.redactions = [...earlier.map(({ type, start, end }) => ({ type, start, end })), ...redaction.items].sort((a, b) => a.start - b.start);
    }
    // Citation markers move with the text; one that sat inside redacted text is dropped and counted.
    // Labels are redacted like texts (counted once, on the marker; a claim's cite is a copy).
    const labelOf = (label: string, count: boolean): { label: string; label_redacted?: true } => {
      const result = count ? redact(label) : redactUncounted(label);
      return result.replaced.length ? { label: result.text, label_redacted: true } : { label };
    };
    const newIndex: (number | undefined)[] = [];
    if (message.citations) {
      const kept: ExportCitation[] = [];
      let dropped = message.dropped_citations ?? 0;
      for (const citation of message.citations) {
        if (changed && markerRedacted(redaction, citation)) {
          dropped++;
          newIndex.push(undefined);
          continue;
        }
        newIndex.push(kept.length);
        const next: ExportCitation = { ...citation, ...labelOf(citation.label, true), ...redactUrl(citation.url, options.keep) };
        if (changed) {
          next.at = mapOffset(redaction, citation.at, 'start');
          if (citation.end !== undefined) next.end = mapOffset(redaction, citation.end, 'end');
        }
        kept.push(next);
      }
      if (kept.length) out.citations = kept;
      else delete out.citations;
      if (dropped) out.dropped_citations = dropped;
    }
    const redactCite = (cite: ExportCite): ExportCite => {
      const next: ExportCite = { ...cite, ...labelOf(cite.label, false), ...redactUrl(cite.url, options.keep) };
      const index = cite.citation === undefined ? undefined : newIndex[cite.citation];
      if (index === undefined) delete next.citation;
      else next.citation = index;
      return next;
    };
    if (message.scores) {
      out.scores = message.scores.map((score) => ({
        ...score,
        flags: score.flags.map((flag) => {
          const next = { ...flag };
          if (changed) {
            const moved = mapRange(redaction, flag.start, flag.end);
            next.start = moved.start;
            next.end = moved.end;
            next.quote = redaction.text.slice(moved.start, moved.end);
            if (moved.touched) next.quote_redacted = true;
          }
          // Label notes are the reader's own words: redacted like the texts.
          if (flag.label?.note) next.label = { ...flag.label, note: redact(flag.label.note).text };
          // The scorer's words about the reply quote it ("You said 'email jane@…'. Which study…?"):
          // redacted like the text, uncounted (the text's own redaction counted each find).
          next.rationale = redactUncounted(flag.rationale).text;
          if (flag.would_support) next.would_support = redactUncounted(flag.would_support).text;
          if (flag.ask_back) next.ask_back = redactUncounted(flag.ask_back).text;
          return next;
        }),
        // Claims move with the text like flags do.
        ...(score.claims
          ? {
              claims: score.claims.map((claim) => {
                const noted = claim.note ? { ...claim, note: redactUncounted(claim.note).text } : claim;
                const cited = noted.cites ? { ...noted, cites: noted.cites.map(redactCite) } : noted;
                if (!changed) return cited;
                const moved = mapRange(redaction, claim.start, claim.end);
                return {
                  ...cited,
                  start: moved.start,
                  end: moved.end,
                  quote: redaction.text.slice(moved.start, moved.end),
                  ...(moved.touched ? { quote_redacted: true } : {}),
                };
              }),
            }
          : {}),
      }));
    }
    return out;
  });

  return finishRecord({
    ...record,
    conversation,
    redaction: {
      redacted: record.redaction.redacted || options.texts,
      ids: record.redaction.ids === 'pseudonymous' || options.ids ? 'pseudonymous' : 'site',
      counts,
    },
    messages,
  });
}

export interface ReviewItem {
  where: 'title' | 'message' | 'label note' | 'citation label';
  /** The message's index (messages and label notes). */
  message?: number;
  type: PlaceholderType;
  /** What will be replaced: shown to the user in the review step, never exported. */
  original: string;
  /** The words around it, with the placeholder in place, as the export will read. */
  context: string;
}

/**
 * What redaction will replace in one record, for the review step before an export ("what will
 * leave"): each find with its type, the original text and the redacted context around it.
 */
export function reviewRedaction(record: ExportRecord, options: Pick<RecordRedactionOptions, 'names' | 'keep'> = {}): ReviewItem[] {
  const items: ReviewItem[] = [];
  const review = (text: string, where: ReviewItem['where'], message?: number) => {
    const result = redactText(text, { ...(options.names ? { names: options.names(text) } : {}), ...(options.keep ? { keep: options.keep } : {}) });
    result.replaced.forEach((span, i) => {
      const item = result.items[i]!;
      const from = Math.max(0, item.start - 30);
      const to = Math.min(result.text.length, item.end + 30);
      const context = `${from > 0 ? '…' : ''}${result.text.slice(from, to).replace(/\s+/g, ' ')}${to < result.text.length ? '…' : ''}`;
      items.push({ where, ...(message !== undefined ? { message } : {}), type: span.type, original: text.slice(span.start, span.end), context });
    });
  };
  if (record.conversation.title) review(record.conversation.title, 'title');
  record.messages.forEach((m, i) => {
    review(m.text, 'message', i);
    for (const citation of m.citations ?? []) review(citation.label, 'citation label', i);
    for (const score of m.scores ?? []) for (const flag of score.flags) if (flag.label?.note) review(flag.label.note, 'label note', i);
  });
  return items;
}
