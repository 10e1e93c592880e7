/**
 * nchan as the load generator sees it: one EventSource channel per visitor (/sub/v-<id>) and one
 * for agents (/sub/agents); publishing is an HTTP POST to /pub/... and nchan answers once the
 * message is in its in-memory buffer. No authentication and no persistence: it is the floor.
 */
import { httpJson, newAgent, pool } from './http-json.ts';
import { reopenAll } from './reconnect.ts';
import { SseClient, type SseFrame } from './sse-client.ts';
import { AGENT, CLIENT_ID, messageBody, type DeliveryHandler, type LoadTarget, type TargetInfo } from './target.ts';

export function createNchanTarget(info: TargetInfo): LoadTarget {
  const { port, prefix } = info;
  const http = newAgent(256);
  const streamsAgent = newAgent(Infinity);
  const visitors: Array<SseClient | null> = [];
  let count = 0;
  let agentStream: SseClient | null = null;
  // nchan ids are "<unix seconds>:<tag>"; resuming from the moment of opening means a stream that
  // saw nothing yet still gets whatever was published while it was away.
  const nowId = () => `${Math.floor(Date.now() / 1000)}:0`;

  const target: LoadTarget = {
    onDelivery: (() => {}) as DeliveryHandler,

    async prepare(n) {
      count = n;
      return { opened: n, failed: 0, firstError: null };
    },

    async openAgent() {
      agentStream = new SseClient({ port, path: `/sub/agents-${prefix}`, agent: streamsAgent, onFrame: (frame) => deliver(AGENT, frame) });
      agentStream.lastEventId = nowId();
      await agentStream.open();
    },

    async openVisitors(upTo) {
      const start = visitors.length;
      const end = Math.min(upTo, count);
      const result = await pool(Math.max(0, end - start), 64, async (k) => {
        const i = start + k;
        const stream = new SseClient({ port, path: `/sub/v-${prefix}-${i}`, agent: streamsAgent, onFrame: (frame) => deliver(i, frame) });
        stream.lastEventId = nowId();
        visitors[i] = null;
        await stream.open();
        visitors[i] = stream;
      });
      return { opened: Math.max(0, end - start) - result.failed, ...result };
    },

    async closeVisitors(upTo) {
      for (const stream of visitors.slice(upTo)) stream?.drop();
      visitors.length = Math.min(visitors.length, upTo);
    },

    async sendFromVisitor(i, clientId) {
      const res = await httpJson(http, port, 'POST', `/pub/agents-${prefix}`, { from: i, clientId, body: messageBody(clientId) });
      if (res.status !== 201 && res.status !== 202) throw new Error(`publish answered ${res.status}`);
    },

    async sendFromAgent(i, clientId) {
      const res = await httpJson(http, port, 'POST', `/pub/v-${prefix}-${i}`, { clientId, body: messageBody(clientId) });
      if (res.status !== 201 && res.status !== 202) throw new Error(`publish answered ${res.status}`);
    },

    dropAll() {
      agentStream?.drop();
      for (const stream of visitors) stream?.drop();
    },

    async reconnectAll(jitterMs, deadlineMs) {
      const clients = [agentStream, ...visitors].filter((c): c is SseClient => c !== null);
      return reopenAll(clients, jitterMs, deadlineMs);
    },

    openStreams: () => visitors.filter((s) => s?.connected).length + (agentStream?.connected ? 1 : 0),

    async close() {
      target.dropAll();
      http.destroy();
      streamsAgent.destroy();
    },
  };

  function deliver(receiver: number, frame: SseFrame): void {
    const match = CLIENT_ID.exec(frame.data);
    if (match) target.onDelivery(receiver, match[1]!);
  }
  return target;
}
