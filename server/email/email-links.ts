/**
 * The links an email carries, each a signed, single-purpose ticket (auth/secrets.ts): continuing
 * the conversation (exchanged for a visitor token at VISITOR_EMAIL_PATHS.resume, by the widget on
 * whatever device opens the email) and unsubscribing (EMAIL_PAGES.unsubscribe). Tickets hold ids
 * and an address, never a credential: the visitor's own token never travels in an email.
 */
import { EMAIL_PAGES, RESUME_PARAM, path, type Site, type Visitor } from '../../protocol/protocol.ts';
import { signTicket, verifyTicket } from '../auth/secrets.ts';
import { originAllowed } from '../http/origins.ts';

const RESUME = 'visitor-resume';
const UNSUBSCRIBE = 'email-unsubscribe';
/**
 * Long enough to answer an email read after a holiday, short enough that a forwarded or leaked
 * email stops giving access to the chat after a while. Every email carries a fresh one.
 */
export const RESUME_TTL_MS = 14 * 24 * 3600_000;
/** Unsubscribing must keep working as long as anyone may still read the email (RFC 8058 asks for no expiry). */
const UNSUBSCRIBE_TTL_MS = 5 * 365 * 24 * 3600_000;

export function resumeToken(secret: string, visitorId: string, conversationId: string, now: number): string {
  return signTicket(secret, RESUME, `${visitorId} ${conversationId}`, now + RESUME_TTL_MS);
}

export function readResumeToken(secret: string, token: string, now: number): { visitorId: string; conversationId: string } | null {
  const subject = verifyTicket(secret, RESUME, token, now);
  const [visitorId, conversationId] = subject?.split(' ') ?? [];
  return visitorId && conversationId ? { visitorId, conversationId } : null;
}

/** Who an unsubscribe link is for: a visitor's address on one site, or an agent's alerts. */
export type Unsubscriber =
  | { kind: 'visitor'; siteId: string; address: string; lang: 'en' | 'zh' }
  | { kind: 'agent'; userId: string; address: string };

export function unsubscribeUrl(secret: string, publicUrl: string, who: Unsubscriber, now: number): string {
  const token = signTicket(secret, UNSUBSCRIBE, JSON.stringify(who), now + UNSUBSCRIBE_TTL_MS);
  // In the query: a ticket is longer than a path parameter may be.
  return `${publicUrl}${EMAIL_PAGES.unsubscribe}?${new URLSearchParams({ token })}`;
}

export function readUnsubscribeToken(secret: string, token: string, now: number): Unsubscriber | null {
  const subject = verifyTicket(secret, UNSUBSCRIBE, token, now);
  if (!subject) return null;
  try {
    const who = JSON.parse(subject) as Unsubscriber;
    return (who.kind === 'visitor' && who.siteId && who.address) || (who.kind === 'agent' && who.userId && who.address) ? who : null;
  } catch {
    return null;
  }
}

/**
 * Where "continue the conversation" goes: the site's page the visitor was last on, when it is one
 * of the site's allowed origins (their widget opens there), else Parley's hosted conversation page.
 */
export function conversationLink(publicUrl: string, site: Pick<Site, 'id' | 'allowedOrigins'>, visitor: Pick<Visitor, 'context'>, token: string): string {
  let url: URL | null = null;
  try {
    const page = visitor.context.url ? new URL(visitor.context.url) : null;
    if (page && (page.protocol === 'https:' || page.protocol === 'http:') && originAllowed(page.origin, site.allowedOrigins)) url = page;
  } catch {
    url = null;
  }
  url ??= new URL(`${publicUrl}${path(EMAIL_PAGES.conversation, { siteId: site.id })}`);
  url.searchParams.set(RESUME_PARAM, token);
  return url.toString();
}
