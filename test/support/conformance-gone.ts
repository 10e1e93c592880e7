/**
 * Conformance: a write that names a visitor or a conversation that is gone — deleted, or a visitor
 * merged into another since the caller looked — throws GoneError (which the API answers as "not
 * found", or for a visitor's own request as whoever its token finds now) and writes nothing, on
 * every engine. Not a foreign-key violation or a TypeError, which the API can only call a bug.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GoneError } from '../../server/store/store.ts';
import { seedStore, type OpenStore } from './store-seed.ts';

const gone = (what: GoneError['what']) => (error: unknown) => error instanceof GoneError && error.what === what;

export function goneConformance(name: string, open: OpenStore): void {
  describe(`${name} store: writes to what is gone`, () => {
    it('refuses to touch, change or start a conversation for a deleted visitor, writing nothing', async () => {
      const { store, site, visitor } = await seedStore(open);
      const head = await store.headCursor();
      assert.equal(await store.deleteVisitor(visitor.id), true);
      await assert.rejects(store.updateVisitor(visitor.id, { name: 'Sam' }), gone('visitor'));
      await assert.rejects(store.touchVisitor(visitor.id, { context: {}, at: Date.now(), newVisitAfterMs: 1000 }), gone('visitor'));
      await assert.rejects(store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'after' }), gone('visitor'));
      assert.equal(await store.getVisitor(visitor.id), null);
      assert.deepEqual((await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, head, 10)).events, []);
      await store.close();
    });

    it('refuses every change to a deleted conversation, writing nothing', async () => {
      const { store, site, visitor, conversation, alice, bob } = await seedStore(open);
      await store.updateAssignmentSettings(site.id, { rule: 'round-robin' });
      await store.deleteVisitor(visitor.id);
      const head = await store.headCursor();
      const attempts: Array<[string, () => Promise<unknown>]> = [
        ['send', () => store.appendMessage({ conversationId: conversation.id, clientId: 'late', author: 'visitor', agentId: null, body: 'hello?', internal: false })],
        ['reply', () => store.appendMessage({ conversationId: conversation.id, clientId: 'reply', author: 'agent', agentId: alice.id, body: 'hi', internal: false, claimIfWaiting: alice })],
        ['claim', () => store.claim(conversation.id, alice)],
        ['transfer', () => store.transfer(conversation.id, alice, bob)],
        ['resolve', () => store.resolve(conversation.id, alice)],
        ['reopen', () => store.reopen(conversation.id, alice)],
        ['read', () => store.markRead(conversation.id, 'visitor', 1)],
        ['auto-assign', () => store.autoAssign(conversation.id, [alice.id])],
        ['upload', () => store.createAttachment({ id: 'f_late', siteId: site.id, conversationId: conversation.id, clientId: 'up', author: 'visitor', agentId: null, name: 'a.png', type: 'image/png', size: 1 })],
      ];
      for (const [what, attempt] of attempts) await assert.rejects(attempt(), gone('conversation'), what);
      assert.deepEqual((await store.eventsAfter({ kind: 'agent', siteIds: [site.id] }, head, 10)).events, []);
      await store.close();
    });

    it('refuses a conversation for a visitor merged into another: the visitor is gone, their conversations are the other\'s', async () => {
      const { store, site, visitor, conversation } = await seedStore(open);
      const into = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-into', context: {} });
      await store.mergeVisitors(into.id, visitor.id);
      await assert.rejects(store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'after' }), gone('visitor'));
      assert.deepEqual((await store.listVisitorConversations(into.id)).map((c) => c.id), [conversation.id]);
      // The conversation itself moved, so writes to it carry on, as the merged visitor's.
      const sent = await store.appendMessage({ conversationId: conversation.id, clientId: 'after', author: 'visitor', agentId: null, body: 'me again', internal: false });
      assert.equal(sent.events[0]!.visitorId, into.id);
      await store.close();
    });
  });
}
