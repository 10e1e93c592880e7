import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Conversation, Team } from '../../protocol/protocol.ts';
import * as assignment from './assignment.ts';
import * as queue from './queue.ts';
import { signedIn } from './session.ts';

const conversation = (id: string, patch: Partial<Conversation> = {}): Conversation => ({
  id, siteId: 's1', visitorId: `v_${id}`, status: 'waiting', assignee: null, visitor: { name: null, email: null }, createdAt: 1000, firstResponseAt: null,
  resolvedAt: null, lastMessageAt: null, lastSeq: 1, preview: 'hi', visitorReadSeq: 0, agentReadSeq: 0,
  team: null, waitingSince: 1000, unansweredAlerts: 0, ...patch,
});
const team = (id: string, memberIds: string[], siteId = 's1'): Team => ({ id, siteId, name: id.toUpperCase(), memberIds, createdAt: 0 });

describe('the waiting queue and teams', () => {
  beforeEach(() => {
    signedIn({ user: { id: 'alice' } as any, csrfToken: 't', sites: [], status: 'online', cursor: '0' });
    assignment.teamsLoaded([team('billing', ['bob']), team('sales', ['alice', 'bob'])]);
    queue.replaceAll([]);
    queue.viewChanged('waiting');
    queue.searchLoaded(null);
  });

  it('shows a team\'s waiting conversations to its members only, and the rest to everyone', () => {
    queue.listLoaded([
      conversation('plain'),
      conversation('for-sales', { team: { id: 'sales', name: 'SALES' } }),
      conversation('for-billing', { team: { id: 'billing', name: 'BILLING' } }),
    ]);
    assert.deepEqual(queue.visible.value.map((c) => c.id).sort(), ['for-sales', 'plain']);
    assert.equal(queue.counts.value.waiting, 2);
    assert.equal(queue.counts.value.open, 3, 'all of them are still under Open');
    // An owner adds Alice to Billing: the `teams` event brings it into her queue at once.
    assignment.siteTeamsChanged('s1', [team('billing', ['alice', 'bob']), team('sales', ['alice', 'bob'])]);
    assert.equal(queue.counts.value.waiting, 3);
  });

  it('lists by how long each has waited this time, not by when it was started', () => {
    queue.listLoaded([conversation('reopened', { createdAt: 100, waitingSince: 9000 }), conversation('new', { createdAt: 5000, waitingSince: 5000 })]);
    assert.deepEqual(queue.visible.value.map((c) => c.id), ['new', 'reopened']);
  });

  it('keeps the teams of other sites when one site\'s teams change, and forgets them all at sign-out', () => {
    assignment.teamsLoaded([team('billing', ['bob']), team('north', ['alice'], 's2')]);
    assignment.siteTeamsChanged('s1', []);
    assert.deepEqual(assignment.teams.value.map((t) => t.id), ['north']);
    assert.deepEqual([...assignment.myTeamIds.value], ['north']);
    assignment.forgetAssignment();
    assert.deepEqual(assignment.teams.value, []);
  });
});
