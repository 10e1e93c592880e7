/**
 * A minimal Server-Sent Events client on node:http for the load generator: no EventSource
 * library, so the client's own overhead stays small next to the server's. It parses frames
 * (id / event / data lines, comments ignored), remembers the last id for Last-Event-ID resume,
 * and reconnects only when told to: the scenarios decide when and with what jitter.
 */
import { request, type Agent, type ClientRequest } from 'node:http';

export interface SseFrame {
  id: string | null;
  event: string;
  data: string;
}

export interface SseOptions {
  /** A function picks the port at each open (a cluster's nodes, round-robin, like a load balancer). */
  port: number | (() => number);
  path: string;
  agent: Agent;
  headers?: Record<string, string>;
  onFrame: (frame: SseFrame) => void;
  /** Called once per connection that ends, whatever the reason. */
  onEnd?: (reason: string) => void;
}

export class SseClient {
  lastEventId: string | null = null;
  connected = false;
  private req: ClientRequest | null = null;
  private buffer = '';
  private readonly options: SseOptions;

  constructor(options: SseOptions) {
    this.options = options;
  }

  /** Resolves once the response headers (status 200) arrived; rejects on any other outcome. */
  open(timeoutMs = 30_000): Promise<void> {
    const { path, agent, headers } = this.options;
    const port = typeof this.options.port === 'function' ? this.options.port() : this.options.port;
    const sendHeaders: Record<string, string> = { accept: 'text/event-stream', ...headers };
    if (this.lastEventId !== null) sendHeaders['last-event-id'] = this.lastEventId;
    this.buffer = '';
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (!settled) { settled = true; clearTimeout(timer); reject(error); }
      };
      const timer = setTimeout(() => { fail(new Error('stream open timed out')); req.destroy(); }, timeoutMs);
      const req = request({ host: '127.0.0.1', port, path, agent, headers: sendHeaders }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          fail(new Error(`stream answered ${res.statusCode}`));
          return;
        }
        settled = true;
        clearTimeout(timer);
        this.connected = true;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => this.feed(chunk));
        const ended = (reason: string) => {
          if (!this.connected || this.req !== req) return;
          this.connected = false;
          this.options.onEnd?.(reason);
        };
        res.on('end', () => ended('end'));
        res.on('close', () => ended('close'));
        resolve();
      });
      req.on('error', (error) => {
        fail(error);
        if (this.connected && this.req === req) {
          this.connected = false;
          this.options.onEnd?.(error.message);
        }
      });
      this.req = req;
      req.end();
    });
  }

  /** Drops the connection abruptly (the socket is destroyed, not reused). */
  drop(): void {
    const req = this.req;
    this.connected = false;
    this.req = null;
    req?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk.includes('\r') ? chunk.replace(/\r\n?/g, '\n') : chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.parse(block);
    }
  }

  private parse(block: string): void {
    let id: string | null = null;
    let event = 'message';
    let data = '';
    let hasData = false;
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') { data = hasData ? `${data}\n${value}` : value; hasData = true; }
    }
    if (id !== null) this.lastEventId = id;
    if (hasData) this.options.onFrame({ id, event, data });
  }
}
