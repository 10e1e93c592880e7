/**
 * Every open SSE stream, visitor or agent: admission caps, the replay-then-live handover that makes
 * resume exact, one shared heartbeat timer, slow-consumer protection and shutdown.
 *
 * Heartbeats are staggered: streams are spread over HEARTBEAT_SLICES buckets and each tick of the
 * shared timer writes to one bucket, so 10,000 streams never cost one 10,000-write pause.
 *
 * Exactly-once across the handover: a stream subscribes to the bus first and buffers, then replays
 * the log after the client's cursor up to the head, then drains the buffer skipping ids it already
 * sent. Event ids only grow, so "id <= last sent" is the whole dedupe rule.
 */
import type { ServerResponse } from 'node:http';
import { LIMITS, type WireEvent } from '../../protocol/protocol.ts';
import type { Bus } from '../bus/bus.ts';
import type { Clock } from '../clock.ts';
import { ParleyError } from '../http/errors.ts';
import type { EventScope, Store } from '../store/store.ts';
import { toWire } from './publish.ts';
import { formatSse, SSE_HEARTBEAT } from './sse.ts';

export interface StreamRequest {
  /** Streams are counted per key (a visitor or an agent) for the per-key cap and presence. */
  key: string;
  scope: EventScope;
  topics: string[];
  /** Last-Event-ID; null starts from now. */
  cursor: string | null;
  /** Ephemeral state to send first (availability, presence). */
  greeting: WireEvent[];
  /** Narrows closeKey to some of a key's streams (an agent's one session among several). */
  tag?: string;
  onClose?: () => void;
}

interface Stream {
  raw: ServerResponse;
  bucket: Set<Stream>;
  key: string;
  tag: string | undefined;
  lastId: number;
  /** Live events held back while the replay runs; null once live. */
  pending: WireEvent[] | null;
  unsubscribe: Array<() => void>;
  closed: boolean;
  onClose?: () => void;
}

export interface StreamHubOptions {
  store: Store;
  bus: Bus;
  clock: Clock;
  heartbeatMs: number;
  maxStreams: number;
  maxPerKey: number;
  /** A client this far behind is disconnected (it resumes from its cursor when it catches up). */
  maxBufferedBytes?: number;
  /** Told when a stream is cut for not reading, so operators can see it. */
  onSlowConsumer?: (key: string, bufferedBytes: number) => void;
}

/** How long clients wait before reconnecting after a server restart: spread out, not a stampede. */
export const RECONNECT_BASE_MS = 1000;
const HEARTBEAT_SLICES = 15;

