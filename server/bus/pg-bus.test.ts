/**
 * The bus between processes on PostgreSQL (pg-bus.ts), on a real database: what one process
 * shares reaches another, and a message too large for NOTIFY — measured in bytes, which is what
 * PostgreSQL counts, not in UTF-16 units — is kept to its own process with a warning instead of
 * vanishing silently. Runs only with TEST_DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WireEvent } from '../../protocol/protocol.ts';
import type { Bus } from './bus.ts';
import { createPgBus } from './pg-bus.ts';

const url = process.env.TEST_DATABASE_URL;
if (url) pgBusTests(url);

function pgBusTests(url: string): void {
  describe('the PostgreSQL bus', () => {
    const warnings: Array<{ details: object; message: string }> = [];
    const log = { warn: (details: object, message: string) => void warnings.push({ details, message }) };
    const buses: Bus[] = [];
    // A topic of this run alone: other test files' buses share the database's channel.
    const topic = `site:pg-bus-test-${process.pid}-${Date.now()}`;
    let a: Bus;
    let b: Bus;
    before(async () => {
      buses.push((a = await createPgBus({ url, node: 'bus-test-a', log })));
      buses.push((b = await createPgBus({ url, node: 'bus-test-b', log })));
    });
    after(() => Promise.all(buses.map((bus) => bus.close())));

    const typing = (name: string): WireEvent => ({ type: 'typing', data: { conversationId: 'c1', by: 'agent', typing: true, name } });
    const nameOf = (event: WireEvent) => (event as Extract<WireEvent, { type: 'typing' }>).data.name;

    it('delivers what one process shares to another, multi-byte text under the limit included, and warns about what is too large', { timeout: 15_000 }, async () => {
      const received: Array<string | null> = [];
      let marked!: () => void;
      const marker = new Promise<void>((resolve) => (marked = resolve));
      const unsubscribe = await b.subscribe(topic, (event) => {
        received.push(nameOf(event));
        if (nameOf(event) === 'last') marked();
      });
      try {
        const near = '€'.repeat(2500); // 7,500 bytes: with its envelope, under 8,000
        const over = '€'.repeat(2700); // 8,100 bytes, though only 2,700 UTF-16 units
        a.share(topic, typing(near));
        a.share(topic, typing(over));
        a.share(topic, typing('last'));
        await marker; // notifications arrive in the order they were sent
        assert.deepEqual(received, [near, 'last'], 'the near-limit message arrived whole; the one too large did not');
        const warned = warnings.filter((w) => /too large/.test(w.message));
        assert.equal(warned.length, 1, 'the message too large is told to the operator');
        assert.ok((warned[0].details as { bytes: number }).bytes > 8000, 'with its size in bytes');
      } finally {
        unsubscribe();
      }
    });
  });
}
