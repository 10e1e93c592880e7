/**
 * Every open SSE stream, visitor or agent: admission caps, the replay-then-live handover that makes
 * resume exact, one shared heartbeat timer, slow-consumer protection and shutdown.
 *
 * Heartbeats are staggered: streams are spread over HEARTBEAT_SLICES buckets and each tick of the
 * shared timer writes to one bucket, so 10,000 streams never cost one 10,000-write pause.
 *
 * Exactly-once across the handover: a stream subscribes to the bus first and buffers, then replays
 * the log after the client's cursor up to the head, then drains the buffer skipping ids it already
 * sent. The store delivers live events in log order (one epoch, seq only grows), so "seq <= last
 * sent" is the whole dedupe rule.
 */
import type { ServerResponse } from 'node:http';
import { LIMITS, parseEventId, type WireEvent } from '../../protocol/protocol.ts';
import type { Bus } from '../bus/bus.ts';
import type { Clock } from '../clock.ts';
import { ParleyError } from '../http/errors.ts';
import type { EventScope, Store } from '../store/store.ts';
import { wireFor } from './publish.ts';
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
  lastSeq: number;
  /** Live events held back while the replay runs; null once live. */
  pending: WireEvent[] | null;
  /** Their size as frames: a replay that cannot keep up may not hold back without limit either. */
  pendingBytes: number;
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
  /** Told when the log could not be read during a replay (the stream is ended with a goodbye). */
  onReplayFailed?: (key: string, error: unknown) => void;
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
    // A client this far behind is cut, live or replaying (a replay pauses at a quarter of this
    // for the client to read, so only one that stopped reading gets here): it resumes from the
    // last id it received when it reads again.
    if (stream.raw.writableLength > maxBuffered) cutSlow(stream);
  }

  function cutSlow(stream: Stream): void {
    options.onSlowConsumer?.(stream.key, stream.raw.writableLength + stream.pendingBytes);
    close(stream);
  }

  /** Resolves when the client has read what is buffered, or the stream is gone; cuts it if it reads nothing for two heartbeats. */
  function drained(stream: Stream): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clock.clearTimeout(timer);
        stream.raw.off('drain', done);
        stream.raw.off('close', done);
        resolve();
      };
      const timer = clock.setTimeout(() => {
        cutSlow(stream);
        done();
      }, 2 * options.heartbeatMs);
      stream.raw.once('drain', done);
      stream.raw.once('close', done);
    });
  }

  // One event object reaches every subscribed stream: serialize it once, not once per stream.
  const frames = new WeakMap<WireEvent, string>();
  function frameOf(event: WireEvent): string {
    let frame = frames.get(event);
    if (frame === undefined) frames.set(event, (frame = formatSse({ id: event.id, event: event.type, data: event.data })));
    return frame;
  }

  // Likewise its position in the log, parsed once.
  const seqs = new WeakMap<WireEvent, number>();
  function seqOf(event: WireEvent): number {
    let seq = seqs.get(event);
    if (seq === undefined) seqs.set(event, (seq = parseEventId(event.id)?.seq ?? 0));
    return seq;
  }

  function send(stream: Stream, event: WireEvent): void {
    if (event.id !== undefined) {
      const seq = seqOf(event);
      if (seq <= stream.lastSeq) return;
      stream.lastSeq = seq;
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

  /** Ends a stream with a "come back in a moment", the moment spread out so clients do not return at once. */
  function comeBackLater(stream: Stream, reason: 'shutdown' | 'unavailable'): void {
    const retryMs = RECONNECT_BASE_MS + Math.floor(Math.random() * 2000);
    write(stream, formatSse({ retry: retryMs, event: 'goodbye', data: { reason, retryMs } }));
    close(stream);
  }

  /** Sends the log after the client's cursor up to the head, at the client's pace. */
  async function replay(stream: Stream, request: StreamRequest): Promise<void> {
    let cursor = request.cursor;
    while (cursor !== null && !stream.closed) {
      const batch = await store.eventsAfter(request.scope, cursor, LIMITS.eventBatchMax);
      if (stream.closed) return;
      if (batch.reset) {
        send(stream, { id: batch.cursor, type: 'reset', data: { reason: batch.reset } });
        return;
      }
      for (const event of batch.events) {
        send(stream, wireFor(request.scope, event));
        // Pause while the client reads, so what waits in memory for one stream stays small.
        if (stream.raw.writableLength > maxBuffered / 4) await drained(stream);
        if (stream.closed) return;
      }
      stream.lastSeq = Math.max(stream.lastSeq, parseEventId(batch.cursor)?.seq ?? 0);
      cursor = batch.events.length === LIMITS.eventBatchMax ? batch.cursor : null;
      // A long catch-up lets other work run between batches.
      if (cursor !== null) await new Promise((resolve) => setImmediate(resolve));
    }
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
      const stream: Stream = { raw, bucket, key: request.key, tag: request.tag, lastSeq: 0, pending: [], pendingBytes: 0, unsubscribe: [], closed: false, onClose: request.onClose };
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
        stream.unsubscribe.push(await bus.subscribe(topic, (event) => {
          if (!stream.pending) return send(stream, event);
          stream.pending.push(event);
          stream.pendingBytes += frameOf(event).length;
          if (stream.pendingBytes > maxBuffered) cutSlow(stream);
        }));
        // The client may have gone while subscribing: close() ran before this unsubscribe was known.
        if (stream.closed) {
          for (const unsubscribe of stream.unsubscribe) unsubscribe();
          return;
        }
      }
      write(stream, formatSse({ retry: RECONNECT_BASE_MS }));
      for (const event of request.greeting) send(stream, event);

      try {
        await replay(stream, request);
      } catch (error) {
        // The log could not be read (database locked, gone): say so and end, rather than leave a
        // stream that beats its heart and delivers nothing. The client reconnects and resumes
        // from the last id it received, so nothing is skipped.
        options.onReplayFailed?.(stream.key, error);
        comeBackLater(stream, 'unavailable');
        return;
      }
      const pending = stream.pending ?? [];
      stream.pending = null;
      stream.pendingBytes = 0;
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
      for (const stream of [...streams]) comeBackLater(stream, 'shutdown');
    },

    /** The database is gone: tell every stream to come back (jittered), likely to another process. */
    shed(): void {
      for (const stream of [...streams]) comeBackLater(stream, 'unavailable');
    },

    /** Every open stream's key and tag (revoke.ts re-checks them after a missed revocation). */
    streams: (): Array<{ key: string; tag: string | undefined }> => [...streams].map(({ key, tag }) => ({ key, tag })),

    count: (key?: string): number => (key === undefined ? streams.size : byKey.get(key)?.size ?? 0),
  };
}

export type StreamHub = ReturnType<typeof createStreamHub>;
