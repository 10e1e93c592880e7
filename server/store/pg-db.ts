/**
 * The PostgreSQL connection pool that every part of the PostgreSQL store shares: connection
 * settings, reads, the write-transaction helper (timeouts, retries, error translation) and
 * appending to the event log. It knows no table but meta, event_head and events; it must not grow
 * Store methods — those live in pg-accounts.ts, pg-chat.ts and pg-events.ts.
 *
 * Lock order, the rule that keeps cluster writes free of deadlocks: a transaction takes its row
 * locks (conversation, visitor, …) first and appends to the event log last, with one logEvents
 * call. The log's counter row (event_head) is then the last lock every transaction takes, so no
 * transaction ever waits for a row while holding the counter. logEvents sends the append and the
 * COMMIT together, so the counter is held only for the database's own work (the append, the
 * commit's WAL flush), never across a round trip to this process: every writer of the cluster
 * queues on that row, so each trip through a busy Node event loop would be paid by all of them.
 * A transaction that locks several conversations (a group commit's batch, an erasure, retention)
 * takes them in one order, BY_ID_ORDER's, which is the order of JavaScript's string comparison.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { debuglog } from 'node:util';
import { Pool, types, type ClientConfig, type CustomTypesConfig, type PoolClient, type QueryResult } from 'pg';
import { formatEventId } from '../../protocol/protocol.ts';
import { connectionTrouble, isRetryableConflict, operational, preparedStatementStale } from './pg-errors.ts';
import { conversationOf } from './rows.ts';
import { StoreStartError, StoreUnavailableError, type LoggedEvent } from './store.ts';

/** Operational detail an operator may want while chasing a problem: NODE_DEBUG=parley-pg. */
export const debug = debuglog('parley-pg');

export type Row = Record<string, unknown>;
/**
 * ORDER BY clause for locking several rows by id: byte order (collation "C"), the same as comparing
 * the ids as JavaScript strings (pg-group-commit.ts), whatever the database's collation.
 */
export const BY_ID_ORDER = 'ORDER BY id COLLATE "C"';
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
   * Appends to the event log and commits, at most once, as the transaction's last statement (lock
   * order, above): nothing may be read or written in the transaction after it.
   */
  logEvents(events: Array<Omit<LoggedEvent, 'id'>>): Promise<LoggedEvent[]>;
}

/**
 * write: a chat or account change, bounded so one stuck writer cannot freeze every send.
 * send: a write of the hot path (a batch of sends, pg-group-commit.ts), on plans made once.
 * housekeeping: retention and pruning, which may touch many rows, but waits for locks as briefly.
 * snapshot: reads that must agree with each other (an export), however long they take.
 * migration: waits as long as another node's migration takes.
 */
export type TxKind = 'write' | 'send' | 'housekeeping' | 'snapshot' | 'migration';

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
  const write = `BEGIN; SET LOCAL lock_timeout = ${lockTimeoutMs}; SET LOCAL statement_timeout = ${statementTimeoutMs};
      SET LOCAL idle_in_transaction_session_timeout = ${statementTimeoutMs}`;
  const settings = {
    write,
    // A send's statements find their rows by key, so one plan fits every execution: without
    // force_generic_plan PostgreSQL planned its first statement again at every call
    // (pg_stat_statements: as many plans as calls, the planning costing more than the execution,
    // issue 16). Not for every write: some, such as the webhook fan-out's look-back for a
    // conversation's context, are fast only with a plan made for their values.
    send: `${write}; SET LOCAL plan_cache_mode = force_generic_plan`,
    housekeeping: `BEGIN; SET LOCAL lock_timeout = ${lockTimeoutMs}; SET LOCAL statement_timeout = ${10 * 60_000}`,
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
  // pipeline: a connection sends a statement without waiting for the answers to those before it.
  // Code that awaits each statement runs exactly as without; a group commit's writes, queued side
  // by side on its one connection (pg-group-commit.ts), reach the server in a few round trips
  // instead of one per statement: per message, half the CPU of this process and a third of the
  // wall time (bench/store-append.ts, issue 16).
  const pool = new Pool({ ...clientConfig('parley'), max: options.poolSize ?? 10, idleTimeoutMillis: 30_000, pipeline: true });
  // An idle connection died (server restart, terminated backend): the pool drops it and opens a new
  // one when needed. Without a listener this 'error' would end the process.
  pool.on('error', (error) => debug('an idle connection was lost: %s', error.message));
  // A connection lost while checked out but between statements emits 'error' on its client, which
  // the pool only listens to while the client is idle: unheard, it would end the process. Heard,
  // the client's next statement fails as connection trouble, and the pool drops it on release.
  pool.on('connect', (client) => client.on('error', (error) => debug('a connection in use was lost: %s', error.message)));

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
        // Not issue(): one statement per checkout, which node-postgres already sends in one write.
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

  /** A transaction on client; `committed` once logEvents has committed it with its append. */
  function transaction(client: PoolClient): { tx: Tx; committed: () => boolean } {
    let logged = false;
    let committed = false;
    const query = async (text: string, params: Param[]) => {
      if (logged) throw new Error('a statement after logEvents: it commits the transaction, so it must come last (lock order, pg-db.ts)');
      return issue(client, prepared(text, params));
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
        const base = await appendAndCommit(client, events, now());
        committed = true;
        return events.map((event, i) => ({ ...event, id: formatEventId(epoch, base + i + 1) }) as LoggedEvent);
      },
    };
    return { tx, committed: () => committed };
  }

  type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; stale: boolean };
  async function attempt<T>(fn: (tx: Tx) => Promise<T>, kind: TxKind): Promise<Outcome<T>> {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      return { ok: false, error, stale: false };
    }
    let began = false;
    try {
      await issue(client, settings[kind]);
      began = true;
      const { tx, committed } = transaction(client);
      const value = await fn(tx);
      if (!committed()) await client.query('COMMIT');
      seasoned.add(client);
      client.release();
      return { ok: true, value };
    } catch (error) {
      // The transaction is over either way: roll it back, or drop a connection that cannot.
      const outdated = preparedStatementStale(error);
      const broken = connectionTrouble(error) !== null || outdated || !(await client.query('ROLLBACK').then(() => true, () => false));
      // Nothing of the transaction stayed (it rolled back): trying it again on another connection is safe.
      const stale = (!began && diedIdle(client, error)) || outdated;
      if (!broken) seasoned.add(client);
      client.release(broken);
      return { ok: false, error, stale };
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
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inflight]);
      await pool.end();
    },
  };
}

