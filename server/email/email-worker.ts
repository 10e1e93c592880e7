/**
 * The outbox's worker (issue 12), one per process, running on the app's clock: every few seconds
 * it turns replies the visitor has not read within the delay into emails, queues agent alerts for
 * conversations nobody answers while no agent is online, and sends what is due — each email
 * claimed with a lease first, so in a cluster each one goes out from one process only.
 *
 * Each email goes out once: claimed (a lease), sent, then marked sent once the mail server has
 * accepted it. A claim is taken just before its send, one email at a time, and a send has a
 * deadline shorter than the lease (mailer.ts), so no claim runs out while its email is still on
 * its way. When the store refuses the mark (the database is away just then), this process keeps
 * the accepted email in memory and marks it before it sends anything else, instead of sending it
 * again once its claim runs out. One window remains, and is kept small rather than pretended away:
 * a process that dies after the server accepted an email and before the mark is committed leaves
 * the claim to run out, and the email is sent again, with the same Message-ID, which mail systems
 * and readers can recognise as the same email. A clean shutdown waits for the send in progress.
 *
 * It must not send from a request: routes only record what should happen (the store's outbox).
 */
import { randomBytes } from 'node:crypto';
import { createRounds } from '../rounds.ts';
import type { Services } from '../services.ts';
import { StoreUnavailableError, type OutboxEmail } from '../store/store.ts';
import { composeEmail } from './compose-email.ts';
import { messageIdDomain } from './email-config.ts';
import { SEND_DEADLINE_MS, SendError, type Mailer } from './mailer.ts';

export interface EmailWorkerOptions {
  mailer: Mailer;
  /** How often it looks for work. */
  pollMs?: number;
  /** How long a claim lasts: longer than any send may take (the mailer's SEND_DEADLINE_MS), shorter than a retry's patience. */
  leaseMs?: number;
  random?: () => number;
  log: { warn(details: object, message: string): void };
}

export interface EmailWorker {
  /** Runs one round now (or joins the one running); what tests and the timer call. */
  tick(): Promise<void>;
  /** Stops the timer and waits for the round in progress, so no accepted email is left unmarked. */
  close(): Promise<void>;
}

export const MAX_ATTEMPTS = 12;
/** Alerts are about new conversations: one older than this is not "new" any more (say, when email was just turned on). */
const ALERT_LOOKBACK_MS = 24 * 3600_000;
const BATCH = 20;
/** Emails one round sends at most; the next round (a few seconds later) goes on. */
const SENDS_PER_ROUND = 100;

