// The one conformance suite on the SQLite store as the server runs it: in a worker thread, behind
// messages (sqlite-thread.ts). Same contract as in one thread, errors of the same classes; and
// what only the thread can get wrong: a close with writes still on their way, arguments that
// cannot cross threads.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createThreadedSqliteStore } from './sqlite-thread.ts';
import { storeConformance } from '../../test/support/store-conformance.ts';
import { defaultWidgetConfig } from '../site-defaults.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-store-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeConformance('SQLite in a worker thread', async (options) => createThreadedSqliteStore({ path: join(dir, `store-${n++}.db`), ...options }));

describe('the SQLite store in a worker thread', () => {
  it('answers every write called before close as it was: stored and said so, none reported lost', async () => {
    const path = join(dir, `close-${n++}.db`);
    const store = await createThreadedSqliteStore({ path });
    await store.migrate();
    const writes = [
      store.setMeta('before-close', 'kept'),
      store.createSite({ name: 'Called before close', allowedOrigins: [], widget: defaultWidgetConfig('Team'), secret: 's' }),
    ];
    const closed = store.close();
    const [meta, site] = await Promise.allSettled(writes);
    await closed;
    assert.equal(meta!.status, 'fulfilled');
    assert.equal(site!.status, 'fulfilled');
    const again = await createThreadedSqliteStore({ path });
    try {
      assert.equal(await again.getMeta('before-close'), 'kept');
      assert.deepEqual((await again.listSites()).map((s) => s.name), ['Called before close']);
    } finally {
      await again.close();
    }
  });

  it('reads back each write as soon as it is answered, though reads and writes take different connections', async () => {
    const store = await createThreadedSqliteStore({ path: join(dir, `reads-${n++}.db`) });
    try {
      await store.migrate();
      const site = await store.createSite({ name: 'Reads', allowedOrigins: [], widget: defaultWidgetConfig('Team'), secret: 's' });
      // Many at once, so most answers arrive while the next batch is already committing.
      await Promise.all(Array.from({ length: 40 }, async (_, i) => {
        const visitor = await store.createVisitor({ siteId: site.id, tokenHash: `token-${i}`, context: {} });
        assert.equal((await store.findVisitorByToken(site.id, `token-${i}`))?.id, visitor.id);
        const { value: conversation } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `c-${i}` });
        assert.equal((await store.getConversationRef(conversation.id))?.visitorId, visitor.id);
        for (let k = 0; k < 3; k++) {
          const { value: message } = await store.appendMessage({ conversationId: conversation.id, clientId: `m-${k}`, author: 'visitor', agentId: null, body: `#${k}`, internal: false });
          assert.equal((await store.findMessage(conversation.id, `m-${k}`))?.id, message.id);
          assert.equal((await store.getConversationRef(conversation.id))?.lastSeq, message.seq, 'the conversation as of that message');
        }
        await store.deleteVisitor(visitor.id);
        assert.equal(await store.findVisitorByToken(site.id, `token-${i}`), null, 'gone as soon as its deletion is answered');
      }));
    } finally {
      await store.close();
    }
    await assert.rejects(store.findVisitorByToken('s', 'h'), /closed/, 'reads end with the store');
  });

  it('refuses, by name, arguments that cannot cross threads, and holds nothing open for them', async () => {
    const store = await createThreadedSqliteStore({ path: join(dir, `clone-${n++}.db`) });
    await store.migrate();
    await assert.rejects(store.getMeta((() => 'a function') as unknown as string), /store\.getMeta: its arguments cannot be sent/);
    assert.equal(await store.getMeta('missing'), null, 'still answering');
    await store.close();
  });
});
