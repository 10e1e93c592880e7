/**
 * A TCP proxy for fault tests: listens on 127.0.0.1 in front of a Parley server and, on command,
 * does to its connections what bad networks do — cut them (optionally mid-frame), stall them
 * without a FIN, add latency, accept new ones and never answer, or stop reading what the server
 * sends (a client that never reads, so the server's send buffer fills).
 *
 * Bytes pass through untouched; the proxy only notes each connection's first request line so a
 * test can pick out, say, the stream. Controls on the proxy act on the connections open at the
 * time (blackhole and delay also on later ones); `resume()` undoes stall, pause and delay.
 * `close()` destroys every socket it holds. Test-only: nothing here is tuned for load.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface CutOptions {
  /** Cut right after the next occurrence of this text in what the server sends (e.g. inside a frame). */
  after?: string;
  /** Then let this many more bytes from the server through before cutting (default 0). */
  afterBytes?: number;
}

export interface ProxyConnection {
  readonly id: number;
  /**
   * The latest request line the client sent (`GET /v1/agent/stream HTTP/1.1`), '' until one
   * arrives: a keep-alive connection carries several, and a browser may open a stream on one.
   */
  readonly request: string;
  /** Bytes passed from the server to the client so far. */
  readonly bytesDown: number;
  /** The last KiB passed to the client, to see where a cut fell. */
  readonly tail: string;
  /** Chunks read but not yet passed on (delayed or stalled), both directions. */
  readonly held: number;
  readonly closed: boolean;
  /** Destroys both sides: at once, or after the given point in what the server sends. */
  cut(options?: CutOptions): void;
  /** Both sockets stay open; nothing is read or passed on in either direction, no FIN either. */
  stall(): void;
  /** Stops reading from the server only: the client still talks, the server's writes back up. */
  pauseUpstream(): void;
  /** Adds this much latency to every chunk from now on, both directions, order kept. */
  delay(ms: number): void;
  /** Back to passing everything through at once (held bytes go out first). */
  resume(): void;
}

export interface FaultProxy {
  url: string;
  port: number;
  /** Connections still open, oldest first. */
  readonly connections: ProxyConnection[];
  /** How many connections the proxy has accepted (blackholed ones included). */
  readonly accepted: number;
  cut(options?: CutOptions): void;
  stall(): void;
  pauseUpstream(): void;
  /** Latency for open connections and every later one. */
  delay(ms: number): void;
  /** New connections are accepted and then never answered (nothing forwarded, nothing sent back). */
  blackhole(on?: boolean): void;
  /** Undoes stall, pause, delay and blackhole (blackholed connections stay dead). */
  resume(): void;
  close(): Promise<void>;
}

/** One direction of a connection: a FIFO that applies latency and can be held. */
interface Lane {
  queue: Array<{ at: number; chunk: Buffer | null }>; // null: the source ended (pass the FIN on)
  timer: NodeJS.Timeout | null;
}

const TAIL = 1024;
/** A chunk that starts a request (good enough for tests: requests start at a chunk boundary). */
const REQUEST_LINE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ HTTP\/1\.[01]\r\n/;

