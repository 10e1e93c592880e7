/**
 * Inbound email (issue 12): the one function both paths feed — the SMTP receiver
 * (inbound-smtp.ts) and the webhook (inbound-webhook.ts) — that takes a visitor's email reply to
 * its conversation. It matches by reply token first (any recipient `reply+<token>@domain`), then
 * by In-Reply-To / References against the Message-IDs Parley sent. The reply lands as the
 * visitor's message only when it comes from an address the conversation's email went to and is
 * not an automatic reply; anything else is held for an agent (store.holdEmail), never merged
 * silently. The email's Message-ID makes the message's clientId, so a redelivery is one message.
 * The files of a reply that lands become its attachments by the upload path's rules
 * (inbound-files.ts); a held email keeps none and names them (accepting it adds its text only).
 *
 * It knows nothing of SMTP replies or HTTP statuses: each path words the outcome its own way.
 */
import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { wellFormed } from '../http/well-formed.ts';
import type { Attachments } from '../attachments/attachments.ts';
import type { SiteCache } from '../services.ts';
import type { ConversationRef, HeldEmail, Store } from '../store/store.ts';
import { addressesIn, replyAddress, type ReplyAddress } from './inbound-address.ts';
import { replyBody } from './inbound-body.ts';
import { attachEmailFiles, filesOf, shownName } from './inbound-files.ts';

/** What the SMTP envelope said; the webhook has none (headers only). */
export interface Envelope {
  /** MAIL FROM, '' for the null sender of bounces and auto-replies. */
  mailFrom: string | null;
  rcptTo: string[];
}

export type InboundOutcome =
  | { kind: 'delivered'; conversationId: string; messageId: string; duplicate: boolean }
  | { kind: 'held'; conversationId: string; heldEmailId: string; duplicate: boolean }
  /** Addressed to a reply token nobody knows any more: the conversation ended and was deleted. */
  | { kind: 'ended' }
  /** Neither a reply address with a token nor a Message-ID Parley sent. */
  | { kind: 'unmatched' };

/** The email is not something mailparser can read. */
export class UnreadableEmailError extends Error {}

export interface Inbound {
  /** Whether an address may receive (for RCPT TO): a known token, or the bare mailbox. */
  recipient(address: string): Promise<ReplyAddress & { known?: boolean }>;
  /**
   * Throws UnreadableEmailError, and StoreUnavailableError when the database is away (nothing was
   * stored). `admit` sees the sender once the email is read and before anything is stored; what it
   * throws (a rate limit) refuses the email.
   */
  receive(raw: Buffer, envelope?: Envelope, admit?: (sender: string) => void): Promise<InboundOutcome>;
}

