// PII redaction for exports: finds emails, phone numbers, URLs, secrets, IPv4 addresses, card
// numbers and (given spans from a name finder) person names, and replaces each with a typed
// placeholder such as `[EMAIL]`. Returns the new text, where each placeholder is, counts per type,
// and an offset map so flag offsets can be moved onto the redacted text.
//
// Pure and synchronous. Person names need a part-of-speech tagger (full compromise), which would
// slow the detector's tokenizer in the same JS realm (STACK.md), so names are not found here:
// callers pass the spans of names they found elsewhere (shared/export/names.ts, in a worker in the
// CLI). Detectors are regexes with stated reasons, and each has should/should-not tables in
// test/unit/redact.test.ts. What they do not catch is listed in the README ("For researchers").

export const PLACEHOLDER_TYPES = ['EMAIL', 'PHONE', 'URL', 'SECRET', 'IP', 'CARD', 'NAME'] as const;
export type PlaceholderType = (typeof PLACEHOLDER_TYPES)[number];

export interface TypedSpan {
  type: PlaceholderType;
  start: number;
  end: number;
}

export interface RedactOptions {
  /** Person-name spans found by a name finder, in the original text's offsets. */
  names?: readonly { start: number; end: number }[];
  /** Types to leave alone (default: none). */
  keep?: readonly PlaceholderType[];
}

export interface Redaction {
  text: string;
  /** Placeholder spans in the redacted text, in text order. */
  items: TypedSpan[];
  counts: Partial<Record<PlaceholderType, number>>;
  /** Replaced spans in the original text (what was removed), in text order. */
  replaced: TypedSpan[];
}

export function placeholder(type: PlaceholderType): string {
  return `[${type}]`;
}

const PLACEHOLDER_RE = new RegExp(`\\[(?:${PLACEHOLDER_TYPES.join('|')})\\]`, 'g');

// ---- detectors (each returns candidate spans; overlaps are merged afterwards) ----

interface Detector {
  type: PlaceholderType;
  /** Why the detector exists; doubles as its id in tests. */
  reason: string;
  find(text: string): { start: number; end: number }[];
}

function matchAll(text: string, re: RegExp, group = 0): { start: number; end: number; match: RegExpExecArray }[] {
  const out: { start: number; end: number; match: RegExpExecArray }[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    const value = m[group];
    if (value === undefined) continue;
    const start = group === 0 ? m.index : m.index + m[0].indexOf(value);
    out.push({ start, end: start + value.length, match: m });
  }
  return out;
}

const EMAIL_RE =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])/g;

