/**
 * The visitor's own conversation, named by a visitor route's path (after authentication): any
 * other conversation, or one that does not exist, is 404 — a visitor cannot tell the two apart.
 * Shared by the visitor API's modules (messages, files, email, ratings).
 */
import type { FastifyRequest } from 'fastify';
import type { ConversationRef, Store } from '../store/store.ts';
import { ParleyError } from './errors.ts';

/** What finding it needs of a request: the authenticated visitor and the conversation in its path. */
export type OwnConversationRequest = Pick<FastifyRequest, 'visitor'> & { params: { conversationId: string } };

export const ownConversation = (store: Pick<Store, 'getConversationRef'>) => async (request: OwnConversationRequest): Promise<ConversationRef> => {
  const conversation = await store.getConversationRef(request.params.conversationId);
  if (!conversation || conversation.visitorId !== request.visitor!.id) {
    throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation for this visitor.');
  }
  return conversation;
};
