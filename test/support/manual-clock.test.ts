import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createManualClock } from './manual-clock.ts';

describe('manual clock', () => {
  it('does not move until told, then fires due timers in order of due time, each at its own time', () => {
    const clock = createManualClock(1000);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['late', clock.now()]), 300);
    clock.setTimeout(() => fired.push(['early', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['never', clock.now()]), 301);
    assert.equal(clock.now(), 1000);
    clock.advance(300);
    assert.deepEqual(fired, [['early', 1100], ['late', 1300]]);
    assert.equal(clock.now(), 1300);
    assert.equal(clock.pending(), 1);
  });

  it('repeats an interval until it is cleared, and never fires a cleared timeout', () => {
    const clock = createManualClock();
    let beats = 0;
    const interval = clock.setInterval(() => beats++, 10);
    const timeout = clock.setTimeout(() => assert.fail('cleared'), 5);
    clock.clearTimeout(timeout);
    clock.advance(35);
    assert.equal(beats, 3);
    clock.clearInterval(interval);
    clock.advance(100);
    assert.equal(beats, 3);
    assert.equal(clock.pending(), 0);
  });

  it('fires a timer set by a due timer within the same advance, when it falls inside it', () => {
    const clock = createManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 50), 50);
    clock.advance(100);
    assert.deepEqual(fired, [100]);
  });

  it('advance leaves a timer set after an await for later; advanceAsync fires it at the time it is due', async () => {
    // A retry after a failed request: the callback awaits, then sets the next timer.
    const retrying = (clock: ReturnType<typeof createManualClock>, attempts: number[]) => {
      const attempt = async () => {
        attempts.push(clock.now());
        await Promise.resolve();
        if (attempts.length < 3) clock.setTimeout(() => void attempt(), 1000);
      };
      clock.setTimeout(() => void attempt(), 1000);
    };
    const sync = createManualClock(0);
    const syncAttempts: number[] = [];
    retrying(sync, syncAttempts);
    sync.advance(5000);
    await Promise.resolve();
    assert.deepEqual(syncAttempts, [1000]);

    const async = createManualClock(0);
    const asyncAttempts: number[] = [];
    retrying(async, asyncAttempts);
    await async.advanceAsync(5000);
    assert.deepEqual(asyncAttempts, [1000, 2000, 3000]);
    assert.equal(async.now(), 5000);
  });

  it('gives functions that work detached, as the client passes them in its deps', () => {
    const { now, setTimeout, advance } = createManualClock(0);
    let fired = false;
    setTimeout(() => (fired = true), 10);
    advance(10);
    assert.equal(fired, true);
    assert.equal(now(), 10);
  });

  it('stays test support: no shipped module imports it, or anything else under test/', () => {
    const shipped = globSync('{protocol,server,client,widget,dashboard}/**/*.{ts,tsx}').filter((file) => !/\.test\.tsx?$/.test(file));
    assert.ok(shipped.length > 50, 'found the product files');
    const importers = shipped.filter((file) => /from '(\.\.\/)+test\//.test(readFileSync(file, 'utf8')));
    assert.deepEqual(importers, []);
  });
});
