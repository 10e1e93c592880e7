import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOutbox, memoryStorage } from '../client/outbox.ts';
import { createApi, NetworkError } from './api.ts';

/** A fetch whose first `hangs` requests never get an answer (only their abort signal ends them). */
function hangingFetch(hangs: number) {
  const calls: string[] = [];
  const fetch = ((url: string, init: RequestInit) => {
    calls.push(url);
    if (calls.length > hangs) return Promise.resolve(new Response(JSON.stringify({ message: { id: 'm1' } }), { status: 201 }));
    return new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('api', () => {
  it('gives up on a request that never gets an answer and reports it as no answer', async () => {
    const { fetch } = hangingFetch(1);
    const api = createApi({ fetch, csrf: () => 'x', onUnauthenticated: () => {}, timeoutMs: 20 });
    await assert.rejects(api.send('c1', { clientId: 'a', body: 'hi' }), NetworkError);
  });

  it('lets the outbox retry a reply whose send hung, so the line does not stop behind it', async () => {
    const { fetch, calls } = hangingFetch(1);
    const api = createApi({ fetch, csrf: () => 'x', onUnauthenticated: () => {}, timeoutMs: 20 });
    const delivered: string[] = [];
    const outbox = createOutbox<{ body: string }>({
      name: 't', storage: memoryStorage(), deps: { setTimeout: (retry) => void retry(), random: () => 0.5 },
      send: async (item) => ({ status: 200, body: await api.send('c1', { clientId: item.id, body: item.payload.body }) }),
      onDelivered: (item) => delivered.push(item.id),
    });
    await outbox.add({ body: 'hi' }, 'a');
    await outbox.flush();
    assert.equal(calls.length, 2);
    assert.deepEqual(delivered, ['a']);
    assert.deepEqual(outbox.items.value, []);
  });
});
