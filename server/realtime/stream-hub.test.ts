import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createMemoryBus } from '../bus/memory-bus.ts';
import { createManualClock } from '../../test/support/manual-clock.ts';
import type { EventsAfter, LoggedEvent, Store } from '../store/store.ts';
import { createStreamHub } from './stream-hub.ts';

/** Just enough of a ServerResponse to record what a stream writes. */
function fakeResponse() {
  const emitter = new EventEmitter();
  const response = Object.assign(emitter, {
    written: '',
    ended: false,
    writableLength: 0,
    writeHead() { return response; },
    flushHeaders() {},
    write(chunk: string) { response.written += chunk; return true; },
    end() { response.ended = true; },
  });
  return response;
}

const message = (id: number, body: string): LoggedEvent => ({
  id: `e:${id}`, type: 'message', siteId: 's', visitorId: 'v', audience: 'all',
  data: { message: { id: `m${id}`, conversationId: 'c', seq: id, clientId: null, author: 'agent', agent: null, body, internal: false, system: null, createdAt: 0 } },
});

/** A store whose replay answers only when the test says so. */
function slowStore(replay: LoggedEvent[], head: number) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const store = {
    async eventsAfter(): Promise<EventsAfter> {
      await released;
      return { events: replay, cursor: `e:${head}` };
    },
  } as unknown as Store;
  return { store, release };
}

const bodies = (written: string) => [...written.matchAll(/"body":"([^"]+)"/g)].map((m) => m[1]);

test('sends an event that arrives live during the replay once, after the replayed ones', async () => {
  const clock = createManualClock();
  const bus = createMemoryBus();
  const { store, release } = slowStore([message(5, 'five'), message(6, 'six')], 6);
  const hub = createStreamHub({ store, bus, clock, heartbeatMs: 15_000, maxStreams: 10, maxPerKey: 2 });
  const response = fakeResponse();
  const opening = hub.open(response as unknown as ServerResponse, {}, { key: 'k', scope: { kind: 'agent', siteIds: ['s'] }, topics: ['t'], cursor: 'e:4', greeting: [] });
  // While the replay is still reading the log: one event it will also return, one it will not.
  bus.publish('t', { id: 'e:6', type: 'message', data: message(6, 'six').data } as never);
  bus.publish('t', { id: 'e:7', type: 'message', data: message(7, 'seven').data } as never);
  release();
  await opening;
  assert.deepEqual(bodies(response.written), ['five', 'six', 'seven']);
  bus.publish('t', { id: 'e:7', type: 'message', data: message(7, 'seven').data } as never);
  assert.deepEqual(bodies(response.written), ['five', 'six', 'seven'], 'a repeat of an id already sent is dropped');
});

test('gives every stream one heartbeat per period, spread over the period rather than all at once', async () => {
  const clock = createManualClock();
  const { store, release } = slowStore([], 0);
  release();
  const hub = createStreamHub({ store, bus: createMemoryBus(), clock, heartbeatMs: 15_000, maxStreams: 100, maxPerKey: 100 });
  const responses = Array.from({ length: 30 }, () => fakeResponse());
  for (const response of responses) {
    await hub.open(response as unknown as ServerResponse, {}, { key: 'k', scope: { kind: 'agent', siteIds: [] }, topics: [], cursor: null, greeting: [] });
  }
  const beats = () => responses.map((r) => r.written.match(/^: hb$/gm)?.length ?? 0);
  clock.advance(1_000);
  assert.equal(beats().filter((n) => n > 0).length, 2, 'one fifteenth of the streams per tick');
  clock.advance(14_000);
  assert.deepEqual(beats(), Array(30).fill(1), 'after one period, every stream exactly one');
  clock.advance(30_000);
  assert.deepEqual(beats(), Array(30).fill(3));
  for (const response of responses) response.emit('close');
  assert.equal(hub.count(), 0);
  clock.advance(60_000);
  assert.deepEqual(beats(), Array(30).fill(3), 'the timer stops with the last stream');
});

test('disconnects a client that stops reading, instead of buffering without end', async () => {
  const clock = createManualClock();
  const bus = createMemoryBus();
  const { store, release } = slowStore([], 0);
  release();
  const hub = createStreamHub({ store, bus, clock, heartbeatMs: 15_000, maxStreams: 10, maxPerKey: 2, maxBufferedBytes: 1000 });
  const response = fakeResponse();
  await hub.open(response as unknown as ServerResponse, {}, { key: 'k', scope: { kind: 'agent', siteIds: [] }, topics: ['t'], cursor: null, greeting: [] });
  response.writableLength = 5000;
  bus.publish('t', { type: 'typing', data: { conversationId: 'c', by: 'visitor', typing: true, name: null } });
  assert.equal(response.ended, true);
  assert.equal(hub.count(), 0);
});

test('on shutdown tells every stream to come back after a spread-out delay, and refuses new ones', async () => {
  const clock = createManualClock();
  const { store, release } = slowStore([], 0);
  release();
  const hub = createStreamHub({ store, bus: createMemoryBus(), clock, heartbeatMs: 15_000, maxStreams: 10, maxPerKey: 5 });
  const responses = [fakeResponse(), fakeResponse(), fakeResponse()];
  for (const response of responses) {
    await hub.open(response as unknown as ServerResponse, {}, { key: 'k', scope: { kind: 'agent', siteIds: [] }, topics: [], cursor: null, greeting: [] });
  }
  hub.drain();
  for (const response of responses) {
    const retry = Number(/retry: (\d+)\nevent: goodbye/.exec(response.written)?.[1]);
    assert.ok(retry >= 1000 && retry < 3000, `retry ${retry}`);
    assert.equal(response.ended, true);
  }
  assert.throws(() => hub.admit('k'), /restarting/);
});

