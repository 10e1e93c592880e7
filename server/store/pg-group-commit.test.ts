/**
 * Group commit on PostgreSQL (pg-group-commit.ts), on a real database: writes submitted together
 * commit in one transaction, each answered with its own events; one write's failure leaves the
 * others, which land together; two processes locking the same rows in opposite orders do not
 * deadlock; and a batch that fails at its commit (the log held too long, the connection lost)
 * fails without running its writes twice. Each write here bumps
 * a counter row (its key), as a send bumps its conversation's last_seq. Runs only with TEST_DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Client } from 'pg';
import { pgSchemas } from '../../test/support/pg-schemas.ts';
import { waitFor } from '../../test/wait-for.ts';
import { openPgDb, type PgDb, type Tx } from './pg-db.ts';
import { createGroupCommit } from './pg-group-commit.ts';
import { createPgStore } from './pg-store.ts';
import { StoreUnavailableError, type LoggedEvent } from './store.ts';

const url = process.env.TEST_DATABASE_URL;
if (url) groupCommitTests(url);

/**
 * fail: the write throws after its update; divide: its second statement fails in the database.
 * gate: its update, once it holds the row, waits for advisory lock GATE.
 */
interface Bump { key: string; fail?: boolean; divide?: boolean; gate?: boolean }
const GATE = 4242;

