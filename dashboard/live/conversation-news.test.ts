import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { AgentRef, Conversation, Message, WireEvent } from '../../protocol/protocol.ts';
import { createManualClock } from '../../test/support/manual-clock.ts';
import { teamsLoaded } from '../state/assignment.ts';
import * as queue from '../state/queue.ts';
import { signedIn } from '../state/session.ts';
import { opened } from '../state/conversation.ts';
import { dismissToast, toast } from '../state/ui.ts';
import { applyEvent } from './apply-event.ts';
import { createConversationNews } from './conversation-news.ts';
import type { Notifier } from './notifier.ts';

const alice: AgentRef = { id: 'alice', name: 'Alice', avatarUrl: null };
const bob: AgentRef = { id: 'bob', name: 'Bob', avatarUrl: null };
const conversation = (patch: Partial<Conversation> = {}): Conversation => ({
  id: 'c1', siteId: 's1', visitorId: 'v1', status: 'assigned', assignee: alice, visitor: { name: 'Ann', email: null }, createdAt: 1000, firstResponseAt: null,
  resolvedAt: null, lastMessageAt: null, lastSeq: 1, preview: 'Where is my parcel?', visitorReadSeq: 0, agentReadSeq: 0,
  team: null, waitingSince: null, unansweredAlerts: 0, ...patch,
});
const message = (conversationId: string, seq: number, body: string): Message => ({
  id: `m${seq}`, conversationId, seq, clientId: `k${seq}`, author: 'visitor', agent: null, body, internal: false, system: null, createdAt: 2000,
});

