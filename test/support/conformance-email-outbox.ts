/**
 * The email outbox (issue 12), for every engine: what becomes of each agent reply by email and the
 * agents-only event of every change of it; replies the visitor read are never emailed, unread
 * ones within the delay share one email; a claimed email is held by one sender at a time and taken
 * again only when its lease ran out; a failure retries, a success is final; alerts go out once per
 * conversation, transcripts once per request, an owner's email about a paused webhook endpoint
 * apart from any conversation; unsubscribes, settings and extra visitor tokens.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatEventId, parseEventId, type MessageEmail } from '../../protocol/protocol.ts';
import type { Store } from '../../server/store/store.ts';
import { seedStore } from './store-seed.ts';

const DOMAIN = 'parley.test';
const MINUTE = 60_000;
const DAY_MS = 24 * 60 * MINUTE;

export function emailOutboxConformance(name: string, open: () => Promise<Store>): void {
  const fromStart = async (store: Store) => formatEventId(parseEventId(await store.headCursor())!.epoch, 0);
  /** A seeded store whose visitor left an address and wrote first, as most cases need. */
  async function seeded(email: string | null = 'Vera@Example.com') {
    const seed = await seedStore(open);
    if (email) await seed.store.updateVisitor(seed.visitor.id, { email });
    await seed.store.appendMessage({ conversationId: seed.conversation.id, clientId: 'q', author: 'visitor', agentId: null, body: 'Do you ship to Oslo?', internal: false });
    const reply = async (body: string, clientId = body) =>
      (await seed.store.appendMessage({ conversationId: seed.conversation.id, clientId, author: 'agent', agentId: seed.alice.id, body, internal: false })).value;
    return { ...seed, reply };
  }
  const states = async (store: Store, conversationId: string) => (await store.messageEmails(conversationId)).map((e) => e.state);

  describe(`${name} store: email outbox`, () => {
    it('records each reply as pending until due, or suppressed, once, with an agents-only event', async () => {
      const { store, site, visitor, conversation, reply } = await seeded();
      const first = await reply('Yes, in 3 days.');
      const noted = await store.noteReplyEmail({ messageId: first.id, suppressed: false, dueAt: 1000 + 3 * MINUTE });
      assert.deepEqual(noted!.value, { conversationId: conversation.id, messageId: first.id, state: 'pending', at: 1000 + 3 * MINUTE, error: null, retryAt: null });
      assert.equal(noted!.events.length, 1);
      assert.deepEqual({ ...noted!.events[0]!, id: '' }, { id: '', type: 'message.email', data: noted!.value, siteId: site.id, visitorId: visitor.id, audience: 'agents' });
      const again = await store.noteReplyEmail({ messageId: first.id, suppressed: true, dueAt: 5 });
      assert.deepEqual(again, { value: noted!.value, events: [] }, 'a retried send keeps what was decided first');
      const quiet = await reply('No need to email this one.');
      assert.equal((await store.noteReplyEmail({ messageId: quiet.id, suppressed: true, dueAt: 5 }))!.value.state, 'suppressed');
      const note = await store.appendMessage({ conversationId: conversation.id, clientId: 'n', author: 'agent', agentId: null, body: 'note', internal: true });
      assert.equal(await store.noteReplyEmail({ messageId: note.value.id, suppressed: false, dueAt: 5 }), null, 'internal notes are never emailed');
      assert.deepEqual(await states(store, conversation.id), ['pending', 'suppressed']);
      const visitorView = await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: visitor.id }, await fromStart(store), 100);
      assert.ok(!visitorView.events.some((e) => e.type === 'message.email'), 'visitors never see email states');
      await store.close();
    });

    it('emails the unread replies together once the first is due, and the read ones never', async () => {
      const { store, conversation, reply } = await seeded();
      const read = await reply('Hello!');
      const a = await reply('Yes, we ship to Oslo.');
      const b = await reply('It takes 3 days.');
      await store.noteReplyEmail({ messageId: read.id, suppressed: false, dueAt: 100 });
      await store.noteReplyEmail({ messageId: a.id, suppressed: false, dueAt: 200 });
      await store.noteReplyEmail({ messageId: b.id, suppressed: false, dueAt: 300 });
      await store.markRead(conversation.id, 'visitor', read.seq);
      assert.equal((await store.planReplyEmails({ now: 150, messageIdDomain: DOMAIN, limit: 10 })).queued, 0, 'the read one is due, but nothing unread is');
      assert.deepEqual(await states(store, conversation.id), ['seen', 'pending', 'pending']);
      const planned = await store.planReplyEmails({ now: 200, messageIdDomain: DOMAIN, limit: 10 });
      assert.equal(planned.queued, 1);
      assert.equal((await store.planReplyEmails({ now: 400, messageIdDomain: DOMAIN, limit: 10 })).queued, 0, 'queued once');
      const [email, ...more] = await store.claimEmails({ now: 200, owner: 'p1', leaseMs: MINUTE, limit: 10 });
      assert.equal(more.length, 0);
      assert.deepEqual({ kind: email!.kind, to: email!.to, messageIds: email!.messageIds, attempts: email!.attempts, conversationId: email!.conversationId },
        { kind: 'reply', to: 'Vera@Example.com', messageIds: [a.id, b.id], attempts: 1, conversationId: conversation.id });
      assert.match(email!.messageId, /^[A-Za-z0-9_-]+@parley\.test$/);
      await store.close();
    });

    it('does not email a visitor who left no address or unsubscribed, and says so per reply', async () => {
      for (const [address, expected] of [[null, 'no-address'], ['vera@example.com', 'unsubscribed']] as const) {
        const { store, site, conversation, reply } = await seeded(address && 'VERA@example.com');
        if (address) await store.unsubscribe(site.id, address);
        const message = await reply('Here is your answer.');
        await store.noteReplyEmail({ messageId: message.id, suppressed: false, dueAt: 100 });
        const planned = await store.planReplyEmails({ now: 100, messageIdDomain: DOMAIN, limit: 10 });
        assert.equal(planned.queued, 0);
        assert.deepEqual(planned.events.map((e) => (e.data as MessageEmail).state), [expected]);
        assert.deepEqual(await store.claimEmails({ now: 100, owner: 'p1', leaseMs: MINUTE, limit: 10 }), []);
        await store.close();
      }
    });

    it('gives a claimed email to one sender, again only after its lease ran out, and marks it sent once', async () => {
      const { store, conversation, reply } = await seeded();
      const message = await reply('Answer');
      await store.noteReplyEmail({ messageId: message.id, suppressed: false, dueAt: 100 });
      await store.planReplyEmails({ now: 100, messageIdDomain: DOMAIN, limit: 10 });
      const claims = await Promise.all([1, 2, 3].map((n) => store.claimEmails({ now: 100, owner: `p${n}`, leaseMs: MINUTE, limit: 10 })));
      assert.equal(claims.flat().length, 1, 'one sender holds it');
      assert.deepEqual(await store.claimEmails({ now: 100 + MINUTE - 1, owner: 'p4', leaseMs: MINUTE, limit: 10 }), []);
      const [retaken] = await store.claimEmails({ now: 100 + MINUTE, owner: 'p4', leaseMs: MINUTE, limit: 10 });
      assert.equal(retaken!.attempts, 2, 'a sender that died mid-send: taken again, the same email');
      assert.equal(retaken!.messageId, claims.flat()[0]!.messageId, 'with the same Message-ID');
      const sent = await store.emailSent(retaken!.id, 5000);
      assert.deepEqual(sent.map((e) => [e.type, (e.data as MessageEmail).state, (e.data as MessageEmail).at]), [['message.email', 'sent', 5000]]);
      assert.deepEqual(await store.emailSent(retaken!.id, 6000), [], 'sent once');
      assert.deepEqual(await store.claimEmails({ now: 10 ** 12, owner: 'p5', leaseMs: MINUTE, limit: 10 }), [], 'never again');
      assert.deepEqual(await states(store, conversation.id), ['sent']);
      await store.close();
    });

    it('retries a failed email at the time given, ignores a sender that lost it, and can fail for good', async () => {
      const { store, conversation, reply } = await seeded();
      const message = await reply('Answer');
      await store.noteReplyEmail({ messageId: message.id, suppressed: false, dueAt: 100 });
      await store.planReplyEmails({ now: 100, messageIdDomain: DOMAIN, limit: 10 });
      const [email] = await store.claimEmails({ now: 100, owner: 'p1', leaseMs: MINUTE, limit: 10 });
      assert.deepEqual(await store.emailFailed(email!.id, { owner: 'p2', at: 110, error: 'not mine', retryAt: 200 }), [], 'only its holder reports on it');
      const failed = await store.emailFailed(email!.id, { owner: 'p1', at: 110, error: 'connect ECONNREFUSED 127.0.0.1:2525', retryAt: 30_000 });
      assert.deepEqual(failed.map((e) => e.data), [{ conversationId: conversation.id, messageId: message.id, state: 'failed', at: 110, error: 'connect ECONNREFUSED 127.0.0.1:2525', retryAt: 30_000 }]);
      assert.deepEqual(await store.claimEmails({ now: 29_999, owner: 'p1', leaseMs: MINUTE, limit: 10 }), []);
      const [again] = await store.claimEmails({ now: 30_000, owner: 'p1', leaseMs: MINUTE, limit: 10 });
      assert.equal(again!.attempts, 2);
      await store.emailFailed(again!.id, { owner: 'p1', at: 30_001, error: '550 No such user', retryAt: null });
      assert.deepEqual(await store.claimEmails({ now: 10 ** 12, owner: 'p1', leaseMs: MINUTE, limit: 10 }), [], 'failed for good');
      const [state] = await store.messageEmails(conversation.id);
      assert.deepEqual([state!.state, state!.error, state!.retryAt], ['failed', '550 No such user', null]);
      await store.close();
    });

    it('lets a sender call an email off, its replies taking the reason', async () => {
      const { store, conversation, reply } = await seeded();
      const message = await reply('Answer');
      await store.noteReplyEmail({ messageId: message.id, suppressed: false, dueAt: 100 });
      await store.planReplyEmails({ now: 100, messageIdDomain: DOMAIN, limit: 10 });
      const [email] = await store.claimEmails({ now: 100, owner: 'p1', leaseMs: MINUTE, limit: 10 });
      assert.equal((await store.emailCancelled(email!.id, { owner: 'p1', at: 120, state: 'seen' })).length, 1);
      assert.deepEqual(await states(store, conversation.id), ['seen']);
      assert.deepEqual(await store.claimEmails({ now: 10 ** 12, owner: 'p1', leaseMs: MINUTE, limit: 10 }), []);
      await store.close();
    });

    it('alerts every enabled agent of a site once about a conversation nobody answered in its delay', async () => {
      const { store, site, other, visitor, conversation, alice, bob } = await seeded();
      const owner = await store.createUser({ email: 'owner@shop.test', name: 'Olga', role: 'owner', passwordHash: 'x', siteIds: [] });
      const elsewhere = await store.createUser({ email: 'eve@other.test', name: 'Eve', role: 'agent', passwordHash: 'x', siteIds: [other.id] });
      await store.setEmailAlerts(bob.id, false);
      assert.equal(await store.emailAlertsEnabled(bob.id), false);
      assert.equal(await store.emailAlertsEnabled(alice.id), true, 'on until turned off');
      const created = (await store.getConversation(conversation.id))!.createdAt;
      const since = created - 24 * 60 * MINUTE;
      assert.deepEqual(await store.alertCandidates({ now: created + 5 * MINUTE - 1, since, exceptSiteIds: [], limit: 10 }), [], 'not before the default delay');
      assert.deepEqual((await store.alertCandidates({ now: created + 5 * MINUTE, since, exceptSiteIds: [other.id], limit: 10 })).map((c) => c.id), [conversation.id]);
      assert.deepEqual(await store.alertCandidates({ now: created + 5 * MINUTE, since, exceptSiteIds: [other.id, site.id], limit: 10 }), [], 'not of a site someone is online for');
      await store.updateEmailSettings(site.id, { alertDelayMs: 10 * MINUTE });
      assert.deepEqual(await store.alertCandidates({ now: created + 5 * MINUTE, since, exceptSiteIds: [], limit: 10 }), [], 'the site\'s own delay');
      assert.deepEqual(await store.alertCandidates({ now: created + 10 * MINUTE, since: created, exceptSiteIds: [], limit: 10 }), [], 'nothing older than `since`');
      const { value: empty } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'empty' });
      const queued = await Promise.all([1, 2].map(() => store.queueAgentAlerts({ conversationId: conversation.id, now: created + 10 * MINUTE, messageIdDomain: DOMAIN })));
      assert.deepEqual(queued.sort(), [0, 2], 'Alice and the owner, once');
      const candidates = await store.alertCandidates({ now: created + 60 * MINUTE, since, exceptSiteIds: [], limit: 10 });
      assert.ok(!candidates.some((c) => c.id === conversation.id) && !candidates.some((c) => c.id === empty.id), 'alerted, or nothing written yet');
      const emails = await store.claimEmails({ now: created + 10 * MINUTE, owner: 'p1', leaseMs: MINUTE, limit: 10 });
      assert.deepEqual(emails.map((e) => [e.kind, e.to, e.userId]).sort(), [['agent-alert', 'alice@shop.test', alice.id], ['agent-alert', 'owner@shop.test', owner.id]].sort());
      assert.ok(!emails.some((e) => e.userId === elsewhere.id));
      await store.close();
    });

    it('does not alert about a conversation that was answered', async () => {
      const { store, conversation, reply } = await seeded();
      await reply('On it!');
      const created = (await store.getConversation(conversation.id))!.createdAt;
      assert.deepEqual(await store.alertCandidates({ now: created + 60 * MINUTE, since: 0, exceptSiteIds: [], limit: 10 }), []);
      assert.equal(await store.queueAgentAlerts({ conversationId: conversation.id, now: created + 60 * MINUTE, messageIdDomain: DOMAIN }), 0);
      await store.close();
    });

    it('queues a transcript once per request and at most a few per conversation', async () => {
      const { store, conversation } = await seeded();
      const ask = (clientId: string) => store.queueTranscript({ conversationId: conversation.id, clientId, to: 'vera@example.com', now: 100, messageIdDomain: DOMAIN, maxPerConversation: 2, maxPerAddressPerDay: 10 });
      assert.deepEqual(await Promise.all([ask('t1'), ask('t1')]).then((r) => r.sort()), ['duplicate', 'queued']);
      assert.equal(await ask('t2'), 'queued');
      assert.equal(await ask('t3'), 'limit');
      const emails = await store.claimEmails({ now: 100, owner: 'p1', leaseMs: MINUTE, limit: 10 });
      assert.deepEqual(emails.map((e) => [e.kind, e.to]), [['transcript', 'vera@example.com'], ['transcript', 'vera@example.com']]);
      await store.close();
    });

    it('queues at most a few transcripts a day to one address from a site, over all its conversations', async () => {
      const { store, site, other, visitor, conversation } = await seeded();
      const { value: second } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      const otherVisitor = await store.createVisitor({ siteId: other.id, tokenHash: 'hash-other', context: {} });
      const { value: elsewhere } = await store.startConversation({ siteId: other.id, visitorId: otherVisitor.id, clientId: 'conv-3' });
      const ask = (conversationId: string, clientId: string, to: string, now: number) =>
        store.queueTranscript({ conversationId, clientId, to, now, messageIdDomain: DOMAIN, maxPerConversation: 5, maxPerAddressPerDay: 2 });
      const day = 24 * 60 * MINUTE;
      assert.equal(await ask(conversation.id, 't1', 'victim@example.com', 1000), 'queued');
      assert.equal(await ask(second.id, 't2', 'Victim@Example.com', 2000), 'queued');
      assert.equal(await ask(second.id, 't3', 'victim@example.com', 3000), 'address-limit', 'whatever the case, whichever conversation');
      assert.equal(await ask(second.id, 't4', 'someone@example.com', 3000), 'queued', 'another address');
      assert.equal(await ask(elsewhere.id, 't5', 'victim@example.com', 3000), 'queued', 'another site counts its own');
      assert.equal(await ask(second.id, 't6', 'victim@example.com', 1000 + day), 'queued', 'a day after the first');
      await store.close();
    });

    it('keeps unsubscribes per site whatever the case, and each site\'s delays', async () => {
      const { store, site, other } = await seeded();
      await store.unsubscribe(site.id, 'Vera@Example.com');
      await store.unsubscribe(site.id, 'vera@example.com');
      assert.equal(await store.isUnsubscribed(site.id, 'VERA@EXAMPLE.COM'), true);
      assert.equal(await store.isUnsubscribed(other.id, 'vera@example.com'), false);
      assert.deepEqual(await store.emailSettings(site.id), { replyDelayMs: 3 * MINUTE, alertDelayMs: 5 * MINUTE });
      assert.deepEqual(await store.updateEmailSettings(site.id, { replyDelayMs: MINUTE }), { replyDelayMs: MINUTE, alertDelayMs: 5 * MINUTE });
      assert.deepEqual(await store.updateEmailSettings(site.id, { alertDelayMs: 2 * MINUTE }), { replyDelayMs: MINUTE, alertDelayMs: 2 * MINUTE });
      assert.deepEqual(await store.emailSettings(other.id), { replyDelayMs: 3 * MINUTE, alertDelayMs: 5 * MINUTE });
      await store.close();
    });

    it('gives the thread of a conversation\'s sent emails to one address, oldest first', async () => {
      const { store, conversation } = await seeded();
      await store.recordSentEmail({ messageId: 'b@parley.test', conversationId: conversation.id, to: 'vera@example.com', sentAt: 2 });
      await store.recordSentEmail({ messageId: 'a@parley.test', conversationId: conversation.id, to: 'Vera@Example.com', sentAt: 1 });
      await store.recordSentEmail({ messageId: 'c@parley.test', conversationId: conversation.id, to: 'other@example.com', sentAt: 3 });
      assert.deepEqual(await store.emailThread(conversation.id, 'VERA@example.com'), ['a@parley.test', 'b@parley.test']);
      await store.close();
    });

    it('keeps an owner\'s email about a paused webhook endpoint apart from any conversation: retried, cancelled, kept when a visitor is erased', async () => {
      const { store, site, visitor, conversation } = await seeded();
      await store.createUser({ email: 'owner@shop.test', name: 'Owner', role: 'owner', passwordHash: 'x', siteIds: [] });
      const endpoint = await store.createWebhookEndpoint({ siteId: site.id, url: 'https://hooks.example.com/x', description: '', events: ['message.visitor'], enabled: true, secret: 's' });
      await store.appendMessage({ conversationId: conversation.id, clientId: 'q2', author: 'visitor', agentId: null, body: 'Hello?', internal: false });
      await store.fanOutWebhooks({ now: 100, limit: 100, retryForMs: DAY_MS });
      const [delivery] = await store.claimWebhookDeliveries({ now: 100, owner: 'n1', leaseMs: MINUTE, limit: 10, perEndpoint: 4 });
      const { paused } = await store.recordWebhookAttempt({
        deliveryId: delivery!.id, owner: 'n1', at: 200, ok: false, statusCode: null, latencyMs: 10_000, error: 'No answer within 10 s.', responseSnippet: null,
        interrupted: false, retryAt: 1000, probe: false, breaker: { pauseAfter: 1, firstCooldownMs: MINUTE, maxCooldownMs: MINUTE }, tellOwners: { messageIdDomain: DOMAIN },
      });
      assert.equal(paused, true);
      await store.deleteVisitor(visitor.id);
      const claim = (now: number) => store.claimEmails({ now, owner: 'p1', leaseMs: MINUTE, limit: 10 });
      const [email, ...more] = await claim(200);
      assert.equal(more.length, 0);
      assert.deepEqual([email!.kind, email!.to, email!.conversationId, email!.attempts, email!.webhookPause],
        ['webhook-paused', 'owner@shop.test', null, 1, { endpointId: endpoint.id, pausedAt: 200, failures: 1, statusCode: null, error: 'No answer within 10 s.' }],
        'not a visitor\'s email: erasing one leaves it');
      assert.deepEqual(await store.emailFailed(email!.id, { owner: 'p1', at: 300, error: '451 Try again later', retryAt: 5000 }), [], 'it carries no replies to update');
      assert.deepEqual(await claim(4999), []);
      const [again] = await claim(5000);
      assert.deepEqual([again!.id, again!.attempts], [email!.id, 2], 'retried like any other');
      await store.emailCancelled(again!.id, { owner: 'p1', at: 5001, state: 'seen' });
      assert.deepEqual(await claim(DAY_MS), [], 'cancelled for good');
      await store.close();
    });

    it('finds a visitor by a second token without losing the first, and forgets the outbox with the visitor', async () => {
      const { store, site, visitor, conversation, reply } = await seeded();
      await store.addVisitorToken(visitor.id, 'hash-2');
      assert.equal((await store.findVisitorByToken(site.id, 'hash-1'))?.id, visitor.id);
      assert.equal((await store.findVisitorByToken(site.id, 'hash-2'))?.id, visitor.id);
      const message = await reply('Answer');
      await store.noteReplyEmail({ messageId: message.id, suppressed: false, dueAt: 100 });
      await store.planReplyEmails({ now: 100, messageIdDomain: DOMAIN, limit: 10 });
      await store.deleteVisitor(visitor.id);
      assert.equal(await store.findVisitorByToken(site.id, 'hash-2'), null);
      assert.deepEqual(await store.claimEmails({ now: 100, owner: 'p1', leaseMs: MINUTE, limit: 10 }), [], 'nothing is emailed about an erased visitor');
      assert.deepEqual(await store.messageEmails(conversation.id), []);
      await store.close();
    });
  });
}
