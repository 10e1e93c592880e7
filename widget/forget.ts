/**
 * Forgetting a visitor on this device: a chunk of its own, since a typical visitor never needs it.
 * Two ways lead here. The page identified another verified user on a shared computer (issue 9:
 * identify.ts, and tabs told by it), or the server no longer knows this visitor (issue 14: an
 * owner deleted their data, or the database was replaced): the stream's `goodbye` 'revoked', a
 * 401 to their token, or a session answer with a token other than the one sent (chat.ts).
 * Either way nothing of the previous visitor may stay — on screen, in localStorage, in the outbox —
 * and the widget carries on as a new visitor, calmly: no error, no "offline".
 */
import type { OpenSessionResponse } from '../protocol/protocol.ts';
import type { Chat } from './chat.ts';

/** Per chat, the last task in line (a chat replaced after `shutdown` does not wait for an old one's). */
const queues = new WeakMap<Chat, Promise<unknown>>();

/**
 * One task at a time, in call order: a `setAttributes` right after an `identify` that changed the
 * visitor must go to the new visitor, with the new token, not race it to the previous one; and
 * a deletion heard twice (the stream's goodbye, then a 401) starts over once.
 */
export function inLine(chat: Chat, task: () => Promise<unknown>): void {
  queues.set(chat, (queues.get(chat) ?? Promise.resolve()).then(task).catch(() => {}));
}

/** Clears every trace of the visitor on this device: on screen, the cached history, pre-chat answers, the outbox (every tab's). */
export async function forget(chat: Chat): Promise<void> {
  const { outbox } = chat;
  // What they were typing, first: the renders the signals below cause empty the composer with it.
  chat.draft = '';
  // No visitor: the outbox sends nothing more (canFlush), and what is in flight ends first, as
  // the previous visitor's, so none of it is sent, or echoed on screen, as the new one's.
  chat.visitor.value = null;
  outbox.wake();
  await outbox.flush();
  chat.conversation.value = null;
  chat.messages.value = [];
  chat.agentTyping.value = null;
  chat.introduced.value = false;
  // 'rating': a rating not yet delivered (rating.tsx), with its comment.
  for (const name of ['history', 'conversation', 'intro', 'rating']) chat.storage.set(name, '');
  await outbox.reload(); // what other tabs added too
  for (const item of outbox.items.value) await outbox.remove(item.id);
}

/** Forgets the visitor, then starts over as the visitor of `token` ('' for one the next session creates), telling the other tabs when `tell`. */
export async function renew(chat: Chat, token: string, tell?: boolean): Promise<void> {
  await forget(chat);
  // The session says "connecting" until the new visitor's stream is live; what it says after is news again.
  await chat.restart(token, tell);
  chat.lost.value = false;
}

/** Another tab made this browser a new visitor (chat.ts relays it): the same here. */
export function renewed(chat: Chat, token: string): void {
  inLine(chat, () => renew(chat, token));
}

/**
 * The server no longer knows this visitor. The session call with the dead token answers a new
 * visitor's token, fetched before starting over so that every tab of this browser becomes that
 * one visitor (they are told on the old visitor's channel, as after an identity switch). Without
 * an answer, this tab starts over alone and the next session call makes the new visitor; the
 * others find out on their own next request.
 */
export function gone(chat: Chat): void {
  inLine(chat, async () => {
    const dead = chat.storage.get('token');
    const result = await chat.api('POST', chat.siteUrl('/session'), {}).catch(() => null);
    const token = result?.status === 200 ? (result.body as OpenSessionResponse).token : '';
    // Another tab heard it too and started over while this one asked (the server gives each its
    // own new visitor): this tab becomes that visitor instead of making the browser a second one.
    const now = chat.storage.get('token');
    if (now !== dead) return renew(chat, now ?? '');
    // Already the visitor of that token (heard twice): nothing to forget.
    if (token !== dead) await renew(chat, token, !!token);
    else chat.lost.value = false;
  });
}
