/**
 * Chat operations beyond plain store calls: idempotent send with its misuse check, and typing,
 * which is published but never stored. (Stored events reach the bus through store.onCommit.)
 */
import type { Conversation, Message } from '../protocol/protocol.ts';
import { topics, type Bus } from './bus/bus.ts';
import { ParleyError } from './http/errors.ts';
import { AttachmentUnusableError, type AppendMessageInput, type Store } from './store/store.ts';

export function createChat(store: Store, bus: Bus) {
  return {

    /** Idempotent by clientId: a retry gets the stored message back; a different message with the same id is refused. */
    async send(input: AppendMessageInput): Promise<Message> {
      const result = await store.appendMessage(input).catch((error: unknown) => {
        throw error instanceof AttachmentUnusableError ? new ParleyError('ATTACHMENT_UNUSABLE', error.message) : error;
      });
      if (!result.created) assertRetryOf(result.value, input);
      return result.value;
    },

    /** The message this clientId already stored, checked to be a retry of `input`; null when new. */
    async priorSend(input: AppendMessageInput): Promise<Message | null> {
      const prior = input.clientId === null ? null : await store.findMessage(input.conversationId, input.clientId);
      if (prior) assertRetryOf(prior, input);
      return prior;
    },

    /** Typing is ephemeral: published, never stored. */
    typing(conversation: Pick<Conversation, 'id' | 'siteId' | 'visitorId'>, by: 'visitor' | 'agent', typing: boolean, name: string | null): void {
      const event = { type: 'typing' as const, data: { conversationId: conversation.id, by, typing, name } };
      bus.share(topics.site(conversation.siteId), event);
      if (by === 'agent') bus.share(topics.visitor(conversation.visitorId), event);
    },
  };
}

/** A retry must be the same message from the same sender; anything else reusing the id is a client bug. */
function assertRetryOf(stored: Message, input: AppendMessageInput): void {
  const same = stored.body === input.body && stored.author === input.author && stored.internal === input.internal
    && (stored.agent?.id ?? null) === input.agentId
    && (stored.attachments ?? []).map((a) => a.id).join() === (input.attachmentIds ?? []).join();
  if (!same) {
    throw new ParleyError('CLIENT_ID_REUSED', 'This clientId was already used for a different message; generate a new id for each message.');
  }
}

export type Chat = ReturnType<typeof createChat>;

/** The text of a message as stored: a caption of only white space is no caption. */
export const textOf = (body: string | undefined): string => (body && /\S/.test(body) ? body : '');
