/**
 * What every chat write of the PostgreSQL store shares: reading a conversation or message back
 * with its joins, locking a conversation, inserting the next message of a conversation, a status
 * or assignee change with its system message (claims, transfers, the assignment rule), appending
 * a message (appendMessage's rules, for every caller that must append inside its own
 * transaction), and the events that describe them. Callers hold the transaction; nothing here logs or commits.
 */
import type { AgentRef, Conversation, Message, SystemKind } from '../../protocol/protocol.ts';
import { attachToMessage } from './pg-attachments.ts';
import type { Param, Tx } from './pg-db.ts';
import { newId, PREVIEW_CHARS, systemText, toConversation, toMessage } from './rows.ts';
import { GoneError, type AppendMessageInput, type ConversationRef, type LoggedEvent } from './store.ts';

export const CONVERSATION_SELECT = `SELECT c.*, u.name AS assignee_name, u.avatar_url AS assignee_avatar,
  cv.name AS visitor_name, cv.email AS visitor_email, ct.name AS team_name
  FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id JOIN visitors cv ON cv.id = c.visitor_id
  LEFT JOIN teams ct ON ct.id = c.team_id`;
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
  if (!found) throw new GoneError('conversation', id);
  return found;
}

/**
 * Locks the conversation row until commit: every change to a conversation (a send, a claim, a
 * read mark) takes this lock first, so its seq, status and read marks change one writer at a
 * time across processes — and before the log's lock (lock order, pg-db.ts).
 */
export async function lockConversation(t: Tx, id: string): Promise<Conversation> {
  const row = await t.one(`${CONVERSATION_SELECT} WHERE c.id = $1 FOR UPDATE OF c`, id);
  if (!row) throw new GoneError('conversation', id);
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
  const attachments = await attachToMessage(t, c, id, input);
  // Built from what was just written rather than read back: the hot path of every send.
  return {
    id, conversationId: c.id, seq, clientId: input.clientId, author: input.author, agent,
    body: input.body, internal: input.internal, system: input.system ?? null, createdAt: at, ...(attachments && { attachments }),
  };
}

export const messageEvent = (c: ConversationRef, message: Message): NewEvent =>
  ({ type: 'message', data: { message }, siteId: c.siteId, visitorId: c.visitorId, audience: message.internal ? 'agents' : 'all' });

export const conversationEvent = (c: Conversation, type: 'conversation.created' | 'conversation.updated'): NewEvent =>
  ({ type, data: { conversation: c }, siteId: c.siteId, visitorId: c.visitorId, audience: 'all' });

/** Someone else gave the conversation to an agent or a team: for the receiver's notification (agents only). */
export const assignedEvent = (c: Conversation, via: 'transfer' | 'rule', by: AgentRef | null): NewEvent =>
  ({ type: 'conversation.assigned', data: { conversation: c, via, by }, siteId: c.siteId, visitorId: c.visitorId, audience: 'agents' });

/** A status or assignee change: SET and an extra WHERE guard, with $1 the conversation id and $2… params. */
export interface Change { set: string; guard: string; params?: Param[] }

/** A claim: only of a waiting conversation (claim, a reply that takes one, the assignment rule). */
export const claimChange = (agent: AgentRef): Change => ({ set: "status = 'assigned', assignee_id = $2", guard: "status = 'waiting'", params: [agent.id] });

/**
 * SET fragment for a change that may make a conversation wait again (reopening with nobody on it):
 * its wait starts at `at` (a parameter placeholder) and its unanswered alerts start over (issue 14).
 */
export const startsWaiting = (at: string) => `waiting_since = CASE WHEN assignee_id IS NULL THEN ${at}::bigint ELSE waiting_since END,
  unanswered_alerts = CASE WHEN assignee_id IS NULL THEN 0 ELSE unanswered_alerts END`;

/**
 * Applies a change to a locked conversation with its system message, without logging (the
 * transaction logs everything at once, last). When the guard no longer holds nothing is written
 * and null is returned; the lock makes the guard exact, and the guard keeps the statement right
 * even without it. The message names `agentName` (a team's, when passed to one), else the agent's.
 */