/**
 * Sends a statement, corking the connection's socket until the end of this tick, so that what is
 * issued together leaves together. node-postgres writes each statement on its own (a `writev`
 * each, which wakes the backend), and a batch of sends on its pipelined connection issues dozens at
 * once (pg-group-commit.ts): with the cork, fewer `writev` calls per message (strace, issue 16). process.nextTick runs after the microtasks that issue a batch's statements;
 * corks nest, so node-postgres's own cork per statement only adds to this one.
 */
function issue(client: PoolClient, query: string | ReturnType<typeof prepared>): Promise<QueryResult<Row>> {
  const socket = (client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
  if (typeof socket?.cork === 'function' && !corked.has(socket)) {
    corked.add(socket);
    socket.cork();
    process.nextTick(() => {
      corked.delete(socket);
      socket.uncork();
    });
  }
  return typeof query === 'string' ? client.query<Row>(query) : client.query<Row>(query);
}
const corked = new WeakSet<Socket>();

/**
 * The log's append: the counter moved on by the events' count, the events inserted after it, and
 * every process's log follower woken (pg_notify is delivered at COMMIT). One prepared statement,
 * planned once per connection, the events as one JSON parameter.
 */
const APPEND = `WITH head AS (UPDATE event_head SET seq = seq + $1::int WHERE id = 1 RETURNING seq - $1::int AS base),
  logged AS (
    INSERT INTO events (id, site_id, visitor_id, conversation_id, audience, type, data, created_at)
    SELECT head.base + e.n, e.site_id, e.visitor_id, e.conversation_id, e.audience, e.type, e.data, $2::bigint
    FROM head, jsonb_to_recordset($3::jsonb)
      AS e(n int, site_id text, visitor_id text, conversation_id text, audience text, type text, data jsonb)
  )
  SELECT base, pg_notify('parley_events', (base + $1::int)::text) FROM head`;

/**
 * Appends events and commits, and returns the seq before the first. The counter row's lock, held
 * until COMMIT, makes seqs commit in order and without gaps, across processes: the next writer gets
 * its seq only once this one has committed (or rolled back, taking its increment with it).
 *
 * The append and the COMMIT are sent together on the pipelined connection, so the counter is held
 * for the database's own work only, never for a round trip to this process. (They were one
 * simple-protocol query before, which PostgreSQL parsed and planned again for every commit: a
 * sixth of its CPU per message, issue 16.) When the append fails, the COMMIT that follows it in an
 * aborted transaction rolls it back, as the caller's ROLLBACK would have.
 */
async function appendAndCommit(client: PoolClient, events: Array<Omit<LoggedEvent, 'id'>>, at: number): Promise<number> {
  const rows = events.map((event, i) => ({
    n: i + 1, site_id: event.siteId, visitor_id: event.visitorId, conversation_id: conversationOf(event.data),
    audience: event.audience, type: event.type, data: event.data,
  }));
  const [append, commit] = await Promise.allSettled([
    issue(client, prepared(APPEND, [events.length, Math.trunc(at), JSON.stringify(rows)])),
    issue(client, 'COMMIT'),
  ]);
  if (append.status === 'rejected') throw append.reason;
  if (commit.status === 'rejected') throw commit.reason;
  const head = append.value.rows[0];
  if (!head) throw new Error('the event log has no head row: run migrate() first');
  return Number(head.base);
}

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
