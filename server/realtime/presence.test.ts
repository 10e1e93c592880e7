import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { User, WireEvent } from '../../protocol/protocol.ts';
import { createMemoryBus } from '../bus/memory-bus.ts';
import { createManualClock } from '../clock.ts';
import { createPresence } from './presence.ts';

const alice: User = { id: 'u1', email: 'a@x', name: 'Alice', role: 'agent', avatarUrl: null, disabled: false, siteIds: ['s1'], createdAt: 0 };

function setup() {
  const clock = createManualClock();
  const bus = createMemoryBus();
  const availability: boolean[] = [];
  const visitorPresence: boolean[] = [];
  bus.subscribe('visitors:s1', (e: WireEvent) => { if (e.type === 'availability') availability.push(e.data.online); });
  bus.subscribe('site:s1', (e: WireEvent) => { if (e.type === 'visitor.presence') visitorPresence.push(e.data.online); });
  return { clock, presence: createPresence(bus, clock, 30_000), availability, visitorPresence };
}

test('a site is online while an online agent has the dashboard open, and visitors are told when that changes', () => {
  const { clock, presence, availability } = setup();
  assert.equal(presence.siteOnline('s1'), false);
  presence.agentConnected(alice, 'online');
  assert.deepEqual(availability, [true]);
  presence.setStatus(alice.id, 'away');
  assert.deepEqual(availability, [true, false]);
  presence.setStatus(alice.id, 'online');
  presence.agentDisconnected(alice.id);
  clock.advance(29_999);
  assert.equal(presence.siteOnline('s1'), true, 'still online within the grace period');
  clock.advance(1);
  assert.equal(presence.siteOnline('s1'), false);
  assert.deepEqual(availability, [true, false, true, false]);
});

test('an agent who reconnects within the grace period never looks offline', () => {
  const { clock, presence, availability } = setup();
  presence.agentConnected(alice, 'online');
  presence.agentDisconnected(alice.id);
  clock.advance(5_000);
  presence.agentConnected(alice, 'online');
  clock.advance(60_000);
  assert.deepEqual(availability, [true]);
  assert.equal(presence.siteOnline('s1'), true);
});

test('a visitor moving between pages stays online; leaving for good goes offline after the grace period', () => {
  const { clock, presence, visitorPresence } = setup();
  presence.visitorConnected('v1', 's1');
  presence.visitorDisconnected('v1');
  clock.advance(1_000);
  presence.visitorConnected('v1', 's1');
  assert.deepEqual(visitorPresence, [true]);
  presence.visitorDisconnected('v1');
  clock.advance(30_000);
  assert.deepEqual(visitorPresence, [true, false]);
  assert.equal(presence.visitorOnline('v1'), false);
});
