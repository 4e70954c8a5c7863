// The capture loop's scan scheduler (extension/capture/scan-scheduler.ts): scans are throttled, not
// debounced, so a stream that mutates the page every few milliseconds still gets scanned; mutations
// are pinned to the turns they touched, and anything it cannot pin asks for a full read.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { createChangedTurns, createScanScheduler } from '../../extension/capture/scan-scheduler.ts';

/** Timers the test drives by hand: `advance(ms)` runs what falls due, in order. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  return {
    setTimeout(run: () => void, ms: number): number {
      pending.set(next, { at: now + ms, run });
      return next++;
    },
    clearTimeout(id: number): void {
      pending.delete(id);
    },
    now: () => now,
    advance(ms: number): void {
      const until = now + ms;
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].run();
      }
      now = until;
    },
    get count() {
      return pending.size;
    },
  };
}

describe('scan scheduler', () => {
  it('throttles: mutations every 50 ms still get a scan 120 ms after the first one', () => {
    const timers = manualTimers();
    const scans: number[] = [];
    const scheduler = createScanScheduler(() => scans.push(timers.now()), timers);
    for (let i = 0; i < 10; i++) {
      scheduler.schedule();
      timers.advance(50);
    }
    expect(scans[0]).toBe(120);
    expect(scans.length).toBeGreaterThanOrEqual(3);
    expect(timers.count).toBeLessThanOrEqual(1);
  });

  it('keeps one timer: a sooner request replaces a later one, a later request leaves a sooner one alone', () => {
    const timers = manualTimers();
    const scans: number[] = [];
    const scheduler = createScanScheduler(() => scans.push(timers.now()), timers);
    scheduler.schedule(2_000);
    scheduler.schedule(0);
    scheduler.schedule(5_000);
    expect(timers.count).toBe(1);
    expect(scheduler.isScheduled).toBe(true);
    timers.advance(10_000);
    expect(scans).toEqual([0]);
    expect(scheduler.isScheduled).toBe(false);
  });

  it('after a scan ran, the next request starts a new timer', () => {
    const timers = manualTimers();
    const scans: number[] = [];
    const scheduler = createScanScheduler(() => scans.push(timers.now()), timers, { throttleMs: 10 });
    scheduler.schedule();
    timers.advance(10);
    scheduler.schedule();
    timers.advance(10);
    expect(scans).toEqual([10, 20]);
  });
});

describe('changed turns', () => {
  const { document } = parseHTML(`<!doctype html><html><body>
    <main id="thread"><article class="turn" id="t1"><p id="p1">Hello <b id="b1">there</b></p></article><article class="turn" id="t2"><p>Second</p></article></main>
    <aside id="outside"><article class="turn" id="t3">Not in the thread</article></aside></body></html>`) as unknown as { document: Document };
  const thread = document.getElementById('thread')!;
  const el = (id: string) => document.getElementById(id)!;
  const record = (target: Node) => ({ target });

  it('starts with a full read, then reads nothing until something changes', () => {
    const changed = createChangedTurns();
    expect(changed.take()).toEqual({ full: true, elements: [] });
    expect(changed.take()).toEqual({ full: false, elements: [] });
  });

  it('pins mutations (elements and text nodes) to their turns, each once', () => {
    const changed = createChangedTurns();
    changed.take();
    changed.note([record(el('b1')), record(el('p1').firstChild!), record(el('t2'))], thread, '.turn');
    changed.note([record(el('b1'))], thread, '.turn');
    expect(changed.take()).toEqual({ full: false, elements: [el('t1'), el('t2')] });
  });

  it('asks for a full read for a mutation outside every turn, or outside the thread', () => {
    for (const target of [thread, el('t3'), el('outside')]) {
      const changed = createChangedTurns();
      changed.take();
      changed.note([record(el('b1')), record(target)], thread, '.turn');
      expect(changed.take().full, (target as Element).id).toBe(true);
    }
  });

  it('asks for a full read when there is no turn selector (the adapter cannot read one turn alone)', () => {
    const changed = createChangedTurns();
    changed.take();
    changed.note([record(el('b1'))], thread, null);
    expect(changed.take()).toEqual({ full: true, elements: [] });
  });

  it('re-reads watched turns (still settling) on the next scan without a mutation, once', () => {
    const changed = createChangedTurns();
    changed.take();
    changed.watch(el('t2'));
    changed.note([record(el('b1'))], thread, '.turn');
    changed.watch(el('t1'));
    expect(changed.take()).toEqual({ full: false, elements: [el('t1'), el('t2')] });
    expect(changed.take().elements).toEqual([]);
  });

  it('requireFull and clear', () => {
    const changed = createChangedTurns();
    changed.take();
    changed.watch(el('t1'));
    changed.clear();
    changed.requireFull();
    expect(changed.take()).toEqual({ full: true, elements: [] });
  });
});
