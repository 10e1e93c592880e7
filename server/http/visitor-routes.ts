/**
 * The visitor (widget) API. Every path names its site, so that even a CORS preflight — which
 * carries no credentials — can be checked against the site's allowed origins. Visitors
 * authenticate with the bearer token the session call issued; the stream also takes a short-lived
 * ticket because EventSource cannot send headers.
 */
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { siteParamsSchema } from '../../protocol/admin-api.ts';
import {
  conversationAnswerSchema, eventBatchSchema, eventsQuerySchema, historyQuerySchema, messageAnswerSchema, messagePageSchema, sendMessageRequestSchema,
} from '../../protocol/conversation-api.ts';
import { LIMITS, VISITOR_PATHS, type Site, type Visitor } from '../../protocol/protocol.ts';
import {
  openSessionRequestSchema, openSessionResponseSchema, readRequestSchema, siteConversationParamsSchema, startConversationRequestSchema,
  streamQuerySchema, streamTicketResponseSchema, typingRequestSchema, updateVisitorRequestSchema, updateVisitorResponseSchema,
  visitorConversationsResponseSchema, visitorResponseSchema, widgetConfigResponseSchema,
} from '../../protocol/visitor-api.ts';
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
import { ownConversation } from './visitor-conversation.ts';
import { GoneError } from '../store/store.ts';
import { visitorEmailRoutes } from './visitor-email-routes.ts';
import { visitorAttachmentRoutes } from './visitor-attachment-routes.ts';
import { visitorRatingRoutes } from './visitor-rating-routes.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';
import { originAllowed } from './origins.ts';
import { wellFormed } from './well-formed.ts';
import { textOf } from '../chat.ts';

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
/** The site id in a preflight's URL, decoded; null when it is not valid percent-encoding. */
function preflightSite(url: string): string | null {
  const raw = PREFLIGHT_SITE.exec(url)?.[1];
  if (raw === undefined) return null;
  try {
    return wellFormed(decodeURIComponent(raw));
  } catch {
    return null;
  }
}
const TICKET_PURPOSE = 'visitor-stream';

/** Answers without a JSON body: typing's 204, and the stream (hijacked, so Fastify never serialises it: described only). */
const noContent = { type: 'null', description: 'Done' } as const;
const eventStream = {
  description: 'A text/event-stream of the visitor\'s events (docs/protocol.md), from Last-Event-ID (or ?lastEventId) when given; it stays open.',
  content: { 'text/event-stream': { schema: { type: 'string' } } },
} as const;

