/**
 * A visitor's email reply through the inbound webhook (issue 12): POST /v1/inbound/email with the
 * raw MIME message, as a provider or relay forwards it — on a real server over HTTP. The raw
 * messages are built by nodemailer's own MIME composer, as real ones would be.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTransport } from 'nodemailer';
import { INBOUND_PATHS } from '../protocol/protocol.ts';
import { REPLY_DOMAIN, QUOTED_HISTORY, openEmailThread } from './support/email-thread.ts';
import { http, loginAgent, startServer, type TestServer } from './harness.ts';
import { assertFilesLanded, downloadedFiles, invoicePdf, replyAttachments } from './support/email-files.ts';

const SECRET = 'inbound-webhook-secret-0123456789';
const MAX_BYTES = 100 * 1024;

/** A real MIME message (nodemailer's composer, no sending). */
const compose = createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });
async function raw(message: Parameters<typeof compose.sendMail>[0]): Promise<Buffer> {
  return (await compose.sendMail(message)).message as Buffer;
}

describe('email replies through the inbound webhook', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ inboundEmailDomain: REPLY_DOMAIN, inboundWebhookSecret: SECRET, inboundEmailMaxBytes: MAX_BYTES, inboundSenderRateLimit: 3 });
  });
  after(() => server.close());

  const post = (body: Buffer | string, headers: Record<string, string> = { authorization: `Bearer ${SECRET}` }) =>
    http(`${server.url}${INBOUND_PATHS.email}`, { method: 'POST', headers: { 'content-type': 'message/rfc822', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });

  it('adds the new text of a forwarded reply to its conversation, once however often the provider retries', async () => {
    const thread = await openEmailThread(server);
    const email = await raw({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re: Your question', messageId: '<retry-1@mail.example.com>', text: `Friday is fine.${QUOTED_HISTORY}` });
    const first = await post(email);
    assert.equal(first.status, 200);
    assert.deepEqual({ ...first.body, messageId: 'x' }, { outcome: 'delivered', conversationId: thread.conversation.id, messageId: 'x', duplicate: false });
    const retried = await post(email);
    assert.deepEqual([retried.status, retried.body.duplicate, retried.body.messageId], [200, true, first.body.messageId]);
    assert.deepEqual((await thread.messages()).filter((m) => m.author === 'visitor').map((m) => m.body), ['Where is my parcel? Order 1042.', 'Friday is fine.']);
  });

  it('takes the secret as a Basic password too, for providers that put credentials in the URL', async () => {
    const thread = await openEmailThread(server);
    const email = await raw({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re', text: 'Via Basic.' });
    const answer = await post(email, { authorization: `Basic ${Buffer.from(`parley:${SECRET}`).toString('base64')}` });
    assert.equal(answer.status, 200);
    assert.equal((await thread.messages()).at(-1)!.body, 'Via Basic.');
  });

  it('refuses a request without the secret, or with a wrong one, before reading the email', async () => {
    const thread = await openEmailThread(server);
    const email = await raw({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re', text: 'Let me in.' });
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-secret-wrong-secret-wrong' }, { authorization: `Basic ${Buffer.from('parley:nope').toString('base64')}` }]) {
      const answer = await post(email, headers);
      assert.deepEqual([answer.status, answer.body.error.code], [401, 'PARLEY_ERR_UNAUTHENTICATED']);
      assert.match(answer.body.error.message, /Authorization: Bearer/);
    }
    assert.ok(!(await thread.messages()).some((m) => m.body === 'Let me in.'));
  });

  it('makes the files of a forwarded reply attachments of its message, once however often the provider retries', async () => {
    const thread = await openEmailThread(server);
    const email = await raw({
      from: thread.visitorEmail, to: thread.replyTo, subject: 'Re: Your question', messageId: `<files-${thread.token}@mail.example.com>`,
      text: `Screenshot and invoice attached.${QUOTED_HISTORY}`, attachments: replyAttachments(),
    });
    const first = await post(email);
    assert.deepEqual([first.status, first.body.duplicate], [200, false]);
    await assertFilesLanded(server, thread, 'Screenshot and invoice attached.');
    const retried = await post(email);
    assert.deepEqual([retried.status, retried.body.duplicate, retried.body.messageId], [200, true, first.body.messageId]);
    await assertFilesLanded(server, thread, 'Screenshot and invoice attached.');
  });

  it('keeps no files from a reply when the site takes none from visitors, and the message says why', async () => {
    const owner = await loginAgent(server, 'owner@test.local');
    const setVisitors = async (visitors: boolean) => {
      const changed = await owner.admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget: { attachments: { ...server.site.widget.attachments, visitors } } } });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      server.app.services.sites.invalidate(server.site.id);
    };
    await setVisitors(false);
    try {
      const thread = await openEmailThread(server);
      assert.equal((await post(await raw({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re', text: 'My invoice.', attachments: [{ filename: 'invoice.pdf', content: invoicePdf }] }))).status, 200);
      const last = (await thread.agent.call(`/conversations/${thread.conversation.id}/messages?limit=100`)).body.messages.at(-1);
      assert.equal(last.body, `My invoice.\n\n[Not attached: invoice.pdf (${invoicePdf.length} B). This site does not accept files from visitors.]`);
      assert.equal(last.attachments, undefined);
      assert.deepEqual(await downloadedFiles(server, thread), []);
    } finally {
      await setVisitors(true);
    }
  });

  it('names the files of a held reply in its text, and keeps none of them', async () => {
    const thread = await openEmailThread(server);
    const answer = await post(await raw({ from: 'stranger@else.test', to: thread.replyTo, subject: 'Re', text: 'See attached.', attachments: [{ filename: 'invoice.pdf', content: invoicePdf }] }));
    assert.equal(answer.status, 202);
    const held = (await thread.agent.call('/held-emails')).body.heldEmails.find((h: { id: string }) => h.id === answer.body.heldEmailId);
    assert.equal(held.text, `See attached.\n\n[This email was held for review, so its files were not kept: invoice.pdf (${invoicePdf.length} B)]`);
    const accepted = await thread.agent.call(`/held-emails/${held.id}/accept`, { method: 'POST', json: {} });
    assert.deepEqual([accepted.status, accepted.body.message.body, accepted.body.message.attachments], [200, held.text, undefined]);
    assert.deepEqual(await downloadedFiles(server, thread), []);
  });

  it('holds a reply matched only by References from a stranger (202), for an agent to review', async () => {
    const thread = await openEmailThread(server);
    const email = await raw({ from: 'someone@else.test', to: `support@${REPLY_DOMAIN}`, subject: 'Re: Your question', inReplyTo: `<${thread.messageId}>`, references: `<${thread.messageId}>`, text: 'I am not the visitor.' });
    const answer = await post(email);
    assert.equal(answer.status, 202);
    assert.deepEqual([answer.body.outcome, answer.body.conversationId], ['held', thread.conversation.id]);
    const held = (await thread.agent.call('/held-emails')).body.heldEmails.find((h: { id: string }) => h.id === answer.body.heldEmailId);
    assert.deepEqual([held.from, held.text], ['someone@else.test', 'I am not the visitor.']);
    assert.ok(!(await thread.messages()).some((m) => m.body === 'I am not the visitor.'));
  });

  it('answers a reply to a deleted conversation 410, and an email that answers nothing 422', async () => {
    const thread = await openEmailThread(server);
    await server.store.deleteVisitor(thread.visitor.id);
    const ended = await post(await raw({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re', text: 'Hello?' }));
    assert.deepEqual([ended.status, ended.body.error.code], [410, 'PARLEY_ERR_CONVERSATION_ENDED']);
    const stray = await post(await raw({ from: 'ann@example.com', to: `reply@${REPLY_DOMAIN}`, subject: 'Hi', text: 'Hello?' }));
    assert.deepEqual([stray.status, stray.body.error.code], [422, 'PARLEY_ERR_EMAIL_UNMATCHED']);
  });

  it('refuses what is not a raw email: another content type, an empty body, one over the size limit', async () => {
    const json = await http(`${server.url}${INBOUND_PATHS.email}`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` }, json: { from: 'a@b.c' } });
    assert.deepEqual([json.status, json.body.error.code], [415, 'PARLEY_ERR_UNSUPPORTED_MEDIA_TYPE']);
    assert.match(json.body.error.message, /message\/rfc822/);
    const empty = await post('');
    assert.deepEqual([empty.status, empty.body.error.code], [400, 'PARLEY_ERR_BAD_REQUEST']);
    const thread = await openEmailThread(server);
    const big = await post(await raw({ from: thread.visitorEmail, to: thread.replyTo, subject: 'Re', text: 'y'.repeat(MAX_BYTES + 1) }));
    assert.deepEqual([big.status, big.body.error.code], [413, 'PARLEY_ERR_BODY_TOO_LARGE']);
    assert.match(big.body.error.message, /at most 0\.1 MB/);
  });

  it('limits each sender to its hourly budget with 429 and Retry-After', async () => {
    const thread = await openEmailThread(server, 'busy@example.com');
    for (let n = 1; n <= 3; n++) {
      assert.equal((await post(await raw({ from: 'busy@example.com', to: thread.replyTo, subject: 'Re', text: `Note ${n}` }))).status, 200);
    }
    const limited = await post(await raw({ from: 'busy@example.com', to: thread.replyTo, subject: 'Re', text: 'Note 4' }));
    assert.deepEqual([limited.status, limited.body.error.code], [429, 'PARLEY_ERR_RATE_LIMITED']);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.ok(!(await thread.messages()).some((m) => m.body === 'Note 4'));
  });
});

describe('the inbound webhook without a secret', () => {
  it('is off: 404 saying which variable turns it on', async () => {
    const server = await startServer({ inboundEmailDomain: REPLY_DOMAIN });
    try {
      const answer = await http(`${server.url}${INBOUND_PATHS.email}`, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: 'Bearer anything' }, body: 'Subject: hi\r\n\r\nhello' });
      assert.deepEqual([answer.status, answer.body.error.code], [404, 'PARLEY_ERR_NOT_FOUND']);
      assert.match(answer.body.error.message, /INBOUND_WEBHOOK_SECRET/);
    } finally {
      await server.close();
    }
  });
});
