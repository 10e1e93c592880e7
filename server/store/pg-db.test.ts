/**
 * The PostgreSQL pool under a connection lost at an awkward moment: between two statements of a
 * transaction, when node-postgres reports the loss as an 'error' event on the client rather than
 * as the failure of a statement. Runs only with TEST_DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from 'pg';
import { pgSchemas } from '../../test/support/pg-schemas.ts';
import { waitFor } from '../../test/wait-for.ts';
import { openPgDb } from './pg-db.ts';
import { StoreUnavailableError } from './store.ts';

const url = process.env.TEST_DATABASE_URL;
if (url) pgDbTests(url);

function pgDbTests(url: string): void {
  const pg = pgSchemas(url);

  describe('PostgreSQL pool', () => {
    it('answers unavailable, and keeps the process alive, when a transaction\'s connection is lost between two statements', async () => {
      const db = pg.closeAfter(openPgDb({ url, schema: pg.fresh() }));
      const admin = pg.closeAfter(new Client({ connectionString: url }));
      await admin.connect();
      await assert.rejects(db.tx(async (t) => {
        const pid = Number((await t.one('SELECT pg_backend_pid() AS pid'))!.pid);
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        // While this transaction waits here, its client reads the server's goodbye with no
        // statement of its own running.
        await waitFor(async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0,
          { message: 'the terminated backend to be gone' });
        await t.one('SELECT 1');
      }), (error: Error) => error instanceof StoreUnavailableError && error.reason === 'unavailable');
      assert.equal((await db.one('SELECT 1 AS one'))?.one, 1, 'the next statement gets a new connection');
    });
  });
}