export async function applyChange(t: Tx, before: ConversationRef, kind: SystemKind, agent: AgentRef | null, { set, guard, params = [] }: Change,
  at: number, agentName = agent?.name ?? null): Promise<{ after: Conversation; events: NewEvent[] } | null> {
  const { count } = await t.run(`UPDATE conversations SET ${set} WHERE id = $1 AND ${guard}`, before.id, ...params);
  if (count === 0) return null;
  const message = (await insertMessage(t, before, {
    conversationId: before.id, clientId: null, author: 'system', agentId: agent?.id ?? null,
    body: systemText(kind, agentName), internal: false, system: { kind, agentName },
  }, await agentRefOf(t, agent?.id ?? null), at))!;
  const after = await mustConversation(t, before.id);
  return { after, events: [messageEvent(before, message), conversationEvent(after, 'conversation.updated')] };
}

/**
 * appendMessage inside a transaction the caller holds, its events returned for the caller to log
 * (last, with its own): one message per clientId, claim then send (issue 10), and a visitor's
 * message reopens a resolved conversation. Also how an accepted held email lands (pg-held-emails.ts).
 */
export async function appendInTx(t: Tx, input: AppendMessageInput, at: number): Promise<{ value: Message; created: boolean; claimed: boolean; events: NewEvent[] }> {
  // One statement: lock the conversation, look up the clientId, and name the agent.
  const row = await t.one(`SELECT c.id, c.site_id, c.visitor_id, c.status, c.last_seq,
      (SELECT m.id FROM messages m WHERE m.conversation_id = c.id AND m.client_id = $2) AS existing,
      (SELECT u.name FROM users u WHERE u.id = $3) AS agent_name,
      (SELECT u.avatar_url FROM users u WHERE u.id = $3) AS agent_avatar
    FROM conversations c WHERE c.id = $1 FOR UPDATE`, input.conversationId, input.clientId, input.agentId);
  if (!row) throw new GoneError('conversation', input.conversationId);
  const stored = async () => ({ value: (await readMessage(t, 'm.conversation_id = $1 AND m.client_id = $2', input.conversationId, input.clientId!))!, created: false, claimed: false, events: [] });
  if (row.existing != null) return stored();
  let before: ConversationRef = { id: String(row.id), siteId: String(row.site_id), visitorId: String(row.visitor_id), status: String(row.status) as Conversation['status'], lastSeq: Number(row.last_seq) };
  const agent = input.agentId === null || row.agent_name == null ? null
    : { id: input.agentId, name: String(row.agent_name), avatarUrl: row.agent_avatar == null ? null : String(row.agent_avatar) };
  // Claim then send, in this one transaction under the conversation's lock (issue 10): the
  // status is the locked row's, so nobody can take it between the claim and the reply.
  const events: NewEvent[] = [];
  let claimed = false;
  if (input.claimIfWaiting && before.status === 'waiting') {
    // The look-up of the clientId above ran on the statement's snapshot, from before any wait
    // for the lock: look again, so that a retry or a note that took this clientId meanwhile
    // is answered as stored rather than claimed for (a retry writes nothing).
    if (input.clientId !== null && await t.one('SELECT 1 FROM messages WHERE conversation_id = $1 AND client_id = $2', before.id, input.clientId)) return stored();
    const took = await applyChange(t, before, 'joined', input.claimIfWaiting, claimChange(input.claimIfWaiting), at);
    if (took) {
      events.push(...took.events);
      before = took.after;
      claimed = true;
    }
  }
  const message = await insertMessage(t, before, input, agent, at);
  if (!message) {
    // Cannot happen: under the lock, with the clientId looked up again, nothing else inserts.
    if (claimed) throw new Error(`the clientId ${input.clientId} was taken in ${before.id} while it was locked`);
    return stored();
  }
  events.push(messageEvent(before, message));
  if (input.author === 'visitor' && before.status === 'resolved') {
    await t.run(`UPDATE conversations SET status = CASE WHEN assignee_id IS NULL THEN 'waiting' ELSE 'assigned' END,
        resolved_at = NULL, ${startsWaiting('$2')} WHERE id = $1`, before.id, at);
    events.push(conversationEvent(await mustConversation(t, before.id), 'conversation.updated'));
  }
  return { value: message, created: true, claimed, events };
}
