/**
 * Attachments (issue 13), for every engine: an upload's record is one per conversation and
 * clientId however concurrently asked; a message takes only its sender's unsent uploads of its own
 * conversation, each once, and carries them as it was sent (history, events, export); visitors'
 * lists leave internal notes' files out; usage counts a site's files; deleting a conversation or a
 * visitor, and a day without sending, detach files for the sweep, which forgets them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AttachmentUnusableError, type NewAttachment, type Store } from '../../server/store/store.ts';
import { seedStore } from './store-seed.ts';

let n = 0;
const file = (over: Partial<NewAttachment> & Pick<NewAttachment, 'siteId' | 'conversationId'>): NewAttachment => ({
  id: `f_test${++n}`, clientId: `up-${n}`, author: 'visitor', agentId: null, name: `shot-${n}.png`, type: 'image/png', size: 1000 + n, ...over,
});

export function attachmentConformance(name: string, open: () => Promise<Store>): void {
  describe(`${name} store: attachments`, () => {
    it('stores one record per conversation and clientId, however often and however concurrently asked', async () => {
      const { store, site, conversation, visitor } = await seedStore(open);
      const input = file({ siteId: site.id, conversationId: conversation.id });
      const results = await Promise.all([1, 2, 3].map((i) => store.createAttachment({ ...input, id: `${input.id}-${i}` })));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.value.id)).size, 1);
      const stored = results[0]!.value;
      assert.deepEqual({ ...stored, id: 'x', createdAt: 0 }, {
        id: 'x', name: input.name, type: 'image/png', size: input.size, siteId: site.id, conversationId: conversation.id, visitorId: visitor.id,
        clientId: input.clientId, author: 'visitor', agentId: null, messageId: null, internal: false, createdAt: 0,
      });
      assert.deepEqual(await store.findAttachment(conversation.id, input.clientId), stored);
      assert.deepEqual(await store.getAttachment(stored.id), stored);
      assert.equal(await store.getAttachment('f_nothing'), null);
      assert.deepEqual(await store.attachmentUsage(site.id), { files: 1, bytes: input.size });
      await store.close();
    });

    it('sends files with a message, in the order named, with or without a caption, and keeps them on the message everywhere', async () => {
      const { store, site, conversation } = await seedStore(open);
      const a = (await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id, name: 'a.pdf', type: 'application/pdf' }))).value;
      const b = (await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id }))).value;
      const sent = await store.appendMessage({ conversationId: conversation.id, clientId: 'm1', author: 'visitor', agentId: null, body: '', internal: false, attachmentIds: [b.id, a.id] });
      const carried = [b, a].map(({ id, name, type, size }) => ({ id, name, type, size }));
      assert.deepEqual(sent.value.attachments, carried);
      assert.deepEqual((sent.events[0]!.data as { message: { attachments: unknown } }).message.attachments, carried);
      const { messages } = await store.listMessages(conversation.id, { limit: 10, includeInternal: false });
      assert.deepEqual(messages[0]!.attachments, carried);
      assert.deepEqual((await store.findMessage(conversation.id, 'm1'))!.attachments, carried);
      assert.equal((await store.getConversation(conversation.id))!.preview, `📎 ${b.name}, a.pdf`);
      assert.equal((await store.getAttachment(a.id))!.messageId, sent.value.id);
      const exported = await store.exportConversations(site.id);
      assert.deepEqual(exported[0]!.messages[0]!.attachments, carried);
      // A message without files has no attachments field at all.
      const plain = await store.appendMessage({ conversationId: conversation.id, clientId: 'm2', author: 'visitor', agentId: null, body: 'hi', internal: false });
      assert.equal('attachments' in plain.value, false);
      assert.equal('attachments' in (await store.findMessage(conversation.id, 'm2'))!, false);
      await store.close();
    });

    it('refuses, storing nothing, a file that is sent already, another sender\'s, another conversation\'s or unknown', async () => {
      const { store, site, visitor, conversation, alice, bob } = await seedStore(open);
      const { value: other } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      const mine = (await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id }))).value;
      const elsewhere = (await store.createAttachment(file({ siteId: site.id, conversationId: other.id }))).value;
      const alices = (await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id, author: 'agent', agentId: alice.id }))).value;
      const send = (clientId: string, ids: string[], author: 'visitor' | 'agent' = 'visitor', agentId: string | null = null) =>
        store.appendMessage({ conversationId: conversation.id, clientId, author, agentId, body: 'x', internal: false, attachmentIds: ids });
      await assert.rejects(send('e1', [mine.id, elsewhere.id]), AttachmentUnusableError);
      await assert.rejects(send('e2', ['f_unknown']), AttachmentUnusableError);
      await assert.rejects(send('e3', [alices.id]), AttachmentUnusableError, 'a visitor cannot send an agent\'s file');
      await assert.rejects(send('e4', [alices.id], 'agent', bob.id), AttachmentUnusableError, 'nor one agent another\'s');
      assert.equal((await store.getAttachment(mine.id))!.messageId, null, 'a refused send takes nothing');
      assert.equal((await store.listMessages(conversation.id, { limit: 10, includeInternal: true })).messages.length, 0);
      await send('ok', [mine.id]);
      await assert.rejects(send('again', [mine.id]), AttachmentUnusableError, 'a file goes with one message');
      assert.ok((await send('alice', [alices.id], 'agent', alice.id)).created);
      await store.close();
    });

    it('gives a file to exactly one of two messages naming it at once', async () => {
      const { store, site, conversation } = await seedStore(open);
      const one = (await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id }))).value;
      const results = await Promise.allSettled(['x', 'y'].map((clientId) =>
        store.appendMessage({ conversationId: conversation.id, clientId, author: 'visitor', agentId: null, body: '', internal: false, attachmentIds: [one.id] })));
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      assert.ok((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason instanceof AttachmentUnusableError);
      assert.equal((await store.listMessages(conversation.id, { limit: 10, includeInternal: true })).messages.length, 1);
      await store.close();
    });

    it('lists sent files newest first, an internal note\'s only for agents, per conversation and per visitor', async () => {
      const { store, site, visitor, conversation, alice } = await seedStore(open);
      const { value: second } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      const shot = (await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id }))).value;
      await store.appendMessage({ conversationId: conversation.id, clientId: 'v', author: 'visitor', agentId: null, body: '', internal: false, attachmentIds: [shot.id] });
      const note = (await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id, author: 'agent', agentId: alice.id }))).value;
      await store.appendMessage({ conversationId: conversation.id, clientId: 'n', author: 'agent', agentId: alice.id, body: 'see', internal: true, attachmentIds: [note.id] });
      const later = (await store.createAttachment(file({ siteId: site.id, conversationId: second.id }))).value;
      await store.appendMessage({ conversationId: second.id, clientId: 'v2', author: 'visitor', agentId: null, body: '', internal: false, attachmentIds: [later.id] });
      await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id })); // unsent: in no list
      const ids = (list: Array<{ id: string }>) => list.map((a) => a.id).sort();
      assert.deepEqual(ids(await store.listAttachments({ conversationId: conversation.id }, false)), [shot.id]);
      const forAgents = await store.listAttachments({ conversationId: conversation.id }, true);
      assert.deepEqual(ids(forAgents), [note.id, shot.id].sort());
      assert.equal(forAgents.find((a) => a.id === note.id)!.internal, true);
      assert.deepEqual(ids(await store.listAttachments({ visitorId: visitor.id }, false)), [later.id, shot.id].sort());
      assert.equal((await store.attachmentUsage(site.id)).files, 4);
      await store.close();
    });

    it('detaches the files of deleted conversations and visitors, and unsent ones after the cut-off, for the sweep to forget', async () => {
      const { store, site, other, visitor, conversation } = await seedStore(open);
      const sent = (await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id }))).value;
      await store.appendMessage({ conversationId: conversation.id, clientId: 'v', author: 'visitor', agentId: null, body: '', internal: false, attachmentIds: [sent.id] });
      const unsent = (await store.createAttachment(file({ siteId: site.id, conversationId: conversation.id }))).value;
      const v2 = await store.createVisitor({ siteId: other.id, tokenHash: 'hash-2', context: {} });
      const { value: c2 } = await store.startConversation({ siteId: other.id, visitorId: v2.id, clientId: 'c' });
      const theirs = (await store.createAttachment(file({ siteId: other.id, conversationId: c2.id }))).value;
      await store.appendMessage({ conversationId: c2.id, clientId: 'v', author: 'visitor', agentId: null, body: '', internal: false, attachmentIds: [theirs.id] });

      assert.deepEqual(await store.sweepAttachments(0, 100), [], 'nothing is old or gone yet');
      const later = Date.now() + 60_000;
      assert.deepEqual(await store.sweepAttachments(later, 100), [unsent.id], 'an upload never sent goes after the cut-off');
      assert.equal(await store.getAttachment(unsent.id), null);
      await assert.rejects(store.appendMessage({ conversationId: conversation.id, clientId: 'late', author: 'visitor', agentId: null, body: '', internal: false, attachmentIds: [unsent.id] }),
        AttachmentUnusableError, 'a detached upload cannot be sent');
      assert.deepEqual(await store.knownAttachments([unsent.id, 'f_never']), [unsent.id], 'until it is forgotten');
      await store.forgetAttachments([unsent.id]);
      assert.deepEqual(await store.knownAttachments([unsent.id]), []);
      // A retried upload of the detached one's clientId stores a new file.
      const retry = await store.createAttachment({ ...file({ siteId: site.id, conversationId: conversation.id }), clientId: unsent.clientId });
      assert.ok(retry.created);

      assert.equal(await store.deleteVisitor(v2.id), true);
      assert.equal(await store.getAttachment(theirs.id), null);
      assert.deepEqual(await store.attachmentUsage(other.id), { files: 0, bytes: 0 });
      assert.equal(await store.deleteConversationsBefore(site.id, later), 1);
      assert.equal(await store.getAttachment(sent.id), null);
      const gone = await store.sweepAttachments(0, 100);
      assert.deepEqual(gone.sort(), [sent.id, theirs.id, retry.value.id].sort());
      await store.forgetAttachments(gone);
      assert.deepEqual(await store.sweepAttachments(0, 100), []);
      assert.deepEqual(await store.attachmentUsage(site.id), { files: 0, bytes: 0 });
      assert.ok(visitor.id);
      await store.close();
    });
  });
}
