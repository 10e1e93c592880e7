/**
 * What every chat write of the SQLite store shares: reading a conversation or message back with
 * its joins, logging a conversation event, and inserting the next message of a conversation.
 * Callers hold the write job; nothing here queues a write or commits.
 */
import type { Conversation, Message } from '../../protocol/protocol.ts';
import { newId, PREVIEW_CHARS, toConversation, toMessage } from './rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import type { AppendMessageInput, ConversationRef, LoggedEvent } from './store.ts';

export const CONVERSATION_SELECT = `SELECT c.*, u.name AS assignee_name, u.avatar_url AS assignee_avatar,
  cv.name AS visitor_name, cv.email AS visitor_email
  FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id JOIN visitors cv ON cv.id = c.visitor_id`;
export const MESSAGE_SELECT = `SELECT m.*, u.name AS agent_name, u.avatar_url AS agent_avatar
  FROM messages m LEFT JOIN users u ON u.id = m.agent_id`;

export function createChatRows({ now, one, run, logEvent, agentRefOf }: SqliteDb) {
  const conversation = (id: string): Conversation | null => {
    const row = one(`${CONVERSATION_SELECT} WHERE c.id = ?`, id);
    return row ? toConversation(row) : null;
  };
  const mustConversation = (id: string): Conversation => {
    const found = conversation(id);
    if (!found) throw new Error(`conversation ${id} does not exist`);
    return found;
  };
  /** Just what a send needs, without the joins of a full conversation: the hot path again. */
  const conversationRef = (id: string): ConversationRef | null => {
    const row = one('SELECT id, site_id, visitor_id, status, last_seq FROM conversations WHERE id = ?', id);
    return row ? { id: String(row.id), siteId: String(row.site_id), visitorId: String(row.visitor_id), status: String(row.status) as Conversation['status'], lastSeq: Number(row.last_seq) } : null;
  };
  const message = (id: string): Message => toMessage(one(`${MESSAGE_SELECT} WHERE m.id = ?`, id)!);
  const conversationEvent = (c: Conversation, type: 'conversation.created' | 'conversation.updated', audience: 'all' | 'agents' = 'all') =>
    logEvent({ type, data: { conversation: c }, siteId: c.siteId, visitorId: c.visitorId, audience });

  /** Inserts the next message of a conversation and logs it; the caller holds the transaction. */
  function insertMessage(c: ConversationRef, input: AppendMessageInput): { message: Message; event: LoggedEvent } {
    const id = newId('m');
    const seq = c.lastSeq + 1;
    const at = now();
    run(`INSERT INTO messages (id, conversation_id, seq, client_id, author, agent_id, body, internal,
        system_kind, system_agent_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id, c.id, seq, input.clientId, input.author, input.agentId, input.body, input.internal ? 1 : 0,
      input.system?.kind ?? null, input.system?.agentName ?? null, at);
    const visible = !input.internal && input.author !== 'system';
    const answered = input.author === 'agent' && !input.internal;
    run(`UPDATE conversations SET last_seq = ?, last_message_at = ?,
        preview = CASE WHEN ? THEN ? ELSE preview END,
        first_response_at = CASE WHEN ? AND first_response_at IS NULL THEN ? ELSE first_response_at END,
        visitor_read_seq = CASE WHEN ? = 'visitor' THEN ? ELSE visitor_read_seq END,
        agent_read_seq = CASE WHEN ? IN ('agent', 'system') THEN ? ELSE agent_read_seq END
        WHERE id = ?`,
      seq, at, visible ? 1 : 0, input.body.slice(0, PREVIEW_CHARS), answered ? 1 : 0, at,
      input.author, seq, input.author, seq, c.id);
    // Built from what was just written rather than read back: the hot path of every send.
    const stored: Message = {
      id, conversationId: c.id, seq, clientId: input.clientId, author: input.author, agent: agentRefOf(input.agentId),
      body: input.body, internal: input.internal, system: input.system ?? null, createdAt: at,
    };
    const event = logEvent({ type: 'message', data: { message: stored }, siteId: c.siteId, visitorId: c.visitorId, audience: input.internal ? 'agents' : 'all' });
    return { message: stored, event };
  }

  return { conversation, mustConversation, conversationRef, message, conversationEvent, insertMessage };
}
