// Redaction tables: for every type, texts that must be redacted and look-alikes that must not;
// the offset map (property-style: every range maps onto the same words in the redacted text).
import { describe, expect, it } from 'vitest';
import { findSensitiveSpans, luhnValid, mapOffset, mapRange, type PlaceholderType, redactText } from '#shared/redact';

/** [text, the substrings that must become placeholders of `type`] */
type Row = readonly [text: string, found: readonly string[]];

const SHOULD: Record<Exclude<PlaceholderType, 'NAME'>, readonly Row[]> = {
  EMAIL: [
    ['Write to jane.doe@example.org today.', ['jane.doe@example.org']],
    ['cc: a_b+tag@mail.co.uk, x@y.io', ['a_b+tag@mail.co.uk', 'x@y.io']],
    ['<first.last@sub.domain-name.com>', ['first.last@sub.domain-name.com']],
  ],
  PHONE: [
    ['Call me at (555) 201-3344 tonight.', ['(555) 201-3344']],
    ['My number is 555-201-3344.', ['555-201-3344']],
    ['or 555.201.3344', ['555.201.3344']],
    ['Toll free 1-800-555-0199', ['1-800-555-0199']],
    ['UK office: +44 20 7946 0958', ['+44 20 7946 0958']],
    ['Germany +49 30 1234567', ['+49 30 1234567']],
    ['France: +33 1 42 68 53 00.', ['+33 1 42 68 53 00']],
    ['US +1 (415) 555-0132', ['+1 (415) 555-0132']],
    ['London 020 7946 0958', ['020 7946 0958']],
  ],
  URL: [
    ['See https://example.com/path?q=1.', ['https://example.com/path?q=1']],
    ['(https://en.wikipedia.org/wiki/Foo_(bar))', ['https://en.wikipedia.org/wiki/Foo_(bar)']],
    ['go to www.my-site.net/about, then', ['www.my-site.net/about']],
    ['profile at linkedin.com/in/jane-doe-123', ['linkedin.com/in/jane-doe-123']],
    ['ftp://files.example.org/pub', ['ftp://files.example.org/pub']],
  ],
  SECRET: [
    [`key: ${'sk-ant'}-api03-abcdefghijklmnopqrstuvwxyz012345`, [`${'sk-ant'}-api03-abcdefghijklmnopqrstuvwxyz012345`]],
    ['OPENAI_API_KEY=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx', ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWx']],
    ['token ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked', ['ghp_abcdefghijklmnopqrstuvwxyz0123456789']],
    ['aws AKIAIOSFODNN7EXAMPLE id', ['AKIAIOSFODNN7EXAMPLE']],
    [
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ],
    ['password: hunter2!', ['hunter2!']],
    ['my password is Tr0ub4dor&3', ['Tr0ub4dor&3']],
    ['api_key = "AbC123xyz789"', ['AbC123xyz789']],
    ['Authorization: Bearer abcDEF123456ghiJKL789', ['abcDEF123456ghiJKL789']],
    ['session 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']],
    ['secret Zx8Qm2Lp9Vr4Ks7Nt1Wb6Yc3Hd5Jf0Ga8e end', ['Zx8Qm2Lp9Vr4Ks7Nt1Wb6Yc3Hd5Jf0Ga8e']],
    [
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
      ['-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'],
    ],
  ],
  IP: [
    ['server at 192.168.1.20 is down', ['192.168.1.20']],
    ['from 8.8.8.8.', ['8.8.8.8']],
  ],
  CARD: [
    ['card 4111 1111 1111 1111 exp 12/29', ['4111 1111 1111 1111']],
    ['4242-4242-4242-4242', ['4242-4242-4242-4242']],
    ['amex 378282246310005', ['378282246310005']],
  ],
};

