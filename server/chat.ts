/**
 * Chat operations beyond plain store calls: idempotent send with its misuse check, and typing,
 * which is published but never stored. (Stored events reach the bus through store.onCommit.)
 */
import type { Conversation, Message } from '../protocol/protocol.ts';
import { topics, type Bus } from './bus/bus.ts';
import { ParleyError } from './http/errors.ts';
import type { AppendMessageInput, Store } from './store/store.ts';

export function createChat(store: Store, bus: Bus) {
  return {

    /** Idempotent by clientId; the same id with a different body is a client bug worth reporting. */
    async send(input: AppendMessageInput): Promise<Message> {
      const result = await store.appendMessage(input);
      if (!result.created && result.value.body !== input.body) {
        throw new ParleyError('CLIENT_ID_REUSED', 'This clientId was already used for a different message; generate a new id for each message.');
      }
      return result.value;
    },

    /** Typing is ephemeral: published, never stored. */
    typing(conversation: Conversation, by: 'visitor' | 'agent', typing: boolean, name: string | null): void {
      const event = { type: 'typing' as const, data: { conversationId: conversation.id, by, typing, name } };
      bus.publish(topics.site(conversation.siteId), event);
      if (by === 'agent') bus.publish(topics.visitor(conversation.visitorId), event);
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
