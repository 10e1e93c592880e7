/**
 * What the open conversation's replies became by email (issue 12), for agents: each reply's
 * MessageEmail by message id, and whether this conversation can be emailed at all. Loaded with the
 * conversation, kept live by `message.email` events; changed only through the actions below.
 */
import { signal } from '@preact/signals';
import type { MessageEmail, MessageEmailsResponse } from '../../protocol/protocol.ts';

export const emailing = signal<(MessageEmailsResponse['emailing'] & { conversationId: string }) | null>(null);
export const messageEmails = signal<ReadonlyMap<string, MessageEmail>>(new Map());

export function emailsLoaded(conversationId: string, response: MessageEmailsResponse): void {
  emailing.value = { conversationId, ...response.emailing };
  // Events that arrived while this was on its way are newer than it: they stay.
  const next = new Map(response.emails.map((email) => [email.messageId, email]));
  for (const [id, email] of messageEmails.value) if (email.conversationId === conversationId && next.has(id) && newer(email, next.get(id)!)) next.set(id, email);
  messageEmails.value = next;
}

export function emailChanged(email: MessageEmail): void {
  if (emailing.value?.conversationId !== email.conversationId) return;
  const next = new Map(messageEmails.value);
  next.set(email.messageId, email);
  messageEmails.value = next;
}

export function emailsForgotten(): void {
  emailing.value = null;
  messageEmails.value = new Map();
}

/** Later states win: pending, then failed (maybe again), then a final one. */
const RANK: Record<MessageEmail['state'], number> = { pending: 0, failed: 1, sent: 2, suppressed: 2, seen: 2, unsubscribed: 2, 'no-address': 2 };
const newer = (a: MessageEmail, b: MessageEmail) => RANK[a.state] > RANK[b.state] || (RANK[a.state] === RANK[b.state] && a.at > b.at);
