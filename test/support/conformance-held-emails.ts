/**
 * Held email (issue 12), for every engine: an email reply that did not land by itself is held once
 * however often it is delivered, seen by the agents of its site only, and either accepted — then
 * it is the visitor's message, exactly once, reopening a resolved conversation — or discarded. It
 * goes with its conversation and its visitor, events included.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatEventId, parseEventId } from '../../protocol/protocol.ts';
import type { HoldEmailInput, Store } from '../../server/store/store.ts';
import { createManualClock } from './manual-clock.ts';
import { seedStore, type OpenStore } from './store-seed.ts';

export function heldEmailConformance(name: string, open: OpenStore): void {
  const fromStart = async (store: Store) => formatEventId(parseEventId(await store.headCursor())!.epoch, 0);
  const email = (conversationId: string, overrides: Partial<HoldEmailInput> = {}): HoldEmailInput => ({
    conversationId, clientId: 'email-abc', from: 'mallory@example.net', fromName: 'Mallory', subject: 'Re: your question',
    text: 'Please send the refund to my other account.', reason: 'unknown-sender', ...overrides,
  });

  describe(`${name} store: held email`, () => {
    it('holds an email once however often it is delivered, for the agents of its site only', async () => {
      const { store, site, other, visitor, conversation } = await seedStore(open);
      const first = await store.holdEmail(email(conversation.id));
      const again = await store.holdEmail(email(conversation.id));
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.deepEqual(again.value, first.value);
      assert.equal(again.events.length, 0);
      assert.deepEqual({ ...first.value, id: 'x', receivedAt: 0 }, {
        id: 'x', siteId: site.id, conversationId: conversation.id, from: 'mallory@example.net', fromName: 'Mallory',
        subject: 'Re: your question', text: 'Please send the refund to my other account.', reason: 'unknown-sender', receivedAt: 0,
      });
      assert.deepEqual((await store.listHeldEmails([site.id], 50)).map((h) => h.id), [first.value!.id]);
      assert.deepEqual(await store.listHeldEmails([other.id], 50), []);
      assert.deepEqual(await store.getHeldEmail(first.value!.id), first.value);
      assert.deepEqual(first.events.map((e) => [e.type, e.audience]), [['email.held', 'agents']]);
      const seenByAgents = await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, await fromStart(store), 100);
      assert.ok(seenByAgents.events.some((e) => e.type === 'email.held'));
      const seenByVisitor = await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: visitor.id }, await fromStart(store), 100);
      assert.ok(!JSON.stringify(seenByVisitor.events).includes('refund'), 'the visitor never sees held email');
      await store.close();
    });

    it('lists the newest first', async () => {
      const clock = createManualClock();
      const { store, site, conversation } = await seedStore(open, { now: () => clock.now() });
      const a = await store.holdEmail(email(conversation.id, { clientId: 'email-a' }));
      clock.advance(1000);
      const b = await store.holdEmail(email(conversation.id, { clientId: 'email-b' }));
      assert.deepEqual((await store.listHeldEmails([site.id], 50)).map((h) => h.id), [b.value!.id, a.value!.id]);
      assert.deepEqual((await store.listHeldEmails([site.id], 1)).map((h) => h.id), [b.value!.id]);
      await store.close();
    });

    it('accepts a held email as the visitor\'s message with its clientId, once', async () => {
      const { store, site, visitor, conversation } = await seedStore(open);
      const { value: held } = await store.holdEmail(email(conversation.id));
      const accepted = await store.acceptHeldEmail(held!.id);
      assert.ok(accepted);
      assert.equal(accepted.created, true);
      assert.deepEqual([accepted.value.author, accepted.value.clientId, accepted.value.body, accepted.value.seq],
        ['visitor', 'email-abc', 'Please send the refund to my other account.', 1]);
      assert.deepEqual(accepted.events.map((e) => e.type), ['message', 'email.released']);
      assert.equal(await store.acceptHeldEmail(held!.id), null);
      assert.equal(await store.getHeldEmail(held!.id), null);
      assert.deepEqual(await store.listHeldEmails([site.id], 50), []);
      const page = await store.listMessages(conversation.id, { limit: 50, includeInternal: true });
      assert.deepEqual(page.messages.map((m) => m.body), ['Please send the refund to my other account.']);
      assert.equal((await store.getConversation(conversation.id))!.preview, 'Please send the refund to my other account.');
      // The visitor sees the message like any of theirs; the review around it stays with the agents.
      const seenByVisitor = await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: visitor.id }, await fromStart(store), 100);
      assert.deepEqual(seenByVisitor.events.map((e) => e.type), ['conversation.created', 'message']);
      // Delivered again later (it already landed): nothing is held any more.
      const redelivered = await store.holdEmail(email(conversation.id));
      assert.deepEqual([redelivered.value, redelivered.created, redelivered.events.length], [null, false, 0]);
      await store.close();
    });

    it('lets one of two agents accepting at once add the message, and the other learn it is gone', async () => {
      const { store, conversation } = await seedStore(open);
      const { value: held } = await store.holdEmail(email(conversation.id));
      const results = await Promise.all([store.acceptHeldEmail(held!.id), store.acceptHeldEmail(held!.id), store.discardHeldEmail(held!.id)]);
      assert.equal(results.filter((r) => r !== null).length, 1);
      const page = await store.listMessages(conversation.id, { limit: 50, includeInternal: true });
      assert.ok(page.messages.length <= 1);
      assert.equal(page.messages.length, results[2] === null ? 1 : 0);
      await store.close();
    });

    it('reopens a resolved conversation when a held email is accepted into it', async () => {
      const { store, conversation, alice } = await seedStore(open);
      await store.claim(conversation.id, alice);
      await store.resolve(conversation.id, alice);
      const { value: held } = await store.holdEmail(email(conversation.id));
      const accepted = await store.acceptHeldEmail(held!.id);
      assert.deepEqual(accepted!.events.map((e) => e.type), ['message', 'conversation.updated', 'email.released']);
      const after = await store.getConversation(conversation.id);
      assert.equal(after!.status, 'assigned');
      assert.equal(after!.assignee?.id, alice.id);
      assert.equal(after!.resolvedAt, null);
      await store.close();
    });

    it('puts a resolved conversation nobody holds back in the queue, waiting from the moment its held email is accepted', async () => {
      const clock = createManualClock();
      const { store, conversation, alice } = await seedStore(open, { now: () => clock.now() });
      clock.advance(60_000);
      await store.resolve(conversation.id, alice);
      const { value: held } = await store.holdEmail(email(conversation.id));
      clock.advance(60_000);
      const accepted = await store.acceptHeldEmail(held!.id);
      const after = await store.getConversation(conversation.id);
      assert.deepEqual([after!.status, after!.assignee, after!.resolvedAt], ['waiting', null, null]);
      // As when the visitor writes in the chat (appendMessage): its wait starts with this message,
      // not when the conversation first waited.
      assert.deepEqual([after!.waitingSince, accepted!.value.createdAt], [clock.now(), clock.now()]);
      await store.close();
    });

    it('adds nothing twice when the email had landed meanwhile', async () => {
      const { store, conversation } = await seedStore(open);
      const { value: held } = await store.holdEmail(email(conversation.id));
      await store.appendMessage({ conversationId: conversation.id, clientId: 'email-abc', author: 'visitor', agentId: null, body: 'Please send the refund to my other account.', internal: false });
      const accepted = await store.acceptHeldEmail(held!.id);
      assert.equal(accepted!.created, false);
      assert.deepEqual(accepted!.events.map((e) => e.type), ['email.released']);
      assert.equal((await store.listMessages(conversation.id, { limit: 50, includeInternal: true })).messages.length, 1);
      await store.close();
    });

    it('discards a held email once, adding nothing to the conversation', async () => {
      const { store, site, conversation } = await seedStore(open);
      const { value: held } = await store.holdEmail(email(conversation.id));
      const discarded = await store.discardHeldEmail(held!.id);
      assert.deepEqual(discarded!.value, held);
      assert.deepEqual(discarded!.events.map((e) => [e.type, (e.data as { outcome: string }).outcome]), [['email.released', 'discarded']]);
      assert.equal(await store.discardHeldEmail(held!.id), null);
      assert.equal(await store.acceptHeldEmail(held!.id), null);
      assert.deepEqual(await store.listHeldEmails([site.id], 50), []);
      assert.equal((await store.listMessages(conversation.id, { limit: 50, includeInternal: true })).messages.length, 0);
      await store.close();
    });

    it('forgets held email, and its events, with its conversation or its visitor', async () => {
      const { store, site, visitor, conversation } = await seedStore(open);
      await store.holdEmail(email(conversation.id));
      assert.equal(await store.deleteConversationsBefore(site.id, Date.now() + 60_000), 1);
      assert.deepEqual(await store.listHeldEmails([site.id], 50), []);
      const { value: second } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      await store.holdEmail(email(second.id, { text: 'Another secret' }));
      assert.equal(await store.deleteVisitor(visitor.id), true);
      assert.deepEqual(await store.listHeldEmails([site.id], 50), []);
      const events = await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, await fromStart(store), 100);
      assert.ok(!JSON.stringify(events.events).includes('refund'));
      assert.ok(!JSON.stringify(events.events).includes('Another secret'));
      await store.close();
    });
  });
}
