/**
 * The email outbox (issue 12) as both engines read, decide and log it: row mapping, what planning
 * a conversation's pending replies decides, and the 'message.email' event. No SQL here; each
 * engine's email-outbox part owns its queries and its transactions.
 */
import { EMAIL_DEFAULTS, type MessageEmail, type MessageEmailState } from '../../protocol/protocol.ts';
import { json, newId } from './rows.ts';
import type { EmailSettings, LoggedEvent, OutboxEmail, WebhookPause } from './store.ts';

type Row = Record<string, unknown>;
type NewEvent = Omit<LoggedEvent, 'id'>;

const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));

export function toMessageEmail(row: Row): MessageEmail {
  return {
    conversationId: String(row.conversation_id),
    messageId: String(row.message_id),
    state: String(row.state) as MessageEmailState,
    at: Number(row.at),
    error: row.error == null ? null : String(row.error),
    retryAt: numOrNull(row.retry_at),
  };
}

export function toOutboxEmail(row: Row): OutboxEmail {
  return {
    id: String(row.id),
    kind: String(row.kind) as OutboxEmail['kind'],
    siteId: String(row.site_id),
    conversationId: row.conversation_id == null ? null : String(row.conversation_id),
    to: String(row.recipient),
    userId: row.user_id == null ? null : String(row.user_id),
    messageId: String(row.message_id),
    messageIds: json<string[]>(row.message_ids),
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
    webhookPause: row.kind === 'webhook-paused' && row.details != null ? json<WebhookPause>(row.details) : null,
  };
}

export function toEmailSettings(row: Row | undefined): EmailSettings {
  return {
    replyDelayMs: numOrNull(row?.reply_delay_ms) ?? EMAIL_DEFAULTS.replyDelayMinutes * 60_000,
    alertDelayMs: numOrNull(row?.alert_delay_ms) ?? EMAIL_DEFAULTS.alertDelayMinutes * 60_000,
  };
}

/** Agents only, and tied to the conversation and its visitor, so retention and erasure take it along. */
export const emailEvent = (email: MessageEmail, siteId: string, visitorId: string): NewEvent =>
  ({ type: 'message.email', data: email, siteId, visitorId, audience: 'agents' });

/** A new outbox row's id and its Message-ID (the id is unguessable, so the header is too). */
export function newOutboxIds(domain: string): { id: string; messageId: string } {
  const id = newId('e');
  return { id, messageId: `${id}@${domain}` };
}

/**
 * How the store keys an address (unsubscribes, the recipients of a thread): case-insensitive, as
 * mail systems treat them in practice, so "Vera@Example.com" and "vera@example.com" are one person.
 */
export const addressKey = (address: string) => address.trim().toLowerCase();

export const DAY_MS = 24 * 3600_000;

/** Errors are for people to read in the dashboard; a mail server may say a lot. */
export const errorText = (error: string) => error.replace(/\s+/g, ' ').trim().slice(0, 500);

/** A conversation's pending (not yet queued) replies, each with its message's seq. */
export interface PendingReply { messageId: string; seq: number; at: number }

/**
 * Replies the visitor has read in the chat are `seen`; the unread ones go out together (`send`)
 * once the earliest of them is due — so replies sent within the delay of the first share its
 * email. `send` is null while none is due.
 */
export function planReplies(pending: PendingReply[], visitorReadSeq: number, now: number): { seen: PendingReply[]; send: PendingReply[] | null } {
  const seen = pending.filter((reply) => reply.seq <= visitorReadSeq);
  const unread = pending.filter((reply) => reply.seq > visitorReadSeq).sort((a, b) => a.seq - b.seq);
  const due = unread.length > 0 && Math.min(...unread.map((reply) => reply.at)) <= now;
  return { seen, send: due ? unread : null };
}

/** Where a due reply email goes, or the state its replies take instead. */
export function recipientOf(email: string | null, unsubscribed: boolean): { to: string } | { instead: 'no-address' | 'unsubscribed' } {
  const to = email?.trim();
  if (!to) return { instead: 'no-address' };
  return unsubscribed ? { instead: 'unsubscribed' } : { to };
}

export const replyDedupeKey = (firstMessageId: string) => `reply:${firstMessageId}`;
export const alertDedupeKey = (conversationId: string, userId: string) => `alert:${conversationId}:${userId}`;
export const transcriptDedupeKey = (conversationId: string, clientId: string) => `transcript:${conversationId}:${clientId}`;
/** One email per owner and pause: the pause is the endpoint's pausedAt, so a second pause after a resume is told again. */
export const webhookPausedDedupeKey = (pause: Pick<WebhookPause, 'endpointId' | 'pausedAt'>, userId: string) =>
  `webhook-paused:${pause.endpointId}:${pause.pausedAt}:${userId}`;