function groupCommitTests(url: string): void {
  const pg = pgSchemas(url);
  const admin = pg.closeAfter(new Client({ connectionString: url }));
  before(() => admin.connect());

  /** A schema with the store's tables (the log) and the counter rows a, b, c. */
  async function freshSchema(): Promise<string> {
    const schema = pg.fresh();
    const store = createPgStore({ url, schema });
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    await admin.query(`CREATE TABLE ${schema}.counters (key TEXT PRIMARY KEY, n INT NOT NULL DEFAULT 0);
      INSERT INTO ${schema}.counters (key) VALUES ('a'), ('b'), ('c')`);
    return schema;
  }

  /** A process's group commit of bumps, counting transactions and the writes it ran. */
  function bumper(db: PgDb, onWrite: (t: Tx, bump: Bump) => Promise<void> = async () => {}) {
    const counted = { transactions: 0, writes: 0 };
    const spied: PgDb = { ...db, tx: (fn, kind) => { counted.transactions++; return db.tx(fn, kind); } };
    const submit = createGroupCommit(spied, {
      key: (bump: Bump) => bump.key,
      async write(t, bump) {
        counted.writes++;
        const { rows: [row] } = bump.gate
          ? await t.run(`WITH bumped AS (UPDATE counters SET n = n + 1 WHERE key = $1 RETURNING n)
              SELECT n, pg_advisory_xact_lock(${GATE}) IS NULL AS gated FROM bumped`, bump.key)
          : await t.run('UPDATE counters SET n = n + 1 WHERE key = $1 RETURNING n', bump.key);
        await onWrite(t, bump);
        if (bump.fail) throw new Error(`bump of ${bump.key} refused`);
        // A second statement, as a send has several: the other writes' are pipelined beside it.
        // The failing one from deeper down (as a send's statements sit in helpers): its rejection
        // then reaches the batch after the "transaction aborted" ones of the writes behind it.
        const deep = async (levels: number): Promise<unknown> => (levels === 0 ? t.one('SELECT 1 / 0') : await deep(levels - 1));
        if (bump.divide) await deep(5);
        else for (let i = 0; i < 3; i++) await t.one('SELECT n FROM counters WHERE key = $1', bump.key);
        const n = Number(row!.n);
        // Not an event type of the protocol: these tests' own, which nothing but them reads.
        const event = { type: 'bumped', data: { key: bump.key, n }, siteId: 's', visitorId: null, audience: 'agents' } as unknown as Omit<LoggedEvent, 'id'>;
        return { n, events: [event] };
      },
    });
    return { submit, counted };
  }
  const counters = async (schema: string) =>
    Object.fromEntries((await admin.query(`SELECT key, n FROM ${schema}.counters ORDER BY key`)).rows.map((r) => [r.key, r.n]));
  const loggedKeys = async (schema: string) =>
    (await admin.query(`SELECT data->>'key' AS key, (data->>'n')::int AS n FROM ${schema}.events WHERE type = 'bumped' ORDER BY id`)).rows;
  /** Another connection locks what `lock` selects, in a transaction held open until release(). */
  async function holding(lock: string): Promise<{ release(): Promise<unknown> }> {
    const holder = pg.closeAfter(new Client({ connectionString: url }));
    await holder.connect();
    await holder.query(`BEGIN; ${lock}`);
    return { release: () => holder.query('ROLLBACK') };
  }
  /** Each outcome failed as the store's StoreUnavailableError for `reason`. */
  function assertUnavailable(outcomes: Array<PromiseSettledResult<unknown>>, reason: StoreUnavailableError['reason']): void {
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      const error = (outcome as PromiseRejectedResult).reason;
      assert.ok(error instanceof StoreUnavailableError && error.reason === reason, `${reason}, not ${error}`);
    }
  }

  describe('PostgreSQL group commit', () => {
    it('commits writes submitted together in one transaction, each answered with its own events, in order per key', async () => {
      const schema = await freshSchema();
      const db = pg.closeAfter(openPgDb({ url, schema }));
      const { submit, counted } = bumper(db);
      const keys = ['b', 'a', 'b', 'c', 'a', 'b'];
      const results = await Promise.all(keys.map((key) => submit({ key })));
      assert.equal(counted.transactions, 1, 'one transaction for the six writes');
      // Each key's writes ran in the order submitted: b got 1, 2, 3.
      assert.deepEqual(results.map((r) => r.n), [1, 1, 2, 1, 2, 3]);
      results.forEach((r, i) => {
        assert.equal(r.events.length, 1);
        assert.deepEqual(r.events[0]!.data, { key: keys[i], n: r.n }, 'each write gets back its own event');
      });
      assert.deepEqual(await counters(schema), { a: 2, b: 3, c: 1 });
      assert.equal((await loggedKeys(schema)).length, 6, 'every event is in the log');
    });

    it('lets the other writes of a batch land when one fails, and leaves nothing of the failed one', async () => {
      const schema = await freshSchema();
      const db = pg.closeAfter(openPgDb({ url, schema }));
      const { submit, counted } = bumper(db);
      const outcomes = await Promise.allSettled([submit({ key: 'a' }), submit({ key: 'b', fail: true }), submit({ key: 'c' }), submit({ key: 'a' })]);
      assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /bump of b refused/, 'the failed write gets its own error');
      assert.deepEqual(await counters(schema), { a: 2, b: 0, c: 1 }, 'its row change was rolled back, the others stayed');
      assert.deepEqual((await loggedKeys(schema)).map((r) => `${r.key}${r.n}`).sort(), ['a1', 'a2', 'c1'], 'only the landed writes are logged');
      assert.equal(counted.transactions, 2, 'the others landed together, in one more transaction, not one each');
      assert.deepEqual([(outcomes[0] as PromiseFulfilledResult<{ n: number }>).value.n, (outcomes[3] as PromiseFulfilledResult<{ n: number }>).value.n], [1, 2],
        'a\'s two writes kept their order through the second run');
    });

    it('answers every write to a row locked elsewhere too long at once, as busy, and lands the rest', async () => {
      const schema = await freshSchema();
      const db = pg.closeAfter(openPgDb({ url, schema, lockTimeoutMs: 200 }));
      const { submit, counted } = bumper(db);
      const holder = await holding(`SELECT * FROM ${schema}.counters WHERE key = 'b' FOR UPDATE`);
      try {
        const outcomes = await Promise.allSettled([submit({ key: 'a' }), submit({ key: 'b' }), submit({ key: 'b' }), submit({ key: 'c' })]);
        assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
        assertUnavailable([outcomes[1]!, outcomes[2]!], 'busy');
        // The second write to b would only have waited out the lock timeout again, in a third run.
        assert.equal(counted.transactions, 2, 'one run that found b locked, one that landed a and c');
      } finally {
        await holder.release();
      }
      assert.deepEqual(await counters(schema), { a: 1, b: 0, c: 1 });
    });

    it('fails only the write whose statement the database refused, while the other writes\' statements were in flight beside it', async () => {
      const schema = await freshSchema();
      const db = pg.closeAfter(openPgDb({ url, schema }));
      const { submit, counted } = bumper(db);
      const outcomes = await Promise.allSettled([submit({ key: 'a' }), submit({ key: 'b', divide: true }), submit({ key: 'c' })]);
      assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal((outcomes[1] as PromiseRejectedResult).reason.code, '22012', 'b gets its own error (division by zero), not "transaction aborted"');
      assert.deepEqual(await counters(schema), { a: 1, b: 0, c: 1 });
      assert.equal(counted.transactions, 2);
    });

    it('takes the rows of a batch in one order, so two processes writing the same rows in opposite orders do not deadlock', async () => {
      const schema = await freshSchema();
      const gate = pg.closeAfter(new Client({ connectionString: url }));
      await gate.connect();
      await gate.query('SELECT pg_advisory_lock($1)', [GATE]);
      // Lock waits long enough for a loaded machine: a timeout would also make a batch run again.
      const one = bumper(pg.closeAfter(openPgDb({ url, schema, lockTimeoutMs: 30_000 })));
      const two = bumper(pg.closeAfter(openPgDb({ url, schema, lockTimeoutMs: 30_000 })));
      const waiting = async (what: string) => Number((await admin.query(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = $2`,
        [`parley/${schema}`, what])).rows[0].n);
      // Process one takes a, then stops at the gate before b; process two then asks for b and a.
      // Taken as submitted, two would hold b and wait for a while one, let through, waits for b:
      // a deadlock, which PostgreSQL breaks after a second by failing one (and db.tx runs it again).
      const first = Promise.all([one.submit({ key: 'a', gate: true }), one.submit({ key: 'b' })]);
      await waitFor(async () => (await waiting('advisory')) === 1, { message: 'process one to hold a and wait at the gate' });
      const second = Promise.all([two.submit({ key: 'b' }), two.submit({ key: 'a' })]);
      await waitFor(async () => (await waiting('transactionid')) === 1, { message: 'process two to wait for a row of process one' });
      await gate.query('SELECT pg_advisory_unlock($1)', [GATE]);
      await Promise.all([first, second]);
      assert.equal(one.counted.writes + two.counted.writes, 4, 'every write ran once: no deadlock made a batch run again');
      assert.deepEqual(await counters(schema), { a: 2, b: 2, c: 0 });
    });

    it('fails the whole batch as busy, running no write twice, when the log is held longer than the lock timeout at its commit', async () => {
      const schema = await freshSchema();
      const db = pg.closeAfter(openPgDb({ url, schema, lockTimeoutMs: 200 }));
      const { submit, counted } = bumper(db);
      const holder = await holding(`SELECT * FROM ${schema}.event_head FOR UPDATE`);
      try {
        assertUnavailable(await Promise.allSettled([submit({ key: 'a' }), submit({ key: 'b' })]), 'busy');
        // Each write alone would queue for the held log again, and again time out.
        assert.equal(counted.writes, 2, 'no write ran again after the batch reached its commit');
      } finally {
        await holder.release();
      }
      assert.deepEqual(await counters(schema), { a: 0, b: 0, c: 0 });
    });

    it('fails the whole batch as unavailable, running no write twice, when the connection is lost during its commit', async () => {
      const schema = await freshSchema();
      const db = pg.closeAfter(openPgDb({ url, schema, lockTimeoutMs: 30_000 }));
      const { submit, counted } = bumper(db);
      // The log held elsewhere: the batch's append and COMMIT wait for it, and its connection dies there.
      const holder = await holding(`SELECT * FROM ${schema}.event_head FOR UPDATE`);
      const outcomes = Promise.allSettled([submit({ key: 'a' }), submit({ key: 'b' }), submit({ key: 'c' })]);
      try {
        const pid = await waitFor(async () => (await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1
            AND wait_event_type = 'Lock' AND query LIKE '%event_head%'`, [`parley/${schema}`])).rows[0]?.pid,
        { message: 'the batch to wait for the log in its commit' });
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      } finally {
        await holder.release();
      }
      assertUnavailable(await outcomes, 'unavailable');
      // Run again, a write without a client id would land twice had the lost commit landed.
      assert.equal(counted.writes, 3, 'no write ran again after the commit was sent');
      assert.deepEqual(await counters(schema), { a: 0, b: 0, c: 0 }, 'nothing of the batch landed');
    });
  });
}
