// What a study may receive of a stored conversation, and the redacted record that leaves: the
// same function builds the consent screen's example and every donation.
import { describe, expect, it } from 'vitest';
import type { ArchiveConversation } from '../../shared/export/build.ts';
import { ExportRecord } from '../../shared/export/record.ts';
import type { MessageRecord, ScoreRecord } from '../../shared/records.ts';
import { endTime, isAcceptableOrigin, isLoopbackOrigin, parseJoinLink, parseStudyInfo } from '../../extension/study/contract.ts';
import { type StudyRules, studyRecord, studyWindow } from '../../extension/study/eligibility.ts';
import { receiptLines, timeUntil, whatLeaves } from '../../extension/study/words.ts';

const FLAGGED = 'Great question! Write to me at sam.jones@example.com and act now before it is too late.';
const PLAIN = 'Index funds usually charge lower fees than active funds.';
const JOINED = 1_000;

function message(id: string, text: string, capturedAt: number, extra: Partial<MessageRecord> = {}): MessageRecord {
  return {
    key: `chatgpt:c1:${id}`,
    conversationKey: 'chatgpt:c1',
    site: 'chatgpt',
    conversationId: 'c1',
    messageId: id,
    parentId: `${id}-u`,
    role: 'assistant',
    text,
    userTurn: `My colleague Dana Reyes asked me about ${id}; my phone is +1 415 555 0100.`,
    previous: [],
    status: 'scored',
    attempts: 1,
    nextAttemptAt: 0,
    capturedAt,
    updatedAt: capturedAt,
    ...extra,
  };
}

function score(messageKey: string, text: string, flagged: boolean): ScoreRecord {
  const quote = 'Great question!';
  return {
    messageKey,
    scoredAt: 2_000,
    score: flagged ? 60 : 0,
    flags: flagged
      ? [
          {
            move: 'flattery',
            start: text.indexOf(quote),
            end: text.indexOf(quote) + quote.length,
            quote,
            severity: 1,
            support: 'unsupported',
            rationale: 'Praise.',
            source: 'detector',
          },
        ]
      : [],
    judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' },
    cached: false,
    latencyMs: 1,
  };
}

function archive(messages: MessageRecord[], extra: Partial<ArchiveConversation['conversation']> = {}): ArchiveConversation {
  return {
    conversation: {
      key: 'chatgpt:c1',
      site: 'chatgpt',
      conversationId: 'c1',
      url: 'https://chatgpt.com/c/c1',
      firstCapturedAt: 500,
      lastCapturedAt: 3_000,
      source: 'extension',
      ...extra,
    },
    messages,
    scores: messages.filter((m) => m.status === 'scored').map((m) => score(m.key, m.text, m.text === FLAGGED)),
  };
}

const flagged: StudyRules = { collect: 'flagged', sites: 'all', includeUserTurns: false };
const all: StudyRules = { collect: 'all', sites: 'all', includeUserTurns: true };
const window = studyWindow(flagged, JOINED);

describe('which conversations a study receives', () => {
  const cases: [string, ArchiveConversation, StudyRules, string][] = [
    ['a site the study does not collect', archive([message('a1', FLAGGED, 2_000)]), { ...flagged, sites: ['claude'] }, 'ineligible'],
    ['an imported conversation', archive([message('a1', FLAGGED, 2_000)], { source: 'chatgpt-export' }), flagged, 'ineligible'],
    ['replies captured before joining', archive([message('a1', FLAGGED, 900)]), flagged, 'ineligible'],
    ['no flagged reply, flagged-only study', archive([message('a1', PLAIN, 2_000)]), flagged, 'ineligible'],
    ['a reply still being scored', archive([message('a1', FLAGGED, 2_000), message('a2', PLAIN, 2_100, { status: 'pending' })]), flagged, 'waiting'],
    ['a flagged reply after joining', archive([message('a1', FLAGGED, 2_000)]), flagged, 'eligible'],
    ['a plain reply, all-replies study', archive([message('a1', PLAIN, 2_000)]), all, 'eligible'],
    ['a failed score, all-replies study', archive([message('a1', PLAIN, 2_000, { status: 'failed' })]), all, 'eligible'],
    ['the study named this site', archive([message('a1', FLAGGED, 2_000)]), { ...flagged, sites: ['chatgpt'] }, 'eligible'],
  ];
  for (const [name, input, rules, expected] of cases) {
    it(`${name}: ${expected}`, () => {
      expect(studyRecord(input, rules, studyWindow(rules, JOINED), 'salt').status).toBe(expected);
    });
  }

  it('replies after the study’s end date are not sent', () => {
    const ends = { ...flagged, endDate: '1970-01-01T00:00:01.500Z' };
    expect(studyRecord(archive([message('a1', FLAGGED, 2_000)]), ends, studyWindow(ends, JOINED), 's').status).toBe('ineligible');
    expect(studyRecord(archive([message('a1', FLAGGED, 1_200)]), ends, studyWindow(ends, JOINED), 's').status).toBe('eligible');
  });
});

