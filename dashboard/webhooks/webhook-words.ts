/** How Settings → Webhooks words events, an endpoint's health and a delivery's state (issue 15). */
import type { WebhookDelivery, WebhookDeliveryType, WebhookEndpoint, WebhookEventType } from '../../protocol/protocol.ts';
import { formatDuration, formatMessageTime } from '../lib/format.ts';

export const EVENT_LABELS: Record<WebhookEventType, string> = {
  'conversation.created': 'Conversation started',
  'conversation.assigned': 'Conversation assigned',
  'conversation.resolved': 'Conversation resolved',
  'conversation.reopened': 'Conversation reopened',
  'message.visitor': 'Message from a visitor',
  'message.agent': 'Reply from an agent',
  'visitor.identified': 'Visitor identified',
  'rating.submitted': 'Rating submitted',
};

export const typeLabel = (type: WebhookDeliveryType): string => (type === 'webhook.test' ? 'Test delivery' : EVENT_LABELS[type]);

export const when = (at: number, now: number): string => formatMessageTime(at, now);

/** The badge: what a person needs at a glance. */
export function healthText(endpoint: WebhookEndpoint): string {
  if (!endpoint.enabled) return 'Off';
  if (endpoint.health === 'paused') return 'Paused';
  if (endpoint.health === 'failing') return `Failing (${endpoint.consecutiveFailures} in a row)`;
  return 'Healthy';
}

/** A delivery's state in a few words, with when it is tried again (not while its endpoint is paused: it is held). */
export function statusText(delivery: WebhookDelivery, endpoint: Pick<WebhookEndpoint, 'enabled' | 'health'>, now: number): string {
  if (delivery.status === 'pending' && delivery.type !== 'webhook.test' && (!endpoint.enabled || endpoint.health === 'paused')) {
    return endpoint.enabled ? 'Held: paused' : 'Held: sending is off';
  }
  switch (delivery.status) {
    case 'delivered': return 'Delivered';
    case 'delivering': return 'Sending…';
    case 'dead': return delivery.type === 'webhook.test' ? 'Failed' : 'Dead-lettered';
    case 'pending': {
      if (delivery.attempts === 0) return 'Waiting its turn';
      const at = delivery.nextAttemptAt;
      if (!at || at <= now) return 'Retry now';
      return at - now < 3600_000 ? `Retry in ${formatDuration(at - now)}` : `Retry at ${when(at, now)}`;
    }
  }
}

/** The latest answer: "200 in 35 ms", "no answer after 10 012 ms". */
export function answerText(delivery: Pick<WebhookDelivery, 'last'>): string {
  const last = delivery.last;
  if (!last) return '—';
  return last.statusCode === null ? `No answer (${last.latencyMs} ms)` : `${last.statusCode} in ${last.latencyMs} ms`;
}
