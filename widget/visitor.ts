/**
 * The visitor PATCH (name, email, identity, attributes). Only the optional chunks send it
 * (identify.ts, prechat.tsx, away.tsx), so it is a chunk they share and a typical visitor never
 * loads, rather than part of the panel (docs/widget.md "Sizes").
 */
import type { UpdateVisitorResponse } from '../protocol/protocol.ts';
import type { SendResult } from '../client/outbox.ts';
import type { Chat } from './chat.ts';

export async function updateVisitor(chat: Chat, patch: Record<string, unknown>): Promise<SendResult> {
  // The token comes with the session: a PATCH before it would go out anonymous.
  await chat.ready;
  const result = await chat.api('PATCH', chat.siteUrl('/visitor'), patch);
  if (result.status === 200) chat.visitor.value = (result.body as UpdateVisitorResponse).visitor;
  return result;
}
