// The one conformance suite on the SQLite store as the server runs it: in a worker thread, behind
// messages (sqlite-thread.ts). Same contract as in one thread, errors of the same classes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createThreadedSqliteStore } from './sqlite-thread.ts';
import { storeConformance } from '../../test/support/store-conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-store-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeConformance('SQLite in a worker thread', async (options) => createThreadedSqliteStore({ path: join(dir, `store-${n++}.db`), ...options }));
