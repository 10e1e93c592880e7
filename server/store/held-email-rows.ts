/**
 * Held email (issue 12) as both engines read and log it: the row mapping, the message an accepted
 * email becomes, and its events. No SQL here; each engine's held-email part owns its queries.
 */
import type { AppendMessageInput, HeldEmail, LoggedEvent } from './store.ts';

type Row = Record<string, unknown>;
type NewEvent = Omit<LoggedEvent, 'id'>;

export function toHeldEmail(row: Row): HeldEmail {
  return {
    id: String(row.id),
    siteId: String(row.site_id),
    conversationId: String(row.conversation_id),
    from: String(row.sender),
    fromName: row.sender_name == null ? null : String(row.sender_name),
    subject: String(row.subject),
    text: String(row.body),
    reason: String(row.reason) as HeldEmail['reason'],
    receivedAt: Number(row.received_at),
  };
}

/** What accepting a held email appends: the visitor's message, with the email's clientId. */
export const acceptedMessage = (row: Row): AppendMessageInput => ({
  conversationId: String(row.conversation_id), clientId: String(row.client_id), author: 'visitor', agentId: null,
  body: String(row.body), internal: false,
});

/** Agents only, and tied to the conversation and its visitor, so retention and erasure take it along. */
export const heldEvent = (held: HeldEmail, visitorId: string): NewEvent =>
  ({ type: 'email.held', data: { conversationId: held.conversationId, heldEmail: held }, siteId: held.siteId, visitorId, audience: 'agents' });

export const releasedEvent = (held: HeldEmail, visitorId: string, outcome: 'accepted' | 'discarded'): NewEvent =>
  ({ type: 'email.released', data: { conversationId: held.conversationId, heldEmailId: held.id, outcome }, siteId: held.siteId, visitorId, audience: 'agents' });
