// What the import tells the reader (extension/dashboard/import-report.ts): plain reasons instead of
// schema messages, green for what worked and a separate warning for what was skipped, and a final
// "Done" once the imported replies are scored. The reasons are checked on the importers' real
// messages (the fixtures' broken conversations) as well as on a table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importRecords } from '../../shared/import/index.ts';
import type { RunRecord } from '../../shared/records.ts';
import { addImported, addSkipped, emptyTally, importDone, importLines, plainReason, plainWhere } from '../../extension/dashboard/import-report.ts';

describe('plainReason', () => {
  it.each([
    ['mapping: Invalid input: expected record, received null', 'It has no messages (its “mapping” is empty).'],
    ['chat_messages: Invalid input: expected array, received undefined', 'It has no messages (its “chat_messages” is missing).'],
    ['title: Invalid input: expected string, received number', 'Its title is not text.'],
    [
      'conversation.site: Too small: expected string to have >=1 characters; messages.0.role: Invalid option: expected one of "user"|"assistant"',
      'Its “site” is empty (and 1 other problem).',
    ],
    ['schema_version: Invalid input: expected "1.0.0"', 'Its format version (“schema_version”) is not in the expected form (Invalid input: expected "1.0.0").'],
    ['mapping is empty', 'It has no messages.'],
    ['no user or assistant message on the active branch', 'It has no messages with text (only system or tool messages, or empty ones).'],
    ['no human or assistant message with text', 'It has no messages with text (only system or tool messages, or empty ones).'],
    ['no conversation_id or id', 'It has no conversation id, so it could not be told apart from others.'],
    ['current_node "x" is not in mapping', 'Its last message points at a message that is not in the file.'],
    ['the parent links loop at node "n1"', 'Its messages point at each other in a loop, so their order is unknown.'],
    ['invalid JSON (Unexpected token } in JSON at position 5)', 'This part of the file is not valid JSON: the file may be cut off or damaged.'],
    ['node "n2": author: Invalid input: expected object, received null', 'One of its messages is not in the expected form: its author is empty.'],
  ])('%s', (message, words) => {
    expect(plainReason(message)).toBe(words);
  });

  it('never shows a schema message as it came', () => {
    for (const message of ['mapping: Invalid input: expected record, received null', 'x.y: Invalid input: expected string, received null']) {
      expect(plainReason(message)).not.toMatch(/Invalid input|expected record|received null/);
    }
  });

  it('keeps a message that is already in plain words (with a full stop)', () => {
    expect(plainReason('Could not be stored: quota exceeded')).toBe('Could not be stored: quota exceeded.');
  });

  it('names records 1-based, as a reader counts', () => {
    expect(plainWhere('conversation 3 (id "abc")')).toBe('Conversation 4 in the file (id "abc")');
    expect(plainWhere('line 7 (conversation "x")')).toBe('Line 7 (conversation "x")');
  });

  it('reads the ChatGPT fixture: three conversations import, the two broken ones are skipped in plain words', async () => {
    const tally = emptyTally();
    for await (const o of importRecords('chatgpt', [readFileSync('test/fixtures/exports/chatgpt-conversations.json', 'utf8')])) {
      if (o.ok) addImported(tally, { added: o.record.messages.filter((m) => m.role === 'assistant').length, unscored: ['k'] });
      else addSkipped(tally, o.where, o.message);
    }
    expect(tally.imported).toBe(3);
    expect(tally.skipped.map((s) => s.reason)).toEqual([
      'Its last message points at a message that is not in the file.',
      'It has no messages (its “mapping” is empty).',
    ]);
    expect(tally.skipped[1]!.where).toMatch(/^Conversation 4 in the file \(id "/);
  });
});

const run = (over: Partial<RunRecord>): RunRecord => ({
  id: 'r',
  kind: 'import',
  judge: 'offline',
  messageKeys: [],
  status: 'done',
  done: 4,
  failed: 0,
  total: 4,
  createdAt: 1,
  updatedAt: 2,
  ...over,
});

describe('importLines', () => {
  it('a mostly successful import: green for what worked, a separate warning for what was skipped', () => {
    const t = { imported: 4, newReplies: 6, unscored: 6, skipped: [{ where: 'Conversation 4 in the file', reason: 'It has no messages.' }] };
    const lines = importLines(t);
    expect(lines.ok).toBe('Imported 4 conversations (6 new replies). Scoring 6 replies through the proxy…');
    expect(lines.warning).toBe('Skipped 1 conversation that could not be read (why, below); the rest were imported.');
    expect(lines.failed).toBeUndefined();
  });
  it('all fine: no warning; plurals for one', () => {
    const lines = importLines({ imported: 1, newReplies: 1, unscored: 0, skipped: [] });
    expect(lines).toEqual({ ok: 'Imported 1 conversation (1 new reply).' });
  });
  it('nothing new: says the replies were already there', () => {
    expect(importLines({ imported: 2, newReplies: 0, unscored: 0, skipped: [] }).ok).toBe(
      'Imported 2 conversations (no new replies: they were already in the archive).',
    );
  });
  it('nothing readable: red, and no green line', () => {
    const lines = importLines({ imported: 0, newReplies: 0, unscored: 0, skipped: [{ where: 'Line 1', reason: 'x' }] });
    expect(lines.ok).toBeUndefined();
    expect(lines.warning).toBeUndefined();
    expect(lines.failed).toMatch(/^Nothing was imported/);
  });
  it('while reading: counts, no "Scoring" yet', () => {
    expect(importLines({ imported: 2, newReplies: 3, unscored: 3, skipped: [] }, true).ok).toBe('Reading: 2 conversations (3 new replies).');
  });
});

describe('importDone', () => {
  const t = { imported: 4, newReplies: 6, unscored: 6, skipped: [] };
  it('ends on Done with the scored count once the runs end', () => {
    expect(importDone(t, [run({ done: 6, total: 6 })])).toEqual({ text: 'Done: imported 4 conversations (6 new replies); 6 replies scored.', ok: true });
  });
  it('scores that came with the file: Done, nothing to score', () => {
    expect(importDone({ ...t, unscored: 0 }, [])).toEqual({
      text: 'Done: imported 4 conversations (6 new replies); their scores came with the file.',
      ok: true,
    });
  });
  it('failures or a canceled run: not ok, and says where to go on', () => {
    const failed = importDone(t, [run({ done: 4, failed: 2, total: 6 })]);
    expect(failed.ok).toBe(false);
    expect(failed.text).toContain('4 replies scored, 2 replies not');
    const canceled = importDone(t, [run({ status: 'canceled', done: 1, failed: 0, total: 6 })]);
    expect(canceled.text).toContain('1 reply scored, 5 replies not');
    expect(importDone(t, [undefined]).ok).toBe(false);
  });
});
