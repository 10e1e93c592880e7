/**
 * widget/signals.ts against @preact/signals-core: every case runs on both and must see the same,
 * so the widget's few lines stay true to the library that the dashboard and client/'s tests use.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as library from '@preact/signals-core';
import * as ours from './signals.ts';

type Signals = Pick<typeof library, 'signal' | 'computed' | 'effect' | 'batch'>;

for (const [name, s] of [['@preact/signals-core', library], ['widget/signals.ts', ours]] as Array<[string, Signals]>) {
  describe(`signals (${name})`, () => {
    it('re-runs an effect when a signal it read changes, and not when it is set to the same value', () => {
      const count = s.signal(0);
      const seen: number[] = [];
      s.effect(() => void seen.push(count.value));
      count.value = 1;
      count.value = 1;
      count.value = 2;
      assert.deepEqual(seen, [0, 1, 2]);
    });

    it('follows only what the effect read on its last run', () => {
      const which = s.signal<'a' | 'b'>('a');
      const a = s.signal(1);
      const b = s.signal(10);
      const seen: number[] = [];
      s.effect(() => void seen.push(which.value === 'a' ? a.value : b.value));
      b.value = 11; // not read yet: no run
      which.value = 'b';
      a.value = 2; // no longer read: no run
      b.value = 12;
      assert.deepEqual(seen, [1, 11, 12]);
    });

    it('runs each effect once after a batch, however many of its signals changed', () => {
      const first = s.signal('Ada');
      const last = s.signal('Lovelace');
      const seen: string[] = [];
      s.effect(() => void seen.push(`${first.value} ${last.value}`));
      const result = s.batch(() => {
        first.value = 'Grace';
        last.value = 'Hopper';
        return 'done';
      });
      assert.equal(result, 'done');
      assert.deepEqual(seen, ['Ada Lovelace', 'Grace Hopper']);
    });

    it('computes lazily, caches until a dependency changes, and notifies effects that read it', () => {
      const items = s.signal([1, 2, 3]);
      let computations = 0;
      const total = s.computed(() => (computations++, items.value.reduce((a, b) => a + b, 0)));
      assert.equal(computations, 0);
      assert.equal(total.value, 6);
      assert.equal(total.value, 6);
      assert.equal(computations, 1);
      const seen: number[] = [];
      s.effect(() => void seen.push(total.value));
      items.value = [4, 5];
      assert.deepEqual(seen, [6, 9]);
      assert.equal(total.value, 9);
    });

    it('lets an effect write a signal it reads, settling instead of looping (as chat.read() does)', () => {
      const read = s.signal(0);
      const last = s.signal(3);
      let runs = 0;
      s.effect(() => {
        runs++;
        if (last.value > read.value) read.value = last.value;
      });
      assert.equal(read.value, 3);
      last.value = 5;
      assert.equal(read.value, 5);
      assert.ok(runs <= 4, `ran ${runs} times`);
    });

    it('runs an effect triggered by another effect after that one, not inside it', () => {
      const source = s.signal(0);
      const derived = s.signal(0);
      const log: string[] = [];
      s.effect(() => {
        log.push(`first ${source.value}`);
        derived.value = source.value * 10;
        log.push('first done');
      });
      s.effect(() => void log.push(`second ${derived.value}`));
      log.length = 0;
      source.value = 1;
      assert.deepEqual(log, ['first 1', 'first done', 'second 10']);
    });

    it('stops an effect for good when disposed', () => {
      const count = s.signal(0);
      const seen: number[] = [];
      const dispose = s.effect(() => void seen.push(count.value));
      dispose();
      count.value = 1;
      assert.deepEqual(seen, [0]);
    });

    it('subscribes to a value (now and on every change) without tracking what the callback reads', () => {
      const status = s.signal('connecting');
      const mirror = s.signal('');
      const other = s.signal(0);
      const seen: string[] = [];
      const off = status.subscribe((value) => {
        mirror.value = value;
        seen.push(`${value} ${other.value} ${mirror.value}`);
      });
      other.value = 1; // read inside the callback only: no call
      status.value = 'live';
      off();
      status.value = 'offline';
      assert.deepEqual(seen, ['connecting 0 connecting', 'live 1 live']);
    });

    it('keeps running other effects after one of them throws, and throws to the writer', () => {
      const count = s.signal(0);
      const seen: number[] = [];
      s.effect(() => { if (count.value === 1) throw new Error('boom'); });
      s.effect(() => void seen.push(count.value));
      assert.throws(() => { count.value = 1; }, /boom/);
      assert.deepEqual(seen, [0, 1]);
      count.value = 2;
      assert.deepEqual(seen, [0, 1, 2]);
    });
  });
}
