import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createSqliteStore } from './sqlite-store.ts';
import { storeConformance } from '../../test/support/store-conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeConformance('SQLite', async (options) => createSqliteStore({ path: join(dir, `store-${n++}.db`), ...options }));
