/**
 * The file storage conformance suite against both backends: files on disk (always) and chunks in
 * PostgreSQL (with TEST_DATABASE_URL; each store a fresh schema, dropped afterwards).
 */
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { fileStorageConformance } from '../../test/support/file-storage-conformance.ts';
import { createPgFiles } from '../store/pg-files.ts';
import { createPgStore } from '../store/pg-store.ts';
import type { Store } from '../store/store.ts';
import { createDiskFiles } from './disk-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
fileStorageConformance('disk', async () => createDiskFiles(join(dir, `files-${n++}`)));

const url = process.env.TEST_DATABASE_URL;
if (url) {
  const schemas: string[] = [];
  const stores: Store[] = [];
  after(async () => {
    await Promise.allSettled(stores.map((store) => store.close()));
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await admin.end();
    }
  });
  fileStorageConformance('PostgreSQL', async () => {
    const schema = `parley_test_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    // The store's migrations make the tables the file storage writes to.
    const store = createPgStore({ url, schema });
    stores.push(store);
    await store.migrate();
    return createPgFiles({ url, schema });
  });
}
