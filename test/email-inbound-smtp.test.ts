/**
 * A visitor's email reply through Parley's own SMTP receiver (issue 12): real SMTP on loopback,
 * nodemailer sending into the receiver of a real server, the agent's side read through the agent
 * API and stream. The conversation's email thread is seeded through the store's email-thread
 * methods (test/support/email-thread.ts), as the outbox records what it sends.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import { InboundSmtpStartError, ENDED_TEXT } from '../server/email/inbound-smtp.ts';
import { REPLY_DOMAIN, QUOTED_HISTORY, openEmailThread } from './support/email-thread.ts';
import { assertFilesLanded, invoicePdf, replyAttachments } from './support/email-files.ts';
import { Teardown } from './teardown.ts';
import { freePort, loginAgent, startServer, type TestServer } from './harness.ts';
import { waitFor } from './wait-for.ts';

const MAX_BYTES = 200 * 1024;

/** A raw SMTP client, for a dialog nodemailer will not pause in the middle of. */
async function smtpDialog(port: number) {
  const socket = createConnection(port, '127.0.0.1');
  let buffer = '';
  let waiting: (() => void) | null = null;
  socket.setEncoding('utf8').on('data', (chunk: string) => { buffer += chunk; waiting?.(); });
  /** The next complete reply (its last line has a space after the code). */
  const reply = async (): Promise<string> => {
    for (;;) {
      const end = buffer.search(/^\d{3} .*\r\n/m);
      if (end >= 0) {
        const lineEnd = buffer.indexOf('\r\n', end) + 2;
        const text = buffer.slice(0, lineEnd);
        buffer = buffer.slice(lineEnd);
        return text.split('\r\n').filter(Boolean).at(-1)!;
      }
      await new Promise<void>((resolve) => { waiting = resolve; });
    }
  };
  await reply(); // the greeting
  return {
    /** Hangs up, wherever the dialog is (a sender that vanishes mid-message). */
    hangUp: () => socket.destroy(),
    write: (text: string) => new Promise<void>((resolve) => socket.write(text, () => resolve())),
    async say(command: string) {
      socket.write(`${command}\r\n`);
      return reply();
    },
  };
}
const PER_HOUR = 4;

