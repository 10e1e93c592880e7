import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { HeldEmail } from '../../protocol/protocol.ts';
import { heldArrived, heldCount, heldEmails, heldLoaded, heldReleased, heldReset } from './held-state.ts';

const held = (id: string, receivedAt: number): HeldEmail => ({
  id, siteId: 's1', conversationId: `c_${id}`, from: 'mallory@evil.test', fromName: null, subject: 'Re', text: 'hi',
  reason: 'unknown-sender', receivedAt,
});

describe('held email state', () => {
  beforeEach(() => heldReset());

  it('keeps the newest first, counts each held email once whether it came by load or by event, and drops it when released', () => {
    heldLoaded([{ ...held('a', 1000), conversation: null }]);
    heldArrived(held('b', 3000), null);
    heldArrived(held('a', 1000), null); // the event of an email the load already had
    heldArrived(held('c', 2000), null);
    assert.deepEqual(heldEmails.value.map((h) => h.id), ['b', 'c', 'a']);
    assert.equal(heldCount.value, 3);
    heldReleased('c');
    heldReleased('unknown');
    assert.deepEqual(heldEmails.value.map((h) => h.id), ['b', 'a']);
    assert.equal(heldCount.value, 2);
  });
});