/**
 * When to try again after `attempt` failures: 30 s doubling to at most an hour, with jitter so
 * the processes of a cluster (and a mail server coming back) are not hit all at once. Twelve
 * attempts span about a day.
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + random() / 2));
}

export function startEmailWorker(services: Services, options: EmailWorkerOptions): EmailWorker {
  const { store, clock, config, presence } = services;
  const { mailer, log } = options;
  const pollMs = options.pollMs ?? 5000;
  const leaseMs = options.leaseMs ?? SEND_DEADLINE_MS + 3 * 60_000;
  const random = options.random ?? Math.random;
  const domain = messageIdDomain(config);
  // Its own name per start: a restarted process must not think it still holds what it held before.
  const owner = `${config.nodeName}:${randomBytes(4).toString('hex')}`;
  let lastTrouble = 0;
  /** Accepted by the mail server, not yet marked sent in the store (it was away): never sent again from here. */
  const accepted = new Map<string, { email: OutboxEmail; sentAt: number }>();

  function trouble(error: unknown, what: string): void {
    // Storage trouble is reported once a minute; the next round simply tries again.
    if (error instanceof StoreUnavailableError && clock.now() - lastTrouble < 60_000) return;
    lastTrouble = clock.now();
    log.warn({ err: error }, `email: ${what} failed`);
  }

  async function planReplies(): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const { queued } = await store.planReplyEmails({ now: clock.now(), messageIdDomain: domain, limit: BATCH });
      if (queued < BATCH) return;
    }
  }

  async function planAlerts(): Promise<void> {
    const now = clock.now();
    // Where someone who can answer is there, the dashboard tells them: no email needed (yet).
    const online = (await store.listSites()).map((site) => site.id).filter((id) => presence.siteOnline(id));
    for (const conversation of await store.alertCandidates({ now, since: now - ALERT_LOOKBACK_MS, exceptSiteIds: online, limit: BATCH })) {
      await store.queueAgentAlerts({ conversationId: conversation.id, now, messageIdDomain: domain });
    }
  }

  async function sendOne(email: OutboxEmail): Promise<void> {
    let composed;
    try {
      composed = await composeEmail(services, email);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      // A bug in composing must not retry forever at full speed, nor lose the email silently.
      log.warn({ err: error, email: email.id }, 'email: composing failed');
      await store.emailFailed(email.id, { owner, at: clock.now(), error: 'Parley could not compose this email (see the server log).', retryAt: nextTry(email) });
      return;
    }
    if ('cancel' in composed) {
      await store.emailCancelled(email.id, { owner, at: clock.now(), state: composed.cancel });
      return;
    }
    try {
      await mailer.send(composed.send);
    } catch (error) {
      const failure = error instanceof SendError ? error : new SendError(String(error), false);
      await store.emailFailed(email.id, { owner, at: clock.now(), error: failure.message, retryAt: failure.permanent ? null : nextTry(email) });
      return;
    }
    await markSent(email, clock.now());
  }

  async function markSent(email: OutboxEmail, sentAt: number): Promise<void> {
    accepted.set(email.id, { email, sentAt });
    // The thread record first: a reply to this email must find its conversation even if the mark
    // below is what a crash interrupts (both are idempotent). An agent's alert is no part of the
    // visitor's thread: recorded, its address would count as the visitor's for replies (inbound.ts);
    // nor is an owner's about a paused webhook endpoint, which has no conversation.
    const visitorThread = email.kind === 'reply' || email.kind === 'transcript';
    if (visitorThread && email.conversationId) await store.recordSentEmail({ messageId: email.messageId, conversationId: email.conversationId, to: email.to, sentAt });
    await store.emailSent(email.id, sentAt);
    accepted.delete(email.id);
  }

  /** What the store could not take before: marked first, so nothing of it is sent twice. */
  async function markAccepted(): Promise<void> {
    for (const { email, sentAt } of [...accepted.values()]) await markSent(email, sentAt);
  }

  const nextTry = (email: OutboxEmail) => (email.attempts >= MAX_ATTEMPTS ? null : clock.now() + retryDelay(email.attempts, random));

  async function sendDue(): Promise<void> {
    await markAccepted();
    // One claim per send, taken just before it: a batch claimed at once would wait behind a slow
    // mail server until its leases ran out, and another process would send it too.
    for (let n = 0; n < SENDS_PER_ROUND && !rounds.closed; n++) {
      const [email] = await store.claimEmails({ now: clock.now(), owner, leaseMs, limit: 1 });
      if (!email) return;
      // Our own claim, run out while the store was away after the mail server took it.
      const done = accepted.get(email.id);
      if (done) await markSent(done.email, done.sentAt);
      else await sendOne(email);
    }
  }

  const rounds = createRounds([
    { what: 'planning replies', run: planReplies },
    { what: 'planning alerts', run: planAlerts },
    { what: 'sending', run: sendDue },
  ], trouble);
  const tick = () => rounds.tick();

  const timer = clock.setInterval(() => void tick(), pollMs);
  const first = clock.setTimeout(() => void tick(), 0);
  return {
    tick,
    async close() {
      clock.clearInterval(timer);
      clock.clearTimeout(first);
      await rounds.close();
      // The store may be back for what it refused during the last round.
      if (accepted.size > 0) await markAccepted().catch((error) => trouble(error, 'marking sent emails'));
      mailer.close();
    },
  };
}
