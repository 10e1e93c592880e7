import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Conversation, Message, Visitor } from '../../protocol/protocol.ts';
import { planDeliveries, webhookEventsOf, type LogRow } from './webhook-fan-out.ts';

const conversation = (patch: Partial<Conversation> = {}): Conversation => ({
  id: 'c_1', siteId: 's_1', visitorId: 'v_1', status: 'waiting', assignee: null, visitor: { name: null, email: null }, createdAt: 1,
  firstResponseAt: null, resolvedAt: null, lastMessageAt: null, lastSeq: 0, preview: null, visitorReadSeq: 0, agentReadSeq: 0,
  team: null, waitingSince: 1, unansweredAlerts: 0, ...patch,
});
const ann = { id: 'u_ann', name: 'Ann', avatarUrl: null };
const message = (patch: Partial<Message>): Message => ({
  id: 'm_1', conversationId: 'c_1', seq: 1, clientId: null, author: 'system', agent: null, body: '', internal: false, system: null, createdAt: 1, ...patch,
});
const row = (type: string, data: unknown, patch: Partial<LogRow> = {}): LogRow =>
  ({ seq: 10, type, data, siteId: 's_1', visitorId: 'v_1', conversationId: 'c_1', createdAt: 5, ...patch });
const updated = (after: Conversation) => row('conversation.updated', { conversation: after });
const typesOf = (r: LogRow, context = {}) => webhookEventsOf(r, context).map((e) => e.type);

describe('what the event log means to webhooks', () => {
  it('reads a transition as the difference from the conversation as last logged', () => {
    const waiting = conversation();
    const taken = conversation({ status: 'assigned', assignee: ann });
    assert.deepEqual(typesOf(updated(taken), { previous: waiting }), ['conversation.assigned']);
    assert.deepEqual(typesOf(updated(conversation({ status: 'resolved', assignee: ann })), { previous: taken }), ['conversation.resolved']);
    assert.deepEqual(typesOf(updated(taken), { previous: conversation({ status: 'resolved', assignee: ann }) }), ['conversation.reopened']);
    assert.deepEqual(typesOf(updated(conversation({ status: 'assigned', assignee: ann })), { previous: conversation({ status: 'resolved', assignee: { ...ann, id: 'u_bob' } }) }),
      ['conversation.reopened', 'conversation.assigned'], 'a resolved conversation transferred to someone: both, in that order');
    assert.deepEqual(typesOf(updated(conversation({ team: { id: 't_1', name: 'Billing' } })), { previous: taken }), ['conversation.assigned'], 'passed to a team');
    assert.deepEqual(typesOf(updated(conversation()), { previous: conversation({ team: { id: 't_1', name: 'Billing' } }) }), [], 'its team deleted: nobody has it, nothing to say');
  });

  it('falls back on the event logged just before when the log no longer holds the previous state', () => {
    const after = conversation({ status: 'assigned', assignee: ann });
    const system = (kind: 'joined' | 'transferred' | 'resolved' | 'reopened') => ({ type: 'message', data: { message: message({ system: { kind, agentName: 'Ann' } }) } });
    assert.deepEqual(typesOf(updated(after), { previous: null, preceding: system('joined') }), ['conversation.assigned']);
    assert.deepEqual(typesOf(updated(after), { previous: null, preceding: system('transferred') }), ['conversation.assigned']);
    assert.deepEqual(typesOf(updated(conversation({ status: 'resolved' })), { previous: null, preceding: system('resolved') }), ['conversation.resolved']);
    assert.deepEqual(typesOf(updated(after), { previous: null, preceding: system('reopened') }), ['conversation.reopened']);
    assert.deepEqual(typesOf(updated(after), { previous: null, preceding: { type: 'message', data: { message: message({ author: 'visitor', body: 'hi' }) } } }),
      ['conversation.reopened'], 'the visitor wrote to a resolved conversation');
    assert.deepEqual(typesOf(updated(after), { previous: null, preceding: { type: 'message', data: { message: message({ author: 'visitor', conversationId: 'c_other' }) } } }),
      [], 'another conversation\'s message says nothing about this one');
    assert.deepEqual(typesOf(updated(after), { previous: null, preceding: null }), []);
  });

  it('sends messages by author, never internal notes or system messages, and identifies visitors only when their identity changed', () => {
    assert.deepEqual(typesOf(row('message', { message: message({ author: 'visitor', body: 'hi' }) })), ['message.visitor']);
    assert.deepEqual(typesOf(row('message', { message: message({ author: 'agent', agent: ann, body: 'hello' }) })), ['message.agent']);
    assert.deepEqual(typesOf(row('message', { message: message({ author: 'agent', agent: ann, internal: true }) })), []);
    assert.deepEqual(typesOf(row('message', { message: message({ system: { kind: 'joined', agentName: 'Ann' } }) })), []);
    const visitor = { id: 'v_1', name: null, email: 'vera@example.com', externalId: null, createdAt: 1 } as Visitor;
    const identified = row('visitor.updated', { visitor }, { conversationId: null });
    assert.deepEqual(typesOf(identified, { previousVisitor: null }), ['visitor.identified']);
    assert.deepEqual(typesOf(identified, { previousVisitor: { ...visitor } }), [], 'the same identity again (a page change)');
    assert.deepEqual(typesOf(identified, { previousVisitor: 'unknown' }), [], 'unknown before: never a guess');
    assert.deepEqual(typesOf(row('rating.submitted', { conversationId: 'c_1', rating: { score: 5 } })), ['rating.submitted']);
    assert.deepEqual(typesOf(row('labels', {})), []);
  });

  it('plans one delivery per subscribed endpoint of the site, from each endpoint\'s start, with one event id for all of them', () => {
    const base = { siteId: 's_1', events: ['message.visitor'], sinceEpoch: 'ep', sinceSeq: 5 };
    const planned = planDeliveries({
      rows: [{ row: row('message', { message: message({ author: 'visitor', body: 'hi' }) }), context: {} }],
      endpoints: [
        { ...base, id: 'e_1' }, { ...base, id: 'e_2' }, { ...base, id: 'e_late', sinceSeq: 10 }, { ...base, id: 'e_moved', sinceEpoch: 'old', sinceSeq: 99 },
        { ...base, id: 'e_other_site', siteId: 's_2' }, { ...base, id: 'e_agents', events: ['message.agent'] },
      ],
      epoch: 'ep', now: 1000, retryForMs: 60_000,
    });
    assert.deepEqual(planned.map((d) => d.endpointId), ['e_1', 'e_2', 'e_moved'], 'not before its start (of this log), not another site\'s, not unsubscribed');
    assert.deepEqual([...new Set(planned.map((d) => d.eventId))], ['evt_ep_10']);
    assert.equal(new Set(planned.map((d) => d.id)).size, 3);
    const body = JSON.parse(planned[0]!.body);
    assert.deepEqual([body.deliveryId, body.eventId, body.type, body.siteId, body.createdAt], [planned[0]!.id, 'evt_ep_10', 'message.visitor', 's_1', 5]);
    assert.deepEqual([planned[0]!.orderKey, planned[0]!.conversationId, planned[0]!.visitorId, planned[0]!.deadlineAt], ['c_1', 'c_1', null, 61_000]);
  });
});
