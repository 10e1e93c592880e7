/**
 * What the agent API records about email when an agent replies (issue 12): the reply is due to be
 * emailed after the site's delay unless the visitor reads it first, or the agent suppressed it.
 * Only a record in the store: the worker (email-worker.ts) decides at the due time and sends.
 */
import type { Message, MessageEmail } from '../../protocol/protocol.ts';
import type { Services } from '../services.ts';
import { emailConfigured } from './email-config.ts';

/** The reply's email state, or null when nothing is emailed (no SMTP, a note, a visitor's message). */
export async function noteReplyEmail(services: Pick<Services, 'store' | 'config'>, siteId: string, message: Message, suppressed: boolean): Promise<MessageEmail | null> {
  const { store, config } = services;
  if (!emailConfigured(config) || message.author !== 'agent' || message.internal) return null;
  const { replyDelayMs } = await store.emailSettings(siteId);
  const noted = await store.noteReplyEmail({ messageId: message.id, suppressed, dueAt: message.createdAt + replyDelayMs });
  return noted?.value ?? null;
}
