/**
 * The PostgreSQL connection pool that every part of the PostgreSQL store shares: connection
 * settings, reads, the write-transaction helper (timeouts, retries, error translation) and
 * logging events. It knows no table but meta and the log's (event_head, events, pending_events);
 * it must not grow Store methods — those live in pg-accounts.ts, pg-chat.ts and pg-events.ts.
 *
 * Lock order, the rule that keeps cluster writes free of deadlocks: a transaction takes its row
 * locks (conversation, visitor, …) first and logs its events last, with one logEvents call, which
 * commits. A write does not take the log's counter row (event_head): it commits its events as a
 * pending row, which pg-numbering.ts numbers afterwards, so the writers of the whole cluster never
 * queue on one row through their commits. Numbering runs take event_head and no row lock. The few
 * transactions that rewrite logged events take event_head (numberPending) after their row locks,
 * and after it touch only log rows numbered during their own run; so no transaction waits for a
 * chat row while holding the counter. logEvents sends the insert and the COMMIT as one query: a
 * write's row locks are not held across a round trip to a busy event loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { debuglog } from 'node:util';
import { escapeLiteral, Pool, types, type ClientConfig, type CustomTypesConfig, type PoolClient } from 'pg';
import { formatEventId } from '../../protocol/protocol.ts';
import { connectionTrouble, isRetryableConflict, operational, preparedStatementStale } from './pg-errors.ts';
import { createNumberer, NUMBER_PENDING, readRun } from './pg-numbering.ts';
import { conversationOf } from './rows.ts';
import { StoreStartError, StoreUnavailableError, type LoggedEvent } from './store.ts';

/** Operational detail an operator may want while chasing a problem: NODE_DEBUG=parley-pg. */
export const debug = debuglog('parley-pg');

export type Row = Record<string, unknown>;
/**
 * A string array becomes an SQL array (text[]). JSON therefore goes in as text, JSON.stringify'd,
 * with a ::jsonb cast: node-postgres would send a JS array as an SQL array, not as JSON.
 */
export type Param = string | number | boolean | null | readonly string[];

export interface PgStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  now?: () => number;
  /** A schema to create and use instead of the user's default (tests give each store its own). */
  schema?: string;
  /** Connections this process opens at most, besides the log follower's own. */
  poolSize?: number;
  /** How long a write waits for a row lock another transaction holds before it fails as busy. */
  lockTimeoutMs?: number;
  /** How often the log follower reads the log without having been notified (its backstop). */
  followPollMs?: number;
}

export interface Tx {
  one(text: string, ...params: Param[]): Promise<Row | undefined>;
  all(text: string, ...params: Param[]): Promise<Row[]>;
  /** A statement that changes rows: how many, and what RETURNING gave. Never after logEvents. */
  run(text: string, ...params: Param[]): Promise<{ count: number; rows: Row[] }>;
  /**
   * Commits the transaction with its events, at most once, as its last statement: nothing may be
   * read or written in the transaction after it. Answers once the events are numbered
   * (pg-numbering.ts), with their ids.
   */
  logEvents(events: Array<Omit<LoggedEvent, 'id'>>): Promise<LoggedEvent[]>;
  /** The log's committed head, read without a lock. */
  logHead(): Promise<number>;
  /**
   * Numbers, inside this transaction, every event committed but not yet numbered, and holds the
   * log's counter to the end of the transaction: for one that deletes or rewrites logged events (an
   * erasure, retention, a merge), so that a statement after this sees every event of the writes it
   * waited for, and none is logged after it. Every numbering run of the cluster waits meanwhile, so
   * do the bulk of the work before (logHead, then the DELETE or UPDATE), and after this only the
   * same statement again for the events numbered since that head (`id > head`).
   */
  numberPending(): Promise<void>;
}

/**
 * write: a chat or account change, bounded so one stuck writer cannot freeze every send.
 * housekeeping: retention and pruning, which may touch many rows, but waits for locks as briefly.
 * snapshot: reads that must agree with each other (an export), however long they take.
 * migration: waits as long as another node's migration takes.
 */
export type TxKind = 'write' | 'housekeeping' | 'snapshot' | 'migration';

