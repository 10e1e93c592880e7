/**
 * The batched point reads of the PostgreSQL store (pg-batched-read.ts), on a real database:
 * lookups made in the same turn travel as one statement and each gets its own row (or nothing);
 * more keys than a statement takes go in a second one; a value the database refuses fails only its
 * own lookup; a database that cannot be reached fails every lookup of the batch as unavailable. Runs only with TEST_DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { before, describe, it } from 'node:test';
import { Client } from 'pg';
import { pgSchemas } from '../../test/support/pg-schemas.ts';
import { batchedRead } from './pg-batched-read.ts';
import { openPgDb, type PgDb } from './pg-db.ts';
import { StoreUnavailableError } from './store.ts';

const url = process.env.TEST_DATABASE_URL;
if (url) batchedReadTests(url);

function batchedReadTests(url: string): void {
  const pg = pgSchemas(url);
  const admin = pg.closeAfter(new Client({ connectionString: url }));
  before(() => admin.connect());

  /** A schema with a table of `count` rows, keys k0…, and a read of it that records each statement's keys. */
  async function table(count: number) {
    const schema = pg.fresh();
    await admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.things (key TEXT PRIMARY KEY, value INT NOT NULL);
      INSERT INTO ${schema}.things SELECT 'k' || i, i * 10 FROM generate_series(0, ${count - 1}) AS i`);
    const db = pg.closeAfter(openPgDb({ url, schema }));
    const statements: unknown[][] = [];
    const counted: Pick<PgDb, 'all'> = { all: (text, ...params) => { statements.push(params); return db.all(text, ...params); } };
    const read = batchedRead(counted, (list) => `SELECT key, value FROM things WHERE key IN (${list})`, 'key');
    return { schema, db, read, statements };
  }

  describe('PostgreSQL batched reads', () => {
    it('answers lookups made together with one statement, each with its own row or nothing', async () => {
      const { read, statements } = await table(5);
      const found = await Promise.all(['k3', 'k1', 'k3', 'nobody', 'k0'].map(read));
      assert.deepEqual(found.map((row) => row?.value), [30, 10, 30, undefined, 0]);
      assert.equal(statements.length, 1, 'one statement for the five lookups');
      assert.deepEqual(new Set(statements[0]), new Set(['k3', 'k1', 'nobody', 'k0']), 'each key asked for once');
    });

    it('reads what committed before it, every time (nothing is remembered)', async () => {
      const { schema, read, statements } = await table(1);
      assert.equal((await read('k0'))?.value, 0);
      await admin.query(`UPDATE ${schema}.things SET value = 7 WHERE key = 'k0'`);
      assert.equal((await read('k0'))?.value, 7);
      await admin.query(`DELETE FROM ${schema}.things`);
      assert.equal(await read('k0'), undefined);
      assert.equal(statements.length, 3, 'lookups one after another are a statement each');
    });

    it('puts 300 lookups made together in two statements, each answered', async () => {
      const { read, statements } = await table(300);
      const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
      const found = await Promise.all(keys.map(read));
      assert.deepEqual(found.map((row) => row?.value), keys.map((_, i) => i * 10));
      assert.equal(statements.length, 2);
    });

    it('fails only the lookup whose key the database refuses, and answers the others of its batch', async () => {
      const { db } = await table(3);
      // Not a number: PostgreSQL refuses the whole statement (22P02), which must not fail the others.
      const byValue = batchedRead(db, (list) => `SELECT key, value FROM things WHERE value IN (${list})`, 'value');
      const outcomes = await Promise.allSettled(['10', 'not a number', '20', '99'].map(byValue));
      assert.deepEqual(outcomes.map((o) => (o.status === 'fulfilled' ? o.value?.key ?? null : (o.reason as { code?: string }).code)), ['k1', '22P02', 'k2', null]);
    });

    it('fails every lookup of the batch as unavailable when the database cannot be reached', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      await new Promise((resolve) => server.close(resolve));
      const db = pg.closeAfter(openPgDb({ url: `postgres://postgres@127.0.0.1:${port}/postgres` }));
      const read = batchedRead(db, (list) => `SELECT key FROM things WHERE key IN (${list})`, 'key');
      const outcomes = await Promise.allSettled(['a', 'b', 'c'].map(read));
      for (const outcome of outcomes) {
        assert.ok(outcome.status === 'rejected' && outcome.reason instanceof StoreUnavailableError && outcome.reason.reason === 'unavailable',
          `failed as unavailable, not with ${outcome.status === 'rejected' ? outcome.reason : 'a row'}`);
      }
    });
  });
}
