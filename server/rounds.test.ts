import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRounds, type RoundStep } from './rounds.ts';

/** A step the test finishes by hand, counting its runs. */
function gate(what: string) {
  let release: (() => void) | null = null;
  const waiting: Array<{ runs: number; resolve: () => void }> = [];
  const gated = {
    runs: 0,
    /** Resolves once the step has started its `runs`-th run (and waits for release). */
    started: (runs: number) => new Promise<void>((resolve) => {
      if (gated.runs >= runs) resolve();
      else waiting.push({ runs, resolve });
    }),
    release() {
      const finish = release;
      release = null;
      finish?.();
    },
    step: {
      what,
      run: () => {
        gated.runs++;
        const running = new Promise<void>((resolve) => { release = resolve; });
        for (const waiter of waiting.filter((w) => gated.runs >= w.runs)) waiter.resolve();
        return running;
      },
    } satisfies RoundStep,
  };
  return gated;
}

const counting = (what: string, log: string[], run: () => Promise<void | 'stop'> = async () => {}): RoundStep =>
  ({ what, run: () => { log.push(what); return run(); } });

describe('rounds', () => {
  it('runs exactly one more round for any number of ticks during a round, and every tick waits for it', async () => {
    const slow = gate('slow');
    const rounds = createRounds([slow.step], () => assert.fail('no trouble expected'));
    const first = rounds.tick();
    await slow.started(1);
    const during = [rounds.tick(), rounds.tick(), rounds.tick()];
    let settled = false;
    void Promise.all(during).then(() => { settled = true; });
    slow.release();
    await slow.started(2);
    assert.equal(slow.runs, 2, 'the ticks during the first round asked for one more');
    assert.equal(settled, false, 'the ticks wait for the round they asked for');
    slow.release();
    await Promise.all([first, ...during]);
    assert.equal(slow.runs, 2);
    assert.equal(rounds.running, null);
    const idle = rounds.tick();
    await slow.started(3);
    assert.equal(slow.runs, 3, 'a tick when idle runs a round at once');
    slow.release();
    await idle;
  });

  it('runs a round at once when idle, and one more when a step asks for it', async () => {
    const log: string[] = [];
    let asks = 1;
    const rounds = createRounds([counting('a', log, async () => { if (asks-- > 0) rounds.again(); }), counting('b', log)], () => {});
    await rounds.tick();
    assert.deepEqual(log, ['a', 'b', 'a', 'b']);
  });

  it('tells trouble of a failing step by its name and still runs the next ones', async () => {
    const log: string[] = [];
    const trouble: Array<[string, string]> = [];
    const rounds = createRounds([
      counting('reading', log, async () => { throw new Error('database away'); }),
      counting('sending', log),
    ], (error, what) => trouble.push([what, (error as Error).message]));
    await rounds.tick();
    assert.deepEqual(log, ['reading', 'sending']);
    assert.deepEqual(trouble, [['reading', 'database away']]);
  });

  it('ends the round after an essential step fails, or after a step that says there is nothing to do', async () => {
    const log: string[] = [];
    const trouble: string[] = [];
    let sites: string[] | Error = new Error('database away');
    const rounds = createRounds([
      { ...counting('listing', log, async () => {
        if (sites instanceof Error) throw sites;
        if (sites.length === 0) return 'stop';
      }), essential: true },
      counting('sending', log),
    ], (_error, what) => trouble.push(what));
    await rounds.tick();
    sites = [];
    await rounds.tick();
    sites = ['s1'];
    await rounds.tick();
    assert.deepEqual(log, ['listing', 'listing', 'listing', 'sending']);
    assert.deepEqual(trouble, ['listing']);
  });

  it('starts no step and no round after close, and close waits for the step on its way', async () => {
    const slow = gate('slow');
    const log: string[] = [];
    const rounds = createRounds([slow.step, counting('after', log)], () => {});
    void rounds.tick();
    await slow.started(1);
    void rounds.tick();
    let closed = false;
    const closing = rounds.close().then(() => { closed = true; });
    await Promise.resolve();
    assert.equal(closed, false, 'close waits for the step in progress');
    slow.release();
    await closing;
    assert.deepEqual(log, [], 'the rest of the round was skipped');
    assert.equal(slow.runs, 1, 'the round a tick asked for did not run');
    await rounds.tick();
    assert.equal(slow.runs, 1, 'a tick after close runs nothing');
    assert.equal(rounds.closed, true);
  });
});
