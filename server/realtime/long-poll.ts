/**
 * The long-poll fallback for networks that buffer streams: the same events as the stream, after a
 * cursor, answered at once when there are any and otherwise held until one arrives or time is up.
 */
import type { FastifyReply } from 'fastify';
import { LIMITS, type EventBatch, type WireEvent } from '../../protocol/protocol.ts';
import type { Bus } from '../bus/bus.ts';
import type { Clock } from '../clock.ts';
import type { Services } from '../services.ts';
import type { EventScope, LoggedEvent, Store } from '../store/store.ts';
import { wireFor } from './publish.ts';

export interface LongPollRequest {
  scope: EventScope;
  topics: string[];
  cursor: string | null;
  waitMs: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export async function longPoll(store: Store, bus: Bus, clock: Clock, request: LongPollRequest): Promise<EventBatch> {
  // Subscribe before reading the log, so an event landing in between still wakes us.
  const ephemeral: WireEvent[] = [];
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => (wake = resolve));
  const unsubscribe = await Promise.all(request.topics.map((topic) => bus.subscribe(topic, (event) => {
    if (event.id === undefined) ephemeral.push(event);
    wake();
  })));
  const timer = clock.setTimeout(wake, request.waitMs);
  request.signal.addEventListener('abort', wake, { once: true });
  try {
    const first = await store.eventsAfter(request.scope, request.cursor, LIMITS.eventBatchMax);
    if (first.reset) return { events: [{ id: first.cursor, type: 'reset', data: { reason: first.reset } }], cursor: first.cursor };
    const wire = (event: LoggedEvent) => wireFor(request.scope, event);
    if (first.events.length > 0) return { events: first.events.map(wire), cursor: first.cursor };
    await woken;
    const next = await store.eventsAfter(request.scope, first.cursor, LIMITS.eventBatchMax);
    return { events: [...ephemeral, ...next.events.map(wire)], cursor: next.cursor };
  } finally {
    clock.clearTimeout(timer);
    for (const off of unsubscribe) off();
  }
}

/**
 * The long-poll endpoint's handling, shared by visitors and agents: a poller counts as present for
 * the request (the presence grace period spans the gap to the next poll), the poll ends early when
 * the client goes or the server shuts down, and during shutdown the connection is not kept alive.
 */
export async function serveLongPoll(
  services: Services,
  reply: FastifyReply,
  poll: { scope: EventScope; topics: string[]; cursor: string | null; waitSeconds: number },
  present: { enter(): void; leave(): void },
): Promise<EventBatch> {
  const gone = new AbortController();
  reply.raw.on('close', () => gone.abort());
  reply.header('cache-control', 'no-store');
  present.enter();
  try {
    const batch = await longPoll(services.store, services.bus, services.clock, {
      scope: poll.scope,
      topics: poll.topics,
      cursor: poll.cursor,
      waitMs: Math.min(poll.waitSeconds * 1000, services.config.longPollMs),
      signal: AbortSignal.any([gone.signal, services.shutdown]),
    });
    if (services.shutdown.aborted) reply.header('connection', 'close');
    return batch;
  } finally {
    present.leave();
  }
}
