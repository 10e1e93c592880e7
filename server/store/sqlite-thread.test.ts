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

  it('refuses, by name, arguments that cannot cross threads, and holds nothing open for them', async () => {
    const store = await createThreadedSqliteStore({ path: join(dir, `clone-${n++}.db`) });
    await store.migrate();
    await assert.rejects(store.getMeta((() => 'a function') as unknown as string), /store\.getMeta: its arguments cannot be sent/);
    assert.equal(await store.getMeta('missing'), null, 'still answering');
    await store.close();
  });
});
