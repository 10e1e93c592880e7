/**
 * `Parley('identify', …)` and `Parley('setAttributes', …)`: a chunk of its own, loaded by the
 * first such call, since a typical visitor's page makes neither (docs/widget.md "Sizes"). Turns
 * the public arguments into the visitor PATCH (chat.ts owns the request), and when the answer
 * makes this browser a new visitor, forgets the previous one (renew, below). Only identify can
 * lead there, so that code waits in this chunk too instead of weighing on every opened panel.
 */
import type { UpdateVisitorResponse } from '../protocol/protocol.ts';
import type { Chat } from './chat.ts';
import { updateVisitor } from './visitor.ts';

/** Per chat, the last call in line (a chat replaced after `shutdown` does not wait for an old one's). */
const queues = new WeakMap<Chat, Promise<unknown>>();

/**
 * One call at a time, in call order: a `setAttributes` right after an `identify` that changed the
 * visitor must go to the new visitor, with the new token, not race it to the previous one.
 */
function inLine(chat: Chat, task: () => Promise<unknown>): void {
  queues.set(chat, (queues.get(chat) ?? Promise.resolve()).then(task).catch(() => {}));
}

export function identify(chat: Chat, method: string, arg: unknown): void {
  if (method === 'setAttributes') inLine(chat, () => updateVisitor(chat, { attributes: arg }));
  else if (arg && typeof arg === 'object') {
    const { id, name, email, hash } = arg as Record<string, string | undefined>;
    inLine(chat, async () => {
      // Fields left undefined are left out of the JSON body.
      const result = await updateVisitor(chat, { name: name || undefined, email: email || undefined, identity: id && hash ? { id: String(id), hash } : undefined });
      const token = result.status === 200 && (result.body as UpdateVisitorResponse).token;
      if (result.status >= 300) console.warn(`Parley: identify failed (${JSON.stringify(result.body)})`);
      else if (token) await renew(chat, token, true);
    });
  }
}

/** Another tab's identify made this browser a new visitor (chat.ts relays it): the same here. */
export function renewed(chat: Chat, token: string): void {
  inLine(chat, () => renew(chat, token));
}

/**
 * The server made this browser a new visitor: a different verified identity signed in on a shared
 * computer (issue 9; protocol.ts UpdateVisitorResponse). Nothing of the previous visitor may stay
 * on this device — on screen, in localStorage, in the outbox — and the stream becomes the new one's.
 */
async function renew(chat: Chat, token: string, tell?: boolean): Promise<void> {
  const { outbox } = chat;
  // No visitor: the outbox sends nothing more (canFlush), and what is in flight ends first, as
  // the previous visitor's, so none of it is sent, or echoed on screen, as the new one's.
  chat.visitor.value = null;
  outbox.wake();
  await outbox.flush();
  chat.conversation.value = null;
  chat.messages.value = [];
  chat.agentTyping.value = null;
  chat.introduced.value = false;
  for (const name of ['history', 'conversation', 'intro']) chat.storage.set(name, '');
  await outbox.reload(); // what other tabs added too
  for (const item of outbox.items.value) await outbox.remove(item.id);
  // The session says "connecting" until the new visitor's stream is live.
  await chat.restart(token, tell);
}
