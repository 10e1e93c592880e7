/**
 * buildApp: the whole server as a Fastify instance, with everything it depends on passed in.
 * It does not listen, read the environment or install signal handlers: main.ts does that, and
 * tests call buildApp with their own store, clock and config.
 */
import cookie from '@fastify/cookie';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { LIMITS } from '../protocol/protocol.ts';
import { randomToken } from './auth/secrets.ts';
import type { Bus } from './bus/bus.ts';
import { createMemoryBus } from './bus/memory-bus.ts';
import { createChat } from './chat.ts';
import { inboundEmail } from './email/inbound-plugin.ts';
import { outboundEmail } from './email/outbound-plugin.ts';
import { webhooks } from './webhooks/webhook-plugin.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createAttachments } from './attachments/attachments.ts';
import { createDiskFiles } from './files/disk-files.ts';
import type { FileStorage } from './files/file-storage.ts';
import { accountRoutes } from './http/account-routes.ts';
import { assignmentRoutes } from './http/assignment-routes.ts';
import { attachmentRoutes } from './http/attachment-routes.ts';
import { bodyDeadline } from './http/body-deadline.ts';
import { adminRoutes } from './http/admin-routes.ts';
import { apiTokenRoutes } from './http/api-token-routes.ts';
import { openApi } from './http/openapi.ts';
import { agentRoutes } from './http/agent-routes.ts';
import { installErrorHandling, ParleyError } from './http/errors.ts';
import { wellFormed } from './http/well-formed.ts';
import { healthRoutes } from './http/health-routes.ts';
import { staticRoutes } from './http/static-routes.ts';
import { teamInboxRoutes } from './http/team-inbox-routes.ts';
import { ratingRoutes } from './http/rating-routes.ts';
import { reportRoutes } from './http/report-routes.ts';
import { visitorRoutes } from './http/visitor-routes.ts';
import { createAssigner } from './assign/assigner.ts';
import { createPresence } from './realtime/presence.ts';
import { publishEvents } from './realtime/publish.ts';
import { createRevoker } from './realtime/revoke.ts';
import { createStreamHub } from './realtime/stream-hub.ts';
import { housekeeping } from './housekeeping.ts';
import { createReadiness } from './readiness.ts';
import { createSiteCache, type Services } from './services.ts';
import type { Store } from './store/store.ts';

export interface AppOptions {
  config: Config;
  store: Store;
  bus?: Bus;
  clock?: Clock;
  /** Fastify's logger option; main.ts passes a configured one, tests usually none. */
  logger?: boolean | object;
  /** An ioredis client for rate-limit counters shared by every process (REDIS_URL). */
  redis?: object;
  /** Where attachments' bytes go (main.ts opens the one ATTACHMENT_STORAGE names); files under DATA_DIR/attachments by default. */
  files?: FileStorage;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Everything the routes share (app.decorate below); tests reach the store, hub and presence here. */
    services: Services;
  }
}

export type App = FastifyInstance;

const HOUSEKEEPING_EVERY_MS = 3600_000;
const HOUSEKEEPING_ASK_EVERY_MS = 5 * 60_000;

