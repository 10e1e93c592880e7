/**
 * The visitor's side of attachments (issue 13), inside the visitor API's authenticated scope
 * (visitor-routes.ts registers it there, for its CORS, origin checks, token and identity hooks):
 * upload a file to one of the visitor's own conversations, and list the files of one with signed
 * links. A visitor sees their conversations' files sent to them and never an internal note's; any
 * other conversation is 404, like its messages.
 */
import type { FastifyInstance } from 'fastify';
import { attachmentListResponseSchema, uploadQuerySchema, uploadResponseSchema } from '../../protocol/conversation-api.ts';
import { VISITOR_PATHS } from '../../protocol/protocol.ts';
import { siteConversationParamsSchema } from '../../protocol/visitor-api.ts';
import type { Services } from '../services.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';
import { acceptRawBodies, bodyOf, declaredBytes } from './upload-body.ts';
import { ownConversation } from './visitor-conversation.ts';

export async function visitorAttachmentRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store, attachments, config } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();
  const own = ownConversation(store);

  app.get(VISITOR_PATHS.attachments, {
    schema: {
      summary: 'The conversation\'s files sent to the visitor, each with a short-lived signed link',
      params: siteConversationParamsSchema, response: { 200: { ...attachmentListResponseSchema, description: 'The files, newest first' } },
    },
  }, async (request) => {
    const conversation = await own(request);
    return { attachments: attachments.links(await store.listAttachments({ conversationId: conversation.id }, false)) };
  });

  // Uploads per visitor a minute, on top of the visitor API's request budget (uploads cost more).
  const uploadBudget = app.createRateLimit({ max: config.visitorUploadRateLimit, timeWindow: 60_000, keyGenerator: (request) => `upload:${request.visitor!.id}` });

  await scope.register(async (inner) => {
    acceptRawBodies(inner);
    const raw = inner.withTypeProvider<JsonSchemaProvider>();
    // The body is the file's bytes, read by the route as they arrive (no body schema: nothing parses it).
    raw.post(VISITOR_PATHS.attachments, {
      config: { streamingBody: true },
      schema: {
        summary: 'Upload a file to the conversation: its bytes as the body, of any content type; sent later with a message',
        params: siteConversationParamsSchema, querystring: uploadQuerySchema,
        response: {
          201: { ...uploadResponseSchema, description: 'Stored' },
          200: { ...uploadResponseSchema, description: 'This clientId\'s file, stored before' },
        },
      },
    }, async (request, reply) => {
      const site = request.site!;
      const conversation = await own(request);
      if (!site.widget.attachments.visitors) throw new ParleyError('ATTACHMENTS_OFF', 'This site does not accept files from visitors.');
      const budget = await uploadBudget(request);
      if (!budget.isAllowed && budget.isExceeded) {
        throw new ParleyError('RATE_LIMITED', `Too many files from this visitor: at most ${budget.max} a minute. Retry in ${budget.ttlInSeconds} s.`,
          { retryAfterSeconds: budget.ttlInSeconds });
      }
      const { attachment, created } = await attachments.upload({
        site, conversationId: conversation.id, clientId: request.query.clientId, name: request.query.name,
        author: 'visitor', agentId: null, body: bodyOf(request), declaredBytes: declaredBytes(request),
      });
      return reply.status(created ? 201 : 200).send({ attachment });
    });
  });
}