export async function startFaultProxy(target: { port: number; host?: string }): Promise<FaultProxy> {
  const host = target.host ?? '127.0.0.1';
  const open = new Set<ProxyConnection & { destroy(): void }>();
  const blackholed = new Set<Socket>();
  let accepted = 0;
  let nextId = 1;
  let defaultDelay = 0;
  let holeNew = false;

  // Half-open kept: each direction's FIN is passed on by its own lane, in order behind its bytes.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    accepted++;
    client.on('error', () => {});
    if (holeNew) {
      client.pause();
      blackholed.add(client);
      client.on('close', () => blackholed.delete(client));
      return;
    }
    open.add(relay(client));
  });

  function relay(client: Socket): ProxyConnection & { destroy(): void } {
    const upstream = connect({ port: target.port, host, allowHalfOpen: true });
    upstream.on('error', () => {});
    let stalled = false;
    let upstreamPaused = false;
    let delayMs = defaultDelay;
    let closed = false;
    /** A planned cut has been reached: its last bytes are being written, then both sides go. */
    let cutting = false;
    /** A socket has closed: finish once what is queued has gone through (unless stalled). */
    let closing = false;
    let request = '';
    let bytesDown = 0;
    let tail = '';
    let cutPlan: { pattern: Buffer | null; carry: Buffer; remaining: number } | null = null;
    const backedUp = new Set<Socket>();
    const up: Lane = { queue: [], timer: null };
    const down: Lane = { queue: [], timer: null };

    const flowing = (source: Socket) => !closed && !cutting && !stalled && !backedUp.has(source) && !(source === upstream && upstreamPaused);
    const updateFlow = () => {
      for (const source of [client, upstream]) flowing(source) ? source.resume() : source.pause();
    };

    function destroy(): void {
      if (closed) return;
      closed = true;
      for (const lane of [up, down]) if (lane.timer) clearTimeout(lane.timer);
      client.destroy();
      upstream.destroy();
      open.delete(connection);
    }

    /** Writes to `dest`, pausing `source` while `dest` is backed up (so the proxy is no hidden buffer). */
    function write(source: Socket, dest: Socket, chunk: Buffer | null): void {
      if (chunk === null) { dest.end(); return; }
      if (!dest.write(chunk) && !backedUp.has(source)) {
        backedUp.add(source);
        updateFlow();
        dest.once('drain', () => { backedUp.delete(source); updateFlow(); });
      }
    }

    /** What the server sent, minus anything past a planned cut; cuts once that point is written. */
    function passDown(chunk: Buffer | null): void {
      if (chunk === null || !cutPlan) {
        if (chunk) record(chunk);
        write(upstream, client, chunk);
        return;
      }
      let from = 0;
      if (cutPlan.pattern) {
        const joined = Buffer.concat([cutPlan.carry, chunk]);
        const at = joined.indexOf(cutPlan.pattern);
        if (at === -1) {
          cutPlan.carry = joined.subarray(Math.max(0, joined.length - cutPlan.pattern.length + 1));
          record(chunk);
          write(upstream, client, chunk);
          return;
        }
        from = at + cutPlan.pattern.length - cutPlan.carry.length;
        cutPlan.pattern = null;
      }
      if (chunk.length - from < cutPlan.remaining) {
        cutPlan.remaining -= chunk.length - from;
        record(chunk);
        write(upstream, client, chunk);
        return;
      }
      const last = chunk.subarray(0, from + cutPlan.remaining);
      record(last);
      cutPlan = null;
      cutting = true;
      updateFlow();
      client.write(last, () => destroy());
    }

    function record(chunk: Buffer): void {
      bytesDown += chunk.length;
      tail = (tail + chunk.toString('latin1')).slice(-TAIL);
    }

    function pump(lane: Lane, deliver: (chunk: Buffer | null) => void): void {
      if (lane.timer || stalled || cutting || closed) return;
      while (lane.queue.length > 0 && !stalled && !cutting && !closed) {
        const wait = lane.queue[0]!.at - Date.now();
        if (wait > 0) {
          lane.timer = setTimeout(() => { lane.timer = null; pump(lane, deliver); }, wait);
          return;
        }
        deliver(lane.queue.shift()!.chunk);
      }
      finishIfClosing();
    }
    function finishIfClosing(): void {
      if (closing && !stalled && !cutting && up.queue.length === 0 && down.queue.length === 0) destroy();
    }
    const pumpUp = () => pump(up, (chunk) => write(client, upstream, chunk));
    const pumpDown = () => pump(down, passDown);
    const enqueue = (lane: Lane, chunk: Buffer | null, next: () => void) => {
      const previous = lane.queue.at(-1)?.at ?? 0;
      lane.queue.push({ at: Math.max(Date.now() + delayMs, previous), chunk });
      next();
    };

    client.on('data', (chunk: Buffer) => {
      const start = chunk.toString('latin1', 0, Math.min(chunk.length, 2048));
      if (REQUEST_LINE.test(start)) request = start.split('\r\n')[0]!;
      enqueue(up, chunk, pumpUp);
    });
    upstream.on('data', (chunk: Buffer) => enqueue(down, chunk, pumpDown));
    client.on('end', () => enqueue(up, null, pumpUp));
    upstream.on('end', () => enqueue(down, null, pumpDown));
    // A socket that is gone takes its peer with it once its queued bytes are through; while
    // stalled, not even that (no FIN passes a stall).
    for (const socket of [client, upstream]) socket.on('close', () => { closing = true; finishIfClosing(); });

    const connection = {
      id: nextId++,
      get request() { return request; },
      get bytesDown() { return bytesDown; },
      get tail() { return tail; },
      get held() { return up.queue.length + down.queue.length; },
      get closed() { return closed; },
      cut(options: CutOptions = {}) {
        if (options.after === undefined && !options.afterBytes) { destroy(); return; }
        cutPlan = { pattern: options.after === undefined ? null : Buffer.from(options.after), carry: Buffer.alloc(0), remaining: options.afterBytes ?? 0 };
      },
      stall() {
        stalled = true;
        updateFlow();
      },
      pauseUpstream() {
        upstreamPaused = true;
        updateFlow();
      },
      delay(ms: number) { delayMs = ms; },
      resume() {
        if (closed) return;
        stalled = false;
        upstreamPaused = false;
        delayMs = 0;
        updateFlow();
        pumpUp();
        pumpDown();
      },
      destroy,
    };
    return connection;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  const each = (action: (connection: ProxyConnection) => void) => { for (const connection of [...open]) action(connection); };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get connections() { return [...open]; },
    get accepted() { return accepted; },
    cut: (options) => each((connection) => connection.cut(options)),
    stall: () => each((connection) => connection.stall()),
    pauseUpstream: () => each((connection) => connection.pauseUpstream()),
    delay(ms) {
      defaultDelay = ms;
      each((connection) => connection.delay(ms));
    },
    blackhole(on = true) { holeNew = on; },
    resume() {
      holeNew = false;
      defaultDelay = 0;
      each((connection) => connection.resume());
    },
    async close() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of [...open]) connection.destroy();
      for (const socket of blackholed) socket.destroy();
      await closing;
    },
  };
}
