/**
 * The visitor's side of satisfaction ratings (issue 15), inside the visitor API's authenticated
 * scope (visitor-routes.ts registers it there, for its CORS, origin checks, token and identity
 * hooks): read and give the rating of one of the visitor's own conversations. Any other
 * conversation is 404, like its messages. POST answers 201 when stored, 200 for a retry.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LIMITS, RATING_PATHS, type RateRequest, type RatingResponse } from '../../protocol/protocol.ts';
import { rateConversation } from '../ratings/rate-conversation.ts';
import type { Services } from '../services.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';

export const rateBody = s.object({
  clientId: s.clientId,
  score: { type: 'integer', minimum: 1, maximum: 5 },
  scale: { enum: ['five', 'thumbs'] },
  comment: { type: 'string', maxLength: LIMITS.ratingCommentMax },
}, ['clientId', 'score', 'scale']);

export async function visitorRatingRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;

  const ownConversation = async (request: FastifyRequest<{ Params: { conversationId: string } }>) => {
    const conversation = await store.getConversationRef(request.params.conversationId);
    if (!conversation || conversation.visitorId !== request.visitor!.id) {
      throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation for this visitor.');
    }
    return conversation;
  };

  app.get<{ Params: { conversationId: string } }>(RATING_PATHS.rate, { schema: { params: s.conversationParams } },
    async (request): Promise<RatingResponse> => ({ rating: await store.getRating((await ownConversation(request)).id) }));

  app.post<{ Params: { conversationId: string }; Body: RateRequest }>(RATING_PATHS.rate, {
    schema: { params: s.conversationParams, body: rateBody },
  }, async (request, reply): Promise<RatingResponse> => {
    const conversation = await ownConversation(request);
    const { rating, created } = await rateConversation(store, request.site!, conversation.id, request.body);
    return reply.status(created ? 201 : 200).send({ rating });
  });
}
