/**
 * The built-in SMTP receiver for visitors' email replies (issue 12), with the smtp-server package:
 * the MX of INBOUND_EMAIL_DOMAIN points here (docs/deployment.md). It refuses what it will not
 * take as early as SMTP allows, with a reply a person can read in the bounce: another domain at
 * RCPT TO (no relaying), an unknown mailbox or a reply token nobody knows any more (the
 * conversation ended) at RCPT TO, a sender over its hourly budget at MAIL FROM, an email over
 * the size limit as it streams (what arrives past the limit is dropped, never buffered), and for
 * a while any email once the emails arriving at once would hold too much memory. What it
 * accepts goes to inbound.ts, which decides between the conversation and review.
 *
 * Started and stopped by buildApp (app.ts) with the HTTP server; it is not an open relay, takes no
 * AUTH, and offers STARTTLS only with a certificate of the operator's.
 */
import { readFileSync } from 'node:fs';
import type { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { StoreUnavailableError } from '../store/store.ts';
import type { Config } from '../config.ts';
import { UnreadableEmailError, type Inbound, type InboundOutcome } from './inbound.ts';
import type { SenderLimit } from './inbound-rate-limit.ts';

/** What an operator must fix before the receiver can start: one line (main.ts prints it). */
export class InboundSmtpStartError extends Error {}

export interface SmtpReceiver {
  /** Resolves once listening; rejects with InboundSmtpStartError. */
  listen(): Promise<void>;
  /** The port it listens on (the configured one, or the one picked for port 0). */
  port(): number;
  /** Stops accepting; waits for emails being received, up to closeTimeoutMs. */
  close(): Promise<void>;
}

export interface SmtpReceiverOptions {
  inbound: Inbound;
  limit: SenderLimit;
  config: Pick<Config, 'inboundSmtpPort' | 'inboundSmtpHost' | 'inboundSmtpTls' | 'inboundEmailDomain' | 'inboundEmailMaxBytes'>;
  log: { info(details: object, message: string): void; warn(details: object, message: string): void };
  closeTimeoutMs?: number;
}

/** The polite bounce for a reply to a conversation that is gone (retention deleted it). */
export const ENDED_TEXT = 'This conversation has ended and is no longer kept, so your reply could not be added to it.'
  + ' To reach us again, please open the chat on our website and start a new conversation.';

const refusal = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });
const TRY_LATER = () => refusal(451, 'Temporary trouble on our side; please try again later.');

