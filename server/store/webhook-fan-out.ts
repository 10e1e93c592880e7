/**
 * What the event log means to webhooks (issue 15), the same for every engine: which logged events
 * become which webhook events, and the deliveries they make for a site's endpoints. No SQL here;
 * each engine's webhooks part reads the log and the context below, and inserts what this plans.
 *
 * The log records states, not transitions: `conversation.updated` carries the conversation after a
 * change, whichever change it was (a claim, a transfer, resolving, a visitor writing to a resolved
 * conversation, a team deleted). So a transition is read as the difference from the conversation
 * as the log last showed it. When the log no longer holds that (pruned: a conversation untouched
 * for longer than the log keeps), the event logged just before it in the same transaction says
 * what happened: the system message of a claim, transfer, resolve or reopen, or the visitor's
 * message that reopened it.
 */
import {
  WEBHOOK_EVENTS, type Conversation, type Message, type Visitor, type WebhookEventType, type WebhookPayloads,
} from '../../protocol/protocol.ts';
import { newId } from './rows.ts';

/** The logged event types that can become webhook events; the others are never read. */
export const FAN_OUT_TYPES = ['conversation.created', 'conversation.updated', 'message', 'visitor.updated', 'rating.submitted'] as const;

/** One event of the log as the fan-out reads it. */
export interface LogRow {
  seq: number;
  type: string;
  data: any;
  siteId: string;
  visitorId: string | null;
  conversationId: string | null;
  createdAt: number;
}

export interface RowContext {
  /** conversation.updated: the conversation as last logged before (created or updated), null when the log no longer has it. */
  previous?: Conversation | null;
  /** conversation.updated with no previous: the event logged just before it. */
  preceding?: { type: string; data: any } | null;
  /** visitor.updated: as last logged; null when never logged since it was created (anonymous); 'unknown' when the log may have lost it. */
  previousVisitor?: Visitor | null | 'unknown';
}

/** Which context a row needs read from the log before it can be mapped. */
export function contextNeeded(row: Pick<LogRow, 'type'>): 'conversation' | 'visitor' | null {
  return row.type === 'conversation.updated' ? 'conversation' : row.type === 'visitor.updated' ? 'visitor' : null;
}

export type WebhookEvent = { [T in WebhookEventType]: { type: T; data: WebhookPayloads[T] } }[WebhookEventType];

/** A resolved → open → assigned change, as the events it makes, in that order. */
function transitions(before: Conversation, after: Conversation): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  const data = { conversation: after };
  if (before.status === 'resolved' && after.status !== 'resolved') events.push({ type: 'conversation.reopened', data });
  const newAssignee = after.assignee !== null && after.assignee.id !== before.assignee?.id;
  const newTeam = after.team !== null && after.team.id !== before.team?.id;
  if (newAssignee || newTeam) events.push({ type: 'conversation.assigned', data });
  if (before.status !== 'resolved' && after.status === 'resolved') events.push({ type: 'conversation.resolved', data });
  return events;
}

/** The conversation before, as far as the event logged just before it tells. */
function guessedBefore(after: Conversation, preceding: RowContext['preceding']): Conversation {
  const message = preceding?.type === 'message' ? (preceding.data as { message: Message }).message : null;
  if (!message || message.conversationId !== after.id) return after;
  switch (message.author === 'visitor' ? 'reopened' : message.system?.kind) {
    case 'joined': case 'transferred': return { ...after, assignee: null, team: null };
    case 'resolved': return { ...after, status: 'assigned' };
    case 'reopened': return { ...after, status: 'resolved' };
    default: return after;
  }
}

const identity = (v: Visitor | null) => JSON.stringify([v?.name ?? null, v?.email ?? null, v?.externalId ?? null]);

