import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryBus } from './memory-bus.ts';

const typing = { type: 'typing' as const, data: { conversationId: 'c', by: 'visitor' as const, typing: true, name: null } };

test('delivers to every subscriber of a topic, in publish order, and to nobody else', () => {
  const bus = createMemoryBus();
  const seen: string[] = [];
  bus.subscribe('a', () => seen.push('a1'));
  bus.subscribe('a', () => seen.push('a2'));
  bus.subscribe('b', () => seen.push('b'));
  bus.publish('a', typing);
  assert.deepEqual(seen, ['a1', 'a2']);
});

test('lets a handler unsubscribe itself while the others still receive the event', () => {
  const bus = createMemoryBus();
  const seen: string[] = [];
  const off = bus.subscribe('a', () => { seen.push('first'); off(); });
  bus.subscribe('a', () => seen.push('second'));
  bus.publish('a', typing);
  bus.publish('a', typing);
  assert.deepEqual(seen, ['first', 'second', 'second']);
});
