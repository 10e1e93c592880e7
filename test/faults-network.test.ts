/**
 * Network faults between a client and a real server, made by the fault proxy (test/fault-proxy.ts):
 * a stream cut in the middle of a frame while a burst is being sent, and a reconnect storm where
 * hundreds of streams are cut at once. In both, every message arrives exactly once, in order.
 * Figures (how long a storm takes) belong to the benchmarks, not here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseEventId } from '../protocol/protocol.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { openSse, type SseConnection, type SseEvent } from './sse-client.ts';
import { waitFor } from './wait-for.ts';

/**
 * A stream that does what a client does when the connection drops: reopen from the last event id
 * it saw, until stopped. A frame cut half-way never counts (the SSE parser drops it), so the resume
 * is what has to bring it back.
 */
function follow(open: (lastId: string) => Promise<SseConnection>, from: string) {
  const state = {
    opens: 0,
    past: [] as SseEvent[],
    current: null as SseConnection | null,
    stopped: false,
    events(): SseEvent[] { return [...state.past, ...(state.current?.events ?? [])]; },
    lastId(): string { return state.events().filter((e) => e.id !== undefined).at(-1)?.id ?? from; },
    stop() { state.stopped = true; state.current?.close(); },
  };
  const running = (async () => {
    for (let failures = 0; !state.stopped && failures < 20;) {
      let connection: SseConnection;
      try {
        connection = await open(state.lastId());
      } catch {
        failures++;
        await new Promise((resolve) => setTimeout(resolve, 50 * failures));
        continue;
      }
      state.current = connection;
      state.opens++;
      if (state.stopped) connection.close();
      await connection.ended;
      state.past.push(...connection.events);
      state.current = null;
    }
  })();
  return Object.assign(state, { running });
}

const bodies = (events: SseEvent[], prefix: string) =>
  events.filter((e) => e.event === 'message' && e.data.message.body.startsWith(prefix)).map((e) => e.data.message.body as string);

/** Runs `work` over `items`, 16 at a time, and returns the results in order. */
async function inBatches<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 16) results.push(...(await Promise.all(items.slice(i, i + 16).map(work))));
  return results;
}

function assertIdsOnlyGrow(events: SseEvent[]): void {
  const ids = events.filter((e) => e.id !== undefined).map((e) => parseEventId(e.id)!.seq);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids only grow');
  assert.equal(new Set(ids).size, ids.length, 'no event twice');
}

describe('network faults', () => {
  let server: TestServer | undefined;
  let proxy: FaultProxy | undefined;
  const followers: Array<ReturnType<typeof follow>> = [];

  before(async () => {
    // Every client here comes from 127.0.0.1, so the per-IP budget would throttle a crowd of 300.
    server = await startServer({ ipRateLimit: 1_000_000 });
    proxy = await startFaultProxy({ port: server.port });
  });
  after(async () => {
    for (const follower of followers) follower.stop();
    await Promise.all(followers.map((follower) => follower.running));
    await proxy?.close();
    await server?.close();
  });

  it('delivers every message of a burst exactly once, in order, when the stream is cut in the middle of a frame', async () => {
    const agent = await loginAgent(server!, server!.alice.email);
    const visitor = await newVisitor(server!);
    const conversation = await visitor.start();
    const stream = follow((lastId) => openSse(`${proxy!.url}${visitor.base.slice(server!.url.length)}/stream`, { ...visitor.auth, 'last-event-id': lastId }), visitor.cursor);
    followers.push(stream);
    await waitFor(() => stream.current, { message: 'the stream through the proxy' });
    const connection = await waitFor(() => proxy!.connections.find((c) => c.request.includes('/stream')));

    const expected = Array.from({ length: 60 }, (_, i) => `burst ${i}`);
    // Cut inside the 21st message's frame: its id and event lines are through, its data only half.
    connection.cut({ after: '"body":"burst 20' });
    for (const body of expected) assert.equal((await agent.send(conversation.id, body)).status, 200);

    await waitFor(() => bodies(stream.events(), 'burst').length >= expected.length, { message: () => `the burst (got ${bodies(stream.events(), 'burst').length})` });
    assert.ok(connection.closed && !connection.tail.endsWith('\n\n'), 'the cut fell inside a frame');
    assert.ok(stream.opens >= 2, 'the client had to resume');
    assert.deepEqual(bodies(stream.events(), 'burst'), expected);
    assertIdsOnlyGrow(stream.events());
    stream.stop();
  });

  it('after a reconnect storm of 300 widget streams cut at once mid-burst, each has every message of its conversation exactly once, in order', async () => {
    const agent = await loginAgent(server!, server!.bob.email);
    const visitors = await inBatches(Array.from({ length: 300 }, (_, i) => i), async () => {
      const visitor = await newVisitor(server!);
      return { visitor, conversation: await visitor.start() };
    });
    const storm = visitors.map(({ visitor }) => {
      const path = `${visitor.base.slice(server!.url.length)}/stream`;
      return follow((lastId) => openSse(`${proxy!.url}${path}`, { ...visitor.auth, 'last-event-id': lastId }), visitor.cursor);
    });
    followers.push(...storm);
    await waitFor(() => storm.every((stream) => stream.current), { timeoutMs: 20_000, message: () => `all streams open (${storm.filter((s) => s.current).length})` });

    // A burst into every conversation, agent and visitor taking turns, straight to the server:
    // only the streams go through the proxy. The cut comes after the second round.
    const rounds = 4;
    const expected = Array.from({ length: rounds }, (_, round) => `storm ${round}`);
    for (let round = 0; round < rounds; round++) {
      if (round === 2) proxy!.cut();
      await inBatches(visitors, async ({ visitor, conversation }) => {
        const result = round % 2 ? await agent.send(conversation.id, `storm ${round}`) : await visitor.send(conversation.id, `storm ${round}`);
        assert.equal(result.status, 200);
      });
    }

    const caughtUp = () => storm.filter((stream) => bodies(stream.events(), 'storm').length >= rounds).length;
    await waitFor(() => caughtUp() === storm.length, { timeoutMs: 20_000, message: () => `every stream caught up (${caughtUp()} of ${storm.length})` });
    for (const stream of storm) {
      assert.ok(stream.opens >= 2, 'each stream was cut and resumed');
      assert.deepEqual(bodies(stream.events(), 'storm'), expected);
      assertIdsOnlyGrow(stream.events());
    }
    for (const stream of storm) stream.stop();
  });
});
