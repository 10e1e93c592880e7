/**
 * A person's own account (issue 14), for every engine: their name and avatar change without
 * touching anything else about them, the avatar clears with null, and what colleagues and
 * visitors read afterwards (a conversation's assignee, an agent's reply) carries the new ones.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../server/store/store.ts';
import { seedStore } from './store-seed.ts';

export function ownAccountConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name} store: own account`, () => {
    it('changes a user\'s name and avatar alone, clears the avatar with null, and leaves a patch without them alone', async () => {
      const { store, alice } = await seedStore(open);
      const before = (await store.getUser(alice.id))!;
      const renamed = await store.updateUser(alice.id, { name: 'Alice Liddell', avatarUrl: 'https://cdn.test/alice.png' });
      assert.deepEqual(renamed, { ...before, name: 'Alice Liddell', avatarUrl: 'https://cdn.test/alice.png' });
      assert.equal((await store.updateUser(alice.id, { role: 'owner' })).avatarUrl, 'https://cdn.test/alice.png', 'kept when not in the patch');
      const cleared = await store.updateUser(alice.id, { avatarUrl: null });
      assert.deepEqual([cleared.name, cleared.avatarUrl], ['Alice Liddell', null]);
      await store.close();
    });

    it('shows the new name and avatar wherever the agent appears afterwards: as assignee and on replies', async () => {
      const { store, alice, conversation } = await seedStore(open);
      await store.claim(conversation.id, alice);
      await store.updateUser(alice.id, { name: 'Alice L.', avatarUrl: 'https://cdn.test/a.png' });
      const reply = await store.appendMessage({ conversationId: conversation.id, clientId: 'r1', author: 'agent', agentId: alice.id, body: 'Hi!', internal: false });
      assert.deepEqual(reply.value.agent, { id: alice.id, name: 'Alice L.', avatarUrl: 'https://cdn.test/a.png' });
      assert.deepEqual((await store.getConversation(conversation.id))!.assignee, { id: alice.id, name: 'Alice L.', avatarUrl: 'https://cdn.test/a.png' });
      await store.close();
    });
  });
}