export async function visitorRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store, clock, config, hub, presence, chat, sites } = services;
  // Shapes come from protocol/visitor-api.ts and conversation-api.ts, typed through the schema provider.
  const app = scope.withTypeProvider<JsonSchemaProvider>();

  app.decorateRequest('site', null);
  app.decorateRequest('visitor', null);
  app.decorateRequest('tokenHash', null);

  // This server's own pages (the demo and the dashboard's preview) may use any site's widget.
  const ownOrigin = new URL(config.publicUrl).origin;
  const allowed = (origin: string, site: Site) => origin === ownOrigin || originAllowed(origin, site.allowedOrigins);

  // Every visitor path names its site. A route has it as a parameter; a CORS preflight, answered
  // before any route is chosen, only in its URL.
  const siteOf = async (request: FastifyRequest): Promise<Site | null> => {
    // A route's parameter is decoded (and made well-formed, app.ts) already; a preflight's is not.
    const id = (request.params as { siteId?: string }).siteId ?? preflightSite(request.url);
    return id ? sites.get(id) : null;
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

  const own = ownConversation(store);

  app.get(VISITOR_PATHS.config, {
    config: { anyOrigin: true },
    schema: { summary: 'The site\'s widget settings and whether anybody is there to answer; readable from any origin', params: siteParamsSchema, response: { 200: { ...widgetConfigResponseSchema, description: 'The widget settings (emailReplies only when the server sends email), and availability' } } },
  }, async (request, reply) => {
    const site = request.site!;
    const origin = request.headers.origin;
    if (origin && !allowed(origin, site)) throw notAllowed(origin, site);
    reply.header('cache-control', 'no-cache');
    return { config: visitorWidgetConfig(site, config), availability: { online: presence.siteOnline(site.id) } };
  });

  app.post(VISITOR_PATHS.session, {
    schema: {
      summary: 'Open a visitor session: a token (a new visitor without a known one), the widget settings, the latest conversation, the event head',
      params: siteParamsSchema, body: openSessionRequestSchema, response: { 200: { ...openSessionResponseSchema, description: 'The session' } },
    },
  }, async (request) => {
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

  scope.register(async (inner) => {
    const authed = inner.withTypeProvider<JsonSchemaProvider>();
    // Before any route: a visitor merged away or deleted mid-request is answered as its token says now.
    followGoneVisitors(authed, store);
    authed.addHook('preHandler', authenticate);
    // Identifying is how an unverified visitor becomes verified, so that route alone is exempt.
    authed.addHook('preHandler', async (request) => {
      if (request.routeOptions.url !== VISITOR_PATHS.visitor) await verified(request); // GET and PATCH stay open
    });
    // Files (issue 13): upload to and list the visitor's own conversations, under the hooks above.
    await inner.register((files) => visitorAttachmentRoutes(files, services));
    // Satisfaction (issue 15): the rating of the visitor's own conversations.
    await inner.register((ratings) => visitorRatingRoutes(ratings, services));

    authed.patch(
      VISITOR_PATHS.visitor, {
        schema: {
          summary: 'Update the visitor: name, email, attributes, page; with identity {id, hash}, verify who they are',
          params: siteParamsSchema, body: updateVisitorRequestSchema, response: { 200: { ...updateVisitorResponseSchema, description: 'The visitor now, and a new token when another identity took over this browser' } },
        },
      }, async (request) => {
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

    authed.get(VISITOR_PATHS.visitor, {
      schema: { summary: 'The visitor, as their widget knows them', params: siteParamsSchema, response: { 200: { ...visitorResponseSchema, description: 'The visitor' } } },
    }, async (request) => {
      const { id, name, email, verified } = request.visitor!;
      return { visitor: { id, name, email, verified } };
    });

    authed.get(VISITOR_PATHS.conversations, {
      schema: { summary: 'The visitor\'s conversations, newest first', params: siteParamsSchema, response: { 200: { ...visitorConversationsResponseSchema, description: 'Every conversation of the visitor' } } },
    }, async (request) => ({
      conversations: (await store.listVisitorConversations(request.visitor!.id)).map(forVisitor),
    }));

    authed.post(VISITOR_PATHS.conversations, {
      schema: {
        summary: 'Start a conversation; a retry with the same clientId gets the same one',
        params: siteParamsSchema, body: startConversationRequestSchema, response: { 200: { ...conversationAnswerSchema, description: 'The conversation (new, or the one this clientId started)' } },
      },
    }, async (request) => {
      const result = await store.startConversation({ siteId: request.site!.id, visitorId: request.visitor!.id, clientId: request.body.clientId });
      return { conversation: forVisitor(result.value) };
    });

    authed.get(VISITOR_PATHS.messages, {
      schema: {
        summary: 'A page of the conversation\'s messages (never internal notes)',
        params: siteConversationParamsSchema, querystring: historyQuerySchema, response: { 200: { ...messagePageSchema, description: 'Messages, oldest first' } },
      },
    }, async (request) => {
      const conversation = await own(request);
      const { after, before, limit } = request.query;
      return store.listMessages(conversation.id, { afterSeq: after, beforeSeq: before, limit, includeInternal: false });
    });

    authed.post(VISITOR_PATHS.messages, {
      schema: {
        summary: 'Send a message: text, or files with an optional caption; a retry with the same clientId gets the stored message',
        params: siteConversationParamsSchema, body: sendMessageRequestSchema, response: { 200: { ...messageAnswerSchema, description: 'The message as stored (the first time, or before)' } },
      },
    }, async (request) => {
      const conversation = await own(request);
      const message = await chat.send({
        conversationId: conversation.id, clientId: request.body.clientId, author: 'visitor', agentId: null,
        body: textOf(request.body.body), internal: false, attachmentIds: request.body.attachmentIds,
      });
      return { message };
    });

    authed.post(VISITOR_PATHS.typing, {
      schema: {
        summary: 'Say the visitor is typing, or stopped (ephemeral: shown to agents, never stored)',
        params: siteConversationParamsSchema, body: typingRequestSchema, response: { 204: noContent },
      },
    }, async (request, reply) => {
      const conversation = await own(request);
      chat.typing(conversation, 'visitor', request.body.typing, request.visitor!.name);
      return reply.status(204).send(null);
    });

    authed.post(VISITOR_PATHS.read, {
      schema: {
        summary: 'Mark the conversation read up to a seq',
        params: siteConversationParamsSchema, body: readRequestSchema, response: { 200: { ...conversationAnswerSchema, description: 'The conversation with its read positions' } },
      },
    }, async (request) => {
      const conversation = await own(request);
      return { conversation: forVisitor((await store.markRead(conversation.id, 'visitor', request.body.seq)).value) };
    });

    authed.post(VISITOR_PATHS.streamTicket, {
      schema: { summary: 'A short-lived ticket to open the stream with (EventSource cannot send headers)', params: siteParamsSchema, response: { 200: { ...streamTicketResponseSchema, description: 'A ticket for this visitor\'s stream' } } },
    }, async (request) => {
      const expiresAt = clock.now() + LIMITS.streamTicketTtlMs;
      return { ticket: signTicket(services.serverSecret, TICKET_PURPOSE, request.visitor!.id, expiresAt), expiresAt };
    });

    authed.get(VISITOR_PATHS.events, {
      schema: {
        summary: 'Long-poll: the events after a cursor, at once when there are any, else when one arrives or time is up',
        params: siteParamsSchema, querystring: eventsQuerySchema, response: { 200: { ...eventBatchSchema, description: 'The events after the cursor (maybe none), and the cursor to pass next' } },
      },
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
  await visitorEmailRoutes(scope, services, { authenticate, verified });

  // The stream authenticates by header (fetch, curl) or by ticket (EventSource).
  app.get(VISITOR_PATHS.stream, {
    schema: {
      summary: 'The visitor\'s events as Server-Sent Events, authenticated by the bearer token or a stream ticket',
      params: siteParamsSchema, querystring: streamQuerySchema, response: { 200: eventStream },
    },
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
