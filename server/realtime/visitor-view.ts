/**
 * What a visitor is given of the team's bookkeeping (issue 14): nothing. A conversation reaches
 * the visitor's widget (its stream, the long-poll, the visitor API) without the team it waits for
 * (team names are the site's internal organisation: "Tier 2", "Escalations"), how long it has
 * waited and how often agents were alerted about it. The agent-only event types never reach a
 * visitor at all (audience 'agents'); labels are not on a Conversation in the first place.
 *
 * Only the values change, not the shape: `team` null, `waitingSince` null, `unansweredAlerts` 0,
 * so the widget and the protocol keep one Conversation type.
 */
import type { Conversation, WireEvent } from '../../protocol/protocol.ts';

export const forVisitor = (conversation: Conversation): Conversation =>
  ({ ...conversation, team: null, waitingSince: null, unansweredAlerts: 0 });

/** An event as a visitor's stream carries it. */
export function visitorWire(event: WireEvent): WireEvent {
  if (event.type !== 'conversation.created' && event.type !== 'conversation.updated') return event;
  return { ...event, data: { conversation: forVisitor(event.data.conversation) } };
}
