/**
 * Outbound email end to end (issue 12): a real server on a manual clock, real SMTP on loopback
 * (test/support/smtp-sink.ts). A visitor who left their address and the page gets the agent's
 * unread reply by email after the delay, exactly once, batched with the replies within the delay,
 * threaded with the emails before it; the link continues the conversation on a device with no
 * token; a visitor who read the reply, an agent who suppressed it, an address that unsubscribed
 * get none. Agents are alerted about conversations nobody answers; visitors get transcripts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nanoid } from 'nanoid';
import { RESUME_PARAM, type MessageEmail } from '../protocol/protocol.ts';
import { resumeToken } from '../server/email/email-links.ts';
import { http, loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { createManualClock } from './support/manual-clock.ts';
import { continueLink } from './support/outbound-email.ts';
import { header, startSmtpSink, type ReceivedEmail, type SmtpSink } from './support/smtp-sink.ts';
import { Teardown } from './teardown.ts';

const MINUTE = 60_000;
const REPLY_DOMAIN = 'reply.parley.test';

describe('outbound email', () => {
  const teardown = new Teardown();
  const clock = createManualClock();
  let sink: SmtpSink;
  let server: TestServer;
  let alice: Awaited<ReturnType<typeof loginAgent>>;

  before(async () => {
    sink = teardown.add(await startSmtpSink(), (s) => s.close());
    server = teardown.add(await startServer({ clock, smtpUrl: sink.url, emailFrom: 'support@shop.test', inboundEmailDomain: REPLY_DOMAIN }), (s) => s.close());
    alice = await loginAgent(server, 'alice@test.local');
  });
  after(() => teardown.run());

  /** Moves time on and lets the outbox's worker finish a round at the new time. */
  async function pass(ms: number): Promise<void> {
    clock.advance(ms);
    await server.app.outboundEmail!.tick();
  }
  const to = (address: string) => sink.received.filter((email) => email.envelope.to.includes(address));
  async function visitorAsks(address: string | null, question = 'Do you ship to Oslo?') {
    const visitor = await newVisitor(server);
    if (address) assert.equal((await visitor.call('/visitor', { method: 'PATCH', json: { email: address } })).status, 200);
    const conversation = await visitor.start();
    assert.equal((await visitor.send(conversation.id, question)).status, 200);
    return { visitor, conversation };
  }
  const reply = async (conversationId: string, body: string, extra: object = {}) => {
    const result = await alice.call(`/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId: nanoid(), body, ...extra } });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    return result.body as { message: { id: string; seq: number }; email: MessageEmail | null };
  };
  const emailsOf = async (conversationId: string) => (await alice.call(`/conversations/${conversationId}/emails`)).body;

  it('emails an unread reply once after the delay, with a reply address and a link that continues on another device', async () => {
    const { visitor, conversation } = await visitorAsks('vera@example.com');
    const sent = await reply(conversation.id, 'Yes — we ship to Oslo in 3 days. <b>Free</b> over 50 €.');
    assert.equal(sent.email?.state, 'pending');
    assert.equal(sent.email?.at, clock.now() + 3 * MINUTE, 'due after the default delay');

    await pass(3 * MINUTE - 1000);
    assert.equal(to('vera@example.com').length, 0, 'not before the delay');
    await pass(1000);
    const [email, ...more] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('vera@example.com') });
    assert.equal(more.length, 0);

    assert.equal(email!.mail.subject, 'Your conversation with Test site');
    assert.deepEqual(email!.mail.from?.value, [{ name: 'Test site', address: 'support@shop.test' }]);
    assert.match(email!.mail.text!, /Alice replied to your message/);
    assert.match(email!.mail.text!, /Yes — we ship to Oslo in 3 days\. <b>Free<\/b> over 50 €\./);
    assert.ok(String(email!.mail.html).includes('&lt;b&gt;Free&lt;/b&gt;'), 'the reply is text in the HTML part, never markup');
    assert.ok(!String(email!.mail.html).includes('<b>Free</b>'));

    // The reply address finds the conversation; the Message-ID is recorded for the thread.
    const replyTo = email!.mail.replyTo?.value[0]?.address ?? '';
    const token = /^reply\+([a-z2-7]{26})@reply\.parley\.test$/.exec(replyTo)?.[1];
    assert.ok(token, `Reply-To ${replyTo}`);
    assert.equal((await server.store.conversationByReplyToken(token!))?.id, conversation.id);
    const messageId = email!.mail.messageId!.replace(/^<|>$/g, '');
    assert.match(messageId, /@shop\.test$/);
    assert.deepEqual(await server.store.sentEmail(messageId), { messageId, conversationId: conversation.id, to: 'vera@example.com', sentAt: clock.now() });
    assert.match(header(email!, 'List-Unsubscribe') ?? '', /^<http:\/\/127\.0\.0\.1:\d+\/email\/unsubscribe\?token=[^>]+>$/);
    assert.equal(header(email!, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');

    // The link goes to the page the visitor was on, and its token opens this conversation on a
    // device with no token of its own, without signing out the first one.
    const link = new URL(continueLink(email!)!);
    assert.equal(`${link.origin}${link.pathname}`, 'http://localhost:5555/pricing');
    const resumed = await http(`${visitor.base}/visitor/resume`, { method: 'POST', json: { token: link.searchParams.get(RESUME_PARAM) }, headers: { origin: 'http://localhost:5555' } });
    assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
    assert.equal(resumed.body.conversationId, conversation.id);
    assert.notEqual(resumed.body.token, visitor.token);
    const elsewhere = await http(`${visitor.base}/conversations/${conversation.id}/messages`, { headers: { authorization: `Bearer ${resumed.body.token}`, origin: 'http://localhost:5555' } });
    assert.deepEqual(elsewhere.body.messages.filter((m: { author: string }) => m.author !== 'system').map((m: { body: string }) => m.body), ['Do you ship to Oslo?', 'Yes — we ship to Oslo in 3 days. <b>Free</b> over 50 €.']);
    assert.equal((await visitor.call('/visitor')).status, 200, 'the first device is still signed in');

    // Once: more time, more rounds, nothing more; the agents see when it went.
    await pass(60 * MINUTE);
    assert.equal(to('vera@example.com').length, 1);
    const { emails } = await emailsOf(conversation.id);
    assert.deepEqual(emails.map((e: MessageEmail) => [e.messageId, e.state]), [[sent.message.id, 'sent']]);
  });

  it('puts replies sent within the delay into one email, and threads the next email under it', async () => {
    const { conversation } = await visitorAsks('batch@example.com');
    await reply(conversation.id, 'Let me check.');
    await pass(MINUTE);
    await reply(conversation.id, 'Found it: order 1042 left today.');
    await pass(2 * MINUTE);
    const [first] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('batch@example.com') });
    assert.match(first!.mail.text!, /Let me check\.[\s\S]*Found it: order 1042 left today\./);
    await pass(10 * MINUTE);
    assert.equal(to('batch@example.com').length, 1, 'one email for both');

    await reply(conversation.id, 'It should arrive on Friday.');
    await pass(3 * MINUTE);
    const [, second] = await sink.waitFor(2, { matching: (e) => e.envelope.to.includes('batch@example.com') });
    assert.equal(second!.mail.subject, 'Re: Your conversation with Test site');
    assert.equal(second!.mail.inReplyTo, first!.mail.messageId);
    assert.deepEqual([second!.mail.references].flat(), [first!.mail.messageId]);
    assert.ok(!second!.mail.text!.includes('Let me check'), 'only what is new');
  });

  it('emails nothing to a visitor who read the reply in the chat', async () => {
    const { visitor, conversation } = await visitorAsks('reader@example.com');
    const sent = await reply(conversation.id, 'Here you go.');
    await pass(MINUTE);
    assert.equal((await visitor.call(`/conversations/${conversation.id}/read`, { method: 'POST', json: { seq: sent.message.seq } })).status, 200);
    await pass(10 * MINUTE);
    assert.equal(to('reader@example.com').length, 0);
    assert.deepEqual((await emailsOf(conversation.id)).emails.map((e: MessageEmail) => e.state), ['seen']);
  });

  it('does not email a reply the agent suppressed, and tells the agents live', async () => {
    const { conversation } = await visitorAsks('quiet@example.com');
    const stream = await alice.stream();
    try {
      const sent = await reply(conversation.id, 'Internal-ish detail, no email please.', { suppressEmail: true });
      assert.equal(sent.email?.state, 'suppressed');
      const event = await stream.until((e) => e.event === 'message.email' && e.data.messageId === sent.message.id);
      assert.equal(event.data.state, 'suppressed');
    } finally {
      stream.close();
    }
    await pass(10 * MINUTE);
    assert.equal(to('quiet@example.com').length, 0);
    assert.deepEqual((await emailsOf(conversation.id)).emails.map((e: MessageEmail) => e.state), ['suppressed']);
  });

  it('unsubscribes by the email\'s link (GET asks, POST does) and by one-click, and then sends nothing', async () => {
    for (const [address, oneClick] of [['link@example.com', false], ['oneclick@example.com', true]] as const) {
      const { conversation } = await visitorAsks(address);
      await reply(conversation.id, 'First answer.');
      await pass(3 * MINUTE);
      const [email] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes(address) });
      const url = header(email!, 'List-Unsubscribe')!.slice(1, -1);
      assert.ok(email!.mail.text!.includes(url), 'the same link is in the text');
      if (oneClick) {
        const done = await http(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        assert.equal(done.status, 200);
      } else {
        const page = await http(url);
        assert.equal(page.status, 200, `${url}: ${JSON.stringify(page.body)}`);
        assert.match(page.body, /Stop emails from Test site to link@example\.com\?/);
        assert.match(page.body, /<form method="post">/);
        assert.equal(await server.store.isUnsubscribed(server.site.id, address), false, 'looking is not unsubscribing (link scanners GET)');
        const done = await http(url, { method: 'POST', body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        assert.match(done.body, /Test site will not email link@example\.com again/);
      }
      assert.equal(await server.store.isUnsubscribed(server.site.id, address), true);
      const next = await reply(conversation.id, 'Second answer.');
      await pass(10 * MINUTE);
      assert.equal(to(address).length, 1, 'nothing after unsubscribing');
      assert.equal((await emailsOf(conversation.id)).emails.find((e: MessageEmail) => e.messageId === next.message.id)?.state, 'unsubscribed');
      assert.equal((await emailsOf(conversation.id)).emailing.unsubscribed, true);
    }
    const forged = await http(`${server.url}/email/unsubscribe?token=not-a-token`);
    assert.equal(forged.status, 400);
    assert.match(forged.body, /This link is not valid/);
  });

  it('alerts the site\'s agents who want it when a new conversation waits unanswered with nobody online, once', async () => {
    const bob = await loginAgent(server, 'bob@test.local');
    assert.deepEqual((await bob.call('/email-alerts', { method: 'PATCH', json: { enabled: false } })).body, { enabled: false, configured: true });
    const { conversation } = await visitorAsks(null, 'Is anyone there? My order is stuck.');
    const about = (e: ReceivedEmail) => (e.mail.text ?? '').includes(conversation.id);
    await pass(5 * MINUTE - 1000);
    assert.equal(sink.received.filter(about).length, 0, 'not before the delay');
    await pass(1000);
    await sink.waitFor(2, { matching: about });
    await pass(30 * MINUTE);
    const alerts = sink.received.filter(about);
    assert.deepEqual(alerts.map((e) => e.envelope.to[0]).sort(), ['alice@test.local', 'owner@test.local'], 'once each; Bob turned his off');
    const alert = alerts[0]!;
    assert.match(alert.mail.subject!, /^Waiting on Test site/);
    assert.deepEqual(alert.mail.from?.value, [{ name: 'Test site (Parley)', address: 'support@shop.test' }], 'Parley on the site\'s behalf, not the visitor');
    assert.match(alert.mail.text!, /Is anyone there\? My order is stuck\./);
    assert.match(alert.mail.text!, new RegExp(`Answer in Parley: http://127\\.0\\.0\\.1:\\d+/app/c/${conversation.id}`));
    await bob.call('/email-alerts', { method: 'PATCH', json: { enabled: true } });
  });

  it('sends no alert while an agent is online to answer', async () => {
    const stream = await alice.stream();
    try {
      const { conversation } = await visitorAsks(null, 'Hello?');
      await pass(10 * MINUTE);
      assert.equal(sink.received.filter((e) => (e.mail.text ?? '').includes(conversation.id)).length, 0);
    } finally {
      stream.close();
    }
  });

  it('emails a transcript of what the visitor saw, once per request, to their address or the one given', async () => {
    const { visitor, conversation } = await visitorAsks(null, 'Can I change my delivery address?');
    await reply(conversation.id, 'Yes, until it ships.');
    await alice.send(conversation.id, 'Note: customer is a VIP', nanoid(), true);
    const ask = (json: object) => visitor.call(`/conversations/${conversation.id}/transcript`, { method: 'POST', json });
    const missing = await ask({ clientId: 't1' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'PARLEY_ERR_EMAIL_REQUIRED');
    const queued = await ask({ clientId: 't1', email: 'transcript@example.com' });
    assert.deepEqual([queued.status, queued.body], [202, { to: 'transcript@example.com' }]);
    assert.equal((await ask({ clientId: 't1', email: 'transcript@example.com' })).status, 202, 'a retry is accepted');
    await pass(1000);
    const [email] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('transcript@example.com') });
    assert.equal(email!.mail.subject, 'Transcript of your conversation with Test site');
    assert.match(email!.mail.text!, /You · [^\n]+\nCan I change my delivery address\?[\s\S]*Alice · [^\n]+\nYes, until it ships\./);
    assert.ok(!email!.mail.text!.includes('VIP') && !String(email!.mail.html).includes('VIP'), 'never an internal note');
    await pass(10 * MINUTE);
    assert.equal(to('transcript@example.com').length, 1, 'the retry sent nothing more');

    const other = await newVisitor(server);
    const notTheirs = await other.call(`/conversations/${conversation.id}/transcript`, { method: 'POST', json: { clientId: 't9', email: 'x@example.com' } });
    assert.equal(notTheirs.body.error.code, 'PARLEY_ERR_CONVERSATION_NOT_FOUND');
  });

  it('sends one address only a few transcripts a day, however many conversations ask', async () => {
    // Anyone can start conversations and type into them: transcripts must not be a way to mail a stranger.
    const asked = [];
    for (let n = 0; n < 6; n++) {
      const { visitor, conversation } = await visitorAsks(null, `Buy cheap watches ${n}`);
      asked.push(await visitor.call(`/conversations/${conversation.id}/transcript`, { method: 'POST', json: { clientId: `s${n}`, email: 'Stranger@Example.com' } }));
    }
    assert.deepEqual(asked.map((r) => r.status), [202, 202, 202, 202, 202, 429]);
    assert.equal(asked[5]!.body.error.code, 'PARLEY_ERR_RATE_LIMITED');
    assert.match(asked[5]!.body.error.message, /Stranger@Example\.com has been sent 5 transcripts from this site today/);
    const toStranger = (e: ReceivedEmail) => e.envelope.to.some((address) => address.toLowerCase() === 'stranger@example.com');
    await pass(1000);
    await sink.waitFor(5, { matching: toStranger });
    await pass(10 * MINUTE);
    assert.equal(sink.received.filter(toStranger).length, 5);
  });

  it('refuses a resume link that is forged, expired or of another site, and owner settings out of range', async () => {
    const { visitor, conversation } = await visitorAsks('late@example.com');
    await reply(conversation.id, 'Answer.');
    await pass(3 * MINUTE);
    const [email] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('late@example.com') });
    const token = new URL(continueLink(email!)!).searchParams.get(RESUME_PARAM)!;
    const resume = (value: string) => http(`${visitor.base}/visitor/resume`, { method: 'POST', json: { token: value }, headers: { origin: 'http://localhost:5555' } });
    const forged = await resume(`${token.split('.')[0]}.AAAA`);
    assert.deepEqual([forged.status, forged.body.error.code], [410, 'PARLEY_ERR_LINK_INVALID']);
    // A link of an email sent 15 days ago (the clock stays: sessions would expire with it).
    const old = resumeToken(server.app.services.serverSecret, visitor.id, conversation.id, clock.now() - 15 * 24 * 60 * MINUTE);
    const expired = await resume(old);
    assert.deepEqual([expired.status, expired.body.error.code], [410, 'PARLEY_ERR_LINK_INVALID']);
    assert.match(expired.body.error.message, /expired/);

    // A site that verifies identities takes no email link for an identity, however fresh.
    const owner = await loginAgent(server, 'owner@test.local');
    const site = `/sites/${server.site.id}`;
    assert.equal((await owner.admin(site, { method: 'PATCH', json: { widget: { requireVerifiedIdentity: true } } })).status, 200);
    try {
      const refused = await resume(token);
      assert.deepEqual([refused.status, refused.body.error.code], [403, 'PARLEY_ERR_IDENTITY_REQUIRED']);
      assert.match(refused.body.error.message, /sign in/);
    } finally {
      await owner.admin(site, { method: 'PATCH', json: { widget: { requireVerifiedIdentity: false } } });
    }
    assert.equal((await resume(token)).status, 200, 'the same link works where the site does not verify identities');

    const path = `/sites/${server.site.id}/email`;
    assert.equal((await owner.admin(path, { method: 'PATCH', json: { replyDelayMinutes: 0 } })).status, 400);
    assert.equal((await alice.admin(path, { method: 'PATCH', json: { replyDelayMinutes: 5 } })).status, 403, 'owners only');
    const saved = await owner.admin(path, { method: 'PATCH', json: { replyDelayMinutes: 10 } });
    assert.deepEqual(saved.body, { configured: true, from: 'support@shop.test', replyDomain: REPLY_DOMAIN, replyDelayMinutes: 10, alertDelayMinutes: 5 });
    const later = await visitorAsks('ten@example.com');
    assert.equal((await reply(later.conversation.id, 'Answer.')).email?.at, clock.now() + 10 * MINUTE, 'the site\'s own delay');
    await owner.admin(path, { method: 'PATCH', json: { replyDelayMinutes: 3 } });
  });

  it('tells the widget that replies can be emailed', async () => {
    const config = await http(`${server.url}/v1/sites/${server.site.id}/config`, { headers: { origin: 'http://localhost:5555' } });
    assert.equal(config.body.config.emailReplies, true);
    const visitor = await newVisitor(server);
    const session = await visitor.call('/session', { method: 'POST', json: {} });
    assert.equal(session.body.config.emailReplies, true);
  });
});

