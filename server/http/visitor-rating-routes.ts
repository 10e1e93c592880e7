/**
 * The visitor's side of satisfaction ratings (issue 15), inside the visitor API's authenticated
 * scope (visitor-routes.ts registers it there, for its CORS, origin checks, token and identity
 * hooks): read and give the rating of one of the visitor's own conversations. Any other
 * conversation is 404, like its messages. POST answers 201 when stored, 200 for a retry.
 */
import type { FastifyInstance } from 'fastify';
import { RATING_PATHS } from '../../protocol/protocol.ts';
import { ratingResponseSchema } from '../../protocol/ratings-api.ts';
import { rateRequestSchema, siteConversationParamsSchema } from '../../protocol/visitor-api.ts';
import { rateConversation } from '../ratings/rate-conversation.ts';
import type { Services } from '../services.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';
import { ownConversation } from './visitor-conversation.ts';

export async function visitorRatingRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();
  const own = ownConversation(store);

  app.get(RATING_PATHS.rate, {
    schema: { summary: 'The visitor\'s rating of the conversation (null before one)', params: siteConversationParamsSchema, response: { 200: { ...ratingResponseSchema, description: 'The rating, or null' } } },
  }, async (request) => ({ rating: await store.getRating((await own(request)).id) }));

  app.post(RATING_PATHS.rate, {
    schema: {
      summary: 'Rate the conversation, or change the rating; a retry with the same clientId stores one',
      params: siteConversationParamsSchema, body: rateRequestSchema,
      response: { 201: { ...ratingResponseSchema, description: 'Stored' }, 200: { ...ratingResponseSchema, description: 'This clientId\'s rating, stored before' } },
    },
  }, async (request, reply) => {
    const conversation = await own(request);
    const { rating, created } = await rateConversation(store, request.site!, conversation.id, request.body);
    return reply.status(created ? 201 : 200).send({ rating });
  });
}
