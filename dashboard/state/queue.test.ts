import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Conversation, Message } from '../../protocol/protocol.ts';
import * as queue from './queue.ts';
import { signedIn } from './session.ts';

const conversation = (id: string, patch: Partial<Conversation> = {}): Conversation => ({
  id, siteId: 's1', visitorId: `v_${id}`, status: 'waiting', assignee: null, visitor: { name: null, email: null }, createdAt: 1000, firstResponseAt: null,
  resolvedAt: null, lastMessageAt: null, lastSeq: 1, preview: 'hi', visitorReadSeq: 1, agentReadSeq: 0,
  team: null, waitingSince: null, unansweredAlerts: 0, ...patch,
});
const message = (conversationId: string, seq: number, author: Message['author']): Message => ({
  id: `m${seq}`, conversationId, seq, clientId: null, author, agent: null, body: `text ${seq}`, internal: false,
  system: author === 'system' ? { kind: 'joined', agentName: 'Alice' } : null, createdAt: 5000 + seq,
});

describe('queue state', () => {
  beforeEach(() => {
    signedIn({ user: { id: 'alice' } as any, csrfToken: 't', sites: [], status: 'online', cursor: '0' });
    queue.replaceAll([]);
    queue.viewChanged('waiting');
    queue.searchLoaded(null);
  });

  it('lists waiting conversations oldest first', () => {
    queue.listLoaded([conversation('b', { createdAt: 2000 }), conversation('a', { createdAt: 1000 })]);
    assert.deepEqual(queue.visible.value.map((c) => c.id), ['a', 'b']);
  });

  it('moves a conversation between views as its status changes, without refetching', () => {
    queue.listLoaded([conversation('a')]);
    queue.conversationChanged(conversation('a', { status: 'assigned', assignee: { id: 'alice', name: 'Alice', avatarUrl: null } }));
    assert.equal(queue.counts.value.waiting, 0);
    assert.equal(queue.counts.value.mine, 1);
  });

  it('counts visitor messages as unread but not the agent’s own or system lines', () => {
    queue.listLoaded([conversation('a')]);
    queue.messageArrived(message('a', 2, 'visitor'));
    assert.equal(queue.attentionCount.value, 2);
    queue.messageArrived(message('a', 3, 'agent'));
    assert.equal(queue.attentionCount.value, 0);
    queue.messageArrived(message('a', 4, 'system'));
    assert.equal(queue.attentionCount.value, 0);
  });

  it('never moves counters backwards when an older REST answer arrives after an event', () => {
    queue.listLoaded([conversation('a')]);
    queue.messageArrived(message('a', 2, 'visitor'));
    queue.listLoaded([conversation('a', { lastSeq: 1 })]);
    assert.equal(queue.conversations.value.get('a')!.lastSeq, 2);
  });

  it('ignores a replayed message it has already counted', () => {
    queue.listLoaded([conversation('a')]);
    queue.messageArrived(message('a', 2, 'visitor'));
    queue.messageArrived(message('a', 2, 'visitor'));
    assert.equal(queue.conversations.value.get('a')!.lastSeq, 2);
    assert.equal(queue.attentionCount.value, 2);
  });

  it('moves the keyboard cursor within the visible list', () => {
    queue.listLoaded([conversation('a', { createdAt: 1 }), conversation('b', { createdAt: 2 })]);
    queue.moveCursor(1);
    queue.moveCursor(1);
    queue.moveCursor(1);
    assert.equal(queue.cursorId.value, 'b');
    queue.moveCursor(-1);
    assert.equal(queue.cursorId.value, 'a');
  });
});
