import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { User, WireEvent } from '../../protocol/protocol.ts';
import type { ControlMessage } from '../bus/bus.ts';
import { createMemoryBus } from '../bus/memory-bus.ts';
import { createManualClock } from '../../test/support/manual-clock.ts';
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

/** Buses of several processes: events stay in their process, broadcasts reach them all. */
function linkedBuses(n: number) {
  const buses = Array.from({ length: n }, () => createMemoryBus());
  return buses.map((own) => ({
    ...own,
    publish: own.publish, share: own.share, subscribe: own.subscribe, onBroadcast: own.onBroadcast, close: own.close,
    broadcast: (message: ControlMessage) => { for (const bus of buses) bus.broadcast(message); },
  }));
}

function cluster() {
  const clock = createManualClock();
  const [busA, busB] = linkedBuses(2);
  const a = createPresence(busA!, clock, 30_000, 'a');
  const b = createPresence(busB!, clock, 30_000, 'b');
  const availabilityAtB: boolean[] = [];
  const visitorsAtA: boolean[] = [];
  void busB!.subscribe('visitors:s1', (e: WireEvent) => { if (e.type === 'availability') availabilityAtB.push(e.data.online); });
  void busA!.subscribe('site:s1', (e: WireEvent) => { if (e.type === 'visitor.presence') visitorsAtA.push(e.data.online); });
  return { clock, a, b, availabilityAtB, visitorsAtA };
}

test('an agent online on one process makes the site online for visitors on another, told once', () => {
  const { a, b, availabilityAtB } = cluster();
  a.agentConnected(alice, 'online');
  assert.equal(b.siteOnline('s1'), true);
  assert.deepEqual(availabilityAtB, [true]);
  a.setStatus(alice.id, 'away');
  assert.equal(b.siteOnline('s1'), false);
  assert.deepEqual(availabilityAtB, [true, false]);
});

test('an agent whose process died goes offline everywhere within the grace period', () => {
  const { clock, a, b, availabilityAtB } = cluster();
  a.agentConnected(alice, 'online');
  clock.advance(10_000);
  a.close(); // killed: no goodbye, no more refreshes
  clock.advance(1_000);
  assert.equal(b.siteOnline('s1'), true, 'not at once: a process may just be slow');
  clock.advance(29_000);
  assert.equal(b.siteOnline('s1'), false);
  assert.deepEqual(availabilityAtB, [true, false]);
  b.close();
});

test('keeps a live process\'s agent online past the grace period, refreshed', () => {
  const { clock, a, b } = cluster();
  a.agentConnected(alice, 'online');
  clock.advance(120_000);
  assert.equal(b.siteOnline('s1'), true);
  a.close();
  b.close();
});

test('tells agents on one process that a visitor on another came and left, and forgets a signed-out agent everywhere at once', () => {
  const { clock, a, b, visitorsAtA, availabilityAtB } = cluster();
  b.visitorConnected('v1', 's1');
  assert.equal(a.visitorOnline('v1'), true);
  b.visitorDisconnected('v1');
  clock.advance(30_000);
  assert.equal(a.visitorOnline('v1'), false);
  assert.deepEqual(visitorsAtA, [true, false]);
  a.agentConnected(alice, 'online');
  b.agentConnected(alice, 'online');
  a.agentGone(alice.id);
  assert.equal(b.siteOnline('s1'), false, 'gone on every process, not after a grace period');
  assert.deepEqual(availabilityAtB, [true, false]);
  a.close();
  b.close();
});
