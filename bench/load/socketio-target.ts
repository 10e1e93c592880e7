/**
 * The socket.io relay as the load generator sees it: one socket.io-client per visitor (WebSocket
 * transport, the library's own reconnection with resume from the last message id) and one for
 * the agent; a message counts as sent when the relay's acknowledgement (after the SQLite commit)
 * comes back.
 */
import { createHmac } from 'node:crypto';
import { peerRequire } from '../peers/peer-modules.ts';
import { AGENT, messageBody, type DeliveryHandler, type LoadTarget, type OpenResult, type TargetInfo } from './target.ts';

interface ClientSocket {
  connected: boolean;
  io: { engine: { close(): void } | null };
  on(event: string, handler: (...args: never[]) => void): void;
  once(event: string, handler: (...args: never[]) => void): void;
  off(event: string, handler: (...args: never[]) => void): void;
  timeout(ms: number): { emit(event: string, payload: unknown, ack: (error: Error | null, reply: { ok: boolean; error?: string }) => void): void };
  disconnect(): void;
}
type Connect = (url: string, options: object) => ClientSocket;

interface Conn { socket: ClientSocket; lastId: number; connects: number; dropMark: number }

export function createSocketioTarget(info: TargetInfo): LoadTarget {
  const { port, prefix } = info;
  const secret = info.secret ?? 'bench';
  const connect = (peerRequire(info.peersDir)('socket.io-client') as { io: Connect }).io;
  const url = `http://127.0.0.1:${port}`;
  const visitors: Array<Conn | null> = [];
  let count = 0;
  let agent: Conn | null = null;
  const conversationOf = (i: number) => `${prefix}-c${i}`;

  function open(receiver: number, auth: Record<string, string>, timeoutMs = 30_000): Promise<Conn> {
    const conn: Conn = { socket: null as unknown as ClientSocket, lastId: 0, connects: 0, dropMark: 0 };
    conn.socket = connect(url, {
      forceNew: true,
      transports: ['websocket'],
      // The same reconnect spread the SSE clients use: a random delay in [0, 1000) ms.
      reconnectionDelay: 500,
      randomizationFactor: 1,
      reconnectionDelayMax: 2000,
      auth: (cb: (data: object) => void) => cb({ ...auth, lastId: conn.lastId }),
    });
    conn.socket.on('connect', () => { conn.connects++; });
    conn.socket.on('message', ((row: { id: number; client_id: string }) => {
      if (row.id > conn.lastId) conn.lastId = row.id;
      target.onDelivery(receiver, row.client_id);
    }) as (...args: never[]) => void);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { conn.socket.disconnect(); reject(new Error('socket.io connect timed out')); }, timeoutMs);
      conn.socket.once('connect', () => { clearTimeout(timer); resolve(conn); });
      conn.socket.once('connect_error', ((error: Error) => { clearTimeout(timer); conn.socket.disconnect(); reject(error); }) as (...args: never[]) => void);
    });
  }

  function emit(conn: Conn, payload: object): Promise<void> {
    return new Promise((resolve, reject) => {
      conn.socket.timeout(30_000).emit('send', payload, (error, reply) => {
        if (error) reject(error);
        else if (!reply?.ok) reject(new Error(`relay refused: ${reply?.error}`));
        else resolve();
      });
    });
  }

  const target: LoadTarget = {
    onDelivery: (() => {}) as DeliveryHandler,

    async prepare(n) {
      count = n;
      return { opened: n, failed: 0, firstError: null };
    },

    async openAgent() {
      agent = await open(AGENT, { role: 'agent', token: secret });
    },

    async openVisitors(upTo) {
      const start = visitors.length;
      const end = Math.min(upTo, count);
      let failed = 0;
      let firstError: string | null = null;
      let next = start;
      const lane = async () => {
        while (next < end) {
          const i = next++;
          visitors[i] = null;
          const conversationId = conversationOf(i);
          try {
            visitors[i] = await open(i, { role: 'visitor', conversationId, token: createHmac('sha256', secret).update(conversationId).digest('hex') });
          } catch (error) { failed++; firstError ??= (error as Error).message; }
        }
      };
      await Promise.all(Array.from({ length: Math.min(64, Math.max(0, end - start)) }, lane));
      return { opened: Math.max(0, end - start) - failed, failed, firstError };
    },

    async closeVisitors(upTo) {
      for (const conn of visitors.slice(upTo)) conn?.socket.disconnect();
      visitors.length = Math.min(visitors.length, upTo);
    },

    sendFromVisitor: (i, clientId) => emit(visitors[i]!, { clientId, body: messageBody(clientId) }),
    sendFromAgent: (i, clientId) => emit(agent!, { conversationId: conversationOf(i), clientId, body: messageBody(clientId) }),

    dropAll() {
      // Closing the engine (not socket.disconnect()) is a network-level loss: the client reconnects on its own.
      for (const conn of [agent, ...visitors]) {
        if (!conn) continue;
        conn.dropMark = conn.connects;
        conn.socket.io.engine?.close();
      }
    },

    async reconnectAll(_jitterMs, deadlineMs): Promise<OpenResult> {
      const conns = [agent, ...visitors].filter((c): c is Conn => c !== null);
      const deadline = Date.now() + deadlineMs;
      const back = (c: Conn) => c.connects > c.dropMark && c.socket.connected;
      while (Date.now() < deadline && !conns.every(back)) await new Promise((r) => setTimeout(r, 20));
      const failed = conns.filter((c) => !back(c)).length;
      return { opened: conns.length - failed, failed, firstError: failed ? 'not reconnected before the deadline' : null };
    },

    openStreams: () => visitors.filter((c) => c?.socket.connected).length + (agent?.socket.connected ? 1 : 0),

    async close() {
      for (const conn of [agent, ...visitors]) conn?.socket.disconnect();
    },
  };
  return target;
}
