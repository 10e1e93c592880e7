/**
 * A real SMTP server on loopback for tests (smtp-server), keeping every email it accepts, parsed
 * (mailparser). Generic: it knows nothing of Parley. A test points SMTP_URL at `sink.url`, makes
 * the mail server go away (`stop`: the port refuses connections) and come back on the same port
 * (`start`), answer every email with an SMTP error (`refuse`), or take its time answering (`hold`).
 */
import { createServer } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from '../wait-for.ts';

export interface ReceivedEmail {
  /** The SMTP envelope: MAIL FROM and every RCPT TO. */
  envelope: { from: string; to: string[] };
  raw: string;
  mail: ParsedMail;
}

export interface SmtpSink {
  port: number;
  /** For SMTP_URL: plain SMTP, no TLS, any login accepted. */
  url: string;
  /** Every email accepted so far, oldest first. */
  received: ReceivedEmail[];
  /** Waits until `count` emails have arrived (or `matching` ones, when given) and answers them. */
  waitFor(count: number, options?: { matching?: (email: ReceivedEmail) => boolean; timeoutMs?: number }): Promise<ReceivedEmail[]>;
  /** Answers every email with this SMTP reply from now on (451: try later, 550: never); null accepts again. */
  refuse(code: number | null, text?: string): void;
  /**
   * A slow mail server: from now on each email is received whole and then waits for its answer
   * (250) until released — `next()` answers the oldest waiting, `release()` all of them and ends
   * the hold. `arrived()` counts the emails that came while holding, `waiting()` those unanswered.
   */
  hold(): { arrived(): number; waiting(): number; next(): void; release(): void };
  /** Closes the port, as a mail server that is down: connections are refused. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A port nothing listens on now, kept for the sink's whole life (stop and start reuse it). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const port = await freePort();
  const received: ReceivedEmail[] = [];
  let refusal: { code: number; text: string } | null = null;
  let holding: { arrived: number; waiting: Array<() => void> } | null = null;
  let server: SMTPServer | null = null;

  const make = () => new SMTPServer({
    // A sink on loopback: no TLS to negotiate, any login (or none) accepted.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
    logger: false,
    closeTimeout: 1000,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (holding) {
          holding.arrived++;
          holding.waiting.push(() => answer());
        } else {
          answer();
        }
      });
      const answer = () => {
        if (refusal) {
          const error = Object.assign(new Error(refusal.text), { responseCode: refusal.code });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((mail) => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          received.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, raw, mail });
          callback();
        }, (error: Error) => callback(error));
      };
    },
  });

  const sink: SmtpSink = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(count, { matching, timeoutMs = 15_000 } = {}) {
      const found = () => (matching ? received.filter(matching) : received);
      await waitFor(() => found().length >= count, { timeoutMs, message: () => `${count} emails at the SMTP sink (have ${found().length})` });
      return found();
    },
    refuse(code, text = code && code >= 500 ? 'Mailbox unavailable' : 'Try again later') {
      refusal = code === null ? null : { code, text };
    },
    hold() {
      const held: { arrived: number; waiting: Array<() => void> } = { arrived: 0, waiting: [] };
      holding = held;
      return {
        arrived: () => held.arrived,
        waiting: () => held.waiting.length,
        next: () => held.waiting.shift()?.(),
        release: () => {
          if (holding === held) holding = null;
          for (const answer of held.waiting.splice(0)) answer();
        },
      };
    },
    async start() {
      if (server) return;
      const next = make();
      await new Promise<void>((resolve, reject) => {
        next.once('error', reject);
        next.listen(port, '127.0.0.1', () => {
          next.off('error', reject);
          resolve();
        });
      });
      next.on('error', () => {});
      server = next;
    },
    async stop() {
      const running = server;
      server = null;
      if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
    },
    close: () => sink.stop(),
  };
  await sink.start();
  return sink;
}

/** A header of an email as it arrived, unfolded; null when absent (mailparser turns some, like List-*, into objects). */
export function header(email: ReceivedEmail, name: string): string | null {
  const head = email.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : null;
}
