/**
 * What every chat write of the PostgreSQL store shares: reading a conversation or message back
 * with its joins, locking a conversation, inserting the next message of a conversation, and the
 * events that describe them. Callers hold the transaction; nothing here logs or commits.
 */
import type { AgentRef, Conversation, Message } from '../../protocol/protocol.ts';
import type { Tx } from './pg-db.ts';
import { newId, PREVIEW_CHARS, toConversation, toMessage } from './rows.ts';
import type { AppendMessageInput, ConversationRef, LoggedEvent } from './store.ts';

export const CONVERSATION_SELECT = `SELECT c.*, u.name AS assignee_name, u.avatar_url AS assignee_avatar,
  cv.name AS visitor_name, cv.email AS visitor_email
  FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id JOIN visitors cv ON cv.id = c.visitor_id`;
export const MESSAGE_SELECT = `SELECT m.*, u.name AS agent_name, u.avatar_url AS agent_avatar
  FROM messages m LEFT JOIN users u ON u.id = m.agent_id`;

/** A transaction, or the pool for a read outside one. */
export type Reader = Pick<Tx, 'one' | 'all'>;
type NewEvent = Omit<LoggedEvent, 'id'>;

export async function readConversation(read: Reader, id: string): Promise<Conversation | null> {
  const row = await read.one(`${CONVERSATION_SELECT} WHERE c.id = $1`, id);
  return row ? toConversation(row) : null;
}

export async function mustConversation(read: Reader, id: string): Promise<Conversation> {
  const found = await readConversation(read, id);
  if (!found) throw new Error(`conversation ${id} does not exist`);
  return found;
}

/**
 * Locks the conversation row until commit: every change to a conversation (a send, a claim, a
 * read mark) takes this lock first, so its seq, status and read marks change one writer at a
 * time across processes — and before the log's lock (lock order, pg-db.ts).
 */
export async function lockConversation(t: Tx, id: string): Promise<Conversation> {
  const row = await t.one(`${CONVERSATION_SELECT} WHERE c.id = $1 FOR UPDATE OF c`, id);
  if (!row) throw new Error(`conversation ${id} does not exist`);
  return toConversation(row);
}

export async function readMessage(read: Reader, where: string, ...params: string[]): Promise<Message | null> {
  const row = await read.one(`${MESSAGE_SELECT} WHERE ${where}`, ...params);
  return row ? toMessage(row) : null;
}

export async function agentRefOf(read: Reader, userId: string | null): Promise<AgentRef | null> {
  if (userId === null) return null;
  const row = await read.one('SELECT id, name, avatar_url FROM users WHERE id = $1', userId);
  return row ? { id: String(row.id), name: String(row.name), avatarUrl: row.avatar_url == null ? null : String(row.avatar_url) } : null;
}

/**
 * Inserts the next message of a locked conversation and moves its counters. Returns null when the
 * sender's clientId is already stored (ON CONFLICT: the unique index has the last word).
 */
export async function insertMessage(t: Tx, c: ConversationRef, input: AppendMessageInput, agent: AgentRef | null, at: number): Promise<Message | null> {
  const id = newId('m');
  const seq = c.lastSeq + 1;
  const { count } = await t.run(`INSERT INTO messages (id, conversation_id, seq, client_id, author, agent_id, body, internal,
      system_kind, system_agent_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
      ON CONFLICT (conversation_id, client_id) DO NOTHING`,
    id, c.id, seq, input.clientId, input.author, input.agentId, input.body, input.internal,
    input.system?.kind ?? null, input.system?.agentName ?? null, at);
  if (count === 0) return null;
  const visible = !input.internal && input.author !== 'system';
  const answered = input.author === 'agent' && !input.internal;
  await t.run(`UPDATE conversations SET last_seq = $1, last_message_at = $2,
      preview = CASE WHEN $3::boolean THEN $4 ELSE preview END,
      first_response_at = CASE WHEN $5::boolean AND first_response_at IS NULL THEN $2 ELSE first_response_at END,
      visitor_read_seq = CASE WHEN $6 = 'visitor' THEN $1 ELSE visitor_read_seq END,
      agent_read_seq = CASE WHEN $6 IN ('agent', 'system') THEN $1 ELSE agent_read_seq END
      WHERE id = $7`,
    seq, at, visible, input.body.slice(0, PREVIEW_CHARS), answered, input.author, c.id);
  // Built from what was just written rather than read back: the hot path of every send.
  return {
    id, conversationId: c.id, seq, clientId: input.clientId, author: input.author, agent,
    body: input.body, internal: input.internal, system: input.system ?? null, createdAt: at,
  };
}

export const messageEvent = (c: ConversationRef, message: Message): NewEvent =>
  ({ type: 'message', data: { message }, siteId: c.siteId, visitorId: c.visitorId, audience: message.internal ? 'agents' : 'all' });

export const conversationEvent = (c: Conversation, type: 'conversation.created' | 'conversation.updated'): NewEvent =>
  ({ type, data: { conversation: c }, siteId: c.siteId, visitorId: c.visitorId, audience: 'all' });
