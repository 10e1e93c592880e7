/**
 * Numbering the event log, apart from the writes it describes ("group commit" of the log).
 *
 * A write commits its events unnumbered, as one pending_events row, without touching the log's
 * counter: writers of the whole cluster commit side by side and PostgreSQL flushes their commits
 * to disk together. A numbering run then moves every committed pending row into events in one short
 * transaction under the counter row (event_head), so the log stays dense and in commit order — the
 * guarantee the follower and resume rest on — and the counter's commit flush is paid once per run,
 * not once per write. (When every write took the counter itself, each held it through its own
 * commit flush, and the cluster wrote one transaction per flush: 500 messages a second on one node.)
 *
 * Order: a run takes the pending rows in pending_id order. A write takes its pending_id (a sequence)
 * while it holds its rows' locks, so two writes to one conversation get their pending_ids, and so
 * their seqs, in the order they committed; and a write that began after another had committed
 * numbers after it. A run takes whole pending rows, so one write's events stay adjacent.
 *
 * Each process runs one run at a time, for its own writers, and a run takes other processes'
 * rows too. A writer whose row another process's run took finds its seqs in the log (the lookup
 * below). A row whose process died after committing it is numbered by any process's follower poll
 * (sweep), so nothing committed is left out of the log.
 */
import { debuglog } from 'node:util';
import { Pool, type ClientConfig, type PoolClient } from 'pg';
import type { Row } from './pg-db.ts';
import { connectionTrouble, operational } from './pg-errors.ts';
import { StoreUnavailableError } from './store.ts';

const debug = debuglog('parley-pg');

/** Pending rows (writes) a run takes at most; a larger backlog takes more runs. */
const RUN_MAX = 1000;
/** A run whose connection died is tried again this often: numbering twice is harmless (see lookup). */
const LOST_ATTEMPTS = 3;
/** A run that waited lock_timeout for the counter, this often, before its writers answer 503. */
const BUSY_ATTEMPTS = 3;

/**
 * Moves up to RUN_MAX committed pending rows into the log, in one statement. The caller holds
 * event_head (SELECT … FOR UPDATE, a statement of its own: this statement's snapshot must begin
 * after the lock is granted, so that it sees what the run before it committed). Answers one row:
 * the head after, how many events and pending rows it numbered, and each pending row's first seq.
 */
export const NUMBER_PENDING = `
  WITH taken AS (
    -- Nothing is taken from a database without the head row (before migrate): it would be lost.
    DELETE FROM pending_events WHERE pending_id IN (SELECT pending_id FROM pending_events ORDER BY pending_id LIMIT ${RUN_MAX})
      AND EXISTS (SELECT 1 FROM event_head WHERE id = 1)
    RETURNING pending_id, events, created_at
  ),
  numbered AS (
    SELECT h.seq + row_number() OVER (ORDER BY t.pending_id, e.ord) AS id, t.pending_id, e.ord, t.created_at, e.event
    FROM taken t, event_head h, jsonb_array_elements(t.events) WITH ORDINALITY AS e(event, ord)
    WHERE h.id = 1
  ),
  logged AS (
    INSERT INTO events (id, site_id, visitor_id, conversation_id, audience, type, data, created_at, pending_id, pending_ord)
    SELECT id, event->>'site_id', event->>'visitor_id', event->>'conversation_id', event->>'audience', event->>'type',
      event->'data', created_at, pending_id, ord
    FROM numbered
    RETURNING id, pending_id
  ),
  moved AS (UPDATE event_head SET seq = seq + (SELECT count(*) FROM numbered) WHERE id = 1 RETURNING seq)
  SELECT moved.seq AS head, (SELECT count(*) FROM numbered) AS events, (SELECT count(*) FROM taken) AS taken,
    (SELECT json_object_agg(pending_id, first) FROM (SELECT pending_id, min(id) AS first FROM logged GROUP BY pending_id) f) AS firsts,
    CASE WHEN EXISTS (SELECT 1 FROM numbered) THEN pg_notify('parley_events', moved.seq::text) END
  FROM moved`;

/** What a NUMBER_PENDING statement answered. */
export interface Run {
  /** The head before the run: it numbered base + 1 … head. */
  base: number;
  head: number;
  /** It took RUN_MAX rows: more may be waiting. */
  full: boolean;
  /** pending_id → the seq of its first event. */
  firsts: Map<number, number>;
}

export function readRun(row: Row | undefined): Run {
  if (!row) throw new Error('the event log has no head row: run migrate() first');
  const head = Number(row.head);
  const firsts = new Map(Object.entries((row.firsts ?? {}) as Record<string, number>).map(([id, first]) => [Number(id), Number(first)]));
  return { base: head - Number(row.events), head, full: Number(row.taken) >= RUN_MAX, firsts };
}

