/**
 * Email threads (issue 12), for every engine: a conversation's reply token is one per conversation
 * whoever asks, finds the conversation whatever the case of the address, and goes with the
 * conversation; sent Message-IDs find their conversation and give its recipients.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../server/store/store.ts';
import { seedStore } from './store-seed.ts';

export function emailThreadConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name} store: email threads`, () => {
    it('gives a conversation one lower-case, unguessable reply token, however often and however concurrently asked', async () => {
      const { store, site, visitor, conversation } = await seedStore(open);
      const tokens = await Promise.all([1, 2, 3, 4].map(() => store.replyToken(conversation.id)));
      assert.equal(new Set(tokens).size, 1);
      assert.match(tokens[0]!, /^[a-z2-7]{26}$/);
      const { value: second } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      assert.notEqual(await store.replyToken(second.id), tokens[0]);
      assert.equal((await store.conversationByReplyToken(tokens[0]!.toUpperCase()))?.id, conversation.id);
      assert.equal(await store.conversationByReplyToken('a'.repeat(26)), null);
      await store.close();
    });

    it('finds the conversation of a sent Message-ID, lists its recipients once each, and records a retry once', async () => {
      const { store, conversation } = await seedStore(open);
      const sent = { messageId: 'm1@parley.test', conversationId: conversation.id, to: 'Ann@Example.com', sentAt: 1000 };
      await store.recordSentEmail(sent);
      await store.recordSentEmail(sent);
      await store.recordSentEmail({ ...sent, messageId: 'm2@parley.test', sentAt: 2000 });
      await store.recordSentEmail({ ...sent, messageId: 'm3@parley.test', to: 'bo@example.com', sentAt: 3000 });
      assert.deepEqual(await store.sentEmail('m1@parley.test'), { ...sent, to: 'ann@example.com' });
      assert.equal(await store.sentEmail('unknown@parley.test'), null);
      assert.deepEqual(await store.emailRecipients(conversation.id), ['ann@example.com', 'bo@example.com']);
      await store.close();
    });

    it('forgets the token and the sent emails with their conversation, so a late reply matches nothing', async () => {
      const { store, site, visitor, conversation } = await seedStore(open);
      const token = await store.replyToken(conversation.id);
      await store.recordSentEmail({ messageId: 'gone@parley.test', conversationId: conversation.id, to: 'ann@example.com', sentAt: 1 });
      assert.equal(await store.deleteConversationsBefore(site.id, Date.now() + 60_000), 1);
      assert.equal(await store.conversationByReplyToken(token), null);
      assert.equal(await store.sentEmail('gone@parley.test'), null);
      assert.deepEqual(await store.emailRecipients(conversation.id), []);
      assert.equal(await store.deleteVisitor(visitor.id), true);
      await store.close();
    });
  });
}
