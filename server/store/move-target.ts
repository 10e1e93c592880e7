/**
 * The PostgreSQL side of a move from SQLite (copy-into-postgres.ts): one connection and one
 * transaction, the schema made by the PostgreSQL store's own migrate() inside it, and every
 * failure said in one line. It never names the URL, which may hold a password.
 */
import pg from 'pg';
import { MoveError } from './move-source.ts';
import type { Param, PgDb, Row, Tx } from './pg-db.ts';
import { connectionTrouble } from './pg-errors.ts';
import { migrate } from './pg-schema.ts';

export interface Target {
  /** `the PostgreSQL database "x" at host:port`, for messages. */
  name: string;
  client: pg.Client;
  /** Connects and begins the move's transaction. */
  begin(): Promise<void>;
  /** Brings the schema to this Parley's version, inside the transaction. */
  migrate(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Any failure of the move as a MoveError for the operator. */
  explain(error: unknown): MoveError;
  close(): Promise<void>;
}

export function openTarget(url: string): Target {
  const name = describe(url);
  const client = new pg.Client({ connectionString: url, application_name: 'parley-move', connectionTimeoutMillis: 10_000 });
  // A connection lost mid-move fails the query in flight; this only keeps the process alive.
  client.on('error', () => {});
  let connected = false;
  const target: Target = {
    name, client,
    async begin() {
      await client.connect();
      connected = true;
      // A lock held elsewhere (a Parley node starting on this database) fails the move, not hangs it.
      await client.query("BEGIN; SET LOCAL lock_timeout = '10s'");
    },
    async migrate() {
      try {
        await migrate(migrationDb(client, name));
      } catch (error) {
        // migrate() words its failures for a server reading DATABASE_URL: say what PostgreSQL said.
        throw new MoveError(`cannot prepare the schema in ${name}: ${oneLine((error as Error).cause ?? error)}. Nothing was written.`);
      }
    },
    async commit() {
      try {
        await client.query('COMMIT');
      } catch (error) {
        const trouble = connectionTrouble(error);
        if (!trouble) throw error;
        // The outcome is unknown: say so, rather than "nothing was written".
        throw new MoveError(`the connection to ${name} was lost during COMMIT (${trouble}): the move may or may not have been stored. Run this again: it moves, or it says the target already holds Parley data.`);
      }
    },
    async rollback() {
      await client.query('ROLLBACK');
    },
    explain(error) {
      if (error instanceof MoveError) return error;
      const trouble = connectionTrouble(error);
      const { code } = error as { code?: unknown };
      if (trouble) return new MoveError(`cannot reach ${name} (${trouble}). Check --to and that PostgreSQL is running. Nothing was written.`);
      if (code === '28P01' || code === '28000') return new MoveError(`${name} refused the login (${oneLine(error)}). Check the user and password in --to.`);
      if (code === '3D000') return new MoveError(`${name} does not exist. Create it first (createdb), then run this again.`);
      if (code === '55P03') return new MoveError(`${name} is busy: another session holds a lock the move needs (a Parley server starting or running on it?). Stop it and run this again. Nothing was written.`);
      return new MoveError(`the move failed: ${oneLine(error)}.${connected ? ' Nothing was written.' : ''}`);
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
  return target;
}

/**
 * pg-schema.ts's migrate() on the move's own connection: each of its transactions becomes a
 * savepoint of the move's transaction, so the schema commits (or rolls back) with the rows.
 * Its advisory lock is then held to the end, so a Parley node starting meanwhile waits.
 */
function migrationDb(client: pg.Client, where: string): PgDb {
  const rows = async (text: string, params: Param[]) => (await client.query(text, params as unknown[])).rows as Row[];
  const tx: Tx = {
    one: async (text, ...params) => (await rows(text, params))[0],
    all: (text, ...params) => rows(text, params),
    async run(text, ...params) {
      const result = await client.query(text, params as unknown[]);
      return { count: result.rowCount ?? 0, rows: result.rows };
    },
    logEvents: () => Promise.reject(new Error('a migration does not log events')),
  };
  let savepoints = 0;
  return {
    now: Date.now, schema: null, where,
    clientConfig: () => { throw new Error('a move opens no other connection'); },
    one: tx.one, all: tx.all,
    async tx(fn) {
      const savepoint = `migration_${++savepoints}`;
      await client.query(`SAVEPOINT ${savepoint}`);
      try {
        const value = await fn(tx);
        await client.query(`RELEASE SAVEPOINT ${savepoint}`);
        return value;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => {});
        throw error;
      }
    },
    epoch: async () => String((await tx.one("SELECT value FROM meta WHERE key = 'log_epoch'"))?.value),
    close: async () => {},
  };
}

/** `the PostgreSQL database "x" at host:port`, from the URL without its user and password. */
function describe(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MoveError('--to is not a valid URL. Expected postgres://user:password@host:port/database.');
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new MoveError('--to must be a postgres:// URL (postgres://user:password@host:port/database).');
  const database = decodeURIComponent(parsed.pathname.slice(1)) || parsed.searchParams.get('dbname') || decodeURIComponent(parsed.username) || 'postgres';
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  return `the PostgreSQL database "${database}" at ${host}:${parsed.port || parsed.searchParams.get('port') || '5432'}`;
}

export const oneLine = (error: unknown): string =>
  String((error as Error)?.message ?? error).replace(/\s+/g, ' ').trim().replace(/\.$/, '');