describe('the record that leaves', () => {
  it('flagged-only without user turns: the flagged replies alone, redacted, pseudonymous, valid', () => {
    const result = studyRecord(archive([message('a1', FLAGGED, 2_000), message('a2', PLAIN, 2_100)]), flagged, window, 'salt-1');
    if (result.status !== 'eligible') throw new Error(result.status);
    const { record } = result;
    expect(ExportRecord.safeParse(record).success).toBe(true);
    expect(record.messages.map((m) => m.role)).toEqual(['assistant']);
    expect(record.messages[0]!.index).toBe(0);
    expect(record.messages[0]!.parent_id).toBeUndefined();
    expect(record.messages[0]!.text).toContain('[EMAIL]');
    expect(JSON.stringify(record)).not.toContain('sam.jones@example.com');
    expect(JSON.stringify(record)).not.toContain('Dana');
    // Flags stay on the redacted text.
    const flag = record.messages[0]!.scores![0]!.flags[0]!;
    expect(record.messages[0]!.text.slice(flag.start, flag.end)).toBe(flag.quote);
    expect(record.conversation.id).toMatch(/^c_[0-9a-f]{32}$/);
    expect(record.conversation.url).toBeUndefined();
    expect(record.messages[0]!.id).toMatch(/^m_/);
    expect(record.redaction).toMatchObject({ redacted: true, ids: 'pseudonymous' });
    expect(record.redaction.counts.EMAIL).toBe(1);
  });

  it('with user turns: names after a cue and phone numbers in them are redacted too', () => {
    const result = studyRecord(archive([message('a1', PLAIN, 2_000)]), all, window, 'salt-1');
    if (result.status !== 'eligible') throw new Error(result.status);
    const user = result.record.messages.find((m) => m.role === 'user')!;
    expect(user.text).toContain('[NAME]');
    expect(user.text).toContain('[PHONE]');
    expect(user.text).not.toMatch(/Dana|Reyes|555/);
  });

  it('the same conversation keeps its pseudonymous id within a study and changes across studies', () => {
    const a = studyRecord(archive([message('a1', FLAGGED, 2_000)]), flagged, window, 'study-A');
    const b = studyRecord(archive([message('a1', FLAGGED, 2_000), message('a3', FLAGGED, 2_500)]), flagged, window, 'study-A');
    const c = studyRecord(archive([message('a1', FLAGGED, 2_000)]), flagged, window, 'study-B');
    if (a.status !== 'eligible' || b.status !== 'eligible' || c.status !== 'eligible') throw new Error('not eligible');
    expect(b.record.conversation.id).toBe(a.record.conversation.id);
    expect(b.record.conversation.content_hash).not.toBe(a.record.conversation.content_hash);
    expect(c.record.conversation.id).not.toBe(a.record.conversation.id);
  });

  it('labels (the participant’s own verdicts and notes) are never part of a donation', () => {
    const input = archive([message('a1', FLAGGED, 2_000)]);
    const labelled = {
      ...input,
      labels: [
        { messageKey: 'chatgpt:c1:a1', flag: { move: 'flattery', start: 0, end: 15 }, verdict: 'agree' as const, note: 'my private note', updatedAt: 2_500 },
      ],
    };
    const result = studyRecord(labelled, flagged, window, 's');
    expect(JSON.stringify(result)).not.toContain('my private note');
  });
});