/** The webhook events one logged event makes (most make none). */
export function webhookEventsOf(row: LogRow, context: RowContext = {}): WebhookEvent[] {
  switch (row.type) {
    case 'conversation.created':
      return [{ type: 'conversation.created', data: { conversation: row.data.conversation } }];
    case 'conversation.updated': {
      const after: Conversation = row.data.conversation;
      return transitions(context.previous ?? guessedBefore(after, context.preceding), after);
    }
    case 'message': {
      const message: Message = row.data.message;
      // Internal notes stay inside the team; system messages are the conversation events above.
      if (message.internal || message.author === 'system' || !row.visitorId) return [];
      return [{ type: message.author === 'visitor' ? 'message.visitor' : 'message.agent', data: { message, visitorId: row.visitorId } }];
    }
    case 'visitor.updated': {
      const after: Visitor = row.data.visitor;
      const before = context.previousVisitor;
      if (before === 'unknown' || before === undefined) return [];
      const known = after.name !== null || after.email !== null || after.externalId !== null;
      return known && identity(before) !== identity(after) ? [{ type: 'visitor.identified', data: { visitor: after } }] : [];
    }
    case 'rating.submitted':
      return [{ type: 'rating.submitted', data: row.data }];
    default:
      return [];
  }
}

/** An endpoint as the fan-out matches it. */
export interface FanOutEndpoint {
  id: string;
  siteId: string;
  events: string[];
  /** The log position when it was made: it gets what came after (of any other log: everything). */
  sinceEpoch: string;
  sinceSeq: number;
}

/** Whether some endpoint would hear of this row: its site's, made before it (or on another log). */
export const listens = (endpoints: FanOutEndpoint[], row: Pick<LogRow, 'siteId' | 'seq'>, epoch: string): boolean =>
  endpoints.some((e) => e.siteId === row.siteId && (e.sinceEpoch !== epoch || row.seq > e.sinceSeq));

/**
 * Where to read the log from: the cursor, or the start of the oldest endpoint when every endpoint
 * is newer (the cursor may lag far behind when there were none: nothing before them is theirs).
 */
export function readFrom(cursor: number, endpoints: FanOutEndpoint[], epoch: string): number {
  const starts = endpoints.map((e) => (e.sinceEpoch === epoch ? e.sinceSeq : 0));
  return Math.max(cursor, starts.length > 0 ? Math.min(...starts) : cursor);
}

export interface NewDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  type: WebhookEventType;
  conversationId: string | null;
  /** Only for events of a visitor and no conversation, so that erasing the visitor erases them. */
  visitorId: string | null;
  /** Deliveries of one endpoint with the same key go out one after another, in log order. */
  orderKey: string | null;
  body: string;
  createdAt: number;
  deadlineAt: number;
}

/** Stable: the same log event is the same webhook event for every endpoint, however often fanned out. */
export const eventIdOf = (epoch: string, seq: number, index: number) => `evt_${epoch}_${seq}${index > 0 ? `_${index}` : ''}`;

/** Per conversation; a visitor's own events (no conversation) per visitor. */
export const orderKeyOf = (row: LogRow): string | null => row.conversationId ?? (row.visitorId ? `visitor:${row.visitorId}` : null);

/** The deliveries a batch of log rows makes, each row with the context contextNeeded asked for. */
export function planDeliveries(input: {
  rows: Array<{ row: LogRow; context: RowContext }>;
  endpoints: FanOutEndpoint[];
  epoch: string;
  now: number;
  retryForMs: number;
}): NewDelivery[] {
  const planned: NewDelivery[] = [];
  for (const { row, context } of input.rows) {
    const listening = input.endpoints.filter((e) => listens([e], row, input.epoch));
    if (listening.length === 0) continue;
    webhookEventsOf(row, context).forEach((event, index) => {
      const eventId = eventIdOf(input.epoch, row.seq, index);
      for (const endpoint of listening.filter((e) => e.events.includes(event.type))) {
        const id = newId('whd');
        planned.push({
          id, endpointId: endpoint.id, eventId, type: event.type, conversationId: row.conversationId,
          visitorId: row.conversationId ? null : row.visitorId, orderKey: orderKeyOf(row),
          body: JSON.stringify({ deliveryId: id, eventId, type: event.type, siteId: row.siteId, createdAt: row.createdAt, data: event.data }),
          createdAt: input.now, deadlineAt: input.now + input.retryForMs,
        });
      }
    });
  }
  return planned;
}

/** Keeps only event types an endpoint can subscribe to (a stored list from a newer version may hold others). */
export const knownEvents = (events: string[]): WebhookEventType[] =>
  WEBHOOK_EVENTS.filter((type) => events.includes(type));
