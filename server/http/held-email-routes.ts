/**
 * Held email for agents (issue 12): the email replies of their sites that did not land by
 * themselves (another sender, an automatic reply), to accept into the conversation they claim —
 * then they are the visitor's message there, live on every dashboard — or to discard. Same
 * session and CSRF rules as the agent API; an agent sees the held email of their own sites only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HELD_EMAIL_PATHS, type Conversation, type HeldEmailListResponse, type Message } from '../../protocol/protocol.ts';
import type { Services } from '../services.ts';
import type { HeldEmail } from '../store/store.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';

const LIST_MAX = 200;
const params = s.object({ heldEmailId: s.id }, ['heldEmailId']);
type ById = FastifyRequest<{ Params: { heldEmailId: string } }>;

export async function heldEmailRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;
  app.addHook('onRequest', requireAgent(services));

  const siteIdsOf = (request: FastifyRequest) => request.agent!.user.siteIds;
  const gone = () => new ParleyError('HELD_EMAIL_NOT_FOUND', 'This email is no longer held: someone accepted or discarded it.');
  const heldFor = async (request: ById): Promise<HeldEmail> => {
    const held = await store.getHeldEmail(request.params.heldEmailId);
    if (!held || !siteIdsOf(request).includes(held.siteId)) throw gone();
    return held;
  };

  app.get(HELD_EMAIL_PATHS.list, async (request): Promise<HeldEmailListResponse> => {
    const held = await store.listHeldEmails(siteIdsOf(request), LIST_MAX);
    const conversations = new Map<string, Conversation | null>();
    for (const { conversationId } of held) {
      if (!conversations.has(conversationId)) conversations.set(conversationId, await store.getConversation(conversationId));
    }
    // A conversation deleted since the list was read took its held email with it.
    return { heldEmails: held.flatMap((email) => { const conversation = conversations.get(email.conversationId); return conversation ? [{ ...email, conversation }] : []; }) };
  });

  app.post<{ Params: { heldEmailId: string } }>(HELD_EMAIL_PATHS.accept, { schema: { params } }, async (request): Promise<{ message: Message; conversation: Conversation }> => {
    const held = await heldFor(request);
    const accepted = await store.acceptHeldEmail(held.id);
    if (!accepted) throw gone();
    return { message: accepted.value, conversation: (await store.getConversation(held.conversationId))! };
  });

  app.delete<{ Params: { heldEmailId: string } }>(HELD_EMAIL_PATHS.item, { schema: { params } }, async (request, reply) => {
    const held = await heldFor(request);
    if (!(await store.discardHeldEmail(held.id))) throw gone();
    return reply.status(204).send();
  });
}
