import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { EventBatch, WireEvent } from '../protocol/protocol.ts';
import { FakeEventSource } from '../test/support/fake-event-source.ts';
import { createManualClock } from '../test/support/manual-clock.ts';
import { settle } from '../test/support/settle.ts';
import { createTransport, OPEN_TIMEOUT_MS, REQUEST_TIMEOUT_MS, SSE_RETRY_MS, STALL_MS, type TransportOptions } from './transport.ts';

const message = (id: string, body = 'hi') => ({ message: { id: `m${id}`, body } });

function setup(extra: Partial<TransportOptions> = {}) {
  const clock = createManualClock();
  const received: WireEvent[] = [];
  const resyncs: string[] = [];
  // Like a connection gone silent, a request not resolved here never answers: only its abort (the
  // transport's own timeout, or teardown) ends it, rejecting as a browser's fetch does.
  const polls: Array<{ url: string; signal: AbortSignal; resolve: (batch: EventBatch | Error) => void }> = [];
  let tickets = 0;
  let online = true;
  const fetch = ((url: string, init: RequestInit) => new Promise((resolve, reject) => {
    init.signal!.addEventListener('abort', () => reject(init.signal!.reason));
    polls.push({ url, signal: init.signal!, resolve: (batch) => (batch instanceof Error ? reject(batch) : resolve({ ok: true, status: 200, json: async () => batch } as Response)) });
  })) as unknown as typeof globalThis.fetch;
  const transport = createTransport({
    streamUrl: async () => `https://chat.test/stream?ticket=t${++tickets}`,
    pollUrl: 'https://chat.test/events',
    cursor: 'e:10',
    onEvent: (event) => received.push(event),
    onResync: (reason) => resyncs.push(reason),
    ...extra,
    deps: {
      EventSource: FakeEventSource as any, fetch, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
      random: () => 0.5, now: clock.now, online: () => online, onOnline: () => () => {},
    },
  });
  return { clock, transport, received, resyncs, polls, setOnline: (value: boolean) => (online = value) };
}

