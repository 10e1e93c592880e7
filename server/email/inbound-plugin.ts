/**
 * Inbound email wired into the app (issue 12): one inbound handler and one per-sender limit for
 * both paths, the webhook, the agents' held-email routes, and — when INBOUND_SMTP_PORT is set —
 * the SMTP receiver, which listens when the app does (its start errors fail app.listen, one line
 * each) and closes with it, after the emails it is receiving are in.
 */
import type { FastifyInstance } from 'fastify';
import { heldEmailRoutes } from '../http/held-email-routes.ts';
import type { Services } from '../services.ts';
import { createInbound } from './inbound.ts';
import { createSenderLimit } from './inbound-rate-limit.ts';
import { createSmtpReceiver, type SmtpReceiver } from './inbound-smtp.ts';
import { inboundWebhook } from './inbound-webhook.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The SMTP receiver, when INBOUND_SMTP_PORT is set (tests read its port). */
    inboundSmtp: SmtpReceiver | null;
  }
}

export async function inboundEmail(app: FastifyInstance, services: Services): Promise<void> {
  const { config, store, clock, attachments, sites } = services;
  const inbound = createInbound({ store, attachments, sites, domain: config.inboundEmailDomain, log: (details, message) => app.log.info(details, message) });
  const limit = createSenderLimit(clock, config.inboundSenderRateLimit);

  await app.register((scope) => inboundWebhook(scope, { inbound, limit, config }));
  await app.register((scope) => heldEmailRoutes(scope, services));

  const receiver = config.inboundSmtpPort === null ? null : createSmtpReceiver({ inbound, limit, config, log: app.log });
  app.decorate('inboundSmtp', receiver);
  if (receiver) {
    app.addHook('onReady', () => receiver.listen());
    app.addHook('onClose', () => receiver.close());
  }
}