describe('join links and study descriptions', () => {
  it('reads `${publicBase}/join/${studyId}`, with or without a path prefix', () => {
    expect(parseJoinLink('http://127.0.0.1:8788/join/s_abcdefghijklmnop')).toEqual({
      apiBase: 'http://127.0.0.1:8788',
      origin: 'http://127.0.0.1:8788',
      studyId: 's_abcdefghijklmnop',
      joinUrl: 'http://127.0.0.1:8788/join/s_abcdefghijklmnop',
    });
    expect(parseJoinLink(' https://lab.example.org/unspun/join/s_x1/?utm=1#frag ')).toMatchObject({
      apiBase: 'https://lab.example.org/unspun',
      studyId: 's_x1',
    });
  });
  for (const bad of [
    '',
    'not a url',
    'https://lab.example.org/studies/s_x1',
    'https://lab.example.org/join/',
    'javascript:alert(1)//join/x',
    'https://u:p@lab.example.org/join/s_1',
    'https://lab.example.org/join/..%2Fadmin',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => expect(parseJoinLink(bad)).toBeNull());
  }
  it('plain http only on this machine; loopback needs no permission', () => {
    expect(isAcceptableOrigin('http://127.0.0.1:8788')).toBe(true);
    expect(isAcceptableOrigin('http://lab.example.org')).toBe(false);
    expect(isAcceptableOrigin('https://lab.example.org')).toBe(true);
    expect(isLoopbackOrigin('http://localhost:8788')).toBe(true);
    expect(isLoopbackOrigin('https://lab.example.org')).toBe(false);
  });
  const info = {
    studyId: 's_abcdefghijklmnop',
    title: 'T',
    consent: 'Consent text that is long enough.',
    consentSha256: 'a'.repeat(64),
    collect: 'flagged',
    sites: ['demo'],
    includeUserTurns: false,
    endDate: '2027-03-31',
    endsAt: '2027-03-31T23:59:59.999Z',
    reviewHours: 0,
    retentionDays: 30,
    maxParticipants: null,
    status: 'open',
    origin: 'http://127.0.0.1:8788',
    collected: [],
  };
  it('parses the server’s public info with the server’s own schema, and refuses one without a consent hash', () => {
    expect(parseStudyInfo(info)).toMatchObject({ title: 'T', sites: ['demo'] });
    expect(() => parseStudyInfo({ ...info, consentSha256: undefined })).toThrow();
    expect(endTime(parseStudyInfo(info))).toBe(Date.parse('2027-03-31T23:59:59.999Z'));
  });
  it('the consent screen says what leaves, in the study’s own terms', () => {
    const words = whatLeaves(parseStudyInfo({ ...info, sites: ['demo', 'chatgpt'], reviewHours: 24 }), (id) => id.toUpperCase());
    expect(words.join('\n')).toMatch(/DEMO, CHATGPT/);
    expect(words.join('\n')).toMatch(/Only the assistant replies in which Unspun flagged/);
    expect(words.join('\n')).toMatch(/Not your own messages/);
    expect(words.join('\n')).toMatch(/waits 24 hours in your review list/);
    expect(words.join('\n')).toMatch(/\[EMAIL\]/);
  });
});

describe('words', () => {
  it('the withdrawal receipt reads in words, known fields first, unknown ones kept', () => {
    const lines = receiptLines({ studyId: 's_1', deleted: true, donations: 2, consentRecords: 1, participantId: 'p_1', extra: { a: 1 } });
    expect(lines).toEqual([
      ['Deleted', 'yes'],
      ['Conversations deleted', '2'],
      ['Consent records deleted', '1'],
      ['Participant', 'p_1'],
      ['Study', 's_1'],
      ['extra', '{"a":1}'],
    ]);
  });
  it('countdowns', () => {
    expect([timeUntil(0, 10), timeUntil(40_000, 0), timeUntil(3_600_000, 0), timeUntil(5_400_000, 0), timeUntil(60_000 * 59, 0)]).toEqual([
      'now',
      'in 40 s',
      'in 1 h',
      'in 1 h 30 min',
      'in 59 min',
    ]);
  });
});