export function createStreamHub(options: StreamHubOptions) {
  const { store, bus, clock } = options;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const streams = new Set<Stream>();
  const buckets = Array.from({ length: HEARTBEAT_SLICES }, () => new Set<Stream>());
  let nextBucket = 0;
  let tick = 0;
  const byKey = new Map<string, Set<Stream>>();
  let heartbeat: unknown = null;
  let draining = false;

  function write(stream: Stream, chunk: string): void {
    if (stream.closed) return;
    stream.raw.write(chunk);
    // Only a live stream that stops reading is cut off; a replay waits for drain instead (below).
    if (stream.pending === null && stream.raw.writableLength > maxBuffered) {
      options.onSlowConsumer?.(stream.key, stream.raw.writableLength);
      close(stream);
    }
  }

  // One event object reaches every subscribed stream: serialize it once, not once per stream.
  const frames = new WeakMap<WireEvent, string>();
  function frameOf(event: WireEvent): string {
    let frame = frames.get(event);
    if (frame === undefined) frames.set(event, (frame = formatSse({ id: event.id, event: event.type, data: event.data })));
    return frame;
  }

  function send(stream: Stream, event: WireEvent): void {
    if (event.id !== undefined) {
      const id = Number(event.id);
      if (id <= stream.lastId) return;
      stream.lastId = id;
    }
    write(stream, frameOf(event));
  }

  function close(stream: Stream): void {
    if (stream.closed) return;
    stream.closed = true;
    for (const unsubscribe of stream.unsubscribe) unsubscribe();
    streams.delete(stream);
    stream.bucket.delete(stream);
    const keyed = byKey.get(stream.key);
    keyed?.delete(stream);
    if (keyed?.size === 0) byKey.delete(stream.key);
    if (streams.size === 0 && heartbeat !== null) {
      clock.clearInterval(heartbeat);
      heartbeat = null;
    }
    stream.raw.end();
    stream.onClose?.();
  }

  return {
    /** Throws the documented 429/503 before anything is written, so a refusal is a plain error response. */
    admit(key: string): void {
      if (draining) throw new ParleyError('SHUTTING_DOWN', 'The server is restarting; reconnect shortly.', { retryAfterSeconds: 2 });
      if (streams.size >= options.maxStreams) {
        throw new ParleyError('SERVER_BUSY', 'The server holds as many streams as it may; retry shortly or use long-polling.', { retryAfterSeconds: 5 });
      }
      if ((byKey.get(key)?.size ?? 0) >= options.maxPerKey) {
        throw new ParleyError('TOO_MANY_STREAMS', `At most ${options.maxPerKey} streams at once per session; close another tab's stream first.`);
      }
    },

    async open(raw: ServerResponse, headers: Record<string, string | string[] | number | undefined>, request: StreamRequest): Promise<void> {
      raw.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx and similar proxies otherwise buffer the stream.
        'x-accel-buffering': 'no',
      });
      raw.flushHeaders();
      const bucket = buckets[nextBucket++ % HEARTBEAT_SLICES]!;
      const stream: Stream = { raw, bucket, key: request.key, tag: request.tag, lastId: 0, pending: [], unsubscribe: [], closed: false, onClose: request.onClose };
      streams.add(stream);
      bucket.add(stream);
      let keyed = byKey.get(request.key);
      if (!keyed) byKey.set(request.key, (keyed = new Set()));
      keyed.add(stream);
      if (heartbeat === null) heartbeat = clock.setInterval(() => this.heartbeat(), options.heartbeatMs / HEARTBEAT_SLICES);
      raw.on('close', () => close(stream));
      // The client may have gone while we authenticated it: then it would never emit 'close'.
      if (raw.destroyed) {
        close(stream);
        return;
      }

      for (const topic of request.topics) {
        stream.unsubscribe.push(bus.subscribe(topic, (event) => (stream.pending ? stream.pending.push(event) : send(stream, event))));
      }
      write(stream, formatSse({ retry: RECONNECT_BASE_MS }));
      for (const event of request.greeting) send(stream, event);

      let cursor = request.cursor;
      while (cursor !== null && !stream.closed) {
        const batch = await store.eventsAfter(request.scope, cursor, LIMITS.eventBatchMax);
        if (batch.reset) {
          send(stream, { id: batch.cursor, type: 'reset', data: { reason: batch.reset } });
          break;
        }
        for (const event of batch.events) send(stream, toWire(event));
        stream.lastId = Math.max(stream.lastId, Number(batch.cursor));
        cursor = batch.events.length === LIMITS.eventBatchMax ? batch.cursor : null;
        // A long catch-up goes at the client's pace, and lets other work run between batches.
        if (raw.writableLength > maxBuffered && !stream.closed) await new Promise((resolve) => { raw.once('drain', resolve); raw.once('close', resolve); });
        else if (cursor !== null) await new Promise((resolve) => setImmediate(resolve));
      }
      const pending = stream.pending ?? [];
      stream.pending = null;
      for (const event of pending) send(stream, event);
    },

    /** One slice of the streams per call; every stream gets one heartbeat per heartbeatMs. */
    heartbeat(): void {
      for (const stream of buckets[tick++ % HEARTBEAT_SLICES]!) write(stream, SSE_HEARTBEAT);
    },

    /**
     * Ends a key's streams with a goodbye (revoked sessions, changed rights): all of them, only
     * those with a tag, or all but those with a tag.
     */
    closeKey(key: string, goodbye: WireEvent, tag?: string | { except: string }): void {
      for (const stream of [...(byKey.get(key) ?? [])]) {
        if (typeof tag === 'string' && stream.tag !== tag) continue;
        if (typeof tag === 'object' && stream.tag === tag.except) continue;
        send(stream, goodbye);
        close(stream);
      }
    },

    /** Shutdown: refuse new streams, tell open ones when to come back (jittered), end them. */
    drain(): void {
      draining = true;
      for (const stream of [...streams]) {
        const retryMs = RECONNECT_BASE_MS + Math.floor(Math.random() * 2000);
        write(stream, formatSse({ retry: retryMs, event: 'goodbye', data: { reason: 'shutdown', retryMs } }));
        close(stream);
      }
    },

    count: (key?: string): number => (key === undefined ? streams.size : byKey.get(key)?.size ?? 0),
  };
}

export type StreamHub = ReturnType<typeof createStreamHub>;