test('paces a long replay by the client instead of cutting it off as a slow consumer', async () => {
  const clock = createManualClock();
  const backlog = Array.from({ length: 3 }, (_, i) => message(i + 1, `old ${i + 1}`));
  const { store, release } = slowStore(backlog, 3);
  release();
  const hub = createStreamHub({ store, bus: createMemoryBus(), clock, heartbeatMs: 15_000, maxStreams: 10, maxPerKey: 2, maxBufferedBytes: 4000 });
  const response = fakeResponse();
  response.writableLength = 1500; // the client has not read the last 1,500 bytes yet: a pause, not a cut
  const opening = hub.open(response as unknown as ServerResponse, {}, { key: 'k', scope: { kind: 'agent', siteIds: ['s'] }, topics: [], cursor: 'e:0', greeting: [] });
  await new Promise((r) => setImmediate(r));
  assert.equal(response.ended, false, 'still open while the replay waits for the client');
  response.writableLength = 0;
  response.emit('drain');
  await opening;
  assert.deepEqual(bodies(response.written), ['old 1', 'old 2', 'old 3']);
  assert.equal(response.ended, false);
});

/** A client that reads nothing: everything written stays buffered. */
function deafResponse() {
  const response = fakeResponse();
  const write = response.write;
  response.write = (chunk: string) => { response.writableLength += Buffer.byteLength(chunk); return write(chunk); };
  return response;
}

test('cuts a client that reads nothing during a long replay once its buffer is full, instead of buffering the whole log', async () => {
  const clock = createManualClock();
  const backlog = Array.from({ length: 400 }, (_, i) => message(i + 1, `old ${i + 1} ${'x'.repeat(1000)}`));
  const { store, release } = slowStore(backlog, 400);
  release();
  const cut: number[] = [];
  const hub = createStreamHub({ store, bus: createMemoryBus(), clock, heartbeatMs: 15_000, maxStreams: 10, maxPerKey: 2, maxBufferedBytes: 40_000, onSlowConsumer: (_key, bytes) => cut.push(bytes) });
  const response = deafResponse();
  const opening = hub.open(response as unknown as ServerResponse, {}, { key: 'k', scope: { kind: 'agent', siteIds: ['s'] }, topics: [], cursor: 'e:0', greeting: [] });
  await new Promise((r) => setImmediate(r));
  assert.ok(response.writableLength < 40_000, `paused at a bounded buffer (${response.writableLength} bytes)`);
  assert.equal(response.ended, false);
  clock.advance(30_000); // two heartbeat periods without reading a byte
  await opening;
  assert.equal(response.ended, true, 'the stream is cut');
  assert.equal(cut.length, 1);
  assert.ok(bodies(response.written).length < 100, 'most of the log was never buffered');
  assert.equal(hub.count(), 0);
});

test('cuts a replaying stream whose held-back live events outgrow the buffer', async () => {
  const clock = createManualClock();
  const bus = createMemoryBus();
  const { store } = slowStore([], 0); // the replay never answers
  const hub = createStreamHub({ store, bus, clock, heartbeatMs: 15_000, maxStreams: 10, maxPerKey: 2, maxBufferedBytes: 20_000 });
  const response = fakeResponse();
  void hub.open(response as unknown as ServerResponse, {}, { key: 'k', scope: { kind: 'agent', siteIds: ['s'] }, topics: ['t'], cursor: 'e:0', greeting: [] });
  await new Promise((r) => setImmediate(r));
  for (let i = 1; i <= 100 && !response.ended; i++) bus.publish('t', { id: `e:${i}`, type: 'message', data: message(i, `live ${'y'.repeat(1000)}`).data } as never);
  assert.equal(response.ended, true);
  assert.equal(hub.count(), 0);
});

test('ends the stream with a goodbye to come back, instead of a silent live-looking stream, when the log cannot be read', async () => {
  const clock = createManualClock();
  const failures: unknown[] = [];
  const store = { async eventsAfter(): Promise<EventsAfter> { throw new Error('database is locked'); } } as unknown as Store;
  const hub = createStreamHub({ store, bus: createMemoryBus(), clock, heartbeatMs: 15_000, maxStreams: 10, maxPerKey: 2, onReplayFailed: (_key, error) => failures.push(error) });
  const response = fakeResponse();
  await hub.open(response as unknown as ServerResponse, {}, { key: 'k', scope: { kind: 'agent', siteIds: ['s'] }, topics: ['t'], cursor: 'e:0', greeting: [] });
  const goodbye = /event: goodbye\ndata: (.*)\n/.exec(response.written);
  assert.equal(JSON.parse(goodbye![1]!).reason, 'unavailable');
  assert.ok(JSON.parse(goodbye![1]!).retryMs >= 1000);
  assert.equal(response.ended, true);
  assert.equal(failures.length, 1);
  clock.advance(60_000);
  assert.doesNotMatch(response.written, /: hb/, 'no heartbeats from a stream that delivers nothing');
});