/** Look-alikes: nothing in these texts may be redacted. */
const SHOULD_NOT: readonly { reason: string; text: string }[] = [
  { reason: 'ISO date', text: 'It was signed on 2024-03-15 and again 2024/03/16.' },
  { reason: 'US date', text: 'Due 03-15-2024 or 3/15/2024.' },
  { reason: 'time', text: 'Meet at 10:30 or 14:45:00.' },
  { reason: 'version numbers', text: 'Upgrade from v1.2.3 to 2.10.4, or version 1.2.3.4 of the SDK.' },
  { reason: 'order id with #', text: 'Order #555-123-4567 shipped.' },
  { reason: 'order id after a word', text: 'Your order number 555-123-4567 shipped; invoice 555.123.4567 too.' },
  { reason: 'plain numbers', text: 'The population is 5551234567 and the total was 1,234,567.89.' },
  { reason: 'money', text: 'It costs $1,299.99 or €2 500.' },
  { reason: 'a year range', text: 'Between 1990-2020 prices rose.' },
  { reason: 'bare domain in prose', text: 'Sites like example.com and Python.org explain it.' },
  { reason: 'prose after password', text: 'Your password: choose a long one.' },
  { reason: 'camelCase identifier', text: 'Call getUserAccountSettingsForRegionBackup2 first.' },
  { reason: 'a file path', text: 'Edit src/components/ButtonGroup/index.tsx please.' },
  { reason: 'UUID-like ids stay (not secrets)', text: 'Request 123e4567-e89b-12d3-a456-426614174000 failed.' },
  { reason: 'a long number failing Luhn', text: 'Tracking 4111 1111 1111 1112 is pending.' },
  { reason: 'math', text: 'Compute 3 + 4 - 5 = 2, and 2^10 = 1024.' },
  { reason: 'placeholders already there', text: 'Mail [EMAIL] or call [PHONE]; [NAME] said hi at [URL].' },
  { reason: 'ISBN', text: 'ISBN 978-3-16-148410-0.' },
  { reason: 'short hex', text: 'Colour #ff8800 and commit abc1234.' },
];

function redactedParts(text: string, type: PlaceholderType): string[] {
  return findSensitiveSpans(text)
    .filter((s) => s.type === type)
    .map((s) => text.slice(s.start, s.end));
}

describe('redaction: should redact', () => {
  for (const [type, rows] of Object.entries(SHOULD) as [PlaceholderType, readonly Row[]][]) {
    for (const [text, found] of rows) {
      it(`${type}: ${JSON.stringify(text).slice(0, 60)}`, () => {
        expect(redactedParts(text, type)).toEqual(found);
        const { text: out, counts } = redactText(text);
        for (const part of found) expect(out).not.toContain(part);
        expect(out).toContain(`[${type}]`);
        expect(counts[type]).toBe(found.length);
      });
    }
  }
});

describe('redaction: should not redact', () => {
  for (const { reason, text } of SHOULD_NOT) {
    it(reason, () => {
      expect(findSensitiveSpans(text)).toEqual([]);
      expect(redactText(text).text).toBe(text);
    });
  }
});

describe('redaction: names come from the caller', () => {
  it('replaces the given name spans with [NAME] and counts them', () => {
    const text = 'Dear Mark Stevens, thanks. — Jane';
    const names = ['Mark Stevens', 'Jane'].map((name) => ({ start: text.indexOf(name), end: text.indexOf(name) + name.length }));
    const result = redactText(text, { names });
    expect(result.text).toBe('Dear [NAME], thanks. — [NAME]');
    expect(result.counts).toEqual({ NAME: 2 });
  });

  it('ignores name spans outside the text, empty ones, and ones over a placeholder', () => {
    const text = 'Hi [NAME] and Bob';
    const result = redactText(text, {
      names: [
        { start: 3, end: 9 },
        { start: 5, end: 5 },
        { start: 14, end: 40 },
        { start: 14, end: 17 },
      ],
    });
    expect(result.text).toBe('Hi [NAME] and [NAME]');
    expect(result.counts).toEqual({ NAME: 1 });
  });

  it('keep leaves chosen types alone', () => {
    expect(redactText('mail a@b.io at https://x.org/a', { keep: ['URL'] }).text).toBe('mail [EMAIL] at https://x.org/a');
  });
});

