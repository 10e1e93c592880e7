/**
 * Maps each server event to state actions, the only place that does (as Chatwoot's
 * actionCable.js does for its widget): no component ever sees the stream.
 */
import { LIMITS, type Conversation, type Message, type WireEvent } from '../../protocol/protocol.ts';
import { presenceChanged } from '../state/agents.ts';
import * as conversation from '../state/conversation.ts';
import * as queue from '../state/queue.ts';

export interface EventEffects {
  now: () => number;
  /** Something may deserve a sound or a notification; the notifier decides. */
  onNewConversation?: (conversation: Conversation) => void;
  onVisitorMessage?: (message: Message) => void;
}

export function applyEvent(event: WireEvent, effects: EventEffects): void {
  switch (event.type) {
    case 'conversation.created':
      queue.conversationChanged(event.data.conversation);
      effects.onNewConversation?.(event.data.conversation);
      return;
    case 'conversation.updated':
      queue.conversationChanged(event.data.conversation);
      return;
    case 'message': {
      const { message } = event.data;
      const isNew = (queue.conversations.value.get(message.conversationId)?.lastSeq ?? 0) < message.seq;
      queue.messageArrived(message);
      conversation.messageArrived(message);
      if (isNew && message.author === 'visitor') effects.onVisitorMessage?.(message);
      return;
    }
    case 'typing':
      if (event.data.by === 'visitor') {
        conversation.visitorTyping(event.data.conversationId, event.data.typing, effects.now() + LIMITS.typingTtlMs);
      }
      return;
    case 'read':
      queue.readArrived(event.data.conversationId, event.data.by, event.data.seq);
      return;
    case 'visitor.updated':
      conversation.visitorUpdated(event.data.visitor);
      return;
    case 'visitor.presence':
      conversation.visitorPresence(event.data.visitorId, event.data.online);
      return;
    case 'presence':
      presenceChanged(event.data.agentId, event.data.status, event.data.connected);
      return;
    // Visitor-only events, and the transport's own (reset, goodbye), need nothing here.
    case 'availability':
    case 'config':
    case 'reset':
    case 'goodbye':
      return;
  }
}
