/**
 * Held email for agents (issue 12): the email replies of their sites that did not land by
 * themselves (another sender, an automatic reply), to accept into the conversation they claim —
 * then they are the visitor's message there, live on every dashboard — or to discard. Same
 * session and CSRF rules as the agent API; an agent sees the held email of their own sites only.
 * Shapes come from protocol/agent-api.ts, typed through the schema provider.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { acceptedHeldEmailSchema, heldEmailListResponseSchema, heldEmailParamsSchema, noContentSchema } from '../../protocol/agent-api.ts';
import { HELD_EMAIL_PATHS, type Conversation, type HeldEmail } from '../../protocol/protocol.ts';
import type { Services } from '../services.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

const LIST_MAX = 200;

export async function heldEmailRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();
  app.addHook('onRequest', requireAgent(services));

  const siteIdsOf = (request: FastifyRequest) => request.agent!.user.siteIds;
  const gone = () => new ParleyError('HELD_EMAIL_NOT_FOUND', 'This email is no longer held: someone accepted or discarded it.');
  const heldFor = async (request: FastifyRequest, heldEmailId: string): Promise<HeldEmail> => {
    const held = await store.getHeldEmail(heldEmailId);
    if (!held || !siteIdsOf(request).includes(held.siteId)) throw gone();
    return held;
  };

  app.get(HELD_EMAIL_PATHS.list, {
    schema: {
      summary: `The held email of your sites, newest first (at most ${LIST_MAX})`,
      response: { 200: { ...heldEmailListResponseSchema, description: 'Each held email with the conversation it claims' } },
    },
  }, async (request) => {
    const held = await store.listHeldEmails(siteIdsOf(request), LIST_MAX);
    const conversations = new Map<string, Conversation | null>();
    for (const { conversationId } of held) {
      if (!conversations.has(conversationId)) conversations.set(conversationId, await store.getConversation(conversationId));
    }
    // A conversation deleted since the list was read took its held email with it.
    return { heldEmails: held.flatMap((email) => { const conversation = conversations.get(email.conversationId); return conversation ? [{ ...email, conversation }] : []; }) };
  });

  app.post(HELD_EMAIL_PATHS.accept, {
    schema: {
      summary: 'Accept a held email: it becomes the visitor\'s message in the conversation it claims',
      params: heldEmailParamsSchema, response: { 200: { ...acceptedHeldEmailSchema, description: 'The message it became, and its conversation' } },
    },
  }, async (request) => {
    const held = await heldFor(request, request.params.heldEmailId);
    const accepted = await store.acceptHeldEmail(held.id);
    if (!accepted) throw gone();
    return { message: accepted.value, conversation: (await store.getConversation(held.conversationId))! };
  });

  app.delete(HELD_EMAIL_PATHS.item, {
    schema: { summary: 'Discard a held email', params: heldEmailParamsSchema, response: { 204: noContentSchema } },
  }, async (request, reply) => {
    const held = await heldFor(request, request.params.heldEmailId);
    if (!(await store.discardHeldEmail(held.id))) throw gone();
    return reply.status(204).send(null);
  });
}
