/**
 * What agents see of satisfaction ratings (issue 15): a conversation's rating, and every rating of
 * a visitor's conversations for the visitor panel. Same session rules as the agent API; anything
 * outside the agent's sites answers "not found". Live changes come as `rating.submitted` events.
 */
import type { FastifyInstance } from 'fastify';
import { RATING_PATHS, type RatingResponse, type VisitorRatingsResponse } from '../../protocol/protocol.ts';
import type { Services } from '../services.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';

export async function ratingRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;
  app.addHook('onRequest', requireAgent(services));

  app.get<{ Params: { conversationId: string } }>(RATING_PATHS.conversation, { schema: { params: s.agentConversationParams } },
    async (request): Promise<RatingResponse> => {
      const conversation = await store.getConversationRef(request.params.conversationId);
      if (!conversation || !request.agent!.user.siteIds.includes(conversation.siteId)) {
        throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
      }
      return { rating: await store.getRating(conversation.id) };
    });

  app.get<{ Params: { visitorId: string } }>(RATING_PATHS.visitor, { schema: { params: s.object({ visitorId: s.id }, ['visitorId']) } },
    async (request): Promise<VisitorRatingsResponse> => {
      const visitor = await store.getVisitor(request.params.visitorId);
      if (!visitor || !request.agent!.user.siteIds.includes(visitor.siteId)) throw new ParleyError('VISITOR_NOT_FOUND', 'No such visitor on your sites.');
      return { ratings: await store.visitorRatings(visitor.id) };
    });
}
