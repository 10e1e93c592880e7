/**
 * A minimal SSE client for tests: real HTTP, frames parsed per the spec, events queued so a test
 * can `await next()` or `await until(predicate)`. Deliberately independent of the server's
 * formatter, so a framing bug cannot hide on both sides.
 */
import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

export interface SseConnection {
  status: number;
  headers: IncomingMessage['headers'];
  /** Every event received so far, in order. */
  events: SseEvent[];
  comments: string[];
  retry: number | null;
  next(timeoutMs?: number): Promise<SseEvent>;
  until(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
  /** The body text when the server refused the stream with an error status. */
  body: string;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      let consumed = 0;
      let waiters: Array<() => void> = [];
      let buffer = '';
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => (endResolve = r));
      const connection: SseConnection = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        retry: null,
        body: '',
        ended,
        close: () => req.destroy(),
        async next(timeoutMs = 5000) {
          const start = Date.now();
          while (consumed >= events.length) {
            if (Date.now() - start > timeoutMs) throw new Error(`no SSE event within ${timeoutMs} ms (got ${events.length})`);
            await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 50); });
          }
          return events[consumed++]!;
        },
        async until(predicate, timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const event = await connection.next(Math.max(1, deadline - Date.now()));
            if (predicate(event)) return event;
          }
        },
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (connection.status !== 200) { connection.body += chunk; return; }
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: Partial<SseEvent> & { data?: string } = {};
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) { comments.push(line.slice(1).trim()); continue; }
            const colon = line.indexOf(':');
            const field = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') frame.id = value;
            else if (field === 'event') frame.event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'retry') connection.retry = Number(value);
          }
          if (data.length > 0) {
            const text = data.join('\n');
            let parsed: unknown = text;
            try { parsed = JSON.parse(text); } catch { /* plain text data */ }
            events.push({ id: frame.id, event: frame.event ?? 'message', data: parsed });
          }
        }
        const woken = waiters;
        waiters = [];
        for (const wake of woken) wake();
      });
      res.on('end', endResolve);
      res.on('close', endResolve);
      resolve(connection);
    });
    req.on('error', reject);
    req.end();
  });
}