export async function buildApp(options: AppOptions): Promise<App> {
  const { config, store } = options;
  const bus = options.bus ?? createMemoryBus();
  const clock = options.clock ?? systemClock;

  let serverSecret = await store.getMeta('server_secret');
  if (!serverSecret) await store.setMeta('server_secret', (serverSecret = randomToken(32)));

  const presence = createPresence(bus, clock, config.presenceGraceMs, config.nodeName);
  // Auto-assignment and unanswered alerts (issue 14): hears of every commit, after the bus.
  const assigner = createAssigner({ store, presence, clock, onError: (error) => app.log.warn({ err: error }, 'auto-assignment or an unanswered check failed') });
  // Whatever the store commits goes out on the bus, in log order.
  store.onCommit((events) => {
    publishEvents(bus, events);
    assigner.committed(events);
  });

  const shutdown = new AbortController();
  const hub = createStreamHub({
    store, bus, clock, heartbeatMs: config.heartbeatMs, maxStreams: config.maxStreams, maxPerKey: config.maxStreamsPerVisitor,
    onSlowConsumer: (key, bytes) => app.log.warn({ stream: key.split(':')[0], bytes }, 'stream cut: the client stopped reading'),
    onReplayFailed: (key, error) => app.log.warn({ stream: key.split(':')[0], err: error }, 'stream ended: the event log could not be read'),
  });
  const services: Services = {
    config, store, bus, clock, serverSecret, shutdown: shutdown.signal, hub,
    revoke: createRevoker(bus, hub, store, (error) => app.log.warn({ err: error }, 'checking open streams after a bus outage failed')),
    presence,
    assigner,
    chat: createChat(store, bus),
    sites: createSiteCache(store, clock),
    attachments: createAttachments({ store, files: options.files ?? createDiskFiles(join(config.dataDir, 'attachments')), clock, serverSecret }),
  };

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: LIMITS.requestBodyMaxBytes,
    trustProxy: config.trustProxy,
    // Slow or stalled request senders are cut off (uploads by this; every other body within 30 s:
    // http/body-deadline.ts); streams are responses and are not affected.
    requestTimeout: config.uploadTimeoutMs,
    connectionTimeout: 0,
    http: { headersTimeout: 15_000 },
    return503OnClosing: true,
    // Visitor attributes are typed as string | number | boolean | null.
    ajv: { customOptions: { allowUnionTypes: true } },
    // Malformed URLs and the like get the catalogue's shape too, not Fastify's own.
    frameworkErrors: (error, _request, reply) => {
      const parley = new ParleyError('BAD_REQUEST', `Malformed request: ${error.message}`);
      // Fastify types this reply by the route generics it could not resolve; it is a plain reply.
      void (reply as FastifyReply).code(parley.status).send(parley.toBody());
    },
  });
  app.decorate('services', services);

  installErrorHandling(app);
  // The API speaks JSON only; any other body type gets a clear 415 rather than a confusing 400.
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    // With several processes the counters live in Redis, so a limit is one limit for the cluster.
    // Redis down or restarting: requests are let through (skipOnError) rather than refused — it
    // guards against floods, and must never be why a message is lost.
    ...(options.redis ? { redis: options.redis, skipOnError: true, nameSpace: 'parley-rate-limit:' } : {}),
    errorResponseBuilder: (_request, context) =>
      new ParleyError('RATE_LIMITED', `Too many requests: at most ${context.max} a minute. Retry in ${Math.ceil(context.ttl / 1000)} s.`,
        { retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  });
  // Security headers for pages and assets live with those routes (static-routes.ts); JSON answers
  // need only this one, and helmet's full set costs ~13 % of message throughput.
  //
  // The path and the query as soon as they are parsed (scopes' own onRequest hooks, such as the
  // visitor API's site check, read them next), the body once it is: a NUL in an id (`%00`) would
  // otherwise reach PostgreSQL, which refuses the statement (and, for a batched read, the other
  // requests' lookups in it).
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    wellFormed(request.params);
    wellFormed(request.query);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body) request.body = wellFormed(request.body);
  });
  app.addHook('preParsing', bodyDeadline);

  // Before every route: the OpenAPI description is generated from the routes as they are added.
  await openApi(app);
  await app.register((scope) => visitorRoutes(scope, services));
  await app.register((scope) => agentRoutes(scope, services));
  await app.register((scope) => accountRoutes(scope, services));
  await app.register((scope) => adminRoutes(scope, services));
  await app.register((scope) => apiTokenRoutes(scope, services));
  await app.register((scope) => attachmentRoutes(scope, services));
  await inboundEmail(app, services);
  await outboundEmail(app, services);
  await webhooks(app, services);
  await app.register((scope) => teamInboxRoutes(scope, services));
  await app.register((scope) => assignmentRoutes(scope, services));
  await app.register((scope) => ratingRoutes(scope, services));
  await app.register((scope) => reportRoutes(scope, services));
  await app.register((scope) => staticRoutes(scope, services));
  const readiness = createReadiness({ store, hub, clock, everyMs: config.readinessCheckMs, log: app.log });
  await app.register((scope) => healthRoutes(scope, readiness));

  // Housekeeping runs hourly, once per cluster: every few minutes (and at start) each process asks
  // for the turn, which the database gives to one of them per hour. The turn outlives restarts, so
  // a server restarted more often than hourly still prunes.
  const tidy = () => void store.takeTurn('housekeeping', HOUSEKEEPING_EVERY_MS)
    .then((mine) => (mine ? housekeeping(services) : null))
    .catch((error) => app.log.error({ err: error }, 'housekeeping failed'));
  const firstTidy = clock.setTimeout(tidy, 0);
  const pruner = clock.setInterval(tidy, HOUSEKEEPING_ASK_EVERY_MS);

  // Streams never finish on their own; end them (with a "come back in a moment") so close can complete.
  app.addHook('preClose', async () => {
    clock.clearTimeout(firstTidy);
    readiness.close();
    clock.clearInterval(pruner);
    shutdown.abort();
    services.hub.drain();
    services.assigner.close();
    services.presence.close();
  });

  return app;
}
