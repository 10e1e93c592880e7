/**
 * Turns an email of the outbox into the message to send, from what the store holds at send time:
 * the replies and who wrote them, the thread headers (Message-ID stays the outbox's own, so a
 * resend after a crash is recognisable; In-Reply-To and References name the emails sent before),
 * the reply address, the links (continue, unsubscribe: List-Unsubscribe with RFC 8058's one-click).
 * Or it says the email should not go after all: its replies were read meanwhile, the address
 * unsubscribed, the agent turned alerts off or someone answered. An owner's email about a paused
 * webhook endpoint is compose-webhook-paused.ts's.
 */
import type { Message, Site } from '../../protocol/protocol.ts';
import type { Services } from '../services.ts';
import type { OutboxEmail } from '../store/store.ts';
import { senderAddress, teamSender } from './email-config.ts';
import { conversationLink, resumeToken, unsubscribeUrl } from './email-links.ts';
import { emailLang } from './email-words.ts';
import { brandColor } from './html.ts';
import type { OutgoingEmail } from './mailer.ts';
import { renderAlertEmail } from './render-alert.ts';
import { renderReplyEmail } from './render-reply.ts';
import { renderTranscriptEmail } from './render-transcript.ts';
import { composeWebhookPaused } from './compose-webhook-paused.ts';

export type Composed =
  | { send: OutgoingEmail }
  | { cancel: 'seen' | 'no-address' | 'unsubscribed' };

/** A transcript shows at most this many messages, the newest. */
const TRANSCRIPT_MAX = 500;
/** References keeps the first email of the thread and the latest ones (RFC 5322 §3.6.4 allows trimming). */
const REFERENCES_MAX = 10;

type Deps = Pick<Services, 'store' | 'config' | 'clock' | 'serverSecret'>;

export async function composeEmail(deps: Deps, email: OutboxEmail): Promise<Composed> {
  const { store } = deps;
  if (email.kind === 'webhook-paused') return composeWebhookPaused(deps, email);
  if (email.conversationId === null) return { cancel: 'no-address' };
  const [site, conversation] = await Promise.all([store.getSite(email.siteId), store.getConversation(email.conversationId)]);
  // Gone with its conversation or site (retention, erasure): the outbox row went too, or will.
  if (!site || !conversation) return { cancel: 'no-address' };
  if (email.kind === 'agent-alert') return composeAlert(deps, email, site, conversation);
  const visitor = await store.getVisitor(conversation.visitorId);
  if (!visitor) return { cancel: 'no-address' };
  if (await store.isUnsubscribed(site.id, email.to)) return { cancel: 'unsubscribed' };

  const now = deps.clock.now();
  const lang = emailLang(site, visitor);
  const thread = await store.emailThread(conversation.id, email.to);
  const previous = thread.filter((id) => id !== email.messageId);
  const continueUrl = conversationLink(deps.config.publicUrl, site, visitor, resumeToken(deps.serverSecret, visitor.id, conversation.id, now));
  const unsubscribe = unsubscribeUrl(deps.serverSecret, deps.config.publicUrl, { kind: 'visitor', siteId: site.id, address: email.to.toLowerCase(), lang }, now);
  const common = { lang, siteName: site.name, color: brandColor(site.widget.color), continueUrl, unsubscribeUrl: unsubscribe, timeZone: visitor.context.timeZone };

  let rendered;
  if (email.kind === 'reply') {
    const replies = await messagesById(deps, conversation.id, email.messageIds);
    if (replies.length === 0) return { cancel: 'no-address' };
    // Read in the chat after the email was queued: the visitor has the answer already.
    if (conversation.visitorReadSeq >= Math.max(...replies.map((m) => m.seq))) return { cancel: 'seen' };
    rendered = renderReplyEmail({ ...common, replies, replyable: deps.config.inboundEmailDomain !== null, followUp: previous.length > 0 });
  } else {
    const page = await store.listMessages(conversation.id, { limit: TRANSCRIPT_MAX, includeInternal: false });
    rendered = renderTranscriptEmail({ ...common, messages: page.messages, cut: page.hasMore });
  }
  return {
    send: {
      ...rendered,
      from: { name: site.name, address: senderAddress(deps.config) },
      to: email.to,
      replyTo: await replyAddress(deps, conversation.id),
      messageId: email.messageId,
      ...(previous.length > 0 ? { inReplyTo: previous.at(-1), references: trimmed(previous) } : {}),
      headers: listHeaders(unsubscribe),
    },
  };
}

async function composeAlert(deps: Deps, email: OutboxEmail, site: Site, conversation: NonNullable<Awaited<ReturnType<Deps['store']['getConversation']>>>): Promise<Composed> {
  const { store, config } = deps;
  const user = email.userId ? await store.getUser(email.userId) : null;
  // Answered meanwhile, or the agent left or turned alerts off: nobody needs the alarm any more.
  if (!user || user.disabled || !(await store.emailAlertsEnabled(user.id)) || conversation.firstResponseAt !== null) return { cancel: 'no-address' };
  const now = deps.clock.now();
  const { messages } = await store.listMessages(conversation.id, { limit: 20, includeInternal: false });
  const unsubscribe = unsubscribeUrl(deps.serverSecret, config.publicUrl, { kind: 'agent', userId: user.id, address: user.email }, now);
  const rendered = renderAlertEmail({
    siteName: site.name,
    color: brandColor(site.widget.color),
    visitor: conversation.visitor,
    wrote: messages.filter((m) => m.author === 'visitor').slice(-5),
    waitedMinutes: Math.max(1, Math.round((now - conversation.createdAt) / 60_000)),
    dashboardUrl: `${config.publicUrl}/app/c/${encodeURIComponent(conversation.id)}`,
    accountUrl: `${config.publicUrl}/app/account`,
    unsubscribeUrl: unsubscribe,
  });
  return {
    send: {
      ...rendered,
      from: teamSender(site, config),
      to: user.email,
      messageId: email.messageId,
      headers: listHeaders(unsubscribe),
    },
  };
}

/** The replies an email carries, oldest first, looked up page by page from the newest. */
async function messagesById({ store }: Deps, conversationId: string, ids: string[]): Promise<Message[]> {
  const wanted = new Set(ids);
  const found: Message[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.listMessages(conversationId, { beforeSeq: before, limit: 100, includeInternal: false });
    found.push(...page.messages.filter((m) => wanted.has(m.id)));
    if (found.length === wanted.size || !page.hasMore || page.messages.length === 0) break;
    before = page.messages[0]!.seq;
  }
  return found.sort((a, b) => a.seq - b.seq);
}

async function replyAddress({ store, config }: Deps, conversationId: string): Promise<string | undefined> {
  if (!config.inboundEmailDomain) return undefined;
  return `reply+${await store.replyToken(conversationId)}@${config.inboundEmailDomain}`;
}

const trimmed = (ids: string[]) => (ids.length <= REFERENCES_MAX ? ids : [ids[0]!, ...ids.slice(-(REFERENCES_MAX - 1))]);

/**
 * List-Unsubscribe with One-Click (RFC 8058) — what Gmail and Yahoo ask of bulk senders, and what
 * lets a mail client offer "unsubscribe" itself; Auto-Submitted (RFC 3834) and Exchange's
 * suppression header keep out-of-office replies from coming back into the conversation.
 */
function listHeaders(unsubscribe: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribe}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
  };
}
