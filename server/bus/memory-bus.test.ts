import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControlMessage } from './bus.ts';
import { createMemoryBus } from './memory-bus.ts';

const typing = { type: 'typing' as const, data: { conversationId: 'c', by: 'visitor' as const, typing: true, name: null } };

test('delivers to every subscriber of a topic, in publish order, and to nobody else', async () => {
  const bus = createMemoryBus();
  const seen: string[] = [];
  await bus.subscribe('a', () => seen.push('a1'));
  await bus.subscribe('a', () => seen.push('a2'));
  await bus.subscribe('b', () => seen.push('b'));
  bus.publish('a', typing);
  bus.share('a', typing);
  assert.deepEqual(seen, ['a1', 'a2', 'a1', 'a2']);
});

test('lets a handler unsubscribe itself while the others still receive the event', async () => {
  const bus = createMemoryBus();
  const seen: string[] = [];
  const off = await bus.subscribe('a', () => { seen.push('first'); off(); });
  await bus.subscribe('a', () => seen.push('second'));
  bus.publish('a', typing);
  bus.publish('a', typing);
  assert.deepEqual(seen, ['first', 'second', 'second']);
});

test('broadcasts control messages to this process\'s listeners until they stop listening', () => {
  const bus = createMemoryBus();
  const seen: ControlMessage[] = [];
  const stop = bus.onBroadcast((message) => seen.push(message));
  bus.broadcast({ kind: 'resync' });
  stop();
  bus.broadcast({ kind: 'resync' });
  assert.deepEqual(seen, [{ kind: 'resync' }]);
});
