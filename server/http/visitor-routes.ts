/**
 * The visitor (widget) API. Every path names its site, so that even a CORS preflight — which
 * carries no credentials — can be checked against the site's allowed origins. Visitors
 * authenticate with the bearer token the session call issued; the stream also takes a short-lived
 * ticket because EventSource cannot send headers.
 */
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  LIMITS, VISITOR_PATHS, type OpenSessionResponse, type Site, type StreamTicketResponse, type UpdateVisitorResponse, type Visitor,
} from '../../protocol/protocol.ts';
import { identityHash, randomToken, safeEqual, sha256, signTicket, verifyTicket } from '../auth/secrets.ts';
import { topics } from '../bus/bus.ts';
import { requestedCursor } from '../realtime/cursor.ts';
import { streamKey } from '../realtime/revoke.ts';
import { serveLongPoll } from '../realtime/long-poll.ts';
import { forVisitor } from '../realtime/visitor-view.ts';
import type { Services } from '../services.ts';
import { visitorWidgetConfig } from '../email/email-config.ts';
import { ParleyError } from './errors.ts';
import { followGoneVisitors, visitorUnknown } from './visitor-gone.ts';
import { GoneError } from '../store/store.ts';
import { visitorEmailRoutes } from './visitor-email-routes.ts';
import { visitorAttachmentRoutes } from './visitor-attachment-routes.ts';
import { visitorRatingRoutes } from './visitor-rating-routes.ts';
import { originAllowed } from './origins.ts';
import * as s from './schemas.ts';

declare module 'fastify' {
  interface FastifyRequest {
    site: Site | null;
    visitor: Visitor | null;
    /** sha256 of the bearer token, once per request: the rate limiter and authentication both need it. */
    tokenHash: string | null;
  }
  interface FastifyContextConfig {
    /** The route answers any origin (the public widget config, so a misplaced widget can say why). */
    anyOrigin?: boolean;
  }
}

/** A return after this long counts as a new visit. */
const NEW_VISIT_AFTER_MS = 30 * 60_000;
const PREFLIGHT_SITE = /^\/v1\/sites\/([^/?]+)/;
const TICKET_PURPOSE = 'visitor-stream';

const attributes = {
  type: 'object',
  maxProperties: LIMITS.attributesMax,
  propertyNames: { maxLength: 64 },
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'], maxLength: LIMITS.attributeValueMax },
} as const;

