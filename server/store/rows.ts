/**
 * Row ⇄ entity mapping shared by the SQL stores: column names in, protocol types out.
 * Kept apart from the queries so every engine maps rows the same way.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import type { AgentRef, Conversation, Message, Site, SystemKind, User, Visitor } from '../../protocol/protocol.ts';
import type { ConversationRef, SentEmail } from './store.ts';

type Row = Record<string, unknown>;

const ID_BYTES = 12;
// Ids come from the system's CSPRNG in batches: one randomFillSync call per 256 ids instead of
// one randomBytes call (a crossing into C++ and a buffer) per id, which profiled at ~10 µs on
// every send (issue 16). Each id still takes 12 fresh bytes no other id sees.
const pool = Buffer.alloc(ID_BYTES * 256);
let poolAt = pool.length;

/** Random, unguessable, URL-safe ids with a prefix that says what they name. */
export function newId(prefix: string): string {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const id = pool.toString('base64url', poolAt, poolAt + ID_BYTES);
  poolAt += ID_BYTES;
  return `${prefix}_${id}`;
}

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v == null ? null : String(v));
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));
/**
 * A JSON column: SQLite hands over its text, PostgreSQL's jsonb arrives parsed. Our JSON columns
 * hold objects and arrays only, so a string is always text still to parse.
 */
export const json = <T = any>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export function toSite(row: Row): Site {
  const id = str(row.id);
  return {
    id,
    name: str(row.name),
    allowedOrigins: json(row.allowed_origins),
    widget: { ...json(row.widget), siteId: id },
    retentionDays: numOrNull(row.retention_days),
    createdAt: num(row.created_at),
  };
}

export function toUser(row: Row, siteIds: string[]): User {
  return {
    id: str(row.id),
    email: str(row.email),
    name: str(row.name),
    role: str(row.role) as User['role'],
    avatarUrl: strOrNull(row.avatar_url),
    disabled: Boolean(num(row.disabled)),
    siteIds,
    createdAt: num(row.created_at),
  };
}

export function toVisitor(row: Row): Visitor {
  return {
    id: str(row.id),
    siteId: str(row.site_id),
    name: strOrNull(row.name),
    email: strOrNull(row.email),
    externalId: strOrNull(row.external_id),
    verified: Boolean(num(row.verified)),
    attributes: json(row.attributes),
    context: json(row.context),
    visits: num(row.visits),
    createdAt: num(row.created_at),
    lastSeenAt: num(row.last_seen_at),
  };
}

function agentRef(id: unknown, name: unknown, avatar: unknown): AgentRef | null {
  return id == null ? null : { id: str(id), name: str(name ?? ''), avatarUrl: strOrNull(avatar) };
}

/** Expects the conversation columns plus assignee_name, assignee_avatar, visitor_name, visitor_email and team_name from joins. */
export function toConversation(row: Row): Conversation {
  return {
    id: str(row.id),
    siteId: str(row.site_id),
    visitorId: str(row.visitor_id),
    status: str(row.status) as Conversation['status'],
    assignee: agentRef(row.assignee_id, row.assignee_name, row.assignee_avatar),
    visitor: { name: strOrNull(row.visitor_name), email: strOrNull(row.visitor_email) },
    createdAt: num(row.created_at),
    firstResponseAt: numOrNull(row.first_response_at),
    resolvedAt: numOrNull(row.resolved_at),
    lastMessageAt: numOrNull(row.last_message_at),
    lastSeq: num(row.last_seq),
    preview: strOrNull(row.preview),
    visitorReadSeq: num(row.visitor_read_seq),
    agentReadSeq: num(row.agent_read_seq),
    // Assignment (issue 14): the team joined as team_name; a new conversation waits since it was made.
    team: row.team_id == null ? null : { id: str(row.team_id), name: str(row.team_name ?? '') },
    waitingSince: str(row.status) === 'waiting' ? num(row.waiting_since ?? row.created_at) : null,
    unansweredAlerts: num(row.unanswered_alerts ?? 0),
  };
}

/** Expects the message columns plus agent_name and agent_avatar from a join on users. */
/**
 * A reply token: 128 random bits as 26 characters of [a-z2-7] (RFC 4648 base32, lower case), so
 * it survives mail systems that change the case of an address's local part.
 */
export function newReplyToken(): string {
  const bytes = randomBytes(16);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out + alphabet[(value << (5 - bits)) & 31];
}

export function toSentEmail(row: Row): SentEmail {
  return { messageId: String(row.message_id), conversationId: String(row.conversation_id), to: String(row.recipient), sentAt: Number(row.sent_at) };
}

/** A conversations row (at least id, site_id, visitor_id, status, last_seq) as the few facts checks need. */
export function toConversationRef(row: Row): ConversationRef {
  return { id: String(row.id), siteId: String(row.site_id), visitorId: String(row.visitor_id), status: String(row.status) as ConversationRef['status'], lastSeq: Number(row.last_seq) };
}

export function toMessage(row: Row): Message {
  const kind = strOrNull(row.system_kind) as SystemKind | null;
  return {
    id: str(row.id),
    conversationId: str(row.conversation_id),
    seq: num(row.seq),
    clientId: strOrNull(row.client_id),
    author: str(row.author) as Message['author'],
    agent: agentRef(row.agent_id, row.agent_name, row.agent_avatar),
    body: str(row.body),
    internal: Boolean(num(row.internal)),
    system: kind ? { kind, agentName: strOrNull(row.system_agent_name) } : null,
    createdAt: num(row.created_at),
    // Files (issue 13): only on messages that carry some, so every other message's shape is unchanged.
    ...(row.attachments != null ? { attachments: json(row.attachments) } : {}),
  };
}

/** The English wording of a system message; clients may word `message.system` in their own language. */
export function systemText(kind: SystemKind, agentName: string | null): string {
  const who = agentName ?? 'An agent';
  switch (kind) {
    case 'joined': return `${who} joined the conversation`;
    case 'left': return `${who} left the conversation`;
    case 'transferred': return `The conversation was passed to ${who}`;
    case 'resolved': return 'The conversation was marked as resolved';
    case 'reopened': return 'The conversation was reopened';
  }
}

/** Quote LIKE wildcards so a search for "50%" matches the text "50%". */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const PREVIEW_CHARS = 140;

/** The conversation an event is about, so deleting a conversation can delete its events too. */
export function conversationOf(data: unknown): string | null {
  const d = data as { conversationId?: string; conversation?: { id: string }; message?: { conversationId: string } };
  return d.conversationId ?? d.conversation?.id ?? d.message?.conversationId ?? null;
}
