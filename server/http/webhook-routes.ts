/**
 * Webhooks' owner API (issue 15, protocol WEBHOOK_PATHS): a site's endpoints (URL checked against
 * the SSRF rules, events, on or off), their secret shown once and rotatable, a test delivery, the
 * circuit breaker's resume, and the delivery log with replay. Owners only; same session and CSRF
 * rules as the admin API. It sends nothing itself: it queues (the store) and wakes the worker.
 * Shapes from protocol/webhooks-api.ts, typed through the schema provider.
 */
import type { FastifyInstance } from 'fastify';
import { WEBHOOK_LIMITS, WEBHOOK_PATHS } from '../../protocol/protocol.ts';
import {
  createWebhookRequestSchema, replayDeadResponseSchema, siteWebhooksParamsSchema, updateWebhookRequestSchema, webhookDeliveriesQuerySchema,
  webhookDeliveriesResponseSchema, webhookDeliveryDetailSchema, webhookDeliveryParamsSchema, webhookDeliveryResponseSchema,
  webhookEndpointResponseSchema, webhookListResponseSchema, webhookParamsSchema, webhookSecretResponseSchema, type WebhookEndpoint,
} from '../../protocol/webhooks-api.ts';
import type { Services } from '../services.ts';
import { RefusedError } from '../store/store.ts';
import { checkTarget, type Resolve } from '../webhooks/safe-request.ts';
import { newWebhookSecret } from '../webhooks/signature.ts';
import type { WebhookWorker } from '../webhooks/webhook-worker.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

const endpointAnswer = (description: string) => ({ 200: { ...webhookEndpointResponseSchema, description } }) as const;
const deliveryAnswer = (description: string) => ({ 200: { ...webhookDeliveryResponseSchema, description } }) as const;
const secretAnswer = (description: string) => ({ 200: { ...webhookSecretResponseSchema, description } }) as const;

