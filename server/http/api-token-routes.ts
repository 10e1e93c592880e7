/**
 * The owner API for API tokens (issue 15): list, create (the token shown once, in this answer
 * only), revoke. Owners with a session only: a token never manages tokens (config.apiToken false),
 * and agents get 403. Shapes come from protocol/api-tokens.ts, typed through the schema provider:
 * the pattern for moving the other routes to one definition per shape (docs/protocol.md).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  API_TOKEN_PATHS, apiTokenAnswerSchema, apiTokenListSchema, apiTokenParamsSchema, createApiTokenRequestSchema,
  createApiTokenResponseSchema, type ApiToken,
} from '../../protocol/api-tokens.ts';
import { mintApiToken } from '../auth/api-tokens.ts';
import { streamKey } from '../realtime/revoke.ts';
import type { Services } from '../services.ts';
import { RefusedError, type ApiTokenRecord } from '../store/store.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

/** What an answer shows of a token: never its hash. */
const wire = ({ tokenHash: _hash, ...token }: ApiTokenRecord): ApiToken => token;

export async function apiTokenRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store, clock, revoke } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();

  app.addHook('onRequest', requireAgent(services));
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can manage API tokens.');
  });
  // Every route here: tokens cannot make, see or revoke tokens, whatever their scope.
  const config = { apiToken: false } as const;
  const tags = ['API tokens'];

  app.get(API_TOKEN_PATHS.tokens, {
    config,
    schema: { tags, summary: 'Every API token, revoked ones too, newest first', response: { 200: { ...apiTokenListSchema, description: 'Every token, without its secret' } } },
  }, async () => ({ tokens: (await store.listApiTokens()).map(wire) }));

  app.post(API_TOKEN_PATHS.tokens, {
    config,
    schema: {
      tags, summary: 'Create an API token; its secret is in this answer only',
      body: createApiTokenRequestSchema, response: { 200: { ...createApiTokenResponseSchema, description: 'The token, and its secret: shown this once' } },
    },
  }, async (request) => {
    const { name, scope, siteIds } = request.body;
    if (siteIds !== null) {
      const known = new Set((await store.listSites()).map((site) => site.id));
      const unknown = siteIds.filter((id) => !known.has(id));
      if (unknown.length > 0) throw new ParleyError('SITE_NOT_FOUND', `No site with id ${unknown.join(', ')}.`);
    }
    const { secret, tokenHash, hint } = mintApiToken();
    const token = await store.createApiToken({ name, scope, siteIds, hint, tokenHash, createdBy: request.agent!.user.id }).catch((error: unknown) => {
      throw error instanceof RefusedError && error.reason === 'limit' ? new ParleyError('LIMIT_REACHED', error.message) : error;
    });
    return { token: wire(token), secret };
  });

  app.delete(API_TOKEN_PATHS.token, {
    config,
    schema: {
      tags, summary: 'Revoke an API token: refused from now on, on every server process, its open streams ended',
      params: apiTokenParamsSchema, response: { 200: { ...apiTokenAnswerSchema, description: 'The token, with revokedAt (the first revocation\'s, when it was revoked before)' } },
    },
  }, async (request) => {
    const token = await store.revokeApiToken(request.params.tokenId, clock.now());
    if (!token) throw new ParleyError('NOT_FOUND', 'No API token with this id.');
    // Requests are checked against the store, so the next one is refused anywhere; streams opened
    // with it (tagged by its hash, as sessions' are) end now, on every process, through the bus.
    revoke(streamKey.agent(token.createdBy.id), { reason: 'revoked', tag: token.tokenHash });
    return { token: wire(token) };
  });
}
