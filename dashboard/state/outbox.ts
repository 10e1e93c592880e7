/**
 * Replies the server has not confirmed yet, mirrored from the client outbox (client/outbox.ts,
 * which keeps them in IndexedDB) so the conversation can show them as "sending" or "not sent".
 * A reply is shown as sent as soon as a message with its client id arrives, whichever comes first.
 */
import { signal } from '@preact/signals';
import type { OutboxItem } from '../../client/outbox.ts';

export interface ReplyPayload {
  conversationId: string;
  body: string;
  internal: boolean;
  /** The agent chose not to email this reply to the visitor (issue 12). */
  suppressEmail?: boolean;
  /** Files uploaded already (issue 13), sent with this message; the body is then an optional caption. */
  attachmentIds?: string[];
}

export type PendingReply = OutboxItem<ReplyPayload>;

export const pendingReplies = signal<PendingReply[]>([]);

export function outboxChanged(items: PendingReply[]): void {
  pendingReplies.value = items;
}
