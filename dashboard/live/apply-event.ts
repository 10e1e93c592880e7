/**
 * Maps each server event to state actions, the only place that does (as Chatwoot's
 * actionCable.js does for its widget): no component ever sees the stream.
 */
import { LIMITS, type Conversation, type EventPayloads, type Message, type WireEvent } from '../../protocol/protocol.ts';
import { emailChanged } from '../email/email-state.ts';
import { heldArrived, heldReleased } from '../held/held-state.ts';
import { ratingArrived } from '../ratings/ratings-state.ts';
import { presenceChanged } from '../state/agents.ts';
import { siteTeamsChanged } from '../state/assignment.ts';
import * as conversation from '../state/conversation.ts';
import * as labels from '../state/labels.ts';
import * as queue from '../state/queue.ts';
import * as history from '../state/visitor-history.ts';

export interface EventEffects {
  now: () => number;
  /** Something may deserve a sound or a notification; the notifier decides. */
  onNewConversation?: (conversation: Conversation) => void;
  onVisitorMessage?: (message: Message) => void;
  /** Someone else gave a conversation to an agent or a team (issue 14): the receiver may be told. */
  onAssigned?: (news: EventPayloads['conversation.assigned']) => void;
  /** A waiting conversation passed the site's unanswered threshold again. */
  onUnanswered?: (alert: EventPayloads['conversation.unanswered']) => void;
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
    case 'conversation.assigned':
      queue.conversationChanged(event.data.conversation);
      effects.onAssigned?.(event.data);
      return;
    case 'conversation.unanswered':
      queue.conversationChanged(event.data.conversation);
      effects.onUnanswered?.(event.data);
      return;
    case 'teams':
      siteTeamsChanged(event.data.siteId, event.data.teams);
      return;
    case 'message': {
      const { message } = event.data;
      const isNew = (queue.conversations.value.get(message.conversationId)?.lastSeq ?? 0) < message.seq;
      queue.messageArrived(message);
      conversation.messageArrived(message);
      history.messageArrived(message);
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
    case 'labels':
      labels.siteLabelsChanged(event.data.siteId, event.data.labels);
      return;
    case 'conversation.labels':
      labels.conversationLabelsChanged(event.data.conversationId, event.data.labelIds);
      return;
    case 'visitor.merged':
      queue.visitorMerged(event.data.from, event.data.into);
      conversation.visitorMerged(event.data.from, event.data.into);
      history.profileStale();
      return;
    case 'email.held':
      heldArrived(event.data.heldEmail, queue.conversations.value.get(event.data.conversationId) ?? null);
      return;
    case 'email.released':
      heldReleased(event.data.heldEmailId);
      return;
    case 'message.email':
      emailChanged(event.data);
      return;
    case 'rating.submitted':
      ratingArrived(event.data.rating, queue.conversations.value.get(event.data.conversationId)?.visitorId ?? null);
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
