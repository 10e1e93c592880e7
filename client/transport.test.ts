import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { EventBatch, WireEvent } from '../protocol/protocol.ts';
import { fakeClock, FakeEventSource, settle } from './fakes.ts';
import { createTransport, OPEN_TIMEOUT_MS, SSE_RETRY_MS, STALL_MS, type TransportOptions } from './transport.ts';

const message = (id: string, body = 'hi') => ({ message: { id: `m${id}`, body } });

function setup(extra: Partial<TransportOptions> = {}) {
  const clock = fakeClock();
  const received: WireEvent[] = [];
  const resyncs: string[] = [];
  const polls: Array<{ url: string; resolve: (batch: EventBatch | Error) => void }> = [];
  let tickets = 0;
  let online = true;
  const fetch = ((url: string) => new Promise((resolve, reject) => {
    polls.push({ url, resolve: (batch) => (batch instanceof Error ? reject(batch) : resolve({ ok: true, status: 200, json: async () => batch } as Response)) });
  })) as unknown as typeof globalThis.fetch;
  const transport = createTransport({
    streamUrl: async () => `https://chat.test/stream?ticket=t${++tickets}`,
    pollUrl: 'https://chat.test/events',
    cursor: '10',
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
    assert.equal(FakeEventSource.last.url, 'https://chat.test/stream?ticket=t1&lastEventId=10');
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
    es.fire('message', message('1'), '11');
    es.fire('message', message('1'), '11');
    es.fire('message', message('0'), '9');
    es.fire('typing', { conversationId: 'c', by: 'agent', typing: true, name: null }, '11');
    assert.deepEqual(received.map((e) => [e.type, e.id]), [['message', '11'], ['typing', undefined]]);
    assert.equal(transport.cursor(), '11');
  });

  it('closes a failed stream itself and reopens with a fresh ticket from the last event id, then resyncs', async () => {
    const { transport, clock, resyncs } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('message', message('1'), '12');
    const first = FakeEventSource.last;
    first.fail();
    assert.equal(first.closed, true);
    assert.equal(transport.status.value, 'reconnecting');
    await clock.advance(374);
    assert.equal(FakeEventSource.all.length, 1, 'waits out the backoff');
    await clock.advance(1);
    assert.equal(FakeEventSource.last.url, 'https://chat.test/stream?ticket=t2&lastEventId=12');
    FakeEventSource.last.open();
    assert.deepEqual(resyncs, ['reconnect']);
    assert.equal(transport.status.value, 'live');
  });

  it('doubles its jittered wait between attempts, then falls back to long-poll while the stream cannot open', async () => {
    const { transport, clock } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      FakeEventSource.last.fail();
      const before = FakeEventSource.all.length;
      let waited = 0;
      while (FakeEventSource.all.length === before && waited < 10_000) { await clock.advance(25); waited += 25; }
      delays.push(waited);
    }
    assert.deepEqual(delays, [375, 750]);
    FakeEventSource.last.fail();
    FakeEventSource.last.fail();
    assert.equal(transport.status.value, 'polling');
  });

  it('on a reset event continues from the reset id and asks the owner to resync', async () => {
    const { transport, resyncs, received } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('reset', { reason: 'cursor-too-old' }, '500');
    assert.equal(transport.cursor(), '500');
    assert.deepEqual(resyncs, ['reset']);
    assert.equal(received.length, 0);
  });

  it('follows a reset whose id is below its cursor (the server database was replaced) and keeps receiving', async () => {
    const { transport, resyncs, received } = setup({ cursor: '500' });
    transport.start();
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('reset', { reason: 'cursor-unknown' }, '20');
    assert.equal(transport.cursor(), '20');
    assert.deepEqual(resyncs, ['reset']);
    FakeEventSource.last.fire('message', message('21'), '21');
    assert.deepEqual(received.map((e) => e.id), ['21']);
    assert.equal(transport.cursor(), '21');
  });

  it('long-polls on from a lower reset cursor instead of asking again with the stale one', async () => {
    const { transport, clock, polls, resyncs, received } = setup({ cursor: '500' });
    transport.start();
    await settle();
    FakeEventSource.last.fail();
    await clock.advance(375);
    FakeEventSource.last.fail();
    await settle();
    assert.match(polls.at(-1)!.url, /cursor=500&/);
    polls.at(-1)!.resolve({ events: [{ id: '20', type: 'reset', data: { reason: 'cursor-unknown' } } as WireEvent], cursor: '20' });
    await settle();
    assert.deepEqual(resyncs, ['reset']);
    assert.match(polls.at(-1)!.url, /cursor=20&/);
    polls.at(-1)!.resolve({ events: [{ id: '21', type: 'message', data: message('21') } as WireEvent], cursor: '21' });
    await settle();
    assert.deepEqual(received.map((e) => e.id), ['21']);
    assert.equal(transport.cursor(), '21');
    transport.stop();
  });

  it('treats a reset found by the stall probe as missed, even with an id below its cursor', async () => {
    const { transport, clock, polls, resyncs } = setup({ cursor: '500' });
    transport.start();
    await settle();
    FakeEventSource.last.open();
    await clock.advance(STALL_MS);
    polls[0]!.resolve({ events: [{ id: '20', type: 'reset', data: { reason: 'cursor-unknown' } } as WireEvent], cursor: '20' });
    await settle();
    assert.equal(transport.status.value, 'polling');
    assert.deepEqual(resyncs, ['reset']);
    assert.equal(transport.cursor(), '20');
    transport.stop();
  });

  it('falls back to long-poll when the stream fails to open twice, and tries the stream again later', async () => {
    const { transport, clock, polls, received } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.fail();
    await clock.advance(375);
    FakeEventSource.last.fail();
    await settle();
    assert.equal(transport.status.value, 'polling');
    assert.equal(polls[0]!.url, 'https://chat.test/events?cursor=10&wait=25');
    polls[0]!.resolve({ events: [{ id: '11', type: 'message', data: message('1') } as WireEvent], cursor: '11' });
    await settle();
    assert.equal(received.length, 1);
    assert.equal(polls[1]!.url, 'https://chat.test/events?cursor=11&wait=25');
    await clock.advance(SSE_RETRY_MS);
    polls[1]!.resolve({ events: [], cursor: '11' });
    await settle();
    assert.equal(FakeEventSource.all.length, 3, 'stream retried after the fallback period');
    assert.match(FakeEventSource.last.url, /lastEventId=11$/);
  });

  it('counts a stream that never answers the open as failed', async () => {
    const { transport, clock } = setup();
    transport.start();
    await settle();
    await clock.advance(OPEN_TIMEOUT_MS);
    assert.equal(FakeEventSource.all[0]!.closed, true);
    assert.equal(transport.status.value, 'reconnecting');
  });

  it('after a silent stall period probes long-poll and keeps a quiet stream that missed nothing', async () => {
    const { transport, clock, polls } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    await clock.advance(STALL_MS);
    assert.equal(polls[0]!.url, 'https://chat.test/events?cursor=10&wait=0');
    polls[0]!.resolve({ events: [], cursor: '10' });
    await settle();
    assert.equal(transport.status.value, 'live');
    assert.equal(FakeEventSource.last.closed, false);
  });

  it('switches to long-poll when the probe finds events the stream did not deliver', async () => {
    const { transport, clock, polls, received } = setup();
    transport.start();
    await settle();
    FakeEventSource.last.open();
    await clock.advance(STALL_MS);
    polls[0]!.resolve({ events: [{ id: '11', type: 'message', data: message('1') } as WireEvent], cursor: '11' });
    await settle();
    assert.equal(FakeEventSource.last.closed, true);
    assert.equal(transport.status.value, 'polling');
    assert.equal(received.length, 1);
  });

  it('honours goodbye: reconnects after retryMs on shutdown, stops for good when revoked', async () => {
    let revoked = 0;
    const { transport, clock } = setup({ onRevoked: () => revoked++ });
    transport.start();
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('goodbye', { reason: 'shutdown', retryMs: 2500 });
    await clock.advance(2499);
    assert.equal(FakeEventSource.all.length, 1);
    await clock.advance(1);
    assert.equal(FakeEventSource.all.length, 2);
    FakeEventSource.last.open();
    FakeEventSource.last.fire('goodbye', { reason: 'revoked', retryMs: 0 });
    await clock.advance(60_000);
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
});
