/**
 * The mailer against a real SMTP server on loopback (test/support/smtp-sink.ts): a mail server that
 * takes an email and never answers is given up on by the send's deadline, as worth retrying, so the
 * outbox's lease cannot run out under it; an address that is not one plain address is refused for
 * good before anything is sent; names and subjects with line breaks stay one header line each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtp-sink.ts';
import { createMailer, SendError, type OutgoingEmail } from './mailer.ts';

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  from: { name: 'Shop', address: 'support@shop.test' }, to: 'vera@example.com', subject: 'Your conversation with Shop',
  text: 'Hello', html: '<p>Hello</p>', messageId: `m${Math.random().toString(36).slice(2)}@shop.test`, headers: {}, ...overrides,
});

describe('mailer', () => {
  let sink: SmtpSink;
  before(async () => { sink = await startSmtpSink(); });
  after(() => sink.close());

  it('gives up on a mail server that never answers by the send\'s deadline, as worth another try', async () => {
    const mailer = createMailer(sink.url, { deadlineMs: 500 });
    const slow = sink.hold();
    try {
      await assert.rejects(mailer.send(email()), (error: unknown) => error instanceof SendError && !error.permanent && /deadline/.test(error.message));
      assert.equal(slow.arrived(), 1, 'it had reached the mail server');
    } finally {
      slow.release();
      mailer.close();
    }
  });

  it('refuses for good an address that is a list or carries a name, sending nothing', async () => {
    const mailer = createMailer(sink.url);
    try {
      for (const to of ['a@example.com, b@example.com', 'Eve <eve@example.com>', 'no-at-sign']) {
        await assert.rejects(mailer.send(email({ to })), (error: unknown) => error instanceof SendError && error.permanent, to);
      }
      // And a plain one after them goes: nothing of the refused ones went before it.
      await mailer.send(email({ to: 'plain@example.com' }));
      const [plain] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('plain@example.com') });
      assert.ok(sink.received.every((e) => e === plain || !e.envelope.to.some((to) => /^(a|b|eve)@example\.com$/.test(to))));
    } finally {
      mailer.close();
    }
  });

  it('keeps a name and a subject with line breaks on one header line each', async () => {
    const mailer = createMailer(sink.url);
    try {
      const sent = email({ from: { name: 'Shop\r\nBcc: victim@example.com', address: 'support@shop.test' }, subject: 'Hi\r\nBcc: victim@example.com' });
      await mailer.send(sent);
      const [received] = await sink.waitFor(1, { matching: (e) => e.mail.messageId === `<${sent.messageId}>` });
      assert.deepEqual(received!.envelope.to, ['vera@example.com']);
      assert.equal(received!.mail.subject, 'Hi Bcc: victim@example.com');
      assert.equal(received!.mail.from?.value[0]?.name, 'Shop Bcc: victim@example.com');
      assert.equal(received!.mail.bcc, undefined);
    } finally {
      mailer.close();
    }
  });
});