describe('redaction: overlaps and idempotency', () => {
  it('an email inside a URL is one [URL] placeholder', () => {
    expect(redactText('see https://x.org/?u=jane@doe.org now').text).toBe('see [URL] now');
  });

  it('a key inside a URL is covered by the URL placeholder', () => {
    expect(redactText(`GET https://api.x.com/v1?key=${'sk-ant'}-abcdefghijklmnopqrstuv`).text).toBe('GET [URL]');
  });

  it('redacting twice changes nothing more', () => {
    const text = `Jane (jane@x.org, +44 20 7946 0958) sent ${'sk-ant'}-abcdefghijklmnopqrstuvwx from 10.0.0.1 via https://x.org/a`;
    const once = redactText(text).text;
    expect(redactText(once).text).toBe(once);
    expect(findSensitiveSpans(once)).toEqual([]);
  });

  it('Luhn check', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
  });
});

describe('redaction: offset map', () => {
  const text = 'Mail jane@x.org now, or call (555) 201-3344. Everyone knows Bob is right.';
  const result = redactText(text, { names: [{ start: 60, end: 63 }] });

  it('placeholder items point at the placeholders', () => {
    expect(result.text).toBe('Mail [EMAIL] now, or call [PHONE]. Everyone knows [NAME] is right.');
    for (const item of result.items) expect(result.text.slice(item.start, item.end)).toBe(`[${item.type}]`);
  });

  it('offsets outside redacted spans keep their words', () => {
    const start = text.indexOf('Everyone knows');
    const moved = mapRange(result, start, start + 'Everyone knows'.length);
    expect(result.text.slice(moved.start, moved.end)).toBe('Everyone knows');
    expect(moved.touched).toBe(false);
  });

  it('a range partly over a redacted span grows to the whole placeholder', () => {
    const start = text.indexOf('knows');
    const moved = mapRange(result, start, text.indexOf('Bob') + 1);
    expect(result.text.slice(moved.start, moved.end)).toBe('knows [NAME]');
    expect(moved.touched).toBe(true);
  });

  it('a range ending right where a redacted span starts does not take it', () => {
    const end = text.indexOf('jane');
    expect(result.text.slice(mapOffset(result, 0, 'start'), mapOffset(result, end, 'end'))).toBe('Mail ');
  });

  it('property: every range maps to a range whose text is the original with whole placeholders', () => {
    // Deterministic pseudo-random ranges over texts with many kinds of PII.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const texts = [
      text,
      `a@b.io b@c.io https://x.org/1 (555) 201-3344 192.168.0.1 4111 1111 1111 1111 ${'sk-ant'}-abcdefghijklmnopqrstuvwx end`,
      'No PII at all in this one, just words and 2024-01-01.',
      'x'.repeat(5) + 'mail@example.com' + 'y'.repeat(5),
    ];
    for (const t of texts) {
      const r = redactText(t);
      for (let i = 0; i < 300; i++) {
        const a = Math.floor(random() * t.length);
        const b = a + 1 + Math.floor(random() * (t.length - a));
        const moved = mapRange(r, a, b);
        expect(moved.end).toBeGreaterThan(moved.start);
        expect(moved.end).toBeLessThanOrEqual(r.text.length);
        expect(r.text.slice(moved.start, moved.end)).toBe(expectedSlice(t, r.replaced, a, b));
      }
    }
  });
});

/**
 * What a range [a, b) of the original should read as after redaction, computed independently of
 * mapOffset: widened to whole spans where it cuts one, then each span inside replaced by its placeholder.
 */
function expectedSlice(text: string, spans: readonly { type: string; start: number; end: number }[], a: number, b: number): string {
  for (const s of spans) {
    if (s.start < a && a < s.end) a = s.start;
    if (s.start < b && b < s.end) b = s.end;
  }
  let out = '';
  let at = a;
  for (const s of spans) {
    if (s.start >= a && s.end <= b) {
      out += text.slice(at, s.start) + `[${s.type}]`;
      at = s.end;
    }
  }
  return out + text.slice(at, b);
}
