/**
 * The transport after the machine slept: timers stop while it sleeps and the wall clock does not,
 * so here the transport's `now` is the manual clock plus an offset that a "sleep" moves on, while
 * its timers stay where they were — as a laptop's do when its lid is closed.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { EventBatch } from '../protocol/protocol.ts';
import { FakeEventSource } from '../test/support/fake-event-source.ts';
import { createManualClock } from '../test/support/manual-clock.ts';
import { settle } from '../test/support/settle.ts';
import { createTransport, STALL_MS } from './transport.ts';

function setup() {
  const clock = createManualClock();
  let slept = 0;
  const polls: Array<{ url: string; resolve: (batch: EventBatch) => void }> = [];
  const fetch = ((url: string, init: RequestInit) => new Promise((resolve, reject) => {
    init.signal!.addEventListener('abort', () => reject(init.signal!.reason));
    polls.push({ url, resolve: (batch) => resolve({ ok: true, status: 200, json: async () => batch } as Response) });
  })) as unknown as typeof globalThis.fetch;
  const transport = createTransport({
    streamUrl: () => 'https://chat.test/stream',
    pollUrl: 'https://chat.test/events',
    cursor: 'e:10',
    onEvent: () => {},
    deps: {
      EventSource: FakeEventSource as any, fetch, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
      random: () => 0.5, now: () => clock.now() + slept, online: () => true, onOnline: () => () => {},
    },
  });
  /** The wall clock moves on by ms; no timer fires, none gets closer to firing. */
  const sleep = (ms: number) => void (slept += ms);
  return { clock, transport, polls, sleep };
}

async function live(transport: ReturnType<typeof setup>['transport']) {
  transport.start();
  await settle();
  FakeEventSource.last.open();
  assert.equal(transport.status.value, 'live');
}

describe('transport after a sleep', () => {
  beforeEach(() => void (FakeEventSource.all = []));

  it('stops saying live within seconds of waking from a sleep longer than the stall window, and probes at once', async () => {
    const { clock, transport, polls, sleep } = setup();
    await live(transport);
    await clock.advanceAsync(3_000);
    sleep(10 * 60_000);
    // Its stall timer had 32 s to go when the lid closed; by the clock the window is long over.
    await clock.advanceAsync(5_000);
    assert.equal(transport.status.value, 'reconnecting');
    assert.equal(polls.length, 1);
    assert.match(polls[0]!.url, /cursor=e%3A10&wait=0$/);
    // The server answers the probe: what happened meanwhile is taken, and the status says so.
    polls[0]!.resolve({ events: [], cursor: 'e:10' });
    await settle();
    assert.equal(transport.status.value, 'polling');
    transport.stop();
  });

  it('after a sleep shorter than the stall window, ends the window when the clock says so, not the timer', async () => {
    const { clock, transport, polls, sleep } = setup();
    await live(transport);
    await clock.advanceAsync(10_000);
    sleep(30_000);
    // 40 s since the last sign of life by the clock, 10 s by the timers.
    await clock.advanceAsync(4_999);
    assert.equal(transport.status.value, 'live');
    await clock.advanceAsync(1);
    assert.equal(transport.status.value, 'reconnecting');
    assert.equal(polls.length, 1);
    transport.stop();
  });

  it('comes back at once after waking when the wait a server asked for is over by the clock', async () => {
    const { clock, transport, sleep } = setup();
    await live(transport);
    // A server shutting down asks to come back in 20 s; the machine sleeps a minute meanwhile.
    FakeEventSource.last.fire('goodbye', { reason: 'shutdown', retryMs: 20_000 });
    await clock.advanceAsync(1_000);
    sleep(60_000);
    await clock.advanceAsync(3_999);
    assert.equal(FakeEventSource.all.length, 1);
    await clock.advanceAsync(1);
    assert.equal(FakeEventSource.all.length, 2, 'a new stream 5 s after the goodbye by the timers, not 20 s');
    transport.stop();
  });

  it('never waits longer than the stall window when the clock is set back', async () => {
    const { clock, transport, sleep } = setup();
    await live(transport);
    sleep(-3_600_000);
    await clock.advanceAsync(STALL_MS - 1);
    assert.equal(transport.status.value, 'live');
    await clock.advanceAsync(1);
    assert.equal(transport.status.value, 'reconnecting');
    transport.stop();
  });
});
