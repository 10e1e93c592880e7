/**
 * Outbound email wired into the app (issue 12): its routes and pages always (they say plainly when
 * email is not configured), and — when SMTP_URL is set — the mailer and the outbox's worker, which
 * runs on the app's clock and stops with the app after the send in progress.
 */
import type { FastifyInstance } from 'fastify';
import { emailRoutes } from '../http/email-routes.ts';
import type { Services } from '../services.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { startEmailWorker, type EmailWorker } from './email-worker.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The outbox's worker, when SMTP_URL is set (tests run a round with tick()). */
    outboundEmail: EmailWorker | null;
  }
}

export async function outboundEmail(app: FastifyInstance, services: Services, options: { mailer?: Mailer } = {}): Promise<void> {
  await app.register((scope) => emailRoutes(scope, services));
  const smtpUrl = services.config.smtpUrl;
  const worker = smtpUrl === null ? null : startEmailWorker(services, { mailer: options.mailer ?? createMailer(smtpUrl), log: app.log });
  app.decorate('outboundEmail', worker);
  if (worker) app.addHook('onClose', () => worker.close());
}