describe('what an agent is told about conversations', () => {
  let clock = createManualClock();
  let told: Array<{ title: string; body: string; tag: string }> = [];
  let news = createNews();
  function createNews() {
    const notifier = { notify: (title: string, body: string, tag: string) => void told.push({ title, body, tag }) } as unknown as Notifier;
    return createConversationNews({ notifier, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }, () => {});
  }
  /** Events as the stream delivers them, through applyEvent like the inbox does. */
  const deliver = (...events: Array<Omit<WireEvent, 'id'>>) => {
    for (const event of events) {
      applyEvent(event as WireEvent, { now: clock.now, onNewConversation: news.onCreated, onVisitorMessage: news.onVisitorMessage, onAssigned: news.onAssigned, onUnanswered: news.onUnanswered });
    }
  };
  const titles = () => told.map((t) => t.title);

  beforeEach(() => {
    clock = createManualClock();
    told = [];
    news = createNews();
    dismissToast();
    signedIn({ user: { id: 'alice' } as any, csrfToken: 't', sites: [], status: 'online', cursor: '0' });
    teamsLoaded([{ id: 'billing', siteId: 's1', name: 'Billing', memberIds: ['alice'], createdAt: 0 }]);
    queue.replaceAll([]);
    opened(null);
  });

  it('tells the receiver of a transfer who passed it, with a toast and a notification', () => {
    deliver({ type: 'conversation.assigned', data: { conversation: conversation(), via: 'transfer', by: bob } });
    assert.equal(told.length, 0, 'gathered for a moment first');
    clock.advance(1000);
    assert.deepEqual(told, [{ title: 'Bob passed you a conversation', body: 'Ann: Where is my parcel?', tag: 'c1:assigned' }]);
    assert.equal(toast.value?.text, 'Bob passed you a conversation: Ann');
  });

  it('tells the receiver who passed it when the rule had given it to the passer a moment before', () => {
    // The rule gives the new conversation to Bob; Bob passes it to Alice within the same moment.
    deliver(
      { type: 'conversation.assigned', data: { conversation: conversation({ assignee: bob }), via: 'rule', by: null } },
      { type: 'conversation.assigned', data: { conversation: conversation(), via: 'transfer', by: bob } },
    );
    clock.advance(1000);
    assert.deepEqual(titles(), ['Bob passed you a conversation']);
  });

  it('tells once when a conversation passed to a team goes straight to one of its members', () => {
    deliver(
      { type: 'conversation.assigned', data: { conversation: conversation({ status: 'waiting', assignee: null, team: { id: 'billing', name: 'Billing' } }), via: 'transfer', by: bob } },
      { type: 'conversation.assigned', data: { conversation: conversation({ team: { id: 'billing', name: 'Billing' } }), via: 'rule', by: null } },
    );
    clock.advance(1000);
    assert.deepEqual(titles(), ['Bob passed you a conversation']);
  });

  it('tells the members of a team that one waits for them, and nobody else', () => {
    deliver({ type: 'conversation.assigned', data: { conversation: conversation({ status: 'waiting', assignee: null, team: { id: 'billing', name: 'Billing' } }), via: 'transfer', by: bob } });
    clock.advance(1000);
    assert.deepEqual(titles(), ['Bob passed a conversation to Billing']);
    told = [];
    deliver({ type: 'conversation.assigned', data: { conversation: conversation({ id: 'c2', status: 'waiting', assignee: null, team: { id: 'sales', name: 'Sales' } }), via: 'transfer', by: bob } });
    clock.advance(1000);
    assert.equal(told.length, 0, 'Alice is not in Sales');
  });

  it('says nothing of what the agent did, and words the rule\'s assignment as such', () => {
    deliver({ type: 'conversation.assigned', data: { conversation: conversation({ assignee: bob }), via: 'transfer', by: alice } });
    clock.advance(1000);
    assert.equal(told.length, 0, 'Alice passed it to Bob herself');
    deliver({ type: 'conversation.assigned', data: { conversation: conversation({ id: 'c3' }), via: 'rule', by: null } });
    clock.advance(1000);
    assert.deepEqual(titles(), ['A conversation was assigned to you']);
  });

  it('tells a new conversation the rule gives this agent once, with its first words, whichever event comes first', () => {
    const empty = conversation({ id: 'n1', status: 'waiting', assignee: null, lastSeq: 0, preview: null });
    const given = (c: Conversation) => ({ type: 'conversation.assigned' as const, data: { conversation: { ...c, status: 'assigned' as const, assignee: alice }, via: 'rule' as const, by: null } });
    // Given before the visitor says anything: told with the first words, when they come.
    deliver({ type: 'conversation.created', data: { conversation: empty } }, given(empty));
    clock.advance(1000);
    assert.equal(told.length, 0, 'nothing to read yet');
    deliver({ type: 'message', data: { message: message('n1', 1, 'Hello, my order is late') } });
    clock.advance(1000);
    assert.deepEqual(told, [{ title: 'A conversation was assigned to you', body: 'Ann: Hello, my order is late', tag: 'n1:assigned' }]);

    // The first words first, the rule a moment after: still one.
    told = [];
    const other = { ...empty, id: 'n2' };
    deliver({ type: 'conversation.created', data: { conversation: other } }, { type: 'message', data: { message: message('n2', 1, 'Hi') } }, given(other));
    clock.advance(1000);
    assert.deepEqual(titles(), ['A conversation was assigned to you']);

    // The rule slower than the gathering: announced as new, then the assignment is a toast only.
    told = [];
    const slow = { ...empty, id: 'n3' };
    deliver({ type: 'conversation.created', data: { conversation: slow } }, { type: 'message', data: { message: message('n3', 1, 'Anyone?') } });
    clock.advance(1000);
    deliver(given({ ...slow, lastSeq: 1 }));
    clock.advance(1000);
    assert.deepEqual(titles(), ['New conversation'], 'one notification');
    assert.equal(toast.value?.text, 'A conversation was assigned to you: Ann');
  });

  it('tells colleagues nothing of a new conversation the rule gave someone else, or of another team\'s', () => {
    const empty = conversation({ id: 'n4', status: 'waiting', assignee: null, lastSeq: 0, preview: null });
    deliver(
      { type: 'conversation.created', data: { conversation: empty } },
      { type: 'conversation.assigned', data: { conversation: { ...empty, status: 'assigned', assignee: bob }, via: 'rule', by: null } },
      { type: 'message', data: { message: message('n4', 1, 'Hello') } },
    );
    clock.advance(1000);
    assert.equal(told.length, 0, 'Bob\'s now');
    const sales = conversation({ id: 'n5', status: 'waiting', assignee: null, lastSeq: 1, team: { id: 'sales', name: 'Sales' } });
    deliver({ type: 'conversation.created', data: { conversation: sales } }, { type: 'message', data: { message: message('n5', 2, 'More') } });
    clock.advance(1000);
    assert.equal(told.length, 0, 'Sales\' queue, not Alice\'s');
    const mine = conversation({ id: 'n6', status: 'waiting', assignee: null, lastSeq: 0, preview: null });
    deliver({ type: 'conversation.created', data: { conversation: mine } }, { type: 'message', data: { message: message('n6', 1, 'Hello there') } });
    clock.advance(1000);
    assert.deepEqual(told, [{ title: 'New conversation', body: 'Ann: Hello there', tag: 'n6' }], 'one waiting in Alice\'s queue, once');
  });

  it('tells a later visitor message of the agent\'s own or their queue\'s conversation, unless they are looking at it', () => {
    queue.replaceAll([conversation({ id: 'm1', lastSeq: 3 }), conversation({ id: 'm2', assignee: bob, lastSeq: 3 })]);
    deliver({ type: 'message', data: { message: message('m1', 4, 'Any news?') } }, { type: 'message', data: { message: message('m2', 4, 'Hello Bob') } });
    assert.deepEqual(told, [{ title: 'New message', body: 'Ann: Any news?', tag: 'm1' }], 'Bob\'s conversation is Bob\'s news');
    opened('m1');
    deliver({ type: 'message', data: { message: message('m1', 5, 'Still there?') } });
    assert.equal(told.length, 1, 'on screen already');
  });

  it('notifies an unanswered conversation of the agent\'s queue each time the server alerts it', () => {
    const waiting = conversation({ status: 'waiting', assignee: null, waitingSince: 1000, unansweredAlerts: 2 });
    deliver({ type: 'conversation.unanswered', data: { conversation: waiting, waitedMs: 125_000 } });
    assert.deepEqual(told, [{ title: 'Still unanswered', body: 'Ann has waited 2 min — Where is my parcel?', tag: 'c1:unanswered' }]);
    assert.equal(queue.conversations.value.get('c1')?.unansweredAlerts, 2, 'the queue highlights it');
    deliver({ type: 'conversation.unanswered', data: { conversation: { ...waiting, id: 'c4', team: { id: 'sales', name: 'Sales' } }, waitedMs: 125_000 } });
    assert.equal(told.length, 1, 'not in Alice\'s queue: another team\'s');
  });
});
