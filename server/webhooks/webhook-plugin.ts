/**
 * Webhooks wired into the app (issue 15): the owner API and the worker that sends, which runs on
 * the app's clock in every process (the store makes sure each delivery goes out from one of
 * them) and stops with the app, recording what it cut short.
 */
import type { FastifyInstance } from 'fastify';
import { webhookRoutes } from '../http/webhook-routes.ts';
import type { Services } from '../services.ts';
import type { Resolve } from './safe-request.ts';
import { startWebhookWorker, type WebhookWorker, type WebhookWorkerOptions } from './webhook-worker.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The webhooks' worker (tests run a round with tick() and wait with settled()). */
    webhooks: WebhookWorker;
  }
}

export type WebhookOptions = Partial<Omit<WebhookWorkerOptions, 'log'>> & { resolve?: Resolve };

export async function webhooks(app: FastifyInstance, services: Services, options: WebhookOptions = {}): Promise<void> {
  const worker = startWebhookWorker(services, { ...options, log: app.log });
  app.decorate('webhooks', worker);
  app.addHook('onClose', () => worker.close());
  await app.register((scope) => webhookRoutes(scope, services, { worker, resolve: options.resolve }));
}
