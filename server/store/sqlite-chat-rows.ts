/**
 * What every chat write of the SQLite store shares: reading a conversation or message back with
 * its joins, logging a conversation event, inserting the next message of a conversation, and a
 * status or assignee change with its system message (claims, transfers, the assignment rule).
 * Callers hold the write job; nothing here queues a write or commits.
 */
import type { AgentRef, Conversation, Message, SystemKind } from '../../protocol/protocol.ts';
import { newId, PREVIEW_CHARS, systemText, toConversation, toMessage } from './rows.ts';
import type { Param, SqliteDb } from './sqlite-db.ts';
import { attachToMessage } from './sqlite-attachments.ts';
import { GoneError, type AppendMessageInput, type Changed, type ConversationRef, type LoggedEvent } from './store.ts';

export const CONVERSATION_SELECT = `SELECT c.*, u.name AS assignee_name, u.avatar_url AS assignee_avatar,
  cv.name AS visitor_name, cv.email AS visitor_email, ct.name AS team_name
  FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id JOIN visitors cv ON cv.id = c.visitor_id
  LEFT JOIN teams ct ON ct.id = c.team_id`;
export const MESSAGE_SELECT = `SELECT m.*, u.name AS agent_name, u.avatar_url AS agent_avatar
  FROM messages m LEFT JOIN users u ON u.id = m.agent_id`;

/** A status or assignee change: SET with its params, and an extra WHERE guard with its own. */
export interface Change { set: string; params?: Param[]; guard?: string; guardParams?: Param[] }

/**
 * SET fragment for a change that may make a conversation wait again (reopening with nobody on it):
 * its wait starts now (the one parameter) and its unanswered alerts start over (issue 14).
 */
export const STARTS_WAITING = `waiting_since = CASE WHEN assignee_id IS NULL THEN ? ELSE waiting_since END,
  unanswered_alerts = CASE WHEN assignee_id IS NULL THEN 0 ELSE unanswered_alerts END`;

export function createChatRows(ctx: SqliteDb) {
  const { now, one, run, logEvent, agentRefOf } = ctx;
  const conversation = (id: string): Conversation | null => {
    const row = one(`${CONVERSATION_SELECT} WHERE c.id = ?`, id);
    return row ? toConversation(row) : null;
  };
  const mustConversation = (id: string): Conversation => {
    const found = conversation(id);
    if (!found) throw new GoneError('conversation', id);
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
    const attachments = attachToMessage(ctx, c, id, input);
    // Built from what was just written rather than read back: the hot path of every send.
    const stored: Message = {
      id, conversationId: c.id, seq, clientId: input.clientId, author: input.author, agent: agentRefOf(input.agentId),
      body: input.body, internal: input.internal, system: input.system ?? null, createdAt: at, ...(attachments && { attachments }),
    };
    const event = logEvent({ type: 'message', data: { message: stored }, siteId: c.siteId, visitorId: c.visitorId, audience: input.internal ? 'agents' : 'all' });
    return { message: stored, event };
  }

  /**
   * A status or assignee change with its system message; the caller holds the write job. `guard`
   * is an extra WHERE condition; when it no longer holds, nothing is written and null is returned.
   * The message names `agentName` (a team's, when passed to one), else the agent's.
   */
  function applyChange(id: string, kind: SystemKind, agent: AgentRef | null, change: Change, agentName = agent?.name ?? null): Changed<Conversation> | null {
    const before = mustConversation(id);
    const { changes } = run(`UPDATE conversations SET ${change.set} WHERE id = ? ${change.guard ? `AND ${change.guard}` : ''}`, ...(change.params ?? []), id, ...(change.guardParams ?? []));
    if (Number(changes) === 0) return null;
    const { event } = insertMessage(before, { conversationId: id, clientId: null, author: 'system', agentId: agent?.id ?? null, body: systemText(kind, agentName), internal: false, system: { kind, agentName } });
    const after = mustConversation(id);
    return { value: after, events: [event, conversationEvent(after, 'conversation.updated')] };
  }
  /** A claim: only of a waiting conversation (claim, a reply that takes one, the assignment rule). */
  const claimChange = (agent: AgentRef): Change => ({ set: "status = 'assigned', assignee_id = ?", params: [agent.id], guard: "status = 'waiting'" });

  /**
   * appendMessage inside a write job the caller holds: one message per clientId, claim then send
   * (issue 10: the join is the message right before the reply), and a visitor's message reopens a
   * resolved conversation. Also how an accepted held email lands (sqlite-held-emails.ts), in its job.
   */
  function appendInJob(input: AppendMessageInput): Changed<Message> & { created: boolean; claimed: boolean } {
    if (input.clientId !== null) {
      const existing = one('SELECT id FROM messages WHERE conversation_id = ? AND client_id = ?', input.conversationId, input.clientId);
      if (existing) return { value: message(String(existing.id)), created: false, claimed: false, events: [] };
    }
    let before = conversationRef(input.conversationId);
    if (!before) throw new GoneError('conversation', input.conversationId);
    const events: LoggedEvent[] = [];
    const took = input.claimIfWaiting && before.status === 'waiting' ? applyChange(before.id, 'joined', input.claimIfWaiting, claimChange(input.claimIfWaiting)) : null;
    if (took) {
      events.push(...took.events);
      before = took.value;
    }
    const { message: stored, event } = insertMessage(before, input);
    events.push(event);
    if (input.author === 'visitor' && before.status === 'resolved') {
      run(`UPDATE conversations SET status = CASE WHEN assignee_id IS NULL THEN 'waiting' ELSE 'assigned' END,
          resolved_at = NULL, ${STARTS_WAITING} WHERE id = ?`, now(), before.id);
      events.push(conversationEvent(mustConversation(before.id), 'conversation.updated'));
    }
    return { value: stored, created: true, claimed: took !== null, events };
  }

  /** Someone else gave the conversation to an agent or a team: for the receiver's notification (agents only). */
  const assignedEvent = (c: Conversation, via: 'transfer' | 'rule', by: AgentRef | null) =>
    logEvent({ type: 'conversation.assigned', data: { conversation: c, via, by }, siteId: c.siteId, visitorId: c.visitorId, audience: 'agents' });

  return { conversation, mustConversation, conversationRef, message, conversationEvent, insertMessage, applyChange, claimChange, assignedEvent, appendInJob };
}
