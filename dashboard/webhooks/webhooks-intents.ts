/**
 * Webhooks' intents (issue 15): everything Settings → Webhooks asks the server. Each answers its
 * value, or the sentence to show when it did not work, worded from the server's stable error
 * codes (the server's own sentence where it says best what to change, as for a refused URL).
 */
import type { CreateWebhookRequest, UpdateWebhookRequest, WebhookDeliveryFilter } from '../../protocol/protocol.ts';
import { ApiError } from '../api.ts';
import { messageOf, type ControllerDeps } from '../intents/deps.ts';
import { createWebhooksApi } from './webhooks-api.ts';

export type Result<T> = { value: T; error: null } | { value: null; error: string };

function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return messageOf(error);
  switch (error.code) {
    case 'PARLEY_ERR_UNAUTHENTICATED': return 'Your session has ended; sign in again.';
    case 'PARLEY_ERR_FORBIDDEN': return 'Only owners can manage webhooks.';
    case 'PARLEY_ERR_WEBHOOK_NOT_FOUND': return 'This endpoint no longer exists: someone may have just deleted it. Reload the page.';
    case 'PARLEY_ERR_WEBHOOK_DELIVERY_NOT_FOUND': return 'This delivery is no longer in the log (finished deliveries are kept 30 days).';
    default: return error.message;
  }
}

export function createWebhookIntents(deps: ControllerDeps) {
  const api = createWebhooksApi(deps.api.call);
  async function attempt<T>(run: () => Promise<T>): Promise<Result<T>> {
    try {
      return { value: await run(), error: null };
    } catch (error) {
      return { value: null, error: explain(error) };
    }
  }
  return {
    list: (siteId: string) => attempt(() => api.list(siteId)),
    create: (siteId: string, request: CreateWebhookRequest) => attempt(() => api.create(siteId, request)),
    update: (siteId: string, endpointId: string, patch: UpdateWebhookRequest) => attempt(async () => (await api.update(siteId, endpointId, patch)).endpoint),
    remove: (siteId: string, endpointId: string) => attempt(() => api.remove(siteId, endpointId)),
    rotateSecret: (siteId: string, endpointId: string) => attempt(() => api.rotateSecret(siteId, endpointId)),
    test: (siteId: string, endpointId: string) => attempt(async () => (await api.test(siteId, endpointId)).delivery),
    resume: (siteId: string, endpointId: string) => attempt(async () => (await api.resume(siteId, endpointId)).endpoint),
    deliveries: (siteId: string, endpointId: string, filter: WebhookDeliveryFilter, cursor: string | null = null) =>
      attempt(() => api.deliveries(siteId, endpointId, filter, cursor)),
    delivery: (siteId: string, endpointId: string, deliveryId: string) => attempt(() => api.delivery(siteId, endpointId, deliveryId)),
    replay: (siteId: string, endpointId: string, deliveryId: string) => attempt(async () => (await api.replay(siteId, endpointId, deliveryId)).delivery),
    replayDead: (siteId: string, endpointId: string) => attempt(async () => (await api.replayDead(siteId, endpointId)).replayed),
  };
}

export type WebhookIntents = ReturnType<typeof createWebhookIntents>;