export async function visitorRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, clock, config, hub, presence, chat, sites } = services;

  app.decorateRequest('site', null);
  app.decorateRequest('visitor', null);
  app.decorateRequest('tokenHash', null);

  // This server's own pages (the demo and the dashboard's preview) may use any site's widget.
  const ownOrigin = new URL(config.publicUrl).origin;
  const allowed = (origin: string, site: Site) => origin === ownOrigin || originAllowed(origin, site.allowedOrigins);

  // Every visitor path names its site. A route has it as a parameter; a CORS preflight, answered
  // before any route is chosen, only in its URL.
  const siteOf = async (request: FastifyRequest): Promise<Site | null> => {
    const id = (request.params as { siteId?: string }).siteId ?? PREFLIGHT_SITE.exec(request.url)?.[1];
    return id ? sites.get(decodeURIComponent(id)) : null;
  };
  const anyOrigin = (request: FastifyRequest) => request.routeOptions.config.anyOrigin === true;

  // Browsers may read responses only from the site's allowed origins; credentials are bearer
  // tokens, never cookies, so no Allow-Credentials. The public config is readable from anywhere,
  // so a widget on a wrong origin can say clearly why it will not start.
  await app.register(cors, {
    hook: 'onRequest',
    delegator: async (request: FastifyRequest) => {
      const origin = request.headers.origin;
      const site = await siteOf(request);
      const permitted = !!origin && !!site && (anyOrigin(request) || allowed(origin, site));
      return {
        origin: permitted ? origin : false,
        methods: ['GET', 'POST', 'PATCH'],
        allowedHeaders: ['authorization', 'content-type', 'last-event-id'],
        maxAge: 600,
      };
    },
  });

  // Two budgets: per IP (the plugin's hook, with its headers) and per visitor token. The plugin
  // runs only one hook per request, so the second is checked by hand with its checker.
  const perIp = app.rateLimit({ max: config.ipRateLimit, timeWindow: 60_000 });
  const visitorBudget = app.createRateLimit({ max: config.visitorRateLimit, timeWindow: 60_000, keyGenerator: (request) => `visitor:${request.tokenHash}` });
  const perVisitor = async (request: FastifyRequest) => {
    if (!request.tokenHash) return;
    const budget = await visitorBudget(request);
    if (!budget.isAllowed && budget.isExceeded) {
      throw new ParleyError('RATE_LIMITED', `Too many requests from this visitor: at most ${budget.max} a minute. Retry in ${budget.ttlInSeconds} s.`,
        { retryAfterSeconds: budget.ttlInSeconds });
    }
  };

  // Every visitor route: the site exists and the calling page may use it. Refused before any work.
  app.addHook('onRequest', async (request) => {
    const site = await siteOf(request);
    if (!site) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id. Check the site id in your snippet.');
    request.site = site;
    const origin = request.headers.origin;
    if (origin && !allowed(origin, site) && !anyOrigin(request)) throw notAllowed(origin, site);
    const token = bearer(request);
    request.tokenHash = token ? sha256(token) : null;
  });
  app.addHook('onRequest', perIp);
  app.addHook('onRequest', perVisitor);

  const authenticate = async (request: FastifyRequest) => {
    if (!request.tokenHash) throw new ParleyError('UNAUTHENTICATED', 'Open a visitor session first and send its token as "Authorization: Bearer <token>".');
    const visitor = await store.findVisitorByToken(request.site!.id, request.tokenHash);
    // Its own code, so a widget can tell "forget this visitor" (issue 14: their data was deleted,
    // or the database replaced) from a request that forgot its header.
    if (!visitor) throw visitorUnknown();
    request.visitor = visitor;
  };

  /** When the site requires verified identities, only an identified visitor may chat. */
  const verified = async (request: FastifyRequest) => {
    if (request.site!.widget.requireVerifiedIdentity && !request.visitor!.verified) {
      throw new ParleyError('IDENTITY_REQUIRED', 'This site accepts chats from signed-in users only: call Parley(\'identify\', { id, hash }) first.');
    }
  };

  const ownConversation = async (request: FastifyRequest<{ Params: { conversationId: string } }>) => {
    const conversation = await store.getConversationRef(request.params.conversationId);
    if (!conversation || conversation.visitorId !== request.visitor!.id) {
      throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation for this visitor.');
    }
    return conversation;
  };

  app.get(VISITOR_PATHS.config, { config: { anyOrigin: true }, schema: { params: s.object({ siteId: s.id }, ['siteId']) } }, async (request, reply) => {
    const site = request.site!;
    const origin = request.headers.origin;
    if (origin && !allowed(origin, site)) throw notAllowed(origin, site);
    reply.header('cache-control', 'no-cache');
    return { config: visitorWidgetConfig(site, config), availability: { online: presence.siteOnline(site.id) } };
  });

  app.post<{ Body: { context?: Visitor['context'] } }>(VISITOR_PATHS.session, {
    schema: { params: s.object({ siteId: s.id }, ['siteId']), body: s.object({ context: s.context }) },
  }, async (request): Promise<OpenSessionResponse> => {
    const site = request.site!;
    const context = { ...request.body?.context, userAgent: String(request.headers['user-agent'] ?? '').slice(0, 500) };
    let token = bearer(request);
    const known = () => (request.tokenHash ? store.findVisitorByToken(site.id, request.tokenHash) : Promise.resolve(null));
    // One store operation (issue 10): tabs or nodes opening at once count a return once. A visitor
    // merged into another or deleted between the look-up and the touch is whoever the token finds now.
    const touch = async (found: Visitor | null, again = true): Promise<Visitor | null> => {
      if (!found) return null;
      try {
        return (await store.touchVisitor(found.id, { context, at: clock.now(), newVisitAfterMs: NEW_VISIT_AFTER_MS })).value;
      } catch (error) {
        if (!(error instanceof GoneError) || !again) throw error;
        return touch(await known(), false);
      }
    };
    let visitor = await touch(await known());
    if (!visitor) {
      // An unknown token (say, after the database was reset) quietly starts a fresh visitor.
      token = randomToken();
      visitor = await store.createVisitor({ siteId: site.id, tokenHash: sha256(token), context });
    }
    // The cursor is read before the snapshot: whatever happens after it arrives on the stream.
    const cursor = await store.headCursor();
    return {
      token: token!,
      visitor: { id: visitor.id, name: visitor.name, email: visitor.email, verified: visitor.verified },
      config: visitorWidgetConfig(site, config),
      availability: { online: presence.siteOnline(site.id) },
      // A site that requires verified identities shows nothing of a visitor's history until they
      // have proven who they are (the token alone may be a shared computer's).
      conversation: site.widget.requireVerifiedIdentity && !visitor.verified ? null : await store.latestConversation(visitor.id).then((c) => c && forVisitor(c)),
      cursor,
    };
  });

  app.register(async (authed) => {
    // Before any route: a visitor merged away or deleted mid-request is answered as its token says now.
    followGoneVisitors(authed, store);
    authed.addHook('preHandler', authenticate);
    // Identifying is how an unverified visitor becomes verified, so that route alone is exempt.
    authed.addHook('preHandler', async (request) => {
      if (request.routeOptions.url !== VISITOR_PATHS.visitor) await verified(request); // GET and PATCH stay open
    });
    // Files (issue 13): upload to and list the visitor's own conversations, under the hooks above.
    await authed.register((scope) => visitorAttachmentRoutes(scope, services));
    // Satisfaction (issue 15): the rating of the visitor's own conversations.
    await authed.register((scope) => visitorRatingRoutes(scope, services));

    authed.patch<{ Body: { name?: string; email?: string; attributes?: Record<string, never>; context?: Visitor['context']; identity?: { id: string; hash: string } } }>(
      VISITOR_PATHS.visitor, {
        schema: {
          body: s.object({
            name: { type: 'string', maxLength: 200 },
            email: { type: 'string', maxLength: 320, format: 'email' },
            attributes,
            context: s.context,
            identity: s.object({ id: { type: 'string', minLength: 1, maxLength: 200 }, hash: { type: 'string', maxLength: 128 } }, ['id', 'hash']),
          }),
        },
      }, async (request): Promise<UpdateVisitorResponse> => {
        const { identity, ...patch } = request.body;
        const current = request.visitor!;
        const brief = (visitor: Visitor) => ({ id: visitor.id, name: visitor.name, email: visitor.email, verified: visitor.verified });
        if (!identity) {
          // A verified name or email is the site's word, not the browser's: changing it needs the hash again.
          const changes = (field: 'name' | 'email') => patch[field] !== undefined && patch[field] !== current[field];
          if (current.verified && (changes('name') || changes('email'))) {
            throw new ParleyError('IDENTITY_REQUIRED', 'This visitor\'s identity is verified: send identity {id, hash} with a new name or email.');
          }
          return { visitor: brief((await store.updateVisitor(current.id, { ...patch, lastSeenAt: clock.now() })).value) };
        }
        const secret = (await store.getSiteSecret(request.site!.id))!;
        if (!safeEqual(identity.hash.toLowerCase(), identityHash(secret, identity.id))) {
          throw new ParleyError('IDENTITY_INVALID', 'The identity hash does not match; compute it on your server as HMAC-SHA256(site secret, id) in hex.');
        }
        const verified = { externalId: identity.id, verified: true, lastSeenAt: clock.now() };
        if (!current.verified || current.externalId === identity.id) {
          // An anonymous visitor signing in keeps what they wrote before; the same identity again is an update.
          return { visitor: brief((await store.updateVisitor(current.id, { ...patch, ...verified })).value) };
        }
        // Another identity on this browser: it becomes a visitor of its own, and never sees the
        // previous identity's conversations (issue 9: a shared computer).
        const token = randomToken();
        const fresh = await store.createVisitor({ siteId: current.siteId, tokenHash: sha256(token), context: current.context });
        return { visitor: brief((await store.updateVisitor(fresh.id, { ...patch, ...verified })).value), token };
      });

    authed.get(VISITOR_PATHS.visitor, async (request) => {
      const { id, name, email, verified } = request.visitor!;
      return { visitor: { id, name, email, verified } };
    });

    authed.get(VISITOR_PATHS.conversations, async (request) => ({
      conversations: (await store.listVisitorConversations(request.visitor!.id)).map(forVisitor),
    }));

    authed.post<{ Body: { clientId: string } }>(VISITOR_PATHS.conversations, {
      schema: { body: s.object({ clientId: s.clientId }, ['clientId']) },
    }, async (request) => {
      const result = await store.startConversation({ siteId: request.site!.id, visitorId: request.visitor!.id, clientId: request.body.clientId });
      return { conversation: forVisitor(result.value) };
    });

    authed.get<{ Params: { conversationId: string }; Querystring: { after?: number; before?: number; limit: number } }>(VISITOR_PATHS.messages, {
      schema: { params: s.conversationParams, querystring: s.historyQuery },
    }, async (request) => {
      const conversation = await ownConversation(request);
      const { after, before, limit } = request.query;
      return store.listMessages(conversation.id, { afterSeq: after, beforeSeq: before, limit, includeInternal: false });
    });

    authed.post<{ Params: { conversationId: string }; Body: { clientId: string; body?: string; attachmentIds?: string[] } }>(VISITOR_PATHS.messages, {
      schema: { params: s.conversationParams, body: s.sendMessage() },
    }, async (request) => {
      const conversation = await ownConversation(request);
      const message = await chat.send({
        conversationId: conversation.id, clientId: request.body.clientId, author: 'visitor', agentId: null,
        body: s.textOf(request.body.body), internal: false, attachmentIds: request.body.attachmentIds,
      });
      return { message };
    });

    authed.post<{ Params: { conversationId: string }; Body: { typing: boolean } }>(VISITOR_PATHS.typing, {
      schema: { params: s.conversationParams, body: s.object({ typing: { type: 'boolean' } }, ['typing']) },
    }, async (request, reply) => {
      const conversation = await ownConversation(request);
      chat.typing(conversation, 'visitor', request.body.typing, request.visitor!.name);
      return reply.status(204).send();
    });

    authed.post<{ Params: { conversationId: string }; Body: { seq: number } }>(VISITOR_PATHS.read, {
      schema: { params: s.conversationParams, body: s.object({ seq: s.seq }, ['seq']) },
    }, async (request) => {
      const conversation = await ownConversation(request);
      return { conversation: forVisitor((await store.markRead(conversation.id, 'visitor', request.body.seq)).value) };
    });

    authed.post(VISITOR_PATHS.streamTicket, async (request): Promise<StreamTicketResponse> => {
      const expiresAt = clock.now() + LIMITS.streamTicketTtlMs;
      return { ticket: signTicket(services.serverSecret, TICKET_PURPOSE, request.visitor!.id, expiresAt), expiresAt };
    });

    authed.get<{ Querystring: { cursor?: string; wait: number } }>(VISITOR_PATHS.events, {
      schema: { querystring: s.eventsQuery },
    }, async (request, reply) => {
      const visitor = request.visitor!;
      // A polling visitor is on the page too.
      return serveLongPoll(services, reply, {
        scope: { kind: 'visitor', siteId: visitor.siteId, visitorId: visitor.id },
        topics: [topics.visitor(visitor.id), topics.siteVisitors(visitor.siteId)],
        cursor: requestedCursor(request.query.cursor),
        waitSeconds: request.query.wait,
      }, { enter: () => presence.visitorConnected(visitor.id, visitor.siteId), leave: () => presence.visitorDisconnected(visitor.id) });
    });
  });

  // Outbound email (issue 12): continuing from an email's link, transcripts.
  await visitorEmailRoutes(app, services, { authenticate, verified, ownConversation });

  // The stream authenticates by header (fetch, curl) or by ticket (EventSource).
  app.get<{ Querystring: { ticket?: string; lastEventId?: string } }>(VISITOR_PATHS.stream, {
    schema: { querystring: s.object({ ticket: { type: 'string', maxLength: 512 }, lastEventId: { type: 'string', maxLength: 32 } }) },
  }, async (request, reply) => {
    const site = request.site!;
    let visitor: Visitor | null = null;
    if (request.query.ticket) {
      const visitorId = verifyTicket(services.serverSecret, TICKET_PURPOSE, request.query.ticket, clock.now());
      if (!visitorId) throw new ParleyError('TICKET_INVALID', 'The stream ticket is invalid or expired; ask for a new one.');
      visitor = await store.getVisitor(visitorId);
      if (!visitor || visitor.siteId !== site.id) throw new ParleyError('TICKET_INVALID', 'The stream ticket is not for this site.');
      request.visitor = visitor;
    } else {
      await authenticate(request);
      visitor = request.visitor!;
    }
    await verified(request);
    const key = streamKey.visitor(visitor.id);
    hub.admit(key);
    const cursor = requestedCursor(request.headers['last-event-id'], request.query.lastEventId);
    reply.hijack();
    presence.visitorConnected(visitor.id, site.id);
    await hub.open(reply.raw, reply.getHeaders(), {
      key,
      scope: { kind: 'visitor', siteId: site.id, visitorId: visitor.id },
      topics: [topics.visitor(visitor.id), topics.siteVisitors(site.id)],
      cursor,
      greeting: [{ type: 'availability', data: { online: presence.siteOnline(site.id) } }],
      onClose: () => presence.visitorDisconnected(visitor.id),
    });
  });
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header) : null;
  return match ? match[1]! : null;
}

function notAllowed(origin: string, site: Site): ParleyError {
  return new ParleyError('ORIGIN_NOT_ALLOWED',
    `The page origin ${origin} is not allowed to use the chat of site "${site.name}". The site owner can add it under Settings → Allowed origins.`);
}