describe('transport', () => {
  beforeEach(() => void (FakeEventSource.all = []));

  it('opens the stream from the cursor it was given and goes live', async () => {
    const { transport } = setup();
    transport.start();
    await settle();
    assert.equal(FakeEventSource.last.url, 'https://chat.test/stream?ticket=t1&lastEventId=e%3A10');
    assert.equal(transport.status.value, 'connecting');
    FakeEventSource.last.open();
    assert.equal(transport.status.value, 'live');
  });

  it('delivers events, advances the cursor and skips ids it has already seen', async () => {
    const { transport, received } = setup();
    transport.start();
    await settle();
    const es = FakeEventSource.last;
    es.open();
    es.fire('message', message('1'), 'e:11');
    es.fire('message', message('1'), 'e:11');
    es.fire('message', message('0'), 'e:9');
    es.fire('typing', { conversationId: 'c', by: 'agent', typing: true, name: null }, 'e:11');
    assert.deepEqual(received.map((e) => [e.type, e.id]), [['message', 'e:11'], ['typing', undefined]]);
    assert.equal(transport.cursor(), 'e:11');
  });

  it('closes a failed stream itself and reopens with a fresh ticket from the last event id, then resyncs', async () => {
    const { transport, clock, resyncs } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('message', message('1'), 'e:12');
    const first = FakeEventSource.last;
    first.fail();
    assert.equal(first.closed, true);
    assert.equal(transport.status.value, 'reconnecting');
    await clock.advanceAsync(374);
    assert.equal(FakeEventSource.all.length, 1, 'waits out the backoff');
    await clock.advanceAsync(1);
    assert.equal(FakeEventSource.last.url, 'https://chat.test/stream?ticket=t2&lastEventId=e%3A12');
    FakeEventSource.last.open();
    assert.deepEqual(resyncs, ['reconnect']);
    assert.equal(transport.status.value, 'live');
  });

  it('doubles its jittered wait between attempts, then falls back to long-poll while the stream cannot open', async () => {
    const { transport, clock, polls } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      FakeEventSource.last.fail();
      const before = FakeEventSource.all.length;
      let waited = 0;
      while (FakeEventSource.all.length === before && waited < 10_000) { await clock.advanceAsync(25); waited += 25; }
      delays.push(waited);
    }
    assert.deepEqual(delays, [375, 750]);
    FakeEventSource.last.fail();
    FakeEventSource.last.fail();
    await settle();
    assert.equal(transport.status.value, 'reconnecting', 'not polling before a poll has answered');
    polls.at(-1)!.resolve({ events: [], cursor: 'e:10' });
    await settle();
    assert.equal(transport.status.value, 'polling');
    transport.stop();
  });

  it('on a reset event continues from the reset id and asks the owner to resync', async () => {
    const { transport, resyncs, received } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('reset', { reason: 'cursor-too-old' }, 'e:500');
    assert.equal(transport.cursor(), 'e:500');
    assert.deepEqual(resyncs, ['reset']);
    assert.equal(received.length, 0);
  });

  it('follows a reset whose id is below its cursor (the server database was replaced) and keeps receiving', async () => {
    const { transport, resyncs, received } = setup({ cursor: 'e:500' });
    transport.start();
    await settle();
    FakeEventSource.last.open();
    // A replaced database has a log of its own (another epoch), whose numbers start lower.
    FakeEventSource.last.fire('reset', { reason: 'cursor-unknown' }, 'f:20');
    assert.equal(transport.cursor(), 'f:20');
    assert.deepEqual(resyncs, ['reset']);
    FakeEventSource.last.fire('message', message('20'), 'f:20');
    FakeEventSource.last.fire('message', message('21'), 'f:21');
    assert.deepEqual(received.map((e) => e.id), ['f:21']);
    assert.equal(transport.cursor(), 'f:21');
  });

  it('long-polls on from a lower reset cursor instead of asking again with the stale one', async () => {
    const { transport, clock, polls, resyncs, received } = setup({ cursor: 'e:500' });
    transport.start();
    await settle();
    FakeEventSource.last.fail();
    await clock.advanceAsync(375);
    FakeEventSource.last.fail();
    await settle();
    assert.match(polls.at(-1)!.url, /cursor=e%3A500&/);
    polls.at(-1)!.resolve({ events: [{ id: 'e:20', type: 'reset', data: { reason: 'cursor-unknown' } } as WireEvent], cursor: 'e:20' });
    await settle();
    assert.deepEqual(resyncs, ['reset']);
    assert.match(polls.at(-1)!.url, /cursor=e%3A20&/);
    polls.at(-1)!.resolve({ events: [{ id: 'e:21', type: 'message', data: message('21') } as WireEvent], cursor: 'e:21' });
    await settle();
    assert.deepEqual(received.map((e) => e.id), ['e:21']);
    assert.equal(transport.cursor(), 'e:21');
    transport.stop();
  });

  it('treats a reset found by the stall probe as missed, even with an id below its cursor', async () => {
    const { transport, clock, polls, resyncs } = setup({ cursor: 'e:500' });
    transport.start();
    await settle();
    FakeEventSource.last.open();
    await clock.advanceAsync(STALL_MS);
    polls[0]!.resolve({ events: [{ id: 'e:20', type: 'reset', data: { reason: 'cursor-unknown' } } as WireEvent], cursor: 'e:20' });
    await settle();
    assert.equal(transport.status.value, 'polling');
    assert.deepEqual(resyncs, ['reset']);
    assert.equal(transport.cursor(), 'e:20');
    transport.stop();
  });

  it('falls back to long-poll when the stream fails to open twice, and tries the stream again later', async () => {
    const { transport, clock, polls, received } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.fail();
    await clock.advanceAsync(375);
    FakeEventSource.last.fail();
    await settle();
    // The first poll asks without waiting, so catching up (and saying 'polling') is immediate.
    assert.equal(polls[0]!.url, 'https://chat.test/events?cursor=e%3A10&wait=0');
    polls[0]!.resolve({ events: [{ id: 'e:11', type: 'message', data: message('1') } as WireEvent], cursor: 'e:11' });
    await settle();
    assert.equal(transport.status.value, 'polling');
    assert.equal(received.length, 1);
    assert.equal(polls[1]!.url, 'https://chat.test/events?cursor=e%3A11&wait=25');
    // Quiet long polls, each answered empty within its wait, until the fallback period is over.
    for (let waited = 0; waited < SSE_RETRY_MS; waited += 20_000) {
      assert.equal(FakeEventSource.all.length, 2);
      await clock.advanceAsync(20_000);
      polls.at(-1)!.resolve({ events: [], cursor: 'e:11' });
      await settle();
    }
    assert.equal(FakeEventSource.all.length, 3, 'stream retried after the fallback period');
    assert.match(FakeEventSource.last.url, /lastEventId=e%3A11$/);
    transport.stop();
  });

  it('counts a stream that never answers the open as failed', async () => {
    const { transport, clock } = setup();
    transport.start();
    await settle();
    await clock.advanceAsync(OPEN_TIMEOUT_MS);
    assert.equal(FakeEventSource.all[0]!.closed, true);
    assert.equal(transport.status.value, 'reconnecting');
  });

  it('stays live while heartbeats arrive, and stops saying live the moment the stream has been silent for the stall window', async () => {
    const { transport, clock, polls } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    for (let i = 0; i < 5; i++) {
      await clock.advanceAsync(STALL_MS - 1);
      FakeEventSource.last.fire('hb', 1);
    }
    assert.equal(transport.status.value, 'live');
    assert.equal(polls.length, 0, 'no probe while heartbeats arrive');
    await clock.advanceAsync(STALL_MS - 1);
    assert.equal(transport.status.value, 'live');
    await clock.advanceAsync(1);
    assert.equal(transport.status.value, 'reconnecting');
    assert.equal(polls[0]!.url, 'https://chat.test/events?cursor=e%3A10&wait=0', 'and probes for what it may have missed');
    transport.stop();
  });

  it('switches to long-poll when a silent stream\'s probe answers, delivering what the stream missed', async () => {
    const { transport, clock, polls, received } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    await clock.advanceAsync(STALL_MS);
    polls[0]!.resolve({ events: [{ id: 'e:11', type: 'message', data: message('1') } as WireEvent], cursor: 'e:11' });
    await settle();
    assert.equal(FakeEventSource.last.closed, true);
    assert.equal(transport.status.value, 'polling');
    assert.deepEqual(received.map((e) => e.id), ['e:11']);
    assert.match(polls[1]!.url, /cursor=e%3A11&wait=25$/);
    transport.stop();
  });

  it('gives up on a probe that never answers, reopens the stream from its cursor and resyncs', async () => {
    const { transport, clock, polls, resyncs } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('message', message('1'), 'e:11');
    await clock.advanceAsync(STALL_MS);
    assert.equal(polls.length, 1);
    await clock.advanceAsync(REQUEST_TIMEOUT_MS - 1);
    assert.equal(FakeEventSource.all.length, 1, 'still waiting for the probe');
    await clock.advanceAsync(1);
    assert.equal(polls[0]!.signal.aborted, true, 'the hung request is aborted, freeing its connection');
    assert.equal(FakeEventSource.all[0]!.closed, true);
    assert.equal(transport.status.value, 'reconnecting');
    await clock.advanceAsync(375);
    assert.equal(FakeEventSource.all.length, 2);
    assert.match(FakeEventSource.last.url, /ticket=t2&lastEventId=e%3A11$/);
    FakeEventSource.last.open();
    assert.equal(transport.status.value, 'live');
    assert.deepEqual(resyncs, ['reconnect']);
    transport.stop();
  });

  it('keeps a stream that speaks again while the probe is out', async () => {
    const { transport, clock, polls, received } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    await clock.advanceAsync(STALL_MS);
    assert.equal(transport.status.value, 'reconnecting');
    FakeEventSource.last.fire('message', message('1'), 'e:11');
    assert.equal(transport.status.value, 'live');
    polls[0]!.resolve({ events: [{ id: 'e:11', type: 'message', data: message('1') } as WireEvent], cursor: 'e:11' });
    await settle();
    assert.equal(FakeEventSource.last.closed, false);
    assert.equal(transport.status.value, 'live');
    assert.deepEqual(received.map((e) => e.id), ['e:11']);
    transport.stop();
  });

  it('notices a stall sooner on a server that beats faster than the protocol: two beats seen plus slack', async () => {
    const { transport, clock, polls } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    for (let i = 0; i < 3; i++) {
      await clock.advanceAsync(500);
      FakeEventSource.last.fire('hb', 1);
    }
    await clock.advanceAsync(5_999);
    assert.equal(transport.status.value, 'live');
    await clock.advanceAsync(1);
    assert.equal(transport.status.value, 'reconnecting');
    assert.equal(polls.length, 1);
    transport.stop();
  });

  it('gives up on a long poll that never answers and polls again after a backoff', async () => {
    const { transport, clock, polls } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.fail();
    await clock.advanceAsync(375);
    FakeEventSource.last.fail();
    await settle();
    polls[0]!.resolve({ events: [], cursor: 'e:10' });
    await settle();
    assert.equal(transport.status.value, 'polling');
    assert.match(polls[1]!.url, /wait=25$/);
    await clock.advanceAsync(25_000 + REQUEST_TIMEOUT_MS);
    assert.equal(transport.status.value, 'reconnecting');
    await clock.advanceAsync(375);
    assert.equal(polls.length, 3, 'polls again');
    transport.stop();
  });

  it('gives up on a ticket request that hangs and asks for a new one after a backoff', async () => {
    let asked = 0;
    const { transport, clock } = setup({ streamUrl: () => (++asked === 1 ? new Promise<string>(() => {}) : 'https://chat.test/stream?ticket=t2') });
    transport.start();
    await clock.advanceAsync(REQUEST_TIMEOUT_MS - 1);
    assert.equal(asked, 1);
    await clock.advanceAsync(1);
    assert.equal(transport.status.value, 'reconnecting');
    await clock.advanceAsync(375);
    assert.equal(asked, 2);
    assert.equal(FakeEventSource.all.length, 1);
    FakeEventSource.last.open();
    assert.equal(transport.status.value, 'live');
    transport.stop();
  });

  it('honours goodbye: reconnects after retryMs on shutdown, stops for good when revoked', async () => {
    let revoked = 0;
    const { transport, clock } = setup({ onRevoked: () => revoked++ });
    transport.start();
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('goodbye', { reason: 'shutdown', retryMs: 2500 });
    await clock.advanceAsync(2499);
    assert.equal(FakeEventSource.all.length, 1);
    await clock.advanceAsync(1);
    assert.equal(FakeEventSource.all.length, 2);
    FakeEventSource.last.open();
    FakeEventSource.last.fire('goodbye', { reason: 'revoked', retryMs: 0 });
    await clock.advanceAsync(60_000);
    assert.equal(FakeEventSource.all.length, 2);
    assert.equal(revoked, 1);
    assert.equal(transport.status.value, 'offline');
  });

  it('reports offline while disconnected when the browser says so', async () => {
    const { transport, setOnline } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    setOnline(false);
    FakeEventSource.last.fail();
    assert.equal(transport.status.value, 'offline');
  });

  it('stop closes the stream and leaves no timers behind', async () => {
    const { transport, clock } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    transport.stop();
    assert.equal(FakeEventSource.last.closed, true);
    assert.equal(clock.pending(), 0);
  });

  it('stop during a poll aborts it and leaves no timers behind', async () => {
    const { transport, clock, polls } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    await clock.advanceAsync(STALL_MS);
    transport.stop();
    await settle();
    assert.equal(polls[0]!.signal.aborted, true);
    assert.equal(clock.pending(), 0);
  });
});
