/**
 * Webhooks' owner API (protocol WEBHOOK_PATHS, issue 15) over the dashboard's one request
 * function, so the CSRF header, error codes and 401 handling are the same as everywhere else.
 */
import {
  WEBHOOK_PATHS, path, type CreateWebhookRequest, type UpdateWebhookRequest, type WebhookDeliveriesResponse, type WebhookDelivery,
  type WebhookDeliveryDetail, type WebhookDeliveryFilter, type WebhookEndpoint, type WebhookListResponse, type WebhookSecretResponse,
} from '../../protocol/protocol.ts';
import type { Call } from '../api.ts';

export function createWebhooksApi(call: Call) {
  const at = (template: string, siteId: string, params: Record<string, string> = {}) => path(template, { siteId, ...params });
  const of = (template: string, siteId: string, endpointId: string, extra: Record<string, string> = {}) => at(template, siteId, { endpointId, ...extra });
  return {
    list: (siteId: string) => call<WebhookListResponse>('GET', at(WEBHOOK_PATHS.endpoints, siteId)),
    create: (siteId: string, request: CreateWebhookRequest) => call<WebhookSecretResponse>('POST', at(WEBHOOK_PATHS.endpoints, siteId), request),
    update: (siteId: string, endpointId: string, patch: UpdateWebhookRequest) =>
      call<{ endpoint: WebhookEndpoint }>('PATCH', of(WEBHOOK_PATHS.endpoint, siteId, endpointId), patch),
    remove: (siteId: string, endpointId: string) => call<void>('DELETE', of(WEBHOOK_PATHS.endpoint, siteId, endpointId)),
    rotateSecret: (siteId: string, endpointId: string) => call<WebhookSecretResponse>('POST', of(WEBHOOK_PATHS.rotateSecret, siteId, endpointId), {}),
    test: (siteId: string, endpointId: string) => call<{ delivery: WebhookDelivery }>('POST', of(WEBHOOK_PATHS.test, siteId, endpointId), {}),
    resume: (siteId: string, endpointId: string) => call<{ endpoint: WebhookEndpoint }>('POST', of(WEBHOOK_PATHS.resume, siteId, endpointId), {}),
    deliveries: (siteId: string, endpointId: string, filter: WebhookDeliveryFilter, cursor: string | null) =>
      call<WebhookDeliveriesResponse>('GET', `${of(WEBHOOK_PATHS.deliveries, siteId, endpointId)}?status=${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    delivery: (siteId: string, endpointId: string, deliveryId: string) =>
      call<WebhookDeliveryDetail>('GET', of(WEBHOOK_PATHS.delivery, siteId, endpointId, { deliveryId })),
    replay: (siteId: string, endpointId: string, deliveryId: string) =>
      call<{ delivery: WebhookDelivery }>('POST', of(WEBHOOK_PATHS.replay, siteId, endpointId, { deliveryId }), {}),
    replayDead: (siteId: string, endpointId: string) => call<{ replayed: number }>('POST', of(WEBHOOK_PATHS.replayDead, siteId, endpointId), {}),
  };
}

export type WebhooksApi = ReturnType<typeof createWebhooksApi>;