export function createSmtpReceiver({ inbound, limit, config, log, closeTimeoutMs = 5000 }: SmtpReceiverOptions): SmtpReceiver {
  const port = config.inboundSmtpPort ?? 25;
  const domain = config.inboundEmailDomain;
  const maxBytes = config.inboundEmailMaxBytes;
  const megabytes = `${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB`;
  let server: SMTPServer | null = null;

  function tlsOptions(): { key: Buffer; cert: Buffer } | null {
    if (!config.inboundSmtpTls) return null;
    const read = (file: string, name: string) => {
      try {
        return readFileSync(file);
      } catch (error) {
        throw new InboundSmtpStartError(`cannot read ${name} ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
      }
    };
    return { cert: read(config.inboundSmtpTls.certFile, 'INBOUND_SMTP_TLS_CERT'), key: read(config.inboundSmtpTls.keyFile, 'INBOUND_SMTP_TLS_KEY') };
  }

  function answer(outcome: InboundOutcome): { error: Error } | { ok: string } {
    switch (outcome.kind) {
      case 'delivered': return { ok: 'OK: added to the conversation' };
      case 'held': return { ok: 'OK: received' };
      case 'ended': return { error: refusal(550, ENDED_TEXT) };
      case 'unmatched': return { error: refusal(550, 'This address takes replies to emails from our support chat only, and this email is not one of them (it has no reply address or References of ours).') };
    }
  }

  /**
   * Bytes of emails being received, over all connections. Each email is kept whole until it is read,
   * so without a bound maxClients senders streaming maxBytes each (2 GB by default) could take the
   * memory the chat needs: past eight emails' worth, an email is read to its end and answered "try
   * again later" (452), which mail servers do.
   */
  const inFlightMax = 8 * maxBytes;
  let inFlight = 0;

  function onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let kept = 0;
    let crowded = false;
    const drop = () => {
      inFlight -= kept;
      kept = 0;
      chunks.length = 0;
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes || crowded) return drop(); // keep nothing more, but read to the end (SMTP answers after it)
      if (inFlight + chunk.length > inFlightMax) {
        crowded = true;
        return drop();
      }
      chunks.push(chunk);
      kept += chunk.length;
      inFlight += chunk.length;
    });
    // A sender that vanishes mid-message: the stream is destroyed without an end.
    stream.on('close', drop);
    stream.on('error', drop);
    stream.on('end', () => {
      if (size > maxBytes || stream.sizeExceeded) {
        drop();
        callback(refusal(552, `Message too large: this address takes emails of at most ${megabytes}, attachments included.`));
        return;
      }
      if (crowded) {
        callback(refusal(452, 'Too many emails arriving at once; please try again in a few minutes.'));
        return;
      }
      const { mailFrom, rcptTo } = session.envelope;
      const raw = Buffer.concat(chunks);
      drop();
      inbound.receive(raw, { mailFrom: mailFrom ? mailFrom.address : null, rcptTo: rcptTo.map((to) => to.address) }).then((outcome) => {
        const reply = answer(outcome);
        if ('error' in reply) callback(reply.error);
        else callback(null, reply.ok);
      }, (error: unknown) => {
        if (error instanceof UnreadableEmailError) return callback(refusal(554, 'The message could not be read (it is not well-formed MIME).'));
        if (!(error instanceof StoreUnavailableError)) log.warn({ err: error }, 'an inbound email could not be handled');
        callback(TRY_LATER());
      });
    });
  }

  return {
    async listen() {
      if (!domain) throw new InboundSmtpStartError('INBOUND_SMTP_PORT is set but INBOUND_EMAIL_DOMAIN is not: set it to the domain whose MX points here (the domain of the reply+…@ addresses).');
      const tls = tlsOptions();
      // Loaded only when the receiver is turned on (issue 16: memory at rest).
      const { SMTPServer } = await import('smtp-server');
      const smtp = new SMTPServer({
        name: domain ?? undefined,
        banner: 'Parley: replies to support conversations',
        logger: false,
        disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
        ...(tls ?? {}),
        authOptional: true,
        disableReverseLookup: true,
        size: maxBytes,
        maxClients: 200,
        maxRecipients: 20,
        closeTimeout: closeTimeoutMs,
        onMailFrom(address, _session, callback) {
          const taken = limit.take(address.address || '<>');
          if (taken.ok) return callback();
          callback(refusal(450, `Too many emails from ${address.address || 'this sender'} for now; please try again in ${Math.ceil(taken.retryAfterMs / 60_000)} minutes.`));
        },
        onRcptTo(address, _session, callback) {
          inbound.recipient(address.address).then((recipient) => {
            switch (recipient.kind) {
              case 'other-domain': return callback(refusal(550, `Relaying denied: this server takes mail for ${domain} only.`));
              case 'no-mailbox': return callback(refusal(550, `No such mailbox: ${address.address}. This address takes replies to emails from our support chat only.`));
              case 'token': return callback(recipient.known ? undefined : refusal(550, ENDED_TEXT));
              case 'bare': return callback();
            }
          }, (error: unknown) => {
            if (!(error instanceof StoreUnavailableError)) log.warn({ err: error }, 'an inbound recipient could not be checked');
            callback(TRY_LATER());
          });
        },
        onData,
      });
      // Once listening, an error is one connection's (a client that vanished mid-TLS, say): logged, never fatal.
      smtp.on('error', (error) => {
        if (server === smtp) log.warn({ err: error }, 'SMTP receiver: a connection failed');
      });
      return new Promise<void>((resolve, reject) => {
        const failed = (error: NodeJS.ErrnoException) => {
          reject(new InboundSmtpStartError(
            error.code === 'EADDRINUSE' ? `port ${port} (INBOUND_SMTP_PORT) is in use by another program. Set INBOUND_SMTP_PORT to a free one.`
              : error.code === 'EACCES' ? `port ${port} (INBOUND_SMTP_PORT) needs privileges this process lacks: below 1024 it takes root or CAP_NET_BIND_SERVICE. Use a port above 1024 behind a relay (docs/deployment.md).`
                : `the SMTP receiver cannot listen on ${config.inboundSmtpHost}:${port}: ${error.message}.`,
            { cause: error },
          ));
        };
        smtp.server.once('error', failed);
        smtp.listen(port, config.inboundSmtpHost, () => {
          smtp.server.off('error', failed);
          server = smtp;
          log.info({ port: (smtp.server.address() as { port: number }).port }, 'SMTP receiver listening for email replies');
          resolve();
        });
      });
    },
    port() {
      const address = server?.server.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    close() {
      const closing = server;
      server = null;
      return new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
    },
  };
}
