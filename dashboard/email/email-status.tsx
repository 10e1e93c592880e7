/**
 * Under an agent's reply: whether it was emailed to the visitor, when, and whether delivery failed
 * (issue 12). Nothing when there is nothing to say: email is off, the reply was read in the chat,
 * or the visitor left no address. Agents only (the widget never gets these states).
 */
import type { Message } from '../../protocol/protocol.ts';
import { formatMessageTime } from '../lib/format.ts';
import { now } from '../state/clock.ts';
import { current } from '../state/conversation.ts';
import { emailing, messageEmails } from './email-state.ts';
import './email.css';

export function EmailStatus({ message }: { message: Message }) {
  const visitorReadSeq = current.value?.visitorReadSeq ?? 0;
  const email = messageEmails.value.get(message.id);
  const about = emailing.value;
  if (!email || !about || about.conversationId !== message.conversationId) return null;
  const at = (time: number) => formatMessageTime(time, now.value);
  switch (email.state) {
    case 'pending':
      // Read already, or nowhere to send it: the email will not happen, so nothing is promised.
      if (!about.address || about.unsubscribed || visitorReadSeq >= message.seq) return null;
      return <span class="email-status" data-email-state="pending" title={`Emailed to ${about.address} at ${at(email.at)} unless the visitor reads it first`}> · Email at {at(email.at)} if unread</span>;
    case 'sent':
      return <span class="email-status" data-email-state="sent" title={`Emailed to ${about.address ?? 'the visitor'}`}> · Emailed {at(email.at)}</span>;
    case 'failed':
      return (
        <span class="email-status" data-email-state="failed" title={email.error ?? undefined}>
          {' · '}Email failed{email.retryAt ? `, retrying ${at(email.retryAt)}` : ''}{email.error ? `: ${email.error}` : ''}
        </span>
      );
    case 'suppressed':
      return <span class="email-status" data-email-state="suppressed"> · Not emailed (turned off for this reply)</span>;
    case 'unsubscribed':
      return <span class="email-status" data-email-state="unsubscribed"> · Not emailed: the visitor unsubscribed</span>;
    case 'seen':
    case 'no-address':
      return null;
  }
}
