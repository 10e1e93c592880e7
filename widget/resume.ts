/**
 * Continuing a conversation from an email's link (issue 12; docs/protocol.md "The email's link"):
 * a chunk of its own, loaded only when the page's address carries `parley_resume` (the loader then
 * opens the panel). It takes the parameter out of the address bar, exchanges it for a visitor
 * token of this device, and opens the emailed conversation, and it starts the session itself
 * (chat.ts leaves that to it), so a device that had no visitor never makes a throwaway one first.
 *
 * The link's visitor replaces whoever this device was: a different visitor's traces go, in every
 * tab, as on an identity switch (forget.ts). A link that cannot be used (expired, forged, its
 * conversation deleted) opens the widget as it would have opened anyway, with one calm line; it is
 * asked once, never in a loop.
 */
import type { Conversation, Message, RESUME_PARAM, ResumeResponse } from '../protocol/protocol.ts';
import type { Chat } from './chat.ts';
import { inLine, renew } from './forget.ts';

/** protocol.ts's RESUME_PARAM, checked against it at compile time (a type import costs no bytes). */
const PARAM: typeof RESUME_PARAM = 'parley_resume';

/** [English, Chinese]: what the visitor reads when the link could not be used. */
const EXPIRED = [
  'This link has expired or no longer works. You can still write to us here.',
  '此链接已过期或已失效。您仍可以在这里给我们留言。',
];

/** [English, Chinese]: on a site that verifies identities, the link cannot sign the visitor in. */
const SIGN_IN = [
  'Please sign in on this site to continue your conversation.',
  '请先登录本网站，再继续您的对话。',
];

/**
 * The exchange, tried again while the server gives no answer (unreachable, 5xx, 429), about 30 s
 * in all; a definite no (410, 400, 403 for a site that verifies identities) is final.
 */
async function exchange(chat: Chat, ticket: string): Promise<ResumeResponse | 403 | null> {
  for (let wait = 1000; wait < 32e3; wait *= 2) {
    // No Authorization: the ticket is the credential, and a token of this device is beside the point.
    const response = await fetch(chat.siteUrl('/visitor/resume'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: ticket }),
      signal: AbortSignal.timeout?.(15e3),
    }).catch(() => null);
    if (response?.ok) return response.json().catch(() => null);
    if (response?.status === 403) return 403;
    if (response && response.status < 500 && response.status !== 429) return null;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return null;
}

export async function resume(chat: Chat): Promise<void> {
  // The visitor token this device kept, if any (chat.ts has not used it yet).
  const had = chat.storage.get('token');
  const address = new URL(location.href);
  const ticket = address.searchParams.get(PARAM);
  address.searchParams.delete(PARAM);
  // First of all, so that neither a reload nor an address bookmarked or shared replays the link.
  // (A sandboxed frame may refuse; the link is then left, and used all the same.)
  try { history.replaceState(history.state, '', address); } catch { /* kept in the address */ }
  // The device's own visitor opens as usual meanwhile: whether the link is theirs is known from it.
  if (had) void chat.restart(had);
  const answer = ticket ? await exchange(chat, ticket) : null;
  if (!answer || answer === 403) {
    // (An empty parameter is a link cut short too; only another parameter that merely looks alike is not.)
    if (ticket !== null) chat.note.value = answer === 403 ? SIGN_IN : EXPIRED;
    if (!had) await chat.restart('');
    return;
  }
  if (had) {
    await chat.ready;
    // Another visitor's (an anonymous one's on a shared computer, say): forgotten here and in the
    // other tabs, as on an identity switch. The same visitor keeps the token it had.
    if (chat.visitor.value?.id !== answer.visitor.id) await new Promise((done) => inLine(chat, () => renew(chat, answer.token, true).finally(() => done(0))));
  } else {
    await chat.restart(answer.token);
    await chat.ready;
  }
  await show(chat, answer.conversationId);
}

/** The session opens the visitor's newest conversation: the emailed one may be an older one. */
async function show(chat: Chat, id: string): Promise<void> {
  if (chat.conversation.value?.id === id) return;
  const [list, page] = await Promise.all([
    chat.api('GET', chat.siteUrl('/conversations')),
    chat.api('GET', `${chat.siteUrl(`/conversations/${encodeURIComponent(id)}/messages`)}?limit=100`),
  ]).catch(() => []);
  const found = (list?.body as { conversations?: Conversation[] } | null)?.conversations?.find((c) => c.id === id);
  if (!found) return;
  const messages = (page?.body as { messages?: Message[] } | null)?.messages ?? [];
  chat.messages.value = messages;
  chat.conversation.value = found;
  // As chat.ts keeps it: a reload while the server is unreachable shows this conversation.
  chat.storage.set('history', JSON.stringify([found, messages.slice(-50)]));
}
