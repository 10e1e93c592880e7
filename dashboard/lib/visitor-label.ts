import type { Conversation } from '../../protocol/protocol.ts';

/** The visitor's name or email when they gave one; else a short stable tag that tells rows apart. */
export const visitorLabel = (conversation: Pick<Conversation, 'visitor' | 'visitorId'>): string =>
  conversation.visitor?.name || conversation.visitor?.email || `Visitor ${conversation.visitorId.replace(/[^A-Za-z0-9]/g, '').slice(-4).toUpperCase()}`;