// Scheme URLs and www. hosts; a bare domain with a path (example.org/users/7). A bare domain with
// no path ("see example.com") is kept: in prose it names a site, not a person's page.
const URL_RE =
  /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|app|edu|gov|co|me|info|ai|de|uk|fr|nl|es|it|ru|jp|ca|au|us)\/[^\s<>"'`]+/gi;

/** Trailing punctuation is prose, not URL; a closing bracket only when the URL has no opening one for it. */
function trimUrl(text: string, start: number, end: number): number {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>': '<' };
  while (end > start) {
    const ch = text[end - 1]!;
    if ('.,;:!?\'"*_'.includes(ch)) {
      end--;
      continue;
    }
    const open = pairs[ch];
    if (open !== undefined) {
      const url = text.slice(start, end);
      if (url.split(open).length < url.split(ch).length) {
        end--;
        continue;
      }
    }
    break;
  }
  return end;
}

const SECRET_PATTERNS: readonly { reason: string; re: RegExp; group?: number; accept?: (value: string) => boolean }[] = [
  { reason: 'private key block (PEM)', re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g },
  { reason: 'Anthropic / OpenAI style key (sk-, sk-ant-, sk-proj-)', re: /\bsk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{16,}/g },
  { reason: 'GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)', re: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g },
  { reason: 'AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { reason: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { reason: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}/g },
  { reason: 'Stripe key', re: /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { reason: 'JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { reason: 'Bearer token in a header', re: /\bBearer\s+([A-Za-z0-9._~+/-]{16,}=*)/g, group: 1 },
  {
    reason: 'value after "password:", "api_key=", "token:" and the like',
    re: /\b(?:password|passwd|pwd|passcode|passphrase|api[_ -]?key|secret[_ -]?key|client[_ -]?secret|access[_ -]?token|auth[_ -]?token|refresh[_ -]?token|token)(?:\s*[:=]\s*|\s+is\s+)["'`]?([^\s"'`,;]{4,})/gi,
    group: 1,
    // "password: choose a long one" is advice; a value with a digit, a symbol, mixed case or 12+ letters is a secret.
    accept: (value) => /[0-9!@#$%^&*_\-+.~]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value)) || value.length >= 12,
  },
  { reason: 'long hex string (32+ digits: keys, session ids)', re: /(?<![\w-])[0-9a-fA-F]{32,}(?![\w-])/g },
];

/** Random-looking tokens: 32+ chars of base64/url-safe alphabet with mixed classes that change often. */
const TOKEN_RE = /(?<![\w+/=.-])[A-Za-z0-9+/_-]{32,}={0,2}(?![\w+/=-])/g;

function looksRandom(token: string): boolean {
  const body = token.replace(/=+$/, '');
  if (!/[0-9]/.test(body) || !/[a-z]/.test(body) || !/[A-Z]/.test(body)) return false;
  // A path or an identifier changes character class at word boundaries only; a random token
  // changes class on more than a third of its characters.
  const cls = (c: string) => (/[a-z]/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : /[0-9]/.test(c) ? 2 : 3);
  let changes = 0;
  for (let i = 1; i < body.length; i++) if (cls(body[i]!) !== cls(body[i - 1]!)) changes++;
  return changes / body.length > 0.35;
}

const IPV4_RE = /(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\w]|\.\d)/g;

/** Card-like: 13 to 19 digits, in groups split by single spaces or dashes, passing the Luhn check. */
const CARD_RE = /(?<![\w.+-])\d(?:[ -]?\d){12,18}(?![\w]|[.,]\d|-\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

// Phones. Formatted numbers only: a bare run of digits is an id, an amount or a year as often as a
// phone. International: + and country code. US/NANP: (555) 123-4567, 555-123-4567, 555.123.4567,
// 1-800-555-1234. National trunk formats with a leading 0 and spaces (020 7946 0958).
const PHONE_RES: readonly RegExp[] = [
  /(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){2,6}(?![\w])/g,
  /(?<![\w#/.-])(?:1[ .-])?\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}(?![\w]|[.-]\d)/g,
  /(?<![\w#/.-])(?:1[ .-])?\d{3}([.-])\d{3}\1\d{4}(?![\w]|[.-]\d)/g,
  /(?<![\w#/.-])(?:1 )?\d{3} \d{3} \d{4}(?![\w]|[.-]\d| \d)/g,
  /(?<![\w#/.+-])0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}(?![\w]|[.-]\d| \d)/g,
];

/** "Order 555-123-4567", "invoice #", "ticket no." before a number: an id, not a phone. */
const ID_CONTEXT_RE =
  /\b(?:order|invoice|ticket|tracking|case|ref|reference|account|acct|id|serial|sku|part|isbn|no\.?|number|version|v)\s*(?:#|no\.?|number|id)?\s*[:#]?\s*$/i;

function phoneDigits(value: string): number {
  return value.replace(/\D/g, '').length;
}

const DETECTORS: readonly Detector[] = [
  { type: 'EMAIL', reason: 'email address', find: (text) => matchAll(text, EMAIL_RE) },
  {
    type: 'URL',
    reason: 'URL with scheme, www. host, or bare domain with a path',
    find: (text) =>
      matchAll(text, URL_RE)
        .map((m) => ({ start: m.start, end: trimUrl(text, m.start, m.end) }))
        .filter((m) => m.end - m.start > 4),
  },
  {
    type: 'SECRET',
    reason: 'API keys, tokens, passwords and private keys',
    find: (text) => [
      ...SECRET_PATTERNS.flatMap((p) => matchAll(text, p.re, p.group ?? 0).filter((m) => !p.accept || p.accept(text.slice(m.start, m.end)))),
      ...matchAll(text, TOKEN_RE).filter((m) => looksRandom(m.match[0])),
    ],
  },
  {
    type: 'IP',
    reason: 'IPv4 address (not a version number with more parts)',
    find: (text) => matchAll(text, IPV4_RE).filter((m) => !/\bv(?:ersion)?\s*$/i.test(text.slice(Math.max(0, m.start - 9), m.start))),
  },
  { type: 'CARD', reason: 'payment card number (Luhn)', find: (text) => matchAll(text, CARD_RE).filter((m) => cardLike(m.match[0])) },
  {
    type: 'PHONE',
    reason: 'formatted phone number (international, US, national)',
    find: (text) =>
      PHONE_RES.flatMap((re) => matchAll(text, re)).filter((m) => {
        const digits = phoneDigits(m.match[0]);
        if (digits < 9 || digits > 15) return false;
        if (/^\d{4}[-.]\d{2}[-.]\d{2}/.test(m.match[0])) return false; // a date
        return !ID_CONTEXT_RE.test(text.slice(Math.max(0, m.start - 24), m.start));
      }),
  },
];

function cardLike(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  // Separators, if any, must be one kind (4-4-4-4 or 4 4 4 4), not a mix of a phone and a date.
  const seps = value.replace(/\d/g, '');
  if (seps.length > 0 && new Set(seps).size > 1) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return luhnValid(digits);
}

/** All spans to replace, merged so that overlapping finds become one placeholder. */
export function findSensitiveSpans(text: string, options: RedactOptions = {}): TypedSpan[] {
  const keep = new Set(options.keep ?? []);
  const candidates: (TypedSpan & { rank: number })[] = [];
  // When two finds of equal length overlap, the more specific type names the placeholder.
  const rank = (type: PlaceholderType) => (['NAME', 'PHONE', 'IP', 'CARD', 'URL', 'EMAIL', 'SECRET'] as const).indexOf(type);
  for (const detector of DETECTORS) {
    if (keep.has(detector.type)) continue;
    for (const span of detector.find(text)) candidates.push({ type: detector.type, start: span.start, end: span.end, rank: rank(detector.type) });
  }
  if (!keep.has('NAME')) {
    for (const span of options.names ?? []) {
      if (span.end > span.start && span.start >= 0 && span.end <= text.length)
        candidates.push({ type: 'NAME', start: span.start, end: span.end, rank: rank('NAME') });
    }
  }
  // Existing placeholders are never redacted again, so redaction is idempotent.
  const protectedSpans = matchAll(text, PLACEHOLDER_RE).map((m) => ({ start: m.start, end: m.end }));
  const usable = candidates.filter((c) => !protectedSpans.some((p) => c.start < p.end && p.start < c.end));

  usable.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: (TypedSpan & { rank: number; length: number })[] = [];
  for (const c of usable) {
    const last = merged[merged.length - 1];
    if (last && c.start < last.end) {
      // Overlap: one placeholder covers both. Its type is the stronger find's (longer, then rank).
      const length = c.end - c.start;
      if (length > last.length || (length === last.length && c.rank > last.rank)) {
        last.type = c.type;
        last.rank = c.rank;
        last.length = length;
      }
      last.end = Math.max(last.end, c.end);
    } else {
      merged.push({ ...c, length: c.end - c.start });
    }
  }
  return merged.map(({ type, start, end }) => ({ type, start, end }));
}

/** Replaces every sensitive span with its typed placeholder. */
export function redactText(text: string, options: RedactOptions = {}): Redaction {
  const replaced = findSensitiveSpans(text, options);
  return applyRedaction(text, replaced);
}

/** Replaces the given (sorted, non-overlapping) spans with placeholders. */
export function applyRedaction(text: string, replaced: readonly TypedSpan[]): Redaction {
  const parts: string[] = [];
  const items: TypedSpan[] = [];
  const counts: Partial<Record<PlaceholderType, number>> = {};
  let from = 0;
  let length = 0;
  for (const span of replaced) {
    const before = text.slice(from, span.start);
    parts.push(before);
    length += before.length;
    const ph = placeholder(span.type);
    parts.push(ph);
    items.push({ type: span.type, start: length, end: length + ph.length });
    length += ph.length;
    counts[span.type] = (counts[span.type] ?? 0) + 1;
    from = span.end;
  }
  parts.push(text.slice(from));
  return { text: parts.join(''), items, counts, replaced: [...replaced] };
}

/**
 * Moves an offset of the original text onto the redacted text. A start inside a replaced span
 * moves to its placeholder's start, an end inside one to its placeholder's end, so a range that
 * touches a redacted span covers the whole placeholder.
 */
export function mapOffset(redaction: Pick<Redaction, 'items' | 'replaced'>, offset: number, side: 'start' | 'end'): number {
  let delta = 0;
  for (let i = 0; i < redaction.replaced.length; i++) {
    const span = redaction.replaced[i]!;
    const item = redaction.items[i]!;
    const inside = side === 'start' ? span.start <= offset && offset < span.end : span.start < offset && offset <= span.end;
    if (inside) return side === 'start' ? item.start : item.end;
    if (span.end <= offset) delta = item.end - span.end;
    else break;
  }
  return offset + delta;
}

/** Moves a [start, end) range; returns the new range and whether it touched a redacted span. */
export function mapRange(redaction: Pick<Redaction, 'items' | 'replaced'>, start: number, end: number): { start: number; end: number; touched: boolean } {
  const touched = redaction.replaced.some((s) => s.start < end && start < s.end);
  return { start: mapOffset(redaction, start, 'start'), end: mapOffset(redaction, end, 'end'), touched };
}

/** Adds counts of b into a. */
export function addCounts(a: Partial<Record<PlaceholderType, number>>, b: Partial<Record<PlaceholderType, number>>): void {
  for (const type of PLACEHOLDER_TYPES) {
    const n = b[type];
    if (n) a[type] = (a[type] ?? 0) + n;
  }
}
