/**
 * Webhooks' owner API (issue 15, protocol WEBHOOK_PATHS): a site's endpoints (URL checked against
 * the SSRF rules, events, on or off), their secret shown once and rotatable, a test delivery, the
 * circuit breaker's resume, and the delivery log with replay. Owners only; same session and CSRF
 * rules as the admin API. It sends nothing itself: it queues (the store) and wakes the worker.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  WEBHOOK_EVENTS, WEBHOOK_LIMITS, WEBHOOK_PATHS, type CreateWebhookRequest, type UpdateWebhookRequest, type WebhookDelivery,
  type WebhookDeliveriesResponse, type WebhookDeliveryDetail, type WebhookDeliveryFilter, type WebhookEndpoint, type WebhookListResponse,
  type WebhookSecretResponse,
} from '../../protocol/protocol.ts';
import type { Services } from '../services.ts';
import { RefusedError } from '../store/store.ts';
import { checkTarget, type Resolve } from '../webhooks/safe-request.ts';
import { newWebhookSecret } from '../webhooks/signature.ts';
import type { WebhookWorker } from '../webhooks/webhook-worker.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';

const url = { type: 'string', minLength: 1, maxLength: WEBHOOK_LIMITS.urlMax } as const;
const events = { type: 'array', minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true, items: { enum: [...WEBHOOK_EVENTS] } } as const;
const description = { type: 'string', maxLength: WEBHOOK_LIMITS.descriptionMax } as const;
const siteParams = s.object({ siteId: s.id }, ['siteId']);
const endpointParams = s.object({ siteId: s.id, endpointId: s.id }, ['siteId', 'endpointId']);
const deliveryParams = s.object({ siteId: s.id, endpointId: s.id, deliveryId: s.id }, ['siteId', 'endpointId', 'deliveryId']);
const endpointFields = { url, events, description, enabled: { type: 'boolean' } };

type SiteRequest = FastifyRequest<{ Params: { siteId: string } }>;
type EndpointRequest = FastifyRequest<{ Params: { siteId: string; endpointId: string } }>;

export async function webhookRoutes(app: FastifyInstance, services: Services, deps: { worker: WebhookWorker; resolve?: Resolve }): Promise<void> {
  const { store, clock, config } = services;
  const { worker } = deps;
  app.addHook('onRequest', requireAgent(services));
  app.addHook('preHandler', async (request) => {
    if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can manage webhooks.');
  });

  const siteOf = async (request: SiteRequest) => {
    const site = await store.getSite(request.params.siteId);
    if (!site) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
    return site;
  };
  const endpointOf = async (request: EndpointRequest): Promise<WebhookEndpoint> => {
    const site = await siteOf(request);
    const endpoint = await store.getWebhookEndpoint(site.id, request.params.endpointId);
    if (!endpoint) throw new ParleyError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint on this site; it may have been deleted.');
    return endpoint;
  };
  /** The SSRF rules, told to the owner now rather than in the log later. */
  const checkUrl = async (target: string) => {
    const refused = await checkTarget(target, { allowPrivate: config.webhooksAllowPrivate, resolve: deps.resolve });
    if (refused) throw new ParleyError('WEBHOOK_URL_REFUSED', refused.error, refused.address ? { address: refused.address } : undefined);
  };

  app.get<{ Params: { siteId: string } }>(WEBHOOK_PATHS.endpoints, { schema: { params: siteParams } },
    async (request): Promise<WebhookListResponse> => ({
      endpoints: await store.listWebhookEndpoints((await siteOf(request)).id),
      allowPrivate: config.webhooksAllowPrivate,
    }));

  app.post<{ Params: { siteId: string }; Body: CreateWebhookRequest }>(WEBHOOK_PATHS.endpoints, {
    schema: { params: siteParams, body: s.object(endpointFields, ['url', 'events']) },
  }, async (request): Promise<WebhookSecretResponse> => {
    const site = await siteOf(request);
    const body = request.body;
    await checkUrl(body.url);
    const secret = newWebhookSecret();
    const endpoint = await store.createWebhookEndpoint({
      siteId: site.id, url: body.url, events: body.events, description: body.description?.trim() ?? '', enabled: body.enabled ?? true, secret,
    }).catch((error: unknown) => {
      if (error instanceof RefusedError && error.reason === 'limit') throw new ParleyError('LIMIT_REACHED', error.message);
      throw error;
    });
    worker.endpointsChanged();
    return { endpoint, secret };
  });

  app.patch<{ Params: { siteId: string; endpointId: string }; Body: UpdateWebhookRequest }>(WEBHOOK_PATHS.endpoint, {
    schema: { params: endpointParams, body: { ...s.object(endpointFields), minProperties: 1 } },
  }, async (request): Promise<{ endpoint: WebhookEndpoint }> => {
    const current = await endpointOf(request);
    if (request.body.url !== undefined) await checkUrl(request.body.url);
    const { description: text, ...rest } = request.body;
    const endpoint = await store.updateWebhookEndpoint(current.siteId, current.id, { ...rest, ...(text !== undefined ? { description: text.trim() } : {}) });
    if (!endpoint) throw new ParleyError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint on this site; it may have been deleted.');
    worker.endpointsChanged();
    return { endpoint };
  });

  app.delete<{ Params: { siteId: string; endpointId: string } }>(WEBHOOK_PATHS.endpoint, { schema: { params: endpointParams } }, async (request, reply) => {
    const endpoint = await endpointOf(request);
    await store.deleteWebhookEndpoint(endpoint.siteId, endpoint.id);
    worker.endpointsChanged();
    return reply.status(204).send();
  });

  app.post<{ Params: { siteId: string; endpointId: string } }>(WEBHOOK_PATHS.rotateSecret, { schema: { params: endpointParams } },
    async (request): Promise<WebhookSecretResponse> => {
      const current = await endpointOf(request);
      const secret = newWebhookSecret();
      const endpoint = await store.updateWebhookEndpoint(current.siteId, current.id, { secret });
      if (!endpoint) throw new ParleyError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint on this site; it may have been deleted.');
      return { endpoint, secret };
    });

  app.post<{ Params: { siteId: string; endpointId: string } }>(WEBHOOK_PATHS.test, { schema: { params: endpointParams } },
    async (request): Promise<{ delivery: WebhookDelivery }> => {
      const endpoint = await endpointOf(request);
      const delivery = await store.queueTestDelivery(endpoint.siteId, endpoint.id, clock.now());
      if (!delivery) throw new ParleyError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint on this site; it may have been deleted.');
      void worker.tick();
      return { delivery };
    });

  app.post<{ Params: { siteId: string; endpointId: string } }>(WEBHOOK_PATHS.resume, { schema: { params: endpointParams } },
    async (request): Promise<{ endpoint: WebhookEndpoint }> => {
      const current = await endpointOf(request);
      const endpoint = await store.resumeWebhookEndpoint(current.siteId, current.id, clock.now());
      if (!endpoint) throw new ParleyError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint on this site; it may have been deleted.');
      void worker.tick();
      return { endpoint };
    });

  app.get<{ Params: { siteId: string; endpointId: string }; Querystring: { status: WebhookDeliveryFilter; cursor?: string; limit: number } }>(WEBHOOK_PATHS.deliveries, {
    schema: {
      params: endpointParams,
      querystring: s.object({
        status: { enum: ['all', 'pending', 'delivered', 'dead'], default: 'all' },
        cursor: { type: 'string', pattern: '^[0-9]{1,15}$' },
        limit: { type: 'integer', minimum: 1, maximum: WEBHOOK_LIMITS.deliveriesPageMax, default: 50 },
      }),
    },
  }, async (request): Promise<WebhookDeliveriesResponse> => {
    const endpoint = await endpointOf(request);
    const { status, cursor, limit } = request.query;
    return store.listWebhookDeliveries(endpoint.id, { filter: status, cursor: cursor ?? null, limit });
  });

  const noDelivery = () => new ParleyError('WEBHOOK_DELIVERY_NOT_FOUND', 'No such delivery of this endpoint; finished deliveries are kept 30 days.');

  app.get<{ Params: { siteId: string; endpointId: string; deliveryId: string } }>(WEBHOOK_PATHS.delivery, { schema: { params: deliveryParams } },
    async (request): Promise<WebhookDeliveryDetail> => {
      const endpoint = await endpointOf(request);
      const detail = await store.getWebhookDelivery(endpoint.id, request.params.deliveryId);
      if (!detail) throw noDelivery();
      return detail;
    });

  app.post<{ Params: { siteId: string; endpointId: string; deliveryId: string } }>(WEBHOOK_PATHS.replay, { schema: { params: deliveryParams } },
    async (request): Promise<{ delivery: WebhookDelivery }> => {
      const endpoint = await endpointOf(request);
      const delivery = await store.replayWebhookDelivery(endpoint.id, request.params.deliveryId, { now: clock.now(), retryForMs: WEBHOOK_LIMITS.retryForMs });
      if (!delivery) throw noDelivery();
      void worker.tick();
      return { delivery };
    });

  app.post<{ Params: { siteId: string; endpointId: string } }>(WEBHOOK_PATHS.replayDead, { schema: { params: endpointParams } },
    async (request): Promise<{ replayed: number }> => {
      const endpoint = await endpointOf(request);
      const replayed = await store.replayDeadWebhooks(endpoint.id, { now: clock.now(), retryForMs: WEBHOOK_LIMITS.retryForMs });
      void worker.tick();
      return { replayed };
    });
}