export async function webhookRoutes(scope: FastifyInstance, services: Services, deps: { worker: WebhookWorker; resolve?: Resolve }): Promise<void> {
  const { store, clock, config } = services;
  const { worker } = deps;
  const app = scope.withTypeProvider<JsonSchemaProvider>();
  app.addHook('onRequest', requireAgent(services));
  app.addHook('preHandler', async (request) => {
    if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can manage webhooks.');
  });

  const siteOf = async (request: { params: { siteId: string } }) => {
    const site = await store.getSite(request.params.siteId);
    if (!site) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
    return site;
  };
  const endpointOf = async (request: { params: { siteId: string; endpointId: string } }): Promise<WebhookEndpoint> => {
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

  app.get(WEBHOOK_PATHS.endpoints, {
    schema: {
      summary: 'A site\'s webhook endpoints, with their health',
      params: siteWebhooksParamsSchema,
      response: { 200: { ...webhookListResponseSchema, description: 'Its endpoints (never their secrets), and whether private targets are allowed' } },
    },
  }, async (request) => ({
    endpoints: await store.listWebhookEndpoints((await siteOf(request)).id),
    allowPrivate: config.webhooksAllowPrivate,
  }));

  app.post(WEBHOOK_PATHS.endpoints, {
    schema: {
      summary: 'Add a webhook endpoint; its signing secret is in this answer only',
      params: siteWebhooksParamsSchema, body: createWebhookRequestSchema,
      response: secretAnswer('The endpoint, and its secret: shown this once'),
    },
  }, async (request) => {
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

  app.patch(WEBHOOK_PATHS.endpoint, {
    schema: {
      summary: 'Change a webhook endpoint\'s URL, events, description, or turn it on or off',
      params: webhookParamsSchema, body: updateWebhookRequestSchema, response: endpointAnswer('The endpoint as it is now'),
    },
  }, async (request) => {
    const current = await endpointOf(request);
    if (request.body.url !== undefined) await checkUrl(request.body.url);
    const { description: text, ...rest } = request.body;
    const endpoint = await store.updateWebhookEndpoint(current.siteId, current.id, { ...rest, ...(text !== undefined ? { description: text.trim() } : {}) });
    if (!endpoint) throw new ParleyError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint on this site; it may have been deleted.');
    worker.endpointsChanged();
    return { endpoint };
  });

  app.delete(WEBHOOK_PATHS.endpoint, {
    schema: { summary: 'Delete a webhook endpoint and its delivery log', params: webhookParamsSchema, response: { 204: { type: 'null', description: 'Deleted' } } },
  }, async (request, reply) => {
    const endpoint = await endpointOf(request);
    await store.deleteWebhookEndpoint(endpoint.siteId, endpoint.id);
    worker.endpointsChanged();
    return reply.status(204).send(null);
  });

  app.post(WEBHOOK_PATHS.rotateSecret, {
    schema: {
      summary: 'A new signing secret, shown once; the old one stops signing at once',
      params: webhookParamsSchema, response: secretAnswer('The endpoint, and its new secret: shown this once'),
    },
  }, async (request) => {
    const current = await endpointOf(request);
    const secret = newWebhookSecret();
    const endpoint = await store.updateWebhookEndpoint(current.siteId, current.id, { secret });
    if (!endpoint) throw new ParleyError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint on this site; it may have been deleted.');
    return { endpoint, secret };
  });

  app.post(WEBHOOK_PATHS.test, {
    schema: { summary: 'Queue a webhook.test delivery, tried once', params: webhookParamsSchema, response: deliveryAnswer('The test delivery, queued') },
  }, async (request) => {
    const endpoint = await endpointOf(request);
    const delivery = await store.queueTestDelivery(endpoint.siteId, endpoint.id, clock.now());
    if (!delivery) throw new ParleyError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint on this site; it may have been deleted.');
    void worker.tick();
    return { delivery };
  });

  app.post(WEBHOOK_PATHS.resume, {
    schema: {
      summary: 'Close the circuit breaker of a paused endpoint: what waits is sent now',
      params: webhookParamsSchema, response: endpointAnswer('The endpoint, healthy again until its next failure'),
    },
  }, async (request) => {
    const current = await endpointOf(request);
    const endpoint = await store.resumeWebhookEndpoint(current.siteId, current.id, clock.now());
    if (!endpoint) throw new ParleyError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint on this site; it may have been deleted.');
    void worker.tick();
    return { endpoint };
  });

  app.get(WEBHOOK_PATHS.deliveries, {
    schema: {
      summary: 'An endpoint\'s delivery log, newest first, a page at a time',
      params: webhookParamsSchema, querystring: webhookDeliveriesQuerySchema,
      response: { 200: { ...webhookDeliveriesResponseSchema, description: 'A page of deliveries, and the cursor of the next' } },
    },
  }, async (request) => {
    const endpoint = await endpointOf(request);
    const { status, cursor, limit } = request.query;
    return store.listWebhookDeliveries(endpoint.id, { filter: status, cursor: cursor ?? null, limit });
  });

  const noDelivery = () => new ParleyError('WEBHOOK_DELIVERY_NOT_FOUND', 'No such delivery of this endpoint; finished deliveries are kept 30 days.');

  app.get(WEBHOOK_PATHS.delivery, {
    schema: {
      summary: 'One delivery: its every attempt and the exact body they send',
      params: webhookDeliveryParamsSchema, response: { 200: { ...webhookDeliveryDetailSchema, description: 'The delivery, its attempts (oldest first) and its body' } },
    },
  }, async (request) => {
    const endpoint = await endpointOf(request);
    const detail = await store.getWebhookDelivery(endpoint.id, request.params.deliveryId);
    if (!detail) throw noDelivery();
    return detail;
  });

  app.post(WEBHOOK_PATHS.replay, {
    schema: {
      summary: 'Send a delivery again: same ids, retried for another day',
      params: webhookDeliveryParamsSchema, response: deliveryAnswer('The delivery, queued again'),
    },
  }, async (request) => {
    const endpoint = await endpointOf(request);
    const delivery = await store.replayWebhookDelivery(endpoint.id, request.params.deliveryId, { now: clock.now(), retryForMs: WEBHOOK_LIMITS.retryForMs });
    if (!delivery) throw noDelivery();
    void worker.tick();
    return { delivery };
  });

  app.post(WEBHOOK_PATHS.replayDead, {
    schema: {
      summary: 'Replay every dead-lettered delivery of an endpoint',
      params: webhookParamsSchema, response: { 200: { ...replayDeadResponseSchema, description: 'How many were queued again' } },
    },
  }, async (request) => {
    const endpoint = await endpointOf(request);
    const replayed = await store.replayDeadWebhooks(endpoint.id, { now: clock.now(), retryForMs: WEBHOOK_LIMITS.retryForMs });
    void worker.tick();
    return { replayed };
  });
}