export interface Numberer {
  /**
   * The seq before the first event of a committed pending row, once a run has numbered it; null
   * when its events were all deleted as soon as they were numbered (an erasure, retention).
   * headBefore: the log's head read before the row committed. Rejects with StoreUnavailableError
   * when numbering fails: the write stays committed, and a later run numbers it.
   */
  numbered(pendingId: number, headBefore: number): Promise<number | null>;
  /**
   * Numbers what is pending, if anything is and no run is under way: rows whose writer's own
   * numbering failed, or whose process died after committing them.
   */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

interface Waiter {
  headBefore: number;
  resolve(base: number | null): void;
  reject(error: unknown): void;
}

export function createNumberer(config: ClientConfig, timeouts: { lockMs: number; statementMs: number }): Numberer {
  // A connection of its own: a run must not queue behind the writes it is numbering.
  const pool = new Pool({ ...config, max: 1, idleTimeoutMillis: 30_000 });
  pool.on('error', (error) => debug('the numbering connection was lost while idle: %s', error.message));
  pool.on('connect', (client) => client.on('error', (error) => debug('the numbering connection was lost: %s', error.message)));

  // Its statements' results: BEGIN, two SETs, the lock, NUMBER_PENDING (index 4), COMMIT. READ
  // COMMITTED whatever the server's default: NUMBER_PENDING's snapshot must begin after the lock.
  const RUN = `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = ${timeouts.lockMs}; SET LOCAL statement_timeout = ${timeouts.statementMs};
    SELECT seq FROM event_head WHERE id = 1 FOR UPDATE;
    ${NUMBER_PENDING};
    COMMIT`;

  let queued = new Map<number, Waiter>();
  let sweepWanted = false;
  let busy = false;
  let driving: Promise<void> = Promise.resolve();

  async function query(text: string, values: unknown[] = []): Promise<Row[][]> {
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw operational(error);
      }
      try {
        const result = await client.query(text, values) as unknown as { rows: Row[] } | Array<{ rows: Row[] }>;
        client.release();
        return Array.isArray(result) ? result.map((r) => r.rows) : [result.rows];
      } catch (error) {
        const lost = connectionTrouble(error) !== null;
        if (!lost) await client.query('ROLLBACK').catch(() => {});
        client.release(lost);
        if (!lost || attempt >= LOST_ATTEMPTS) throw operational(error);
        debug('numbering again on a new connection (%s)', (error as Error).message);
      }
    }
  }

  /** Runs until every waiter is answered; one drive at a time, so one run at a time. */
  function kick(): void {
    if (busy) return;
    busy = true;
    driving = (async () => {
      try {
        while (queued.size > 0 || sweepWanted) {
          const batch = queued;
          queued = new Map();
          sweepWanted = false;
          await answer(batch);
        }
      } finally {
        busy = false;
      }
    })();
  }

  /**
   * A run, tried again while the counter is busy: its writers have committed, and a write that is
   * not idempotent (a merge) must not be answered 503 for a lock held a moment too long elsewhere.
   */
  async function run(): Promise<Run> {
    for (let attempt = 1; ; attempt++) {
      try {
        return readRun((await query(RUN))[4]?.[0]);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError && error.reason === 'busy') || attempt >= BUSY_ATTEMPTS) throw error;
        debug('numbering again: the counter was busy (%s)', error.message);
      }
    }
  }

  /** One run for the waiters registered before it began; those it did not take, looked up. */
  async function answer(batch: Map<number, Waiter>): Promise<void> {
    let outcome: Run;
    try {
      outcome = await run();
    } catch (error) {
      for (const waiter of batch.values()) waiter.reject(error);
      return;
    }
    // A full run leaves rows behind: go on until one is not.
    if (outcome.full) sweepWanted = true;
    // Waiters registered during the run whose rows it took anyway need no run of their own.
    for (const [pendingId, waiter] of queued) {
      const first = outcome.firsts.get(pendingId);
      if (first === undefined) continue;
      queued.delete(pendingId);
      waiter.resolve(first - 1);
    }
    const missing = new Map<number, Waiter>();
    for (const [pendingId, waiter] of batch) {
      const first = outcome.firsts.get(pendingId);
      if (first !== undefined) waiter.resolve(first - 1);
      else missing.set(pendingId, waiter);
    }
    if (missing.size === 0) return;
    // Committed before this run began, yet not taken by it: another run took them (another
    // process's, or an erasure's numberPending), above the head read before they committed and
    // below this run; or, after a full run, they are still pending.
    try {
      let from = outcome.base;
      for (const waiter of missing.values()) from = Math.min(from, waiter.headBefore);
      const [rows] = await query(`SELECT pending_id, min(id - pending_ord + 1) AS first FROM events
        WHERE id > $1 AND id <= $2 AND pending_id = ANY($3::bigint[]) GROUP BY pending_id`, [from, outcome.base, [...missing.keys()]]);
      const found = new Map(rows!.map((row) => [Number(row.pending_id), Number(row.first)]));
      for (const [pendingId, waiter] of missing) {
        const first = found.get(pendingId);
        if (first !== undefined) waiter.resolve(first - 1);
        // Still pending behind a full run: numbered above this run whenever it is.
        else if (outcome.full) queued.set(pendingId, { ...waiter, headBefore: outcome.base });
        else waiter.resolve(null);
      }
    } catch (error) {
      for (const waiter of missing.values()) waiter.reject(error);
    }
  }

  return {
    numbered(pendingId, headBefore) {
      return new Promise((resolve, reject) => {
        queued.set(pendingId, { headBefore, resolve, reject });
        kick();
      });
    },
    async sweep() {
      if (busy) return;
      const [rows] = await query('SELECT EXISTS (SELECT 1 FROM pending_events) AS pending');
      if (!rows![0]?.pending) return;
      debug('numbering events a writer committed but did not number');
      sweepWanted = true;
      kick();
      await driving;
    },
    async close() {
      await driving;
      await pool.end();
    },
  };
}
