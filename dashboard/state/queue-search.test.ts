import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Conversation } from '../../protocol/protocol.ts';
import * as queue from './queue.ts';
import { signedIn } from './session.ts';

const bob = { id: 'bob', name: 'Bob', avatarUrl: null };
const alice = { id: 'alice', name: 'Alice', avatarUrl: null };
const conversation = (id: string, patch: Partial<Conversation> = {}): Conversation => ({
  id, siteId: 's1', visitorId: `v_${id}`, status: 'waiting', assignee: null, visitor: { name: null, email: null }, createdAt: 1000, firstResponseAt: null,
  resolvedAt: null, lastMessageAt: null, lastSeq: 1, preview: 'refund', visitorReadSeq: 1, agentReadSeq: 0,
  team: null, waitingSince: null, unansweredAlerts: 0, ...patch,
});

describe('queue search', () => {
  beforeEach(() => {
    signedIn({ user: { id: 'alice' } as any, csrfToken: 't', sites: [], status: 'online', cursor: '0' });
    queue.replaceAll([
      conversation('waiting', { lastMessageAt: 1 }),
      conversation('mine', { status: 'assigned', assignee: alice, lastMessageAt: 2 }),
      conversation('bobs', { status: 'assigned', assignee: bob, lastMessageAt: 3 }),
      conversation('done', { status: 'resolved', lastMessageAt: 4 }),
      conversation('other', { lastMessageAt: 5 }),
    ]);
    queue.viewChanged('waiting');
    queue.searchLoaded(null);
  });

  it('shows every hit whatever the tab, most recent first, and only the tab\'s conversations without a search', () => {
    assert.deepEqual(queue.visible.value.map((c) => c.id), ['waiting', 'other']);
    queue.queryChanged('refund');
    queue.searchLoaded(['waiting', 'mine', 'bobs', 'done']);
    assert.deepEqual(queue.visible.value.map((c) => c.id), ['done', 'bobs', 'mine', 'waiting']);
    queue.queryChanged('');
    assert.deepEqual(queue.visible.value.map((c) => c.id), ['waiting', 'other']);
  });

  it('shows a saved view\'s search only within its view, and says what the queue shows for saving it again', () => {
    assert.equal(queue.shownView.value, 'waiting', 'no search: the tab');
    queue.queryChanged('refund');
    queue.searchLoaded(['waiting', 'mine', 'bobs', 'done']);
    assert.equal(queue.shownView.value, 'all', 'a typed search looks in every view');
    queue.queryChanged('refund', 'mine');
    assert.equal(queue.shownView.value, 'mine', 'a saved view\'s search, its results not in yet');
    queue.searchLoaded(['mine']);
    assert.deepEqual(queue.visible.value.map((c) => c.id), ['mine']);
    assert.equal(queue.shownView.value, 'mine');
    // A hit that leaves the view (resolved meanwhile) leaves the results, as it leaves the tab.
    queue.conversationChanged({ ...queue.conversations.value.get('mine')!, status: 'resolved' });
    assert.deepEqual(queue.visible.value, []);
    queue.queryChanged('');
    assert.equal(queue.shownView.value, 'waiting', 'the search ended: the tab again');
  });

  it('names the one view each result lives in', () => {
    const views = ['waiting', 'mine', 'bobs', 'done'].map((id) => queue.viewOf(queue.conversations.value.get(id)!, 'alice').label);
    assert.deepEqual(views, ['Waiting', 'Mine', 'Open · Bob', 'Resolved']);
  });
});
