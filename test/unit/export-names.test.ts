// The real name finder (full compromise, loaded lazily). Its own test file: loading full compromise
// slows the detector's tokenizer in the same realm, so no detector test shares this module graph.
import { describe, expect, it } from 'vitest';
import { loadNameFinder } from '#shared/export/names';

describe('loadNameFinder (full compromise)', () => {
  it.each([
    ['Dear Mark Stevens, I am writing about my deposit.', ['Mark Stevens']],
    ['Thanks, Jane. John Smith met Mary in Paris.', ['Jane', 'John Smith', 'Mary']],
    ['My boss Linda Park says it is a mistake.', ['Linda Park']],
    ['The function returns a list. May I ask why it will fail?', []],
  ])('%j', async (text, names) => {
    const find = await loadNameFinder();
    const found = find(text).map((s) => text.slice(s.start, s.end));
    for (const name of names) expect(found).toContain(name);
    if (names.length === 0) expect(found).toEqual([]);
  });
});