export interface PgDb {
  now: () => number;
  /** The schema named in the options, if any. */
  schema: string | null;
  /** host:port, for messages: never the URL, which may hold a password. */
  where: string;
  /** Settings for a connection of its own (the log follower's LISTEN). */
  clientConfig(role: string): ClientConfig;
  one(text: string, ...params: Param[]): Promise<Row | undefined>;
  all(text: string, ...params: Param[]): Promise<Row[]>;
  tx<T>(fn: (tx: Tx) => Promise<T>, kind?: TxKind): Promise<T>;
  /** This database's log epoch (made by migrate). */
  epoch(): Promise<string>;
  /** Numbers events a writer committed and left unnumbered (it died): the follower's backstop. */
  numberOrphans(): Promise<void>;
  /** Waits for what is running, then closes every connection. */
  close(): Promise<void>;
}

// int8 (BIGINT: times, seqs, COUNT) as JS numbers, for this pool only: epoch ms and seqs stay far
// below 2^53. Not types.setTypeParser, which would change every other pool in the process.
const INT8 = 20;
const TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? Number : types.getTypeParser(oid, format as 'text')) as CustomTypesConfig['getTypeParser'],
};

const CONFLICT_ATTEMPTS = 4;
/** Distinct statements prepared by name at most (texts built with a varying number of values would grow without bound). */
const PREPARED_MAX = 1000;
const preparedNames = new Map<string, string>();

/**
 * A query with values, named so that each connection parses and plans it once and then only binds
 * and executes it: most of the database's CPU per message was parsing and planning the same few
 * statements. Texts without values stay unnamed: they may hold several statements, which only the
 * simple protocol accepts. A prepared statement outdated by another node's migration drops its
 * connection and the work is retried (pg-errors.ts, preparedStatementStale).
 */
