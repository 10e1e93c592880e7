/**
 * Sending one email over SMTP with nodemailer, the standard library for it, configured by SMTP_URL.
 * It says whether a failure is worth retrying (the network, a 4xx "try later") or not (a 5xx:
 * no such mailbox, refused); it keeps no state and retries nothing itself — the outbox does.
 */
import type { Transporter } from 'nodemailer';

export interface OutgoingEmail {
  from: { name: string; address: string };
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** Without angle brackets; the same on every attempt of this email. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
}

export interface Mailer {
  /** Resolves once the mail server accepted the email; throws SendError otherwise. */
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

export class SendError extends Error {
  /** A 5xx answer: sending it again would get the same. */
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean) {
    super(message);
    this.permanent = permanent;
  }
}

// Bounded, so a mail server that stops answering holds an email (and its lease) for seconds, not
// nodemailer's default ten minutes: each step has its timeout, and the whole send a deadline.
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };
/**
 * The longest one send may take, however slowly the mail server trickles its answers. The outbox's
 * lease must outlast it (email-worker.ts), or another process could take the email meanwhile.
 */
export const SEND_DEADLINE_MS = 2 * 60_000;

/** One plain address, as the store keeps a visitor's: no display name, no list, nothing to inject. */
const PLAIN_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

export function createMailer(smtpUrl: string, { deadlineMs = SEND_DEADLINE_MS }: { deadlineMs?: number } = {}): Mailer {
  // nodemailer is loaded with the first email, not at start: a server that sends none (or not yet)
  // does not hold it in memory (issue 16).
  let transport: Promise<Transporter> | null = null;
  const transportNow = () => (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({ url: smtpUrl, ...TIMEOUTS })));
  return {
    async send(email) {
      // nodemailer would read "a@x, b@y" as two recipients: an address that is not one is refused for good.
      if (!PLAIN_ADDRESS.test(email.to)) throw new SendError(`"${email.to}" is not an email address.`, true);
      try {
        await (await transportNow()).sendMail({
          // Names and subjects come from people (a site's name, a visitor's): one line each, always.
          from: { name: oneLine(email.from.name), address: email.from.address },
          to: email.to,
          replyTo: email.replyTo,
          subject: oneLine(email.subject),
          text: email.text,
          html: email.html,
          messageId: `<${email.messageId}>`,
          inReplyTo: email.inReplyTo ? `<${email.inReplyTo}>` : undefined,
          references: email.references?.map((id) => `<${id}>`),
          headers: email.headers,
          signal: AbortSignal.timeout(deadlineMs),
        });
      } catch (error) {
        throw sendError(error);
      }
    },
    close: () => void transport?.then((opened) => opened.close()),
  };
}

const oneLine = (text: string) => text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').trim();

/** What the failure was, in the words an agent can read, and whether to try again. */
export function sendError(error: unknown): SendError {
  const { responseCode, response, message, code } = (error ?? {}) as { responseCode?: number; response?: string; message?: string; code?: string };
  if (code === 'EABORT') return new SendError('The mail server did not finish taking the email before the send\'s deadline.', false);
  const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
  const said = (response || message || String(error)).replace(/\s+/g, ' ').trim();
  return new SendError(said, permanent);
}