describe('email replies through the SMTP receiver', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let mail: Transporter;
  before(async () => {
    server = teardown.add(await startServer({
      inboundSmtpPort: 0, inboundSmtpHost: '127.0.0.1', inboundEmailDomain: REPLY_DOMAIN,
      inboundEmailMaxBytes: MAX_BYTES, inboundSenderRateLimit: PER_HOUR,
    }), (s) => s.close());
    mail = teardown.add(createTransport({ host: '127.0.0.1', port: server.app.inboundSmtp!.port(), secure: false, ignoreTLS: true }), (t) => t.close());
  });
  after(() => teardown.run());

  /** nodemailer's error for a refused email: the SMTP reply code and text. */
  const refused = async (send: Promise<unknown>) => {
    const error = await send.then(() => null, (e: { responseCode?: number; response?: string }) => e);
    assert.ok(error, 'the email was accepted');
    return { code: error.responseCode, text: String(error.response) };
  };

  it('shows the agent only the new text of a reply with quoted history, live, in the same conversation', async () => {
    const thread = await openEmailThread(server);
    const stream = await thread.agent.stream();
    try {
      await mail.sendMail({
        from: `Ann Visitor <${thread.visitorEmail}>`, to: thread.replyTo, subject: 'Re: Your question to Test team',
        inReplyTo: `<${thread.messageId}>`, references: `<${thread.messageId}>`,
        text: `Great, thanks! Could it come on Saturday instead?\n\nSent from my iPhone\n${QUOTED_HISTORY}`,
      });
      const live = await stream.until((e) => e.event === 'message' && e.data.message.author === 'visitor' && e.data.message.body.includes('Saturday'));
      assert.equal(live.data.message.conversationId, thread.conversation.id);
      assert.equal(live.data.message.body, 'Great, thanks! Could it come on Saturday instead?');
      const messages = await thread.messages();
      assert.deepEqual(messages.filter((m) => m.author !== 'system').map((m) => [m.author, m.body]), [
        ['visitor', 'Where is my parcel? Order 1042.'],
        ['agent', 'It left our warehouse this morning; it should arrive on Friday.'],
        ['visitor', 'Great, thanks! Could it come on Saturday instead?'],
      ]);
    } finally {
      stream.close();
    }
  });

  it('matches a reply by its References when the reply address lost its token', async () => {
    const thread = await openEmailThread(server);
    await mail.sendMail({
      from: thread.visitorEmail, to: `reply@${REPLY_DOMAIN}`, subject: 'Re: Your question',
      inReplyTo: `<${thread.messageId}>`, references: `<unrelated@elsewhere.test> <${thread.messageId}>`,
      text: 'My neighbour can take it in.',
    });
    assert.equal((await thread.messages()).at(-1)!.body, 'My neighbour can take it in.');
  });

  it('takes the text an HTML-only email shows, without its quote', async () => {
    const thread = await openEmailThread(server);
    await mail.sendMail({
      from: thread.visitorEmail, to: thread.replyTo, subject: 'Re: Your question',
      html: '<div dir="ltr">Thank you <b>so much</b>!</div><br><div class="gmail_quote"><div>On Tue, Mar 5, 2024 at 10:02 AM Test team wrote:<br></div><blockquote>It left our warehouse this morning.</blockquote></div>',
    });
    assert.equal((await thread.messages()).at(-1)!.body, 'Thank you so much!');
  });

  it('makes the PNG and PDF of a reply attachments of its message, names the refused HTML, and keeps one copy when the email comes twice', async () => {
    const thread = await openEmailThread(server);
    const email = {
      from: thread.visitorEmail, to: thread.replyTo, subject: 'Re: Your question', text: `Here are the screenshot and the invoice.${QUOTED_HISTORY}`,
      messageId: `<files-${thread.token}@mail.example.com>`, attachments: replyAttachments(),
    };
    await mail.sendMail(email);
    await assertFilesLanded(server, thread, 'Here are the screenshot and the invoice.');
    await mail.sendMail(email);
    await assertFilesLanded(server, thread, 'Here are the screenshot and the invoice.');
  });

  it('takes a reply of files alone as a message with no text of its own', async () => {
    const thread = await openEmailThread(server);
    await mail.sendMail({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re: Your question', attachments: [{ filename: 'invoice.pdf', content: invoicePdf }] });
    const last = (await thread.agent.call(`/conversations/${thread.conversation.id}/messages?limit=100`)).body.messages.at(-1);
    assert.deepEqual([last.author, last.body, last.attachments.map((a: { name: string }) => a.name)], ['visitor', '', ['invoice.pdf']]);
  });

  it('adds an email delivered twice (an MTA retrying) once', async () => {
    const thread = await openEmailThread(server);
    const email = { from: thread.visitorEmail, to: thread.replyTo, subject: 'Re: Your question', text: 'Only once, please.', messageId: `<twice-${thread.token}@mail.example.com>` };
    await mail.sendMail(email);
    await mail.sendMail(email);
    assert.equal((await thread.messages()).filter((m) => m.body === 'Only once, please.').length, 1);
  });

  it('reopens a resolved conversation when the visitor replies by email', async () => {
    const thread = await openEmailThread(server);
    assert.equal((await thread.agent.call(`/conversations/${thread.conversation.id}/resolve`, { method: 'POST', json: {} })).status, 200);
    await mail.sendMail({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re: Your question', text: 'Sorry, one more question.' });
    const detail = await thread.agent.call(`/conversations/${thread.conversation.id}`);
    assert.equal(detail.body.conversation.status, 'assigned');
    assert.equal(detail.body.conversation.assignee.name, 'Alice');
    assert.equal((await thread.messages()).at(-1)!.body, 'Sorry, one more question.');
  });

  it('holds a forged reply from another sender until an agent accepts or discards it', async () => {
    const thread = await openEmailThread(server);
    const stream = await thread.agent.stream();
    try {
      await mail.sendMail({ from: 'Mallory <mallory@evil.test>', to: thread.replyTo, subject: 'Re: Your question', text: `Please refund me to IBAN XX00 1234.${QUOTED_HISTORY}` });
      const heldEvent = await stream.until((e) => e.event === 'email.held');
      assert.equal(heldEvent.data.conversationId, thread.conversation.id);
      assert.equal((await thread.messages()).length, 3, 'nothing was added to the conversation');
      const listed = await thread.agent.call('/held-emails');
      const held = listed.body.heldEmails.find((h: { conversationId: string }) => h.conversationId === thread.conversation.id);
      assert.deepEqual([held.from, held.fromName, held.subject, held.text, held.reason, held.conversation.id],
        ['mallory@evil.test', 'Mallory', 'Re: Your question', 'Please refund me to IBAN XX00 1234.', 'unknown-sender', thread.conversation.id]);

      const accepted = await thread.agent.call(`/held-emails/${held.id}/accept`, { method: 'POST', json: {} });
      assert.equal(accepted.status, 200);
      assert.equal(accepted.body.message.author, 'visitor');
      await stream.until((e) => e.event === 'email.released' && e.data.heldEmailId === held.id);
      assert.equal((await thread.messages()).at(-1)!.body, 'Please refund me to IBAN XX00 1234.');
      const again = await thread.agent.call(`/held-emails/${held.id}/accept`, { method: 'POST', json: {} });
      assert.deepEqual([again.status, again.body.error.code], [404, 'PARLEY_ERR_HELD_EMAIL_NOT_FOUND']);

      await mail.sendMail({ from: 'mallory@evil.test', to: thread.replyTo, subject: 'Re: again', text: 'Second try.' });
      const second = (await waitFor(async () => (await thread.agent.call('/held-emails')).body.heldEmails.find((h: { text: string }) => h.text === 'Second try.')));
      assert.equal((await thread.agent.call(`/held-emails/${second.id}`, { method: 'DELETE' })).status, 204);
      assert.ok(!(await thread.agent.call('/held-emails')).body.heldEmails.some((h: { id: string }) => h.id === second.id));
      assert.ok(!(await thread.messages()).some((m) => m.body === 'Second try.'));
    } finally {
      stream.close();
    }
  });

  it('holds an automatic reply from the visitor\'s own address instead of adding it', async () => {
    const thread = await openEmailThread(server);
    await mail.sendMail({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Out of office', text: 'I am away until Monday.', headers: { 'Auto-Submitted': 'auto-replied' } });
    const held = (await thread.agent.call('/held-emails')).body.heldEmails.find((h: { conversationId: string }) => h.conversationId === thread.conversation.id);
    assert.equal(held.reason, 'auto-reply');
    assert.equal((await thread.messages()).length, 3);
  });

  it('refuses at RCPT TO a reply token nobody knows, other mailboxes and other domains, with a reason', async () => {
    const unknown = await refused(mail.sendMail({ from: 'ann@example.com', to: `reply+${'a'.repeat(26)}@${REPLY_DOMAIN}`, subject: 'Re', text: 'Hello?' }));
    assert.equal(unknown.code, 550);
    assert.ok(unknown.text.includes(ENDED_TEXT), unknown.text);
    const mailbox = await refused(mail.sendMail({ from: 'ann@example.com', to: `postmaster@${REPLY_DOMAIN}`, subject: 'Hi', text: 'Hello?' }));
    assert.equal(mailbox.code, 550);
    assert.match(mailbox.text, /No such mailbox: postmaster@reply\.parley\.test/);
    const relay = await refused(mail.sendMail({ from: 'ann@example.com', to: 'someone@elsewhere.test', subject: 'Hi', text: 'Hello?' }));
    assert.equal(relay.code, 550);
    assert.match(relay.text, /Relaying denied/);
  });

  it('bounces a reply to a conversation deleted by retention politely: it has ended, start a new one', async () => {
    const thread = await openEmailThread(server);
    assert.equal(await server.store.deleteVisitor(thread.visitor.id), true);
    const bounce = await refused(mail.sendMail({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re: Your question', text: 'Are you still there?' }));
    assert.equal(bounce.code, 550);
    assert.match(bounce.text, /This conversation has ended.*start a new conversation/);
  });

  it('refuses an email over the size limit, and the next one on the same connection still goes through', async () => {
    const thread = await openEmailThread(server);
    const pooled = createTransport({ host: '127.0.0.1', port: server.app.inboundSmtp!.port(), secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
    try {
      const big = await refused(pooled.sendMail({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re', text: `Big one\n${'x'.repeat(MAX_BYTES + 10_000)}` }));
      assert.equal(big.code, 552);
      assert.match(big.text, /at most 0\.2 MB/);
      await pooled.sendMail({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re', text: 'A small one.' });
      const bodies = (await thread.messages()).map((m) => m.body);
      assert.ok(bodies.includes('A small one.'));
      assert.ok(!bodies.some((b) => b.startsWith('Big one')));
    } finally {
      pooled.close();
    }
  });

  it('says "try again later" while too many emails arrive at once, and takes them again once they are in or gone', async () => {
    const thread = await openEmailThread(server);
    const body = `${'x'.repeat(76)}\r\n`.repeat(Math.floor((MAX_BYTES * 0.9) / 78));
    /** A sender that has sent most of an email and not its end yet. */
    const midway = async (n: number) => {
      const dialog = await smtpDialog(server.app.inboundSmtp!.port());
      await dialog.say('EHLO sender.example');
      assert.match(await dialog.say(`MAIL FROM:<crowd-${n}@example.com>`), /^250/);
      assert.match(await dialog.say(`RCPT TO:<${thread.replyTo}>`), /^250/);
      assert.match(await dialog.say('DATA'), /^354/);
      await dialog.write(`From: crowd-${n}@example.com\r\nTo: ${thread.replyTo}\r\nSubject: Re: hello\r\nMessage-ID: <crowd-${n}@example.com>\r\n\r\n${body}`);
      return dialog;
    };
    // Eight emails' worth of memory: the eighth sender is in, the ninth has to wait.
    const senders = [];
    for (let n = 0; n < 8; n++) senders.push(await midway(n));
    const ninth = await midway(8);
    assert.match(await ninth.say('.'), /^452 .*try again/);
    // One of them vanishes mid-message: what it held is free again.
    senders.shift()!.hangUp();
    const tenth = await midway(9);
    assert.match(await tenth.say('.'), /^250/);
    for (const sender of senders) assert.match(await sender.say('.'), /^250/);
    const bodies = (await thread.messages()).filter((m) => m.author === 'visitor' && m.body.startsWith('xxxx'));
    assert.equal(bodies.length, 0, 'a stranger\'s emails are held, not added');
    const held = (await thread.agent.call('/held-emails')).body.heldEmails.filter((h: { conversation: { id: string } }) => h.conversation.id === thread.conversation.id);
    assert.equal(held.length, 8, 'the tenth and the seven that finished');
  });

  it('refuses a sender over its hourly budget for a while, and not the others', async () => {
    const thread = await openEmailThread(server, 'flood@example.com');
    for (let n = 1; n <= PER_HOUR; n++) await mail.sendMail({ from: 'flood@example.com', to: thread.replyTo, subject: 'Re', text: `Message ${n}` });
    const limited = await refused(mail.sendMail({ from: 'flood@example.com', to: thread.replyTo, subject: 'Re', text: 'One too many' }));
    assert.equal(limited.code, 450);
    assert.match(limited.text, /Too many emails from flood@example\.com.*try again in \d+ minutes/);
    const other = await openEmailThread(server);
    await mail.sendMail({ from: other.visitorEmail, to: other.replyTo, subject: 'Re', text: 'I am someone else.' });
    assert.equal((await other.messages()).at(-1)!.body, 'I am someone else.');
    assert.equal((await thread.messages()).filter((m) => m.body.startsWith('Message ')).length, PER_HOUR);
  });
});

describe('the SMTP receiver\'s life with the app', () => {
  it('stops listening when the app closes', async () => {
    const server = await startServer({ inboundSmtpPort: 0, inboundSmtpHost: '127.0.0.1', inboundEmailDomain: REPLY_DOMAIN });
    const port = server.app.inboundSmtp!.port();
    const agent = await loginAgent(server, 'alice@test.local');
    assert.equal(agent.me.user.name, 'Alice');
    await server.close();
    const probe = createServer();
    // Listening on its port works only once the receiver has let go of it.
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => probe.close(resolve));
  });

  it('finishes an email it is receiving when the app closes, then stops', async () => {
    const server = await startServer({ inboundSmtpPort: 0, inboundSmtpHost: '127.0.0.1', inboundEmailDomain: REPLY_DOMAIN });
    let closing: Promise<void> | null = null;
    try {
      const thread = await openEmailThread(server);
      const smtp = await smtpDialog(server.app.inboundSmtp!.port());
      for (const command of ['EHLO client.test', `MAIL FROM:<${thread.visitorEmail}>`, `RCPT TO:<${thread.replyTo}>`, 'DATA']) await smtp.say(command);
      await smtp.write(`From: ${thread.visitorEmail}\r\nTo: ${thread.replyTo}\r\nSubject: Re: Your question\r\n\r\nWritten while `);
      closing = server.app.close();
      // Closing stops new connections at once…
      await waitFor(() => new Promise<boolean>((resolve) => {
        const probe = createConnection(server.app.inboundSmtp!.port(), '127.0.0.1');
        probe.once('error', () => resolve(true)).once('connect', () => { probe.destroy(); resolve(false); });
      }), { message: 'the receiver to stop taking connections' });
      // …while the email under way is received to the end and stored.
      const stored = await smtp.say('the server was stopping.\r\n.');
      assert.match(stored, /^250 /);
      await smtp.say('QUIT');
      await closing;
      // The store outlives the app (main.ts closes it after app.close()).
      const page = await server.store.listMessages(thread.conversation.id, { limit: 50, includeInternal: true });
      assert.equal(page.messages.at(-1)!.body, 'Written while the server was stopping.');
    } finally {
      await (closing ?? Promise.resolve()).catch(() => {});
      await server.close();
    }
  });

  it('refuses to start on a port in use, with one line naming the variable', async () => {
    const busy = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    try {
      const failure = await startServer({ inboundSmtpPort: port, inboundSmtpHost: '127.0.0.1', inboundEmailDomain: REPLY_DOMAIN }).then(
        (server) => { void server.close(); return null; }, (error: unknown) => error);
      assert.ok(failure instanceof InboundSmtpStartError, String(failure));
      assert.equal(failure.message, `port ${port} (INBOUND_SMTP_PORT) is in use by another program. Set INBOUND_SMTP_PORT to a free one.`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('says so in one line when `npm start` finds the SMTP port taken', async () => {
    const busy = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-inbound-start-'));
    try {
      const child = spawn(process.execPath, ['server/main.ts'], {
        env: { ...process.env, HOST: '127.0.0.1', PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'warn', INBOUND_SMTP_PORT: String(port), INBOUND_SMTP_HOST: '127.0.0.1', INBOUND_EMAIL_DOMAIN: REPLY_DOMAIN },
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 1);
      assert.equal(stderr.trim(), `Parley cannot start: port ${port} (INBOUND_SMTP_PORT) is in use by another program. Set INBOUND_SMTP_PORT to a free one.`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start without the reply domain it would receive for', async () => {
    const failure = await startServer({ inboundSmtpPort: 0, inboundSmtpHost: '127.0.0.1' }).then((server) => { void server.close(); return null; }, (error: unknown) => error);
    assert.ok(failure instanceof InboundSmtpStartError);
    assert.match(failure.message, /INBOUND_SMTP_PORT is set but INBOUND_EMAIL_DOMAIN is not/);
  });
});