function prepared(text: string, values: Param[]): { name?: string; text: string; values: Param[] } {
  if (values.length === 0) return { text, values };
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < PREPARED_MAX) preparedNames.set(text, name = `parley_${preparedNames.size + 1}`);
  return { name, text, values };
}
const CONNECT_TIMEOUT_MS = 5000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function openPgDb(options: PgStoreOptions): PgDb {
  const now = options.now ?? Date.now;
  const schema = options.schema ?? null;
  if (schema !== null && !SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name "${schema}": use lowercase letters, digits and _`);
  const { connectionString, extraOptions, where } = parseUrl(options.url);
  const lockTimeoutMs = Math.round(options.lockTimeoutMs ?? 2000);
  // Statements of a write touch a handful of rows; seconds mean a database in trouble.
  const statementTimeoutMs = Math.max(10_000, 5 * lockTimeoutMs);
  const settings = {
    write: `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = ${lockTimeoutMs}; SET LOCAL statement_timeout = ${statementTimeoutMs};
      SET LOCAL idle_in_transaction_session_timeout = ${statementTimeoutMs}`,
    housekeeping: `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = ${lockTimeoutMs}; SET LOCAL statement_timeout = ${10 * 60_000}`,
    snapshot: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    migration: 'BEGIN',
  } satisfies Record<TxKind, string>;

  const clientConfig = (role: string): ClientConfig => ({
    connectionString,
    options: [extraOptions, schema && `-c search_path=${schema}`].filter(Boolean).join(' ') || undefined,
    types: TYPES,
    // Names this process's connections in pg_stat_activity (and lets tests find them).
    application_name: schema ? `${role}/${schema}` : role,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  });
  const pool = new Pool({ ...clientConfig('parley'), max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // An idle connection died (server restart, terminated backend): the pool drops it and opens a new
  // one when needed. Without a listener this 'error' would end the process.
  pool.on('error', (error) => debug('an idle connection was lost: %s', error.message));
  // A connection lost while checked out but between statements emits 'error' on its client, which
  // the pool only listens to while the client is idle: unheard, it would end the process. Heard,
  // the client's next statement fails as connection trouble, and the pool drops it on release.
  pool.on('connect', (client) => client.on('error', (error) => debug('a connection in use was lost: %s', error.message)));
  const numberer = createNumberer(clientConfig('parley-numbering'), { lockMs: lockTimeoutMs, statementMs: statementTimeoutMs });

  let closed = false;
  const inflight = new Set<Promise<unknown>>();
  function track<T>(work: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new StoreUnavailableError('unavailable', 'The database is closed (the server is stopping).'));
    const running = work();
    inflight.add(running);
    running.then(() => inflight.delete(running), () => inflight.delete(running));
    return running;
  }

  // Connections that have served before. One of them failing at its first statement has most
  // likely died while idle in the pool (a server restart, a terminated backend, a failover): that
  // failure says nothing about the database, so the work is retried on another connection.
  const seasoned = new WeakSet<PoolClient>();
  const maxStaleRetries = (options.poolSize ?? 10) + 1;
  const diedIdle = (client: PoolClient, error: unknown) => seasoned.has(client) && connectionTrouble(error) !== null;

  async function read(text: string, params: Param[]): Promise<Row[]> {
    for (let n = 0; ; n++) {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw operational(error);
      }
      try {
        const { rows } = await client.query(prepared(text, params));
        seasoned.add(client);
        client.release();
        return rows;
      } catch (error) {
        const outdated = preparedStatementStale(error);
        const lost = connectionTrouble(error) !== null || outdated;
        const retry = (diedIdle(client, error) || outdated) && n < maxStaleRetries;
        client.release(lost);
        if (!retry) throw operational(error);
      }
    }
  }

  let epochValue: string | null = null;
  async function readEpoch(query: (text: string) => Promise<Row[]>): Promise<string> {
    epochValue ??= String((await query("SELECT value FROM meta WHERE key = 'log_epoch'"))[0]?.value ?? '') || null;
    if (!epochValue) throw new Error('the event log has no epoch: run migrate() first');
    return epochValue;
  }

  /**
   * A transaction on client. logEvents commits it and hands the connection back (`released`)
   * before it waits for the numbering run: a connection is not held through a second commit.
   */
  function transaction(client: PoolClient, release: () => void): { tx: Tx; committed: () => boolean } {
    let logged = false;
    let committed = false;
    const query = async (text: string, params: Param[]) => {
      if (logged) throw new Error('a statement after logEvents: it commits the transaction, so it must come last (lock order, pg-db.ts)');
      return client.query(prepared(text, params));
    };
    const tx: Tx = {
      async one(text, ...params) { return (await query(text, params)).rows[0]; },
      async all(text, ...params) { return (await query(text, params)).rows; },
      async run(text, ...params) {
        const result = await query(text, params);
        return { count: result.rowCount ?? 0, rows: result.rows };
      },
      async logEvents(events) {
        if (logged) throw new Error('logEvents twice in one transaction: log all of its events at once');
        const epoch = await readEpoch(async (text) => (await query(text, [])).rows);
        logged = true;
        if (events.length === 0) return [];
        const { pendingId, headBefore } = await commitPending(client, events, now());
        committed = true;
        release();
        // Events erased by another transaction as soon as they were numbered (an erasure, retention)
        // have no ids: the write answers ids at the head it saw, which name no event of its own.
        const base = (await numberer.numbered(pendingId, headBefore)) ?? headBefore;
        return events.map((event, i) => ({ ...event, id: formatEventId(epoch, base + i + 1) }) as LoggedEvent);
      },
      async logHead() {
        return Number((await query('SELECT seq FROM event_head WHERE id = 1', [])).rows[0]?.seq ?? 0);
      },
      async numberPending() {
        await query('SELECT seq FROM event_head WHERE id = 1 FOR UPDATE', []);
        while (readRun((await query(NUMBER_PENDING, [])).rows[0]).full);
      },
    };
    return { tx, committed: () => committed };
  }

  /** final: the transaction committed before the failure (numbering failed): never run it again. */
  type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; stale: boolean; final: boolean };
  async function attempt<T>(fn: (tx: Tx) => Promise<T>, kind: TxKind): Promise<Outcome<T>> {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      return { ok: false, error, stale: false, final: false };
    }
    let began = false;
    let released = false;
    const release = () => {
      released = true;
      seasoned.add(client);
      client.release();
    };
    try {
      await client.query(settings[kind]);
      began = true;
      const { tx, committed } = transaction(client, release);
      const value = await fn(tx);
      if (!committed()) await client.query('COMMIT');
      if (!released) release();
      return { ok: true, value };
    } catch (error) {
      if (released) return { ok: false, error, stale: false, final: true };
      // The transaction is over either way: roll it back, or drop a connection that cannot.
      const outdated = preparedStatementStale(error);
      const broken = connectionTrouble(error) !== null || outdated || !(await client.query('ROLLBACK').then(() => true, () => false));
      // Nothing of the transaction stayed (it rolled back): trying it again on another connection is safe.
      const stale = (!began && diedIdle(client, error)) || outdated;
      if (!broken) seasoned.add(client);
      client.release(broken);
      return { ok: false, error, stale, final: false };
    }
  }

  /**
   * Runs fn in one transaction. Deadlocks and serialization failures (PostgreSQL rolled back
   * everything) are retried a few times, and a pooled connection that turns out dead at BEGIN on
   * another one. A connection lost later — even during COMMIT, when the outcome is unknown — fails
   * as unavailable; idempotent sends (client ids) are what make retrying those safe.
   */
  function tx<T>(fn: (tx: Tx) => Promise<T>, kind: TxKind = 'write'): Promise<T> {
    return track(async () => {
      for (let conflicts = 0, stale = 0; ;) {
        const outcome = await attempt(fn, kind);
        if (outcome.ok) return outcome.value;
        if (outcome.final) throw operational(outcome.error);
        if (isRetryableConflict(outcome.error) && ++conflicts < CONFLICT_ATTEMPTS) {
          debug('retrying a transaction (%s)', (outcome.error as Error).message);
          await sleep(2 ** conflicts * (1 + Math.random()));
        } else if (!(outcome.stale && ++stale <= maxStaleRetries)) {
          throw operational(outcome.error);
        }
      }
    });
  }

  return {
    now, schema, where, clientConfig,
    one: (text, ...params) => track(async () => (await read(text, params))[0]),
    all: (text, ...params) => track(() => read(text, params)),
    tx,
    epoch: () => track(() => readEpoch((text) => read(text, []))),
    numberOrphans: () => track(() => numberer.sweep()),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inflight]);
      await numberer.close();
      await pool.end();
    },
  };
}

/**
 * Writes events as one pending row and commits, in one query (no parameters, so that its
 * statements travel as one simple-protocol message), and returns the row's pending_id with the
 * log's head as it was just before the commit: whichever run numbers the row numbers it above that.
 * The row takes no lock that another writer waits for: pg-numbering.ts numbers it afterwards. An
 * error skips the COMMIT, leaving the transaction for the caller to roll back.
 */
async function commitPending(client: PoolClient, events: Array<Omit<LoggedEvent, 'id'>>, at: number): Promise<{ pendingId: number; headBefore: number }> {
  const rows = events.map((event) => {
    // What events' NOT NULL and CHECK constraints would refuse, refused here, before the commit: a
    // bad pending row would fail every numbering run of the cluster after it.
    if (typeof event.siteId !== 'string' || typeof event.type !== 'string' || !AUDIENCES.has(event.audience) || event.data === undefined
      || (event.visitorId !== null && typeof event.visitorId !== 'string')) {
      throw new Error(`an event the log cannot hold: ${JSON.stringify({ type: event.type, siteId: event.siteId, audience: event.audience })}`);
    }
    return {
      site_id: event.siteId, visitor_id: event.visitorId, conversation_id: conversationOf(event.data),
      audience: event.audience, type: event.type, data: event.data,
    };
  });
  const results = await client.query(`
    INSERT INTO pending_events (events, created_at) VALUES (${escapeLiteral(JSON.stringify(rows))}::jsonb, ${Math.trunc(at)})
    RETURNING pending_id;
    SELECT seq FROM event_head WHERE id = 1;
    COMMIT`) as unknown as Array<{ rows: Row[] }>;
  const head = results[1]?.rows[0];
  if (!head) throw new Error('the event log has no head row: run migrate() first');
  return { pendingId: Number(results[0]!.rows[0]!.pending_id), headBefore: Number(head.seq) };
}
const AUDIENCES = new Set(['all', 'agents', 'visitors']);

/**
 * The connection string for node-postgres, with any `options` parameter taken out so it can be
 * merged with ours (node-postgres lets the URL's win outright), and host:port for messages.
 */
function parseUrl(url: string): { connectionString: string; extraOptions: string | null; where: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreStartError('DATABASE_URL is not a valid URL. Expected postgres://user:password@host:port/database.');
  }
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  const where = `${host}:${parsed.port || parsed.searchParams.get('port') || '5432'}`;
  const extraOptions = parsed.searchParams.get('options');
  if (extraOptions === null) return { connectionString: url, extraOptions, where };
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), extraOptions, where };
}
