/**
 * The team inbox (issue 14), for every engine: a site's labels with names unique whatever their
 * case, labels on conversations (and the queue filtered by one), each agent's saved views, the
 * pages a visitor opened across visits, and merging two visitors into one — what moves, what
 * fills gaps, which tokens find whom, and what is refused without changing anything.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatEventId, LIMITS, parseEventId, type QueueFilter } from '../../protocol/protocol.ts';
import { RefusedError, type Store } from '../../server/store/store.ts';
import { seedStore } from './store-seed.ts';

const refusedFor = (reason: RefusedError['reason']) => (error: unknown) => error instanceof RefusedError && error.reason === reason;
const fromStart = async (store: Store) => formatEventId(parseEventId(await store.headCursor())!.epoch, 0);

export function teamInboxConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name} store: team inbox`, () => {
    it('keeps a site\'s labels unique by name whatever the case, per site, and logs the whole list on each change', async () => {
      const { store, site, other } = await seedStore(open);
      const refund = await store.createLabel({ siteId: site.id, name: 'Refund', color: '#e03131' });
      assert.equal(refund.events.length, 1);
      assert.equal(refund.events[0]!.type, 'labels');
      assert.equal(refund.events[0]!.audience, 'agents');
      const vip = await store.createLabel({ siteId: site.id, name: '  VIP ', color: '#2f9e44' });
      assert.equal(vip.value.name, 'VIP');
      assert.deepEqual((vip.events[0]!.data as { labels: Array<{ name: string }> }).labels.map((l) => l.name), ['Refund', 'VIP']);
      await assert.rejects(store.createLabel({ siteId: site.id, name: 'refund', color: '#000000' }), refusedFor('name-taken'));
      await store.createLabel({ siteId: other.id, name: 'refund', color: '#000000' });
      assert.deepEqual((await store.listLabels([site.id])).map((l) => l.name), ['Refund', 'VIP']);
      assert.equal((await store.listLabels([site.id, other.id])).length, 3);

      await assert.rejects(store.updateLabel(site.id, vip.value.id, { name: 'REFUND' }), refusedFor('name-taken'));
      const renamed = await store.updateLabel(site.id, vip.value.id, { name: 'Priority', color: '#1971c2' });
      assert.deepEqual(renamed!.value, { id: vip.value.id, siteId: site.id, name: 'Priority', color: '#1971c2' });
      assert.equal(renamed!.events[0]!.type, 'labels');
      assert.equal((await store.updateLabel(site.id, vip.value.id, { color: '#1971c2' }))!.events.length, 0, 'no change, no event');
      assert.equal((await store.updateLabel(site.id, refund.value.id, { name: 'refund' }))!.value.name, 'refund', 'a label may change its own case');
      assert.equal(await store.updateLabel(other.id, vip.value.id, { name: 'x' }), null, 'a label of another site is not found');
      await store.close();
    });

    it('refuses a label past the per-site limit, and stores nothing for it', async () => {
      const { store, site } = await seedStore(open);
      for (let i = 0; i < LIMITS.labelsPerSite; i++) await store.createLabel({ siteId: site.id, name: `label ${i}`, color: '#123456' });
      await assert.rejects(store.createLabel({ siteId: site.id, name: 'one too many', color: '#123456' }), refusedFor('limit'));
      assert.equal((await store.listLabels([site.id])).length, LIMITS.labelsPerSite);
      await store.close();
    });

    it('puts labels on a conversation and takes them off, logging only real changes, and filters the queue by one', async () => {
      const { store, site, other, visitor, conversation, alice } = await seedStore(open);
      const refund = (await store.createLabel({ siteId: site.id, name: 'Refund', color: '#e03131' })).value;
      const bug = (await store.createLabel({ siteId: site.id, name: 'Bug', color: '#7048e8' })).value;
      const elsewhere = (await store.createLabel({ siteId: other.id, name: 'Elsewhere', color: '#000000' })).value;
      const { value: second } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });

      const added = await store.setConversationLabel(conversation.id, refund.id, true);
      assert.deepEqual(added!.value, [refund.id]);
      assert.equal(added!.events.length, 1);
      assert.deepEqual({ type: added!.events[0]!.type, audience: added!.events[0]!.audience, data: added!.events[0]!.data },
        { type: 'conversation.labels', audience: 'agents', data: { conversationId: conversation.id, labelIds: [refund.id] } });
      assert.equal((await store.setConversationLabel(conversation.id, refund.id, true))!.events.length, 0, 'adding twice changes nothing');
      assert.deepEqual((await store.setConversationLabel(conversation.id, bug.id, true))!.value, [bug.id, refund.id], 'by name');
      assert.equal(await store.setConversationLabel(conversation.id, elsewhere.id, true), null, 'a label of another site');
      assert.equal(await store.setConversationLabel('c_missing', refund.id, true), null);

      assert.deepEqual(await store.conversationLabels([conversation.id, second.id]), { [conversation.id]: [bug.id, refund.id] });
      const query = { siteIds: [site.id], view: 'all' as const, userId: alice.id, limit: 50 };
      assert.deepEqual((await store.listConversations({ ...query, labelId: refund.id })).map((c) => c.id), [conversation.id]);
      assert.equal((await store.listConversations(query)).length, 2);

      const removed = await store.setConversationLabel(conversation.id, bug.id, false);
      assert.deepEqual(removed!.value, [refund.id]);
      assert.equal(removed!.events.length, 1);
      assert.equal((await store.setConversationLabel(conversation.id, bug.id, false))!.events.length, 0);

      const deleted = await store.deleteLabel(site.id, refund.id);
      assert.equal(deleted.value, true);
      assert.deepEqual(deleted.events.map((e) => e.type), ['labels']);
      assert.deepEqual(await store.conversationLabels([conversation.id]), {}, 'gone from its conversations too');
      assert.equal((await store.deleteLabel(site.id, refund.id)).value, false);
      await store.close();
    });

    it('lists both of two labels put on one conversation at once in the last event', async () => {
      const { store, site, conversation } = await seedStore(open);
      const ids = [];
      for (const label of ['A', 'B', 'C', 'D']) ids.push((await store.createLabel({ siteId: site.id, name: label, color: '#123456' })).value.id);
      const results = await Promise.all(ids.map((id) => store.setConversationLabel(conversation.id, id, true)));
      const events = results.flatMap((r) => r!.events).sort((a, b) => parseEventId(a.id)!.seq - parseEventId(b.id)!.seq);
      assert.deepEqual((events.at(-1)!.data as { labelIds: string[] }).labelIds, ids, 'the newest event tells the whole truth');
      await store.close();
    });

    it('forgets a conversation\'s labels with its visitor', async () => {
      const { store, site, visitor, conversation } = await seedStore(open);
      const label = (await store.createLabel({ siteId: site.id, name: 'Refund', color: '#e03131' })).value;
      await store.setConversationLabel(conversation.id, label.id, true);
      assert.equal(await store.deleteVisitor(visitor.id), true);
      assert.deepEqual(await store.conversationLabels([conversation.id]), {});
      assert.equal((await store.listLabels([site.id])).length, 1, 'the label itself stays');
      await store.close();
    });

    it('keeps each agent\'s saved views apart, unique by name whatever the case', async () => {
      const { store, alice, bob } = await seedStore(open);
      const filter: QueueFilter = { view: 'open', labelId: 'l_x', q: 'refund' };
      const view = await store.createSavedView({ userId: alice.id, name: 'Refunds ', filter });
      assert.equal(view.name, 'Refunds');
      assert.deepEqual(view.filter, filter);
      await store.createSavedView({ userId: alice.id, name: 'All mine', filter: { view: 'mine', labelId: null, q: '' } });
      await assert.rejects(store.createSavedView({ userId: alice.id, name: 'REFUNDS', filter }), refusedFor('name-taken'));
      await store.createSavedView({ userId: bob.id, name: 'refunds', filter });
      assert.deepEqual((await store.listSavedViews(alice.id)).map((v) => v.name), ['All mine', 'Refunds']);
      assert.equal(await store.deleteSavedView(bob.id, view.id), false, 'not someone else\'s');
      assert.equal(await store.deleteSavedView(alice.id, view.id), true);
      assert.deepEqual((await store.listSavedViews(alice.id)).map((v) => v.name), ['All mine']);
      for (let i = 1; i < LIMITS.viewsPerAgent; i++) await store.createSavedView({ userId: alice.id, name: `v${i}`, filter });
      await assert.rejects(store.createSavedView({ userId: alice.id, name: 'one more', filter }), refusedFor('limit'));
      await store.close();
    });

    it('records the pages a visitor opens, without query strings, most recent first, keeping the latest few', async () => {
      const { store, site } = await seedStore(open);
      const at = Date.now();
      const visitor = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-pages', context: { url: 'https://shop.test/cart?token=secret#top', title: 'Cart' } });
      const touch = (url: string, title: string | undefined, when: number) => store.touchVisitor(visitor.id, { context: { url, ...(title ? { title } : {}) }, at: when, newVisitAfterMs: 30 * 60_000 });
      await touch('https://shop.test/pricing', 'Pricing', at + 1000);
      await touch('https://shop.test/cart?step=2', undefined, at + 2000);
      const pages = await store.visitorPages(visitor.id);
      assert.deepEqual(pages.map((p) => [p.url, p.title, p.views]), [['https://shop.test/cart', 'Cart', 2], ['https://shop.test/pricing', 'Pricing', 1]]);
      assert.equal(pages[0]!.lastSeenAt, at + 2000);
      for (let i = 0; i < LIMITS.visitorPagesKept + 3; i++) await touch(`https://shop.test/p/${i}`, `P${i}`, at + 10_000 + i);
      const kept = await store.visitorPages(visitor.id);
      assert.equal(kept.length, LIMITS.visitorPagesKept);
      assert.equal(kept[0]!.url, `https://shop.test/p/${LIMITS.visitorPagesKept + 2}`);
      await store.close();
    });

    it('merges one visitor into another: conversations, events and pages move, details fill gaps, and the old token finds the new visitor', async () => {
      const { store, site, visitor: a, conversation: aConversation } = await seedStore(open);
      await store.updateVisitor(a.id, { name: 'Ann', attributes: { plan: 'pro' } });
      const b = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-b', context: { url: 'https://shop.test/help', title: 'Help' } });
      await store.updateVisitor(b.id, { name: 'Someone', email: 'ann@example.com', attributes: { plan: 'free', city: 'Oslo' } });
      // The same clientId as a's conversation: a browser's ids are random, but the move must not depend on it.
      const { value: bConversation } = await store.startConversation({ siteId: site.id, visitorId: b.id, clientId: 'conv-1' });
      const sent = await store.appendMessage({ conversationId: bConversation.id, clientId: 'm1', author: 'visitor', agentId: null, body: 'It is me again', internal: false });
      const before = await fromStart(store);

      const merged = await store.mergeVisitors(a.id, b.id);
      assert.deepEqual(merged!.value.moved, [bConversation.id]);
      const visitor = merged!.value.visitor;
      assert.deepEqual({ name: visitor.name, email: visitor.email, attributes: visitor.attributes, visits: visitor.visits },
        { name: 'Ann', email: 'ann@example.com', attributes: { plan: 'pro', city: 'Oslo' }, visits: 2 });
      assert.deepEqual(merged!.events.map((e) => [e.type, e.audience, e.visitorId]), [['visitor.merged', 'agents', a.id]]);
      assert.deepEqual((merged!.events[0]!.data as { from: string }).from, b.id);

      assert.equal(await store.getVisitor(b.id), null);
      assert.equal((await store.findVisitorByToken(site.id, 'hash-b'))?.id, a.id, 'b\'s browser now finds a');
      assert.equal((await store.findVisitorByToken(site.id, 'hash-1'))?.id, a.id);
      assert.deepEqual((await store.listVisitorConversations(a.id)).map((c) => c.id).sort(), [aConversation.id, bConversation.id].sort());
      assert.equal((await store.getConversation(bConversation.id))!.visitor.name, 'Ann');
      assert.deepEqual((await store.visitorPages(a.id)).map((p) => p.url).sort(), ['https://shop.test/', 'https://shop.test/help']);
      // b's events are replayed to a's stream now, and to no one as b.
      const replay = await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: a.id }, before, 100);
      assert.ok(replay.events.some((e) => e.id === sent.events[0]!.id));
      assert.equal((await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: b.id }, before, 100)).events.length, 0);
      // A retried start from b's browser (same clientId) still finds its conversation, or makes a new one: never fails.
      assert.equal((await store.startConversation({ siteId: site.id, visitorId: a.id, clientId: 'conv-1' })).value.id, aConversation.id);

      assert.equal(await store.deleteVisitor(a.id), true);
      assert.equal(await store.findVisitorByToken(site.id, 'hash-b'), null, 'the aliases go with the visitor');
      await store.close();
    });

    it('carries into the merged visitor what the other capabilities keep of the one merged away: files, held email, reply emails, email-link devices', async () => {
      const { store, site, visitor: a, alice } = await seedStore(open);
      const b = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-b', context: {} });
      await store.updateVisitor(b.id, { email: 'ann@example.com' });
      const { value: c } = await store.startConversation({ siteId: site.id, visitorId: b.id, clientId: 'b-1' });
      const upload = await store.createAttachment({ id: 'f_merge', siteId: site.id, conversationId: c.id, clientId: 'up-1', author: 'visitor', agentId: null, name: 'receipt.png', type: 'image/png', size: 10 });
      await store.appendMessage({ conversationId: c.id, clientId: 'm1', author: 'visitor', agentId: null, body: '', internal: false, attachmentIds: [upload.value.id] });
      const held = await store.holdEmail({ conversationId: c.id, from: 'ann@other.example', fromName: null, subject: 'Re: order', text: 'It is me', reason: 'unknown-sender', clientId: 'email-1' });
      const reply = await store.appendMessage({ conversationId: c.id, clientId: 'r1', author: 'agent', agentId: alice.id, body: 'On its way', internal: false });
      await store.noteReplyEmail({ messageId: reply.value.id, suppressed: false, dueAt: Date.now() + 60_000 });
      await store.addVisitorToken(b.id, 'hash-b-phone');
      await store.unsubscribe(site.id, 'ann@example.com');

      await store.mergeVisitors(a.id, b.id);
      assert.deepEqual((await store.listAttachments({ visitorId: a.id }, false)).map((f) => f.id), ['f_merge'], 'their files are the merged visitor\'s');
      assert.equal((await store.getAttachment('f_merge'))!.visitorId, a.id);
      assert.deepEqual((await store.listHeldEmails([site.id], 10)).map((h) => [h.id, h.conversationId]), [[held.value!.id, c.id]]);
      assert.deepEqual((await store.messageEmails(c.id)).map((e) => [e.messageId, e.state]), [[reply.value.id, 'pending']]);
      assert.equal((await store.findVisitorByToken(site.id, 'hash-b-phone'))?.id, a.id, 'the device that came from an email link');
      assert.equal((await store.getVisitor(a.id))!.email, 'ann@example.com');
      assert.equal(await store.isUnsubscribed(site.id, 'ann@example.com'), true, 'an unsubscribe is the address\'s, whoever it is');
      await store.close();
    });

    it('follows a chain of merges, and refuses visitors of two sites or two verified people without changing anything', async () => {
      const { store, site, other, visitor: a } = await seedStore(open);
      const b = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-b', context: {} });
      const c = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-c', context: {} });
      await store.mergeVisitors(b.id, c.id);
      await store.mergeVisitors(a.id, b.id);
      assert.equal((await store.findVisitorByToken(site.id, 'hash-c'))?.id, a.id);
      assert.equal((await store.getVisitor(a.id))!.visits, 3);
      assert.equal(await store.findVisitorByToken(other.id, 'hash-c'), null, 'a token is of one site');

      const elsewhere = await store.createVisitor({ siteId: other.id, tokenHash: 'hash-o', context: {} });
      await assert.rejects(store.mergeVisitors(a.id, elsewhere.id), refusedFor('other-site'));
      assert.ok(await store.getVisitor(elsewhere.id));

      const d = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-d', context: {} });
      await store.updateVisitor(a.id, { externalId: 'user-1', verified: true });
      await store.updateVisitor(d.id, { externalId: 'user-2', verified: true });
      await assert.rejects(store.mergeVisitors(a.id, d.id), refusedFor('identities-differ'));
      assert.ok(await store.getVisitor(d.id));
      const e = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-e', context: {} });
      await store.updateVisitor(e.id, { externalId: 'user-1', verified: true });
      await assert.rejects(store.mergeVisitors(d.id, e.id), refusedFor('identities-differ'));
      assert.equal((await store.mergeVisitors(a.id, e.id))!.value.visitor.externalId, 'user-1', 'verified twice as the same user: one person');

      assert.equal(await store.mergeVisitors(a.id, 'v_missing'), null);
      assert.equal(await store.mergeVisitors(a.id, a.id), null);
      await store.close();
    });

    it('moves a message sent during a merge to the merged visitor\'s events', async () => {
      const { store, site, visitor: a } = await seedStore(open);
      const b = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-b', context: {} });
      const { value: conversation } = await store.startConversation({ siteId: site.id, visitorId: b.id, clientId: 'b-1' });
      const before = await fromStart(store);
      const [, sent] = await Promise.all([
        store.mergeVisitors(a.id, b.id),
        store.appendMessage({ conversationId: conversation.id, clientId: 'during', author: 'visitor', agentId: null, body: 'sent during the merge', internal: false }),
      ]);
      assert.equal(sent.events[0]!.visitorId === a.id || sent.events[0]!.visitorId === b.id, true);
      const replay = await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: a.id }, before, 100);
      assert.ok(replay.events.some((e) => e.type === 'message' && e.id === sent.events[0]!.id), 'whichever committed first, a\'s stream replays the message');
      assert.equal((await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: b.id }, before, 100)).events.length, 0);
      await store.close();
    });
  });
}
