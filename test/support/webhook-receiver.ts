/**
 * A webhook receiver on loopback for tests (issue 15): a real HTTP server on 127.0.0.1 that keeps
 * every request it gets (headers, the exact body, parsed) and answers as the test scripts it —
 * a status, a body, a redirect, or no answer at all (a dead endpoint that holds the connection).
 * Test support, not product code.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookBody } from '../../protocol/protocol.ts';
import { waitFor } from '../wait-for.ts';

export interface ReceivedDelivery {
  path: string;
  headers: IncomingMessage['headers'];
  /** The bytes as sent, for checking the signature. */
  raw: string;
  body: WebhookBody;
  /** The status it was answered with; null while it hangs (or when it was cut off unanswered). */
  status: number | null;
}

export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** How it answers the nth request (0-based) from now on; 200 "ok" until told otherwise. */
  answer(script: (delivery: ReceivedDelivery, n: number) => Answer): void;
  /** Requests it holds unanswered right now. */
  hanging(): number;
  /** Resolves once `count` requests (matching, if given) have arrived. */
  waitFor(count: number, options?: { matching?: (d: ReceivedDelivery) => boolean; timeoutMs?: number }): Promise<ReceivedDelivery[]>;
  /** The deliveries answered 2xx, each delivery id once (what a receiver that de-duplicates keeps). */
  accepted(): WebhookBody[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const held = new Set<ServerResponse>();
  let script: (delivery: ReceivedDelivery, n: number) => Answer = () => ({ status: 200, body: 'ok' });
  let n = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: WebhookBody;
      try { body = JSON.parse(raw); } catch { body = null as unknown as WebhookBody; }
      const delivery: ReceivedDelivery = { path: request.url ?? '/', headers: request.headers, raw, body, status: null };
      received.push(delivery);
      const answer = script(delivery, n++);
      if (answer === 'hang') {
        held.add(response);
        response.on('close', () => held.delete(response));
        return;
      }
      delivery.status = answer.status;
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answer(next) {
      script = next;
      n = 0;
    },
    hanging: () => held.size,
    async waitFor(count, { matching = () => true, timeoutMs = 15_000 } = {}) {
      return waitFor(() => {
        const found = received.filter(matching);
        return found.length >= count ? found : null;
      }, { timeoutMs, message: () => `${count} webhook requests (got ${received.filter(matching).length})` });
    },
    accepted() {
      const seen = new Set<string>();
      return received.filter((d) => d.status !== null && d.status >= 200 && d.status < 300 && !seen.has(d.body.deliveryId) && seen.add(d.body.deliveryId)).map((d) => d.body);
    },
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
