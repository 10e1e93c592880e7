/**
 * Both halves of email continuity together (issue 12): the outbox emails the agent's reply to a
 * visitor who left (test/support/smtp-sink.ts stands for the visitor's mail server), and the
 * visitor answers that very email — its Reply-To, its Message-ID, its text quoted under the answer
 * as a mail client does — into Parley's SMTP receiver. The other inbound tests seed the thread
 * through the store; this one goes through the outbox, so it also proves the two halves agree —
 * including that an agent's alert about a conversation is no part of the visitor's thread.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nanoid } from 'nanoid';
import { createTransport, type Transporter } from 'nodemailer';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { createManualClock } from './support/manual-clock.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.ts';
import { REPLY_DOMAIN } from './support/email-thread.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

describe('an emailed reply answered by email', () => {
  const teardown = new Teardown();
  const clock = createManualClock();
  let sink: SmtpSink;
  let server: TestServer;
  let mail: Transporter;

  before(async () => {
    sink = teardown.add(await startSmtpSink(), (s) => s.close());
    server = teardown.add(await startServer({
      clock, smtpUrl: sink.url, emailFrom: 'support@shop.test',
      inboundEmailDomain: REPLY_DOMAIN, inboundSmtpPort: 0, inboundSmtpHost: '127.0.0.1',
    }), (s) => s.close());
    mail = teardown.add(createTransport({ host: '127.0.0.1', port: server.app.inboundSmtp!.port(), secure: false, ignoreTLS: true }), (t) => t.close());
  });
  after(() => teardown.run());

  it('lands the visitor\'s answer to the outbox\'s email, without the quote, in the same conversation', async () => {
    const visitor = await newVisitor(server);
    assert.equal((await visitor.call('/visitor', { method: 'PATCH', json: { email: 'Rita@Example.com' } })).status, 200);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'Can I return a gift without the receipt?');
    const alice = await loginAgent(server, 'alice@test.local');
    assert.equal((await alice.send(conversation.id, 'Yes, within 30 days, with any proof of purchase.', nanoid())).status, 200);

    // The visitor has left; after the delay the outbox emails the reply.
    for (let step = 0; step < 10 && !sink.received.some((e) => e.envelope.to.includes('rita@example.com')); step++) {
      clock.advance(60_000);
      await server.app.outboundEmail!.tick();
    }
    const [sent] = await sink.waitFor(1, { matching: (e) => e.envelope.to.map((to) => to.toLowerCase()).includes('rita@example.com') });
    const replyTo = sent!.mail.replyTo?.value[0]?.address;
    assert.match(String(replyTo), new RegExp(`^reply\\+[a-z0-9]{26}@${REPLY_DOMAIN.replaceAll('.', '\\.')}$`));

    // The visitor answers it from their mail client: on top, with the email quoted below.
    const quoted = (sent!.mail.text ?? '').split('\n').map((line) => `> ${line}`.trimEnd()).join('\n');
    await mail.sendMail({
      from: 'Rita <rita@example.com>', to: replyTo, subject: `Re: ${sent!.mail.subject}`,
      inReplyTo: sent!.mail.messageId, references: sent!.mail.messageId,
      text: `Thank you! I will come by on Monday.\n\nOn Tue, 5 Mar 2024 at 10:02, Test site <${replyTo}> wrote:\n${quoted}`,
    });
    const landed = await waitFor(async () => (await alice.call(`/conversations/${conversation.id}/messages?limit=100`)).body.messages
      .find((m: { author: string; body: string }) => m.author === 'visitor' && m.body.startsWith('Thank you!')));
    assert.equal(landed.body, 'Thank you! I will come by on Monday.');
    assert.deepEqual((await alice.call('/held-emails')).body.heldEmails, []);
  });

  it('never takes an agent\'s answer to an alert email as the visitor\'s message', async () => {
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'Is anyone there?');
    // Nobody online: after the alert delay the site's agents are emailed about it.
    for (let step = 0; step < 10 && !sink.received.some((e) => e.envelope.to.includes('alice@test.local')); step++) {
      clock.advance(60_000);
      await server.app.outboundEmail!.tick();
    }
    const [alert] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('alice@test.local') && (e.mail.text ?? '').includes(conversation.id) });

    // Alice answers the alert from her mail client, to the reply domain (say EMAIL_FROM is there).
    const answering = mail.sendMail({
      from: 'Alice <alice@test.local>', to: `reply@${REPLY_DOMAIN}`, subject: `Re: ${alert!.mail.subject}`,
      inReplyTo: alert!.mail.messageId, references: alert!.mail.messageId, text: 'I am on it.',
    });
    await assert.rejects(answering, (error: { responseCode?: number }) => error.responseCode === 550);
    const alice = await loginAgent(server, 'alice@test.local');
    const messages = (await alice.call(`/conversations/${conversation.id}/messages?limit=100`)).body.messages;
    assert.deepEqual(messages.map((m: { author: string; body: string }) => [m.author, m.body]), [['visitor', 'Is anyone there?']]);
    assert.deepEqual((await alice.call('/held-emails')).body.heldEmails, []);
  });
});
