import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { AgentRef, Conversation } from '../../protocol/protocol.ts';
import { createManualClock } from '../../test/support/manual-clock.ts';
import { teamsLoaded } from '../state/assignment.ts';
import * as queue from '../state/queue.ts';
import { signedIn } from '../state/session.ts';
import { dismissToast, toast } from '../state/ui.ts';
import { applyEvent } from './apply-event.ts';
import { createAssignmentAlerts } from './assignment-alerts.ts';
import type { Notifier } from './notifier.ts';

const alice: AgentRef = { id: 'alice', name: 'Alice', avatarUrl: null };
const bob: AgentRef = { id: 'bob', name: 'Bob', avatarUrl: null };
const conversation = (patch: Partial<Conversation> = {}): Conversation => ({
  id: 'c1', siteId: 's1', visitorId: 'v1', status: 'assigned', assignee: alice, visitor: { name: 'Ann', email: null }, createdAt: 1000, firstResponseAt: null,
  resolvedAt: null, lastMessageAt: null, lastSeq: 1, preview: 'Where is my parcel?', visitorReadSeq: 0, agentReadSeq: 0,
  team: null, waitingSince: null, unansweredAlerts: 0, ...patch,
});

describe('what an agent is told about assignment', () => {
  let clock = createManualClock();
  let told: Array<{ title: string; body: string; tag: string }> = [];
  let alerts = createAlerts();
  function createAlerts() {
    const notifier = { notify: (title: string, body: string, tag: string) => void told.push({ title, body, tag }) } as unknown as Notifier;
    return createAssignmentAlerts({ notifier, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }, () => {});
  }
  /** An event as the stream delivers it, through applyEvent like the inbox does. */
  const deliver = (type: 'conversation.assigned' | 'conversation.unanswered', data: any) =>
    applyEvent({ type, data } as any, { now: clock.now, onAssigned: alerts.onAssigned, onUnanswered: alerts.onUnanswered });

  beforeEach(() => {
    clock = createManualClock();
    told = [];
    alerts = createAlerts();
    dismissToast();
    signedIn({ user: { id: 'alice' } as any, csrfToken: 't', sites: [], status: 'online', cursor: '0' });
    teamsLoaded([{ id: 'billing', siteId: 's1', name: 'Billing', memberIds: ['alice'], createdAt: 0 }]);
    queue.replaceAll([]);
  });

  it('tells the receiver of a transfer who passed it, with a toast and a notification', () => {
    deliver('conversation.assigned', { conversation: conversation(), via: 'transfer', by: bob });
    assert.equal(told.length, 0, 'gathered for a moment first');
    clock.advance(1000);
    assert.deepEqual(told, [{ title: 'Bob passed you a conversation', body: 'Ann: Where is my parcel?', tag: 'c1:assigned' }]);
    assert.equal(toast.value?.text, 'Bob passed you a conversation: Ann');
  });

  it('tells once when a conversation passed to a team goes straight to one of its members', () => {
    deliver('conversation.assigned', { conversation: conversation({ status: 'waiting', assignee: null, team: { id: 'billing', name: 'Billing' } }), via: 'transfer', by: bob });
    deliver('conversation.assigned', { conversation: conversation({ team: { id: 'billing', name: 'Billing' } }), via: 'rule', by: null });
    clock.advance(1000);
    assert.deepEqual(told.map((t) => t.title), ['Bob passed you a conversation']);
  });

  it('tells the members of a team that one waits for them, and nobody else', () => {
    deliver('conversation.assigned', { conversation: conversation({ status: 'waiting', assignee: null, team: { id: 'billing', name: 'Billing' } }), via: 'transfer', by: bob });
    clock.advance(1000);
    assert.deepEqual(told.map((t) => t.title), ['Bob passed a conversation to Billing']);
    told = [];
    deliver('conversation.assigned', { conversation: conversation({ id: 'c2', status: 'waiting', assignee: null, team: { id: 'sales', name: 'Sales' } }), via: 'transfer', by: bob });
    clock.advance(1000);
    assert.equal(told.length, 0, 'Alice is not in Sales');
  });

  it('says nothing of what the agent did, and words the rule\'s assignment as such', () => {
    deliver('conversation.assigned', { conversation: conversation({ assignee: bob }), via: 'transfer', by: alice });
    clock.advance(1000);
    assert.equal(told.length, 0, 'Alice passed it to Bob herself');
    deliver('conversation.assigned', { conversation: conversation({ id: 'c3' }), via: 'rule', by: null });
    clock.advance(1000);
    assert.deepEqual(told.map((t) => t.title), ['A conversation was assigned to you']);
  });

  it('notifies an unanswered conversation of the agent\'s queue each time the server alerts it', () => {
    const waiting = conversation({ status: 'waiting', assignee: null, waitingSince: 1000, unansweredAlerts: 2 });
    deliver('conversation.unanswered', { conversation: waiting, waitedMs: 125_000 });
    assert.deepEqual(told, [{ title: 'Still unanswered', body: 'Ann has waited 2 min — Where is my parcel?', tag: 'c1:unanswered' }]);
    assert.equal(queue.conversations.value.get('c1')?.unansweredAlerts, 2, 'the queue highlights it');
    deliver('conversation.unanswered', { conversation: { ...waiting, id: 'c4', team: { id: 'sales', name: 'Sales' } }, waitedMs: 125_000 });
    assert.equal(told.length, 1, 'not in Alice\'s queue: another team\'s');
  });
});
