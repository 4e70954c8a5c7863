// The dashboard's words that are pure functions: one run as one line of the runs list (same
// fields whether running or ended), and why the conversations list is empty (an empty archive
// points to the demo and import; "No conversations match." is for a filter that matches nothing).
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../shared/records.ts';
import { ARCHIVE_EMPTY_TEXT, demoUrl, listEmptiness, NO_MATCH_TEXT } from '../../extension/dashboard/empty-archive.ts';
import { runLine } from '../../extension/dashboard/runs-view.ts';

const run = (over: Partial<RunRecord>): RunRecord => ({
  id: 'r',
  kind: 'rescore',
  judge: 'offline',
  messageKeys: [],
  status: 'done',
  done: 12,
  failed: 0,
  total: 12,
  createdAt: 1,
  updatedAt: 2,
  ...over,
});
const when = () => 'WHEN';

describe('runLine', () => {
  it.each([
    ['done', run({}), { what: 'Re-scoring 12 replies with the offline detector', count: '12 of 12', status: 'Done', tone: 'ok', value: 1 }],
    ['done with failures', run({ done: 10, failed: 2 }), { status: 'Done (2 failed)', tone: 'warn', count: '12 of 12' }],
    ['running', run({ status: 'running', done: 3 }), { status: 'Running', tone: 'busy', count: '3 of 12', value: 0.25 }],
    ['queued', run({ status: 'queued', done: 0 }), { status: 'Queued', tone: 'busy', count: '0 of 12' }],
    ['waiting on the proxy', run({ status: 'queued', done: 0, error: 'proxy answered 503' }), { status: 'Waiting: proxy answered 503', tone: 'warn' }],
    [
      'failed',
      run({ status: 'failed', done: 0, error: 'Not started: the judge model is not set up' }),
      { status: 'Failed: Not started: the judge model is not set up', tone: 'bad' },
    ],
    ['canceled', run({ status: 'canceled', done: 5 }), { status: 'Canceled', tone: 'warn', count: '5 of 12' }],
    [
      'an import run of one reply',
      run({ kind: 'import', judge: 'auto', total: 1, done: 1 }),
      { what: 'Scoring 1 imported reply with the proxy’s default judge', count: '1 of 1' },
    ],
    ['the judge model', run({ judge: 'anthropic', total: 1, done: 1 }), { what: 'Re-scoring 1 reply with the judge model' }],
  ] as const)('%s', (_name, r, expected) => {
    const line = runLine(r, when);
    expect(line).toMatchObject(expected);
    expect(line.when).toBe('WHEN');
  });

  it('gives every run the same fields, running or ended', () => {
    const keys = (r: RunRecord) => Object.keys(runLine(r, when)).sort();
    expect(keys(run({ status: 'running' }))).toEqual(keys(run({ status: 'done' })));
    expect(keys(run({ status: 'failed', error: 'x' }))).toEqual(keys(run({ status: 'canceled' })));
  });

  it('an empty run is complete, not NaN', () => {
    expect(runLine(run({ total: 0, done: 0 }), when).value).toBe(1);
  });
});

describe('why the list is empty', () => {
  it.each([
    [0, {}, 'archive-empty'],
    [0, { site: 'claude' }, 'no-match'],
    [0, { text: 'nothing like this' }, 'no-match'],
    [0, { flaggedOnly: true }, 'no-match'],
    [0, { flaggedOnly: false, text: '' }, 'archive-empty'],
    [3, {}, 'not-empty'],
    [3, { site: 'claude' }, 'not-empty'],
  ] as const)('%i conversations with filter %j: %s', (total, filter, expected) => {
    expect(listEmptiness(total, filter)).toBe(expected);
  });

  it('keeps the two texts apart, and links the paired proxy’s demo page', () => {
    expect(NO_MATCH_TEXT).toBe('No conversations match.');
    expect(ARCHIVE_EMPTY_TEXT).not.toBe(NO_MATCH_TEXT);
    expect(demoUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787/demo');
    expect(demoUrl('http://localhost:9999/')).toBe('http://localhost:9999/demo');
  });
});
