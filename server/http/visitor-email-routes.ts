/**
 * The visitor side of outbound email (issue 12), registered inside the visitor API's scope (its
 * site, origin, CORS and rate-limit hooks apply): continuing a conversation from an email's link on
 * any device, and asking for a transcript. Sending is the outbox's: these only record.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { siteParamsSchema } from '../../protocol/admin-api.ts';
import { VISITOR_EMAIL_PATHS } from '../../protocol/protocol.ts';
import {
  resumeRequestSchema, resumeResponseSchema, siteConversationParamsSchema, transcriptRequestSchema, transcriptResponseSchema,
} from '../../protocol/visitor-api.ts';
import { randomToken, sha256 } from '../auth/secrets.ts';
import { emailConfigured, messageIdDomain } from '../email/email-config.ts';
import { readResumeToken } from '../email/email-links.ts';
import type { Services } from '../services.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';
import { ownConversation } from './visitor-conversation.ts';

/** How often one conversation's transcript may be emailed: enough for a visitor, too few to be a way to spam an address. */
export const TRANSCRIPTS_PER_CONVERSATION = 5;
/**
 * How many transcripts one address gets from a site in a day, over all conversations: anyone can
 * start conversations and type into them, so without this a transcript is a way to make the site's
 * mail server send anything to anyone (and get its domain listed as a spammer's).
 */
export const TRANSCRIPTS_PER_ADDRESS_PER_DAY = 5;

interface VisitorGuards {
  authenticate: (request: FastifyRequest) => Promise<void>;
  verified: (request: FastifyRequest) => Promise<void>;
}

export async function visitorEmailRoutes(scope: FastifyInstance, services: Services, guards: VisitorGuards): Promise<void> {
  const { store, clock, config } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();
  const own = ownConversation(store);

  app.post(VISITOR_EMAIL_PATHS.resume, {
    config: { rateLimit: { max: 20, timeWindow: 60_000 } },
    schema: {
      summary: 'Continue from an email\'s link: a new token of the link\'s visitor for this device, and the conversation to open',
      params: siteParamsSchema, body: resumeRequestSchema, response: { 200: { ...resumeResponseSchema, description: 'The visitor\'s new token for this device, and the conversation' } },
    },
  }, async (request) => {
    const site = request.site!;
    // On a site that verifies identities, only the site may say who a visitor is: a link in an
    // email (forwardable, 14 days) must not stand in for it. The visitor signs in on the site, whose
    // widget then opens their conversations.
    if (site.widget.requireVerifiedIdentity) {
      throw new ParleyError('IDENTITY_REQUIRED', 'This site asks you to sign in first: sign in on the site to continue this conversation.');
    }
    const link = readResumeToken(services.serverSecret, request.body.token, clock.now());
    if (!link) throw new ParleyError('LINK_INVALID', 'This link has expired or is incomplete. Open the link of a newer email, or start a new conversation.');
    const [visitor, conversation] = await Promise.all([store.getVisitor(link.visitorId), store.getConversationRef(link.conversationId)]);
    if (!visitor || visitor.siteId !== site.id || !conversation || conversation.visitorId !== visitor.id) {
      throw new ParleyError('LINK_INVALID', 'This conversation no longer exists. Start a new one.');
    }
    // A token of its own for this device: the visitor's other browsers keep theirs.
    const token = randomToken();
    await store.addVisitorToken(visitor.id, sha256(token));
    return { token, conversationId: conversation.id, visitor: { id: visitor.id, name: visitor.name, email: visitor.email } };
  });

  app.post(VISITOR_EMAIL_PATHS.transcript, {
    preHandler: [guards.authenticate, guards.verified],
    config: { rateLimit: { max: 10, timeWindow: 60_000 } },
    schema: {
      summary: 'Email the conversation to the visitor (once per clientId)',
      params: siteConversationParamsSchema, body: transcriptRequestSchema, response: { 202: { ...transcriptResponseSchema, description: 'Queued: it goes out within moments' } },
    },
  }, async (request, reply) => {
    if (!emailConfigured(config)) throw new ParleyError('EMAIL_NOT_CONFIGURED', 'This chat cannot send email: its server has no mail server configured.');
    const conversation = await own(request);
    const to = (request.body.email ?? request.visitor!.email)?.trim();
    if (!to) throw new ParleyError('EMAIL_REQUIRED', 'Give the email address to send the transcript to.');
    if (await store.isUnsubscribed(request.site!.id, to)) {
      throw new ParleyError('EMAIL_UNSUBSCRIBED', `${to} unsubscribed from this site's emails, so no transcript can be sent there.`);
    }
    const outcome = await store.queueTranscript({
      conversationId: conversation.id, clientId: request.body.clientId, to, now: clock.now(),
      messageIdDomain: messageIdDomain(config), maxPerConversation: TRANSCRIPTS_PER_CONVERSATION, maxPerAddressPerDay: TRANSCRIPTS_PER_ADDRESS_PER_DAY,
    });
    if (outcome === 'limit') {
      throw new ParleyError('RATE_LIMITED', `This conversation's transcript has been emailed ${TRANSCRIPTS_PER_CONVERSATION} times already.`);
    }
    if (outcome === 'address-limit') {
      throw new ParleyError('RATE_LIMITED', `${to} has been sent ${TRANSCRIPTS_PER_ADDRESS_PER_DAY} transcripts from this site today; try again tomorrow.`, { retryAfterSeconds: 3600 });
    }
    return reply.status(202).send({ to });
  });
}
