/**
 * Outbound email when things go wrong (issue 12): the mail server is down for a while, refuses for
 * a moment or for good, or is slow; the server restarts (a real restart on the same database), a
 * process dies holding an email, the database is locked just as the mail server took one, two
 * processes share the database. Each email goes out once, and agents see what happened. Real SMTP
 * on loopback (test/support/smtp-sink.ts), a manual clock.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { nanoid } from 'nanoid';
import type { MessageEmail } from '../protocol/protocol.ts';
import { buildApp, type App } from '../server/app.ts';
import { createSqliteStore } from '../server/store/sqlite-store.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { createManualClock } from './support/manual-clock.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const MINUTE = 60_000;

describe('outbound email through outages and restarts', () => {
  const teardown = new Teardown();
  const clock = createManualClock();
  let sink: SmtpSink;
  let server: TestServer;
  /** Signed in once: the session is in the database, so it outlives the restarts. */
  let alice: Awaited<ReturnType<typeof loginAgent>>;

  before(async () => {
    sink = teardown.add(await startSmtpSink(), (s) => s.close());
    server = teardown.add(await startServer({ clock, smtpUrl: sink.url, emailFrom: 'support@shop.test' }), (s) => s.close());
    alice = await loginAgent(server, 'alice@test.local');
  });
  after(() => teardown.run());

  async function pass(ms: number, app: App = server.app): Promise<void> {
    clock.advance(ms);
    await app.outboundEmail!.tick();
  }
  const to = (address: string) => sink.received.filter((email) => email.envelope.to.includes(address));
  async function unreadReply(address: string, body: string) {
    const visitor = await newVisitor(server);
    await visitor.call('/visitor', { method: 'PATCH', json: { email: address } });
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'Where is my parcel?');
    const sent = await alice.call(`/conversations/${conversation.id}/messages`, { method: 'POST', json: { clientId: nanoid(), body } });
    assert.equal(sent.status, 200);
    const state = async (): Promise<MessageEmail> => (await alice.call(`/conversations/${conversation.id}/emails`)).body.emails[0];
    return { conversation, state };
  }

  it('sends an email once when the mail server comes back, and not again after restarts', async () => {
    await sink.stop();
    const { state } = await unreadReply('down@example.com', 'Your parcel is in Oslo.');
    await pass(3 * MINUTE);
    const failed = await state();
    assert.equal(failed.state, 'failed');
    assert.match(failed.error!, /ECONNREFUSED/);
    assert.ok(failed.retryAt! > clock.now() && failed.retryAt! <= clock.now() + 30_000, 'tried again within 30 s (15 s to 30 s with jitter)');
    await pass(MINUTE);
    assert.equal((await state()).state, 'failed', 'still down');

    await server.restart();
    await sink.start();
    await pass(5 * MINUTE);
    await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('down@example.com') });
    const sent = await state();
    assert.deepEqual([sent.state, sent.error, sent.retryAt], ['sent', null, null]);

    await server.restart();
    await pass(2 * 60 * MINUTE);
    await pass(2 * 60 * MINUTE);
    assert.equal(to('down@example.com').length, 1, 'once, across two restarts');
  });

  it('tries again after a "try later" and gives up at once on a permanent refusal, saying why', async () => {
    sink.refuse(451, 'Greylisted, try again later');
    const later = await unreadReply('greylisted@example.com', 'First try is refused.');
    await pass(3 * MINUTE);
    assert.match((await later.state()).error!, /451 Greylisted/);
    sink.refuse(null);
    await pass(MINUTE);
    assert.equal((await later.state()).state, 'sent');
    assert.equal(to('greylisted@example.com').length, 1);

    sink.refuse(550, 'No such user here');
    const never = await unreadReply('nobody@example.com', 'This address does not exist.');
    await pass(3 * MINUTE);
    sink.refuse(null);
    const failed = await never.state();
    assert.deepEqual([failed.state, failed.retryAt], ['failed', null]);
    assert.match(failed.error!, /550 No such user here/);
    await pass(24 * 60 * MINUTE);
    assert.equal(to('nobody@example.com').length, 0, 'never retried');
  });

  it('sends an email a dead process was holding once its claim runs out, with the same Message-ID', async () => {
    const { conversation } = await unreadReply('orphan@example.com', 'Held by a process that died.');
    clock.advance(3 * MINUTE);
    // Another process plans and claims it, then dies before sending (or before marking it sent).
    await server.store.planReplyEmails({ now: clock.now(), messageIdDomain: 'shop.test', limit: 10 });
    const [held] = await server.store.claimEmails({ now: clock.now(), owner: 'dead-process', leaseMs: 5 * MINUTE, limit: 10 });
    assert.equal(held?.conversationId, conversation.id);
    await pass(4 * MINUTE);
    assert.equal(to('orphan@example.com').length, 0, 'not while the claim holds: it may still be on its way');
    await pass(2 * MINUTE);
    const [email] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('orphan@example.com') });
    assert.equal(email!.mail.messageId, `<${held!.messageId}>`);
    await pass(60 * MINUTE);
    assert.equal(to('orphan@example.com').length, 1);
  });

  /** A second server process on the same SQLite file, with the same clock. */
  async function secondProcess(): Promise<{ app: App; close(): Promise<void> }> {
    const store = createSqliteStore({ path: join(server.dataDir, 'parley.db'), synchronous: 'NORMAL', now: () => clock.now() });
    await store.migrate();
    const app = await buildApp({ config: { ...server.config, nodeName: 'second' }, store, clock }).catch(async (error) => {
      await store.close();
      throw error;
    });
    return { app, close: async () => { await app.close(); await store.close(); } };
  }

  it('marks an email the mail server took while the database was locked, and never sends it again', async () => {
    const { state } = await unreadReply('locked@example.com', 'Sent just as the database was locked.');
    const slow = sink.hold();
    clock.advance(3 * MINUTE);
    const round = server.app.outboundEmail!.tick();
    await waitFor(() => slow.arrived() === 1, { message: 'the email at the mail server' });
    // Another process takes the write lock; the mail server says 250 only then.
    const locker = new DatabaseSync(join(server.dataDir, 'parley.db'));
    try {
      locker.exec('BEGIN IMMEDIATE');
      slow.release();
      await round;
      assert.equal(to('locked@example.com').length, 1);
      assert.equal((await state()).state, 'pending', 'the store could not take the mark');
    } finally {
      if (locker.isTransaction) locker.exec('ROLLBACK');
      locker.close();
    }
    // Long after its claim ran out: marked sent, not sent again.
    await pass(10 * MINUTE);
    await pass(60 * MINUTE);
    assert.equal((await state()).state, 'sent');
    assert.equal(to('locked@example.com').length, 1, 'once');
  });

  it('sends each email once while a slow mail server keeps one process busy and another runs its rounds', async () => {
    const slow = sink.hold();
    let second: Awaited<ReturnType<typeof secondProcess>> | undefined;
    try {
      const replies = await Promise.all(['one', 'two', 'three'].map((n) => unreadReply(`slow-${n}@example.com`, `Slow reply ${n}`)));
      // Due: this process's round starts (the clock runs its timer) and sends one email at a time.
      clock.advance(3 * MINUTE);
      await waitFor(() => slow.waiting() === 1, { message: 'the first email at the mail server' });
      // The mail server takes four minutes to answer it; then the next email is on its way.
      clock.advance(4 * MINUTE);
      slow.next();
      await waitFor(() => slow.arrived() === 2 && slow.waiting() === 1, { message: 'the second email at the mail server' });
      // Two minutes later a second process runs its rounds: past the lease of a batch claimed at
      // the start, within the lease of each email's own claim.
      second = await secondProcess();
      clock.advance(2 * MINUTE);
      slow.release();
      await Promise.all([server.app.outboundEmail!.tick(), second.app.outboundEmail!.tick()]);
      await Promise.all([server.app.outboundEmail!.tick(), second.app.outboundEmail!.tick()]);
      for (const n of ['one', 'two', 'three']) assert.equal(to(`slow-${n}@example.com`).length, 1, n);
      for (const reply of replies) assert.equal((await reply.state()).state, 'sent');
    } finally {
      slow.release();
      await second?.close();
    }
  });

  it('sends each email from one of two processes sharing the database', async () => {
    const second = await secondProcess();
    try {
      const replies = await Promise.all(['one', 'two', 'three'].map((n) => unreadReply(`pair-${n}@example.com`, `Reply ${n}`)));
      clock.advance(3 * MINUTE);
      await Promise.all([server.app.outboundEmail!.tick(), second.app.outboundEmail!.tick()]);
      await Promise.all([server.app.outboundEmail!.tick(), second.app.outboundEmail!.tick()]);
      for (const n of ['one', 'two', 'three']) assert.equal(to(`pair-${n}@example.com`).length, 1, n);
      for (const reply of replies) assert.equal((await reply.state()).state, 'sent');
    } finally {
      await second.close();
    }
  });
});
