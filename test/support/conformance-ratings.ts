/**
 * Satisfaction ratings (issue 15), for every engine: a conversation can be rated once it has been
 * resolved (even if reopened since), by its visitor, once per clientId however often delivered —
 * also when two deliveries race — with whoever has it as its agent; a later rating replaces it.
 * Agents hear of each rating, the visitor's stream never; ratings follow merged visitors and go
 * with their conversation, and are in the site's export.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatEventId, parseEventId } from '../../protocol/protocol.ts';
import type { RateInput, Store } from '../../server/store/store.ts';
import { createManualClock } from './manual-clock.ts';
import { seedStore, type OpenStore } from './store-seed.ts';

const fromStart = async (store: Store) => formatEventId(parseEventId(await store.headCursor())!.epoch, 0);

export function ratingConformance(name: string, open: OpenStore): void {
  const rate = (conversationId: string, overrides: Partial<RateInput> = {}): RateInput => ({
    conversationId, clientId: 'rate-1', score: 4, scale: 'five', comment: 'Quick and kind', ...overrides,
  });

  describe(`${name} store: ratings`, () => {
    it('refuses to rate a conversation that was never resolved, storing nothing', async () => {
      const { store, conversation, alice } = await seedStore(open);
      await store.claim(conversation.id, alice);
      assert.equal(await store.rateConversation(rate(conversation.id)), null);
      assert.equal(await store.getRating(conversation.id), null);
      await store.close();
    });

    it('stores a resolved conversation\'s rating once per clientId, with its agent, and tells agents only', async () => {
      const clock = createManualClock();
      const { store, site, visitor, conversation, alice } = await seedStore(open, { now: clock.now });
      await store.claim(conversation.id, alice);
      await store.resolve(conversation.id, alice);
      clock.advance(60_000);
      const first = await store.rateConversation(rate(conversation.id));
      assert.ok(first);
      assert.equal(first.created, true);
      assert.deepEqual(first.value, {
        conversationId: conversation.id, siteId: site.id, score: 4, scale: 'five', comment: 'Quick and kind', agent: alice, createdAt: clock.now(),
      });
      assert.deepEqual(first.events.map((e) => [e.type, e.audience, e.visitorId]), [['rating.submitted', 'agents', visitor.id]]);
      assert.deepEqual(first.events[0]!.data, { conversationId: conversation.id, rating: first.value });

      clock.advance(1000);
      const again = await store.rateConversation(rate(conversation.id, { score: 1 }));
      assert.equal(again!.created, false);
      assert.deepEqual(again!.value, first.value, 'a retry returns what was stored, whatever it carries');
      assert.equal(again!.events.length, 0);
      assert.deepEqual(await store.getRating(conversation.id), first.value);

      const forAgents = await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, await fromStart(store), 100);
      assert.equal(forAgents.events.filter((e) => e.type === 'rating.submitted').length, 1);
      const forVisitor = await store.eventsAfter({ kind: 'visitor', siteId: site.id, visitorId: visitor.id }, await fromStart(store), 100);
      assert.ok(!forVisitor.events.some((e) => e.type === 'rating.submitted'), 'the visitor\'s stream never carries ratings');
      await store.close();
    });

    it('logs one rating when two deliveries of the same clientId race', async () => {
      const { store, site, conversation } = await seedStore(open);
      await store.resolve(conversation.id, null);
      const results = await Promise.all([1, 2, 3].map(() => store.rateConversation(rate(conversation.id))));
      assert.deepEqual(results.map((r) => r!.created).sort(), [false, false, true]);
      const events = await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, await fromStart(store), 100);
      assert.equal(events.events.filter((e) => e.type === 'rating.submitted').length, 1);
      assert.equal(results[0]!.value.agent, null, 'nobody had it');
      await store.close();
    });

    it('lets a later rating replace the first, also after the conversation was reopened, and lists the visitor\'s newest first', async () => {
      const clock = createManualClock();
      const { store, site, visitor, conversation, alice, bob } = await seedStore(open, { now: clock.now });
      await store.claim(conversation.id, alice);
      await store.resolve(conversation.id, alice);
      await store.rateConversation(rate(conversation.id, { score: 2, comment: null }));
      clock.advance(5000);
      await store.reopen(conversation.id, alice);
      await store.transfer(conversation.id, alice, bob);
      const changed = await store.rateConversation(rate(conversation.id, { clientId: 'rate-2', score: 5, scale: 'thumbs', comment: 'Sorted in the end' }));
      assert.equal(changed!.created, true);
      assert.deepEqual([changed!.value.score, changed!.value.scale, changed!.value.comment, changed!.value.agent?.name, changed!.value.createdAt],
        [5, 'thumbs', 'Sorted in the end', 'Bob', clock.now()]);
      assert.equal(changed!.events.length, 1);

      clock.advance(5000);
      const { value: later } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      await store.resolve(later.id, null);
      await store.rateConversation(rate(later.id, { clientId: 'rate-3', score: 3 }));
      assert.deepEqual((await store.visitorRatings(visitor.id)).map((r) => [r.conversationId, r.score]), [[later.id, 3], [conversation.id, 5]]);
      await store.close();
    });

    it('exports each conversation with its latest rating, and null for one not rated', async () => {
      const clock = createManualClock();
      const { store, site, other, visitor, conversation } = await seedStore(open, { now: clock.now });
      const { value: unrated } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      await store.resolve(conversation.id, null);
      await store.rateConversation(rate(conversation.id, { score: 2, comment: null }));
      clock.advance(1000);
      await store.rateConversation(rate(conversation.id, { clientId: 'rate-2', score: 1, scale: 'thumbs', comment: 'Nobody knew' }));
      const exported = await store.exportConversations(site.id);
      assert.deepEqual(exported.map((c) => [c.conversation.id, c.rating]), [
        [conversation.id, { score: 1, scale: 'thumbs', comment: 'Nobody knew', ratedAt: clock.now() }],
        [unrated.id, null],
      ]);
      assert.deepEqual(await store.exportConversations(other.id), [], 'another site\'s export has none of them');
      await store.close();
    });

    it('moves ratings with a merged visitor and deletes them with their conversation', async () => {
      const { store, site, visitor, conversation } = await seedStore(open);
      await store.resolve(conversation.id, null);
      await store.rateConversation(rate(conversation.id));
      const other = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-2', context: {} });
      await store.mergeVisitors(other.id, visitor.id);
      assert.deepEqual((await store.visitorRatings(other.id)).map((r) => r.conversationId), [conversation.id]);
      assert.equal(await store.deleteVisitor(other.id), true);
      assert.equal(await store.getRating(conversation.id), null);
      assert.deepEqual(await store.visitorRatings(other.id), []);
      await store.close();
    });
  });
}
