/**
 * The visitor's side of attachments (issue 13), inside the visitor API's authenticated scope
 * (visitor-routes.ts registers it there, for its CORS, origin checks, token and identity hooks):
 * upload a file to one of the visitor's own conversations, and list the files of one with signed
 * links. A visitor sees their conversations' files sent to them and never an internal note's; any
 * other conversation is 404, like its messages.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VISITOR_PATHS, type AttachmentListResponse, type UploadResponse } from '../../protocol/protocol.ts';
import type { Services } from '../services.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';
import { acceptRawBodies, bodyOf, declaredBytes, uploadQuery } from './upload-body.ts';

export async function visitorAttachmentRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, attachments, config } = services;

  const ownConversation = async (request: FastifyRequest<{ Params: { conversationId: string } }>) => {
    const conversation = await store.getConversationRef(request.params.conversationId);
    if (!conversation || conversation.visitorId !== request.visitor!.id) {
      throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation for this visitor.');
    }
    return conversation;
  };

  app.get<{ Params: { conversationId: string } }>(VISITOR_PATHS.attachments, { schema: { params: s.conversationParams } },
    async (request): Promise<AttachmentListResponse> => {
      const conversation = await ownConversation(request);
      return { attachments: attachments.links(await store.listAttachments({ conversationId: conversation.id }, false)) };
    });

  // Uploads per visitor a minute, on top of the visitor API's request budget (uploads cost more).
  const uploadBudget = app.createRateLimit({ max: config.visitorUploadRateLimit, timeWindow: 60_000, keyGenerator: (request) => `upload:${request.visitor!.id}` });

  await app.register(async (raw) => {
    acceptRawBodies(raw);
    raw.post<{ Params: { conversationId: string }; Querystring: { clientId: string; name: string } }>(VISITOR_PATHS.attachments, {
      config: { streamingBody: true },
      schema: { params: s.conversationParams, querystring: uploadQuery },
    }, async (request, reply): Promise<UploadResponse> => {
      const site = request.site!;
      const conversation = await ownConversation(request);
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
