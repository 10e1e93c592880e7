/**
 * What agents see of satisfaction ratings (issue 15): a conversation's rating, and every rating of
 * a visitor's conversations for the visitor panel. Same session rules as the agent API; anything
 * outside the agent's sites answers "not found". Live changes come as `rating.submitted` events.
 * Shapes from protocol/ratings-api.ts, typed through the schema provider.
 */
import type { FastifyInstance } from 'fastify';
import { visitorParamsSchema } from '../../protocol/admin-api.ts';
import { conversationParamsSchema } from '../../protocol/agent-api.ts';
import { RATING_PATHS } from '../../protocol/protocol.ts';
import { ratingResponseSchema, visitorRatingsResponseSchema } from '../../protocol/ratings-api.ts';
import type { Services } from '../services.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

export async function ratingRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();
  app.addHook('onRequest', requireAgent(services));

  app.get(RATING_PATHS.conversation, {
    schema: {
      summary: 'A conversation\'s rating',
      params: conversationParamsSchema,
      response: { 200: { ...ratingResponseSchema, description: 'Its rating; null before the visitor rates it' } },
    },
  }, async (request) => {
    const conversation = await store.getConversationRef(request.params.conversationId);
    if (!conversation || !request.agent!.user.siteIds.includes(conversation.siteId)) {
      throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
    }
    return { rating: await store.getRating(conversation.id) };
  });

  app.get(RATING_PATHS.visitor, {
    schema: {
      summary: 'Every rating of a visitor\'s conversations, newest first',
      params: visitorParamsSchema,
      response: { 200: { ...visitorRatingsResponseSchema, description: 'Their ratings, newest first' } },
    },
  }, async (request) => {
    const visitor = await store.getVisitor(request.params.visitorId);
    if (!visitor || !request.agent!.user.siteIds.includes(visitor.siteId)) throw new ParleyError('VISITOR_NOT_FOUND', 'No such visitor on your sites.');
    return { ratings: await store.visitorRatings(visitor.id) };
  });
}
