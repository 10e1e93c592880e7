import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createManualClock } from '../test/support/manual-clock.ts';
import { settle } from '../test/support/settle.ts';
import { createOutbox, idbStorage, memoryStorage, type OutboxStorage, type SendResult } from './outbox.ts';

type Payload = { body: string };

function setup(answers: Array<SendResult | 'drop'>, storage: OutboxStorage<Payload> = memoryStorage()) {
  const clock = createManualClock();
  const sent: string[] = [];
  const delivered: string[] = [];
  const outbox = createOutbox<Payload>({
    name: 'test',
    storage,
    send: async (item) => {
      sent.push(item.payload.body);
      const answer = answers.shift() ?? { status: 200 };
      if (answer === 'drop') throw new TypeError('Failed to fetch');
      return answer;
    },
    onDelivered: (item) => delivered.push(item.payload.body),
    deps: { setTimeout: clock.setTimeout, random: () => 0.5, now: clock.now },
  });
  return { clock, outbox, sent, delivered, storage };
}

describe('outbox', () => {
  it('saves an item before the first send attempt', async () => {
    const storage = memoryStorage<Payload>();
    let savedBeforeSend = false;
    const outbox = createOutbox<Payload>({
      name: 't', storage,
      send: async (item) => {
        savedBeforeSend = (await storage.load()).some((saved) => saved.id === item.id);
        return { status: 200 };
      },
    });
    await outbox.add({ body: 'a' }, 'id-a');
    await outbox.flush();
    assert.equal(savedBeforeSend, true);
    assert.deepEqual(outbox.items.value, []);
  });

  it('delivers in order, one at a time, retrying the head item until the server answers', async () => {
    const { clock, outbox, sent, delivered } = setup(['drop', { status: 503 }, { status: 200 }, { status: 200 }, { status: 200 }]);
    await outbox.add({ body: 'one' }, 'a');
    await outbox.add({ body: 'two' }, 'b');
    await outbox.add({ body: 'three' }, 'c');
    await settle();
    assert.deepEqual(sent, ['one']);
    assert.equal(outbox.items.value.length, 3);
    await clock.advanceAsync(60_000);
    assert.deepEqual(sent, ['one', 'one', 'one', 'two', 'three']);
    assert.deepEqual(delivered, ['one', 'two', 'three']);
    assert.deepEqual(outbox.items.value, []);
  });

  it('keeps an item the server refused with a 4xx as failed and moves on; retry puts it back in line', async () => {
    const { outbox, delivered } = setup([{ status: 400 }, { status: 200 }, { status: 200 }]);
    await outbox.add({ body: 'bad' }, 'a');
    await outbox.add({ body: 'good' }, 'b');
    await outbox.flush();
    assert.deepEqual(outbox.items.value.map((i) => [i.id, i.state]), [['a', 'failed']]);
    assert.deepEqual(delivered, ['good']);
    await outbox.retry('a');
    await outbox.flush();
    assert.deepEqual(delivered, ['good', 'bad']);
  });

  it('treats 408 and 429 as retryable, not failed', async () => {
    const { clock, outbox, delivered } = setup([{ status: 429 }, { status: 408 }, { status: 201 }]);
    await outbox.add({ body: 'x' }, 'a');
    await clock.advanceAsync(60_000);
    assert.deepEqual(delivered, ['x']);
  });

  it('keeps pending items across a reload and sends them from the new instance', async () => {
    const storage = memoryStorage<Payload>();
    const first = setup(['drop'], storage);
    await first.outbox.add({ body: 'typed offline' }, 'a');
    await settle();
    const second = setup([], storage);
    await second.outbox.ready;
    assert.deepEqual(second.outbox.items.value.map((i) => i.id), ['a']);
    await second.outbox.flush();
    assert.deepEqual(second.delivered, ['typed offline']);
  });

  it('does not flush in a tab that may not', async () => {
    const storage = memoryStorage<Payload>();
    const sent: string[] = [];
    const outbox = createOutbox<Payload>({ name: 't', storage, canFlush: () => false, send: async (i) => (sent.push(i.id), { status: 200 }) });
    await outbox.add({ body: 'x' }, 'a');
    await outbox.flush();
    assert.deepEqual(sent, []);
    assert.equal(outbox.items.value.length, 1);
  });

  it('wake ends the backoff wait at once', async () => {
    const { outbox, sent } = setup(['drop', { status: 200 }]);
    await outbox.add({ body: 'x' }, 'a');
    await settle();
    outbox.wake();
    await settle();
    assert.deepEqual(sent, ['x', 'x']);
  });

  it('sends nothing more once stopped, even from a backoff wait, and keeps the items saved', async () => {
    const { clock, outbox, sent, storage } = setup(['drop', { status: 200 }]);
    await outbox.add({ body: 'x' }, 'a');
    await settle();
    assert.deepEqual(sent, ['x']);
    outbox.stop();
    await clock.advanceAsync(60_000);
    await outbox.flush();
    await outbox.add({ body: 'y' }, 'b');
    await clock.advanceAsync(60_000);
    assert.deepEqual(sent, ['x']);
    assert.deepEqual((await storage.load()).map((i) => i.id).sort(), ['a', 'b']);
  });

  it('works in memory, silently, where IndexedDB does not exist', async () => {
    const storage = idbStorage<Payload>('no-indexeddb-here');
    await storage.put({ id: 'a', payload: { body: 'x' }, state: 'pending', order: 1, createdAt: 1 });
    assert.deepEqual((await storage.load()).map((i) => i.id), ['a']);
    await storage.remove('a');
    assert.deepEqual(await storage.load(), []);
  });
});
