/**
 * The socket.io peer: what a Node developer would build instead of Parley, doing the same job —
 * a room per conversation, agents in one room that sees everything, every message stored in
 * SQLite (node:sqlite, WAL, synchronous FULL like Parley) with a UNIQUE client id before it is
 * acknowledged, and resume after a reconnect from the last message id the client saw.
 *
 * Run by bench/run.ts as its own process: PORT, DATA_DIR, PEERS_DIR, RELAY_SECRET in the env.
 * A bench fixture, not a product: it must not grow features the scenarios do not exercise.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { peerRequire } from './peer-modules.ts';

interface RelaySocket {
  data: { role: 'visitor' | 'agent'; conversationId: string | null };
  handshake: { auth: Record<string, unknown> };
  join(room: string): void;
  emit(event: string, payload: unknown): void;
  on(event: string, handler: (payload: Record<string, unknown>, ack: unknown) => void): void;
}
interface RelayServer {
  use(fn: (socket: RelaySocket, next: (error?: Error) => void) => void): void;
  on(event: 'connection', handler: (socket: RelaySocket) => void): void;
  to(room: string): { to(room: string): { emit(event: string, payload: unknown): void } };
}

const port = Number(process.env.PORT ?? 0);
const secret = process.env.RELAY_SECRET ?? 'bench';
const { Server } = peerRequire(process.env.PEERS_DIR)('socket.io') as { Server: new (server: unknown, options: object) => RelayServer };

const db = new DatabaseSync(join(process.env.DATA_DIR ?? '.', 'relay.db'));
db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
  CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL DEFAULT 0, last_message_at INTEGER);
  CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, client_id TEXT NOT NULL,
    author TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
    UNIQUE (conversation_id, client_id), UNIQUE (conversation_id, seq));`);
const findByClientId = db.prepare('SELECT * FROM messages WHERE conversation_id = ? AND client_id = ?');
const ensureConversation = db.prepare('INSERT OR IGNORE INTO conversations (id) VALUES (?)');
const nextSeq = db.prepare('UPDATE conversations SET last_seq = last_seq + 1, last_message_at = ? WHERE id = ? RETURNING last_seq');
const insert = db.prepare('INSERT INTO messages (conversation_id, seq, client_id, author, body, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *');
const replayConversation = db.prepare('SELECT * FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT 1000');
const replayAll = db.prepare('SELECT * FROM messages WHERE id > ? ORDER BY id LIMIT 5000');

// The load generator computes the same token (bench/load/socketio-target.ts).
const visitorToken = (conversationId: string) => createHmac('sha256', secret).update(conversationId).digest('hex');

function store(conversationId: string, clientId: string, author: string, body: string): { row: Record<string, unknown>; created: boolean } {
  db.exec('BEGIN IMMEDIATE');
  try {
    const existing = findByClientId.get(conversationId, clientId) as Record<string, unknown> | undefined;
    if (existing) { db.exec('COMMIT'); return { row: existing, created: false }; }
    const now = Date.now();
    ensureConversation.run(conversationId);
    const { last_seq: seq } = nextSeq.get(now, conversationId) as { last_seq: number };
    const row = insert.get(conversationId, seq, clientId, author, body, now) as Record<string, unknown>;
    db.exec('COMMIT');
    return { row, created: true };
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

const httpServer = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('relay'); });
const io = new Server(httpServer, { pingInterval: 15_000, pingTimeout: 20_000, maxHttpBufferSize: 64 * 1024, serveClient: false });

io.use((socket, next) => {
  const auth = socket.handshake.auth;
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  if (auth.role === 'agent' && typeof auth.token === 'string' && same(auth.token, secret)) {
    socket.data = { role: 'agent', conversationId: null };
    return next();
  }
  if (auth.role === 'visitor' && typeof auth.conversationId === 'string' && typeof auth.token === 'string'
    && same(auth.token, visitorToken(auth.conversationId))) {
    socket.data = { role: 'visitor', conversationId: auth.conversationId };
    return next();
  }
  next(new Error('unauthorized'));
});

io.on('connection', (socket) => {
  const { role, conversationId } = socket.data;
  // Replay and join in the same tick: node:sqlite is synchronous, so nothing is emitted in between.
  const lastId = Number(socket.handshake.auth.lastId ?? 0) || 0;
  const missed = role === 'agent' ? replayAll.all(lastId) : replayConversation.all(conversationId, lastId);
  for (const row of missed) socket.emit('message', row);
  socket.join(role === 'agent' ? 'agents' : `c:${conversationId}`);

  socket.on('send', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const target = role === 'visitor' ? conversationId : payload?.conversationId;
    const { clientId, body } = payload ?? {};
    if (typeof target !== 'string' || typeof clientId !== 'string' || clientId.length > 64 || typeof body !== 'string' || body.length > 4000) {
      ack({ ok: false, error: 'invalid' });
      return;
    }
    try {
      const { row, created } = store(target, clientId, role, body);
      if (created) io.to(`c:${target}`).to('agents').emit('message', row);
      ack({ ok: true, message: row });
    } catch (error) {
      ack({ ok: false, error: (error as Error).message });
    }
  });
});

httpServer.listen(port, '127.0.0.1', () => console.log(`relay listening on 127.0.0.1:${port}`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => { db.close(); process.exit(0); });