export function createInbound({ store, attachments, sites, domain, log }: {
  store: Store; attachments: Attachments; sites: Pick<SiteCache, 'get'>; domain: string | null; log?: (details: object, message: string) => void;
}): Inbound {
  async function conversationOf(mail: ParsedMail, envelope: Envelope | undefined): Promise<{ conversation: ConversationRef | null; staleToken: boolean }> {
    const recipients = [
      ...(envelope?.rcptTo ?? []),
      ...addressesIn(mail.to), ...addressesIn(mail.cc),
      ...['delivered-to', 'x-original-to', 'envelope-to'].flatMap((name) => addressesIn(mail.headers.get(name))),
    ];
    let staleToken = false;
    for (const token of new Set(recipients.map((address) => replyAddress(address, domain)).flatMap((a) => (a.kind === 'token' ? [a.token] : [])))) {
      const conversation = await store.conversationByReplyToken(token);
      if (conversation) return { conversation, staleToken };
      staleToken = true;
    }
    // In-Reply-To first, then References from the newest (the last) back.
    const references = [mail.inReplyTo, ...[mail.references ?? []].flat().reverse()].flatMap((value) => value?.match(/<[^<>\s]+>/g) ?? []);
    for (const id of new Set(references.map((reference) => reference.slice(1, -1)))) {
      const sent = await store.sentEmail(id);
      const conversation = sent && await store.getConversationRef(sent.conversationId);
      if (conversation) return { conversation, staleToken };
    }
    return { conversation: null, staleToken };
  }

  return {
    async recipient(address) {
      const kind = replyAddress(address, domain);
      if (kind.kind !== 'token') return kind;
      return { ...kind, known: (await store.conversationByReplyToken(kind.token)) !== null };
    },

    async receive(raw, envelope, admit) {
      let mail: ParsedMail;
      try {
        // Loaded with the first email received, not at start (issue 16: memory at rest).
        const { simpleParser } = await import('mailparser');
        mail = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true, checksumAlgo: false, maxHtmlLengthToParse: 5_000_000 });
      } catch (error) {
        throw new UnreadableEmailError(`The email could not be read: ${(error as Error).message}`, { cause: error });
      }
      const sender = mail.from?.value.find((entry) => entry.address)?.address?.toLowerCase() ?? envelope?.mailFrom?.toLowerCase() ?? '';
      admit?.(sender);
      const { conversation, staleToken } = await conversationOf(mail, envelope);
      if (!conversation) return { kind: staleToken ? 'ended' : 'unmatched' };

      const clientId = clientIdOf(mail, raw);
      const trusted = sender !== '' && (await store.emailRecipients(conversation.id)).includes(sender);
      const automatic = isAutomatic(mail, envelope);
      if (trusted && !automatic) {
        // A redelivery is answered from what the first delivery stored, whatever the site's rules are by now.
        const landed = await store.findMessage(conversation.id, clientId);
        if (landed) return { kind: 'delivered', conversationId: conversation.id, messageId: landed.id, duplicate: true };
        const site = await sites.get(conversation.siteId);
        if (!site) throw new Error(`site ${conversation.siteId} of conversation ${conversation.id} is missing`);
        const { attachmentIds, refused } = await attachEmailFiles({ attachments, site, conversationId: conversation.id, clientId, mail });
        const body = replyBody(mail, { kind: 'refused', files: refused, attached: attachmentIds.length });
        const { value, created } = await store.appendMessage({
          conversationId: conversation.id, clientId, author: 'visitor', agentId: null, body, internal: false,
          ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
        });
        log?.({ conversationId: conversation.id, duplicate: !created, attached: attachmentIds.length, refused: refused.length }, 'email reply delivered');
        return { kind: 'delivered', conversationId: conversation.id, messageId: value.id, duplicate: !created };
      }
      const reason: HeldEmail['reason'] = trusted ? 'auto-reply' : 'unknown-sender';
      const body = replyBody(mail, { kind: 'held', files: filesOf(mail).map((file) => ({ name: shownName(file), size: file.size })) });
      const held = await store.holdEmail({
        conversationId: conversation.id, clientId, reason, text: body,
        from: wellFormed(sender), fromName: wellFormed(mail.from?.value.find((entry) => entry.address)?.name || '') || null,
        subject: wellFormed(mail.subject ?? '').slice(0, 500),
      });
      if (!held.value) {
        // Held before and accepted since: this is a redelivery of a message that has landed.
        const landed = (await store.findMessage(conversation.id, clientId))!;
        return { kind: 'delivered', conversationId: conversation.id, messageId: landed.id, duplicate: true };
      }
      log?.({ conversationId: conversation.id, reason, duplicate: !held.created }, 'email reply held for review');
      return { kind: 'held', conversationId: conversation.id, heldEmailId: held.value.id, duplicate: !held.created };
    },
  };
}

/**
 * The same email delivered twice (an MTA retrying after a lost reply, a webhook retried) must be
 * one message: its Message-ID, hashed into the shape of a clientId. Without one, its bytes are.
 */
function clientIdOf(mail: ParsedMail, raw: Buffer): string {
  const hash = createHash('sha256');
  if (mail.messageId) hash.update(`mid:${mail.messageId.trim()}`);
  else hash.update(raw);
  return `email-${hash.digest('base64url').slice(0, 32)}`;
}

/** RFC 3834 auto-replies (out of office, vacation), bulk mail, and mail from the null sender. */
function isAutomatic(mail: ParsedMail, envelope: Envelope | undefined): boolean {
  const header = (name: string) => String(mail.headers.get(name) ?? '').trim().toLowerCase();
  return (header('auto-submitted') !== '' && header('auto-submitted') !== 'no')
    || mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')
    || ['auto_reply', 'bulk', 'junk', 'list'].includes(header('precedence'))
    || envelope?.mailFrom === '';
}