describe('outbound email without SMTP', () => {
  const teardown = new Teardown();
  let server: TestServer;
  before(async () => {
    server = teardown.add(await startServer(), (s) => s.close());
  });
  after(() => teardown.run());

  it('promises no email anywhere and refuses transcripts plainly', async () => {
    const config = await http(`${server.url}/v1/sites/${server.site.id}/config`, { headers: { origin: 'http://localhost:5555' } });
    assert.equal(config.body.config.emailReplies, undefined);
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'hi');
    const refused = await visitor.call(`/conversations/${conversation.id}/transcript`, { method: 'POST', json: { clientId: 't', email: 'a@example.com' } });
    assert.deepEqual([refused.status, refused.body.error.code], [409, 'PARLEY_ERR_EMAIL_NOT_CONFIGURED']);
    const agent = await loginAgent(server, 'alice@test.local');
    const sent = await agent.send(conversation.id, 'hello');
    assert.equal(sent.body.email, null);
    assert.deepEqual((await agent.call(`/conversations/${conversation.id}/emails`)).body.emailing, { configured: false, address: null, unsubscribed: false });
    const owner = await loginAgent(server, 'owner@test.local');
    assert.equal((await owner.admin(`/sites/${server.site.id}/email`)).body.configured, false);
    assert.equal(server.app.outboundEmail, null);
  });
});
