import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Conversation, Label, SavedView } from '../../protocol/protocol.ts';
import * as labels from './labels.ts';
import * as queue from './queue.ts';
import { activeView, viewActive, viewsLoaded } from './saved-views.ts';

const label = (id: string, name: string, siteId = 's1'): Label => ({ id, siteId, name, color: '#123456' });
const conversation = (id: string): Conversation => ({
  id, siteId: 's1', visitorId: `v-${id}`, status: 'waiting', assignee: null, visitor: { name: null, email: null }, createdAt: 1,
  firstResponseAt: null, resolvedAt: null, lastMessageAt: null, lastSeq: 0, preview: null, visitorReadSeq: 0, agentReadSeq: 0,
} as Conversation);

describe('labels state', () => {
  beforeEach(() => {
    labels.reset();
    queue.replaceAll([conversation('a'), conversation('b')]);
    queue.viewChanged('waiting');
    queue.queryChanged('');
  });

  it('shows a conversation\'s labels by name, and only those that still exist', () => {
    labels.labelsLoaded([label('l1', 'VIP'), label('l2', 'bug'), label('l3', 'Refund')]);
    labels.conversationLabelsChanged('a', ['l1', 'l2', 'l3']);
    assert.deepEqual(labels.labelsOf('a').map((l) => l.name), ['bug', 'Refund', 'VIP']);
    labels.siteLabelsChanged('s1', [label('l1', 'VIP'), label('l3', 'Refund')]);
    assert.deepEqual(labels.labelsOf('a').map((l) => l.name), ['Refund', 'VIP']);
  });

  it('filters the queue by a label, and stops filtering by one that is deleted', () => {
    labels.labelsLoaded([label('l1', 'VIP'), label('x', 'Other site', 's2')]);
    labels.conversationLabelsListed(['a', 'b'], { a: ['l1'] });
    labels.labelFilterChanged('l1');
    assert.deepEqual(queue.visible.value.map((c) => c.id), ['a']);
    labels.siteLabelsChanged('s1', []);
    assert.equal(labels.labelFilter.value, null);
    assert.deepEqual(queue.visible.value.map((c) => c.id).sort(), ['a', 'b']);
    assert.deepEqual([...labels.labels.value.keys()], ['x'], 'another site\'s labels are untouched');
  });

  it('takes a list answer as the whole truth for the conversations it lists', () => {
    labels.conversationLabelsChanged('a', ['l1']);
    labels.conversationLabelsChanged('c', ['l1']);
    labels.conversationLabelsListed(['a', 'b'], { b: ['l1'] });
    assert.deepEqual(labels.conversationLabels.value.get('a'), []);
    assert.deepEqual(labels.conversationLabels.value.get('b'), ['l1']);
    assert.deepEqual(labels.conversationLabels.value.get('c'), ['l1'], 'not listed: unchanged');
  });

  it('names the open saved view only while the queue shows exactly its filter', () => {
    const view: SavedView = { id: 'w1', name: 'Refunds', filter: { view: 'open', labelId: 'l1', q: 'refund' }, createdAt: 1 };
    viewsLoaded([view]);
    viewActive('w1');
    queue.viewChanged('open');
    labels.labelsLoaded([label('l1', 'Refund')]);
    labels.labelFilterChanged('l1');
    // As opening the view searches: within its tab.
    queue.queryChanged('refund ', 'open');
    assert.equal(activeView.value?.id, 'w1');
    queue.queryChanged('refunds', 'open');
    assert.equal(activeView.value, null);
    // The same words typed in the box look in every view: not what the view shows.
    queue.queryChanged('refund');
    assert.equal(activeView.value, null);
  });
});
