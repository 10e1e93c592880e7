/**
 * Moves a SQLite installation into an empty PostgreSQL database (issue 10): the schema through
 * the PostgreSQL store's own migrations, then every table's rows in foreign-key order, a count
 * check, and COMMIT — all in ONE transaction, so a failed or dry run leaves the target as it was.
 *
 * The event log is not moved: the target starts a log of its own (a new epoch, head 0), so every
 * client resuming with a cursor of the old one gets an explicit reset and refetches (protocol.ts,
 * "Event ids and cursors") instead of resuming into a log that does not hold its events.
 * Columns are read from both schemas, so a column on one side only fails the move by name.
 * Used by server/move-to-postgres.ts; it prints nothing itself.
 */
import type pg from 'pg';
import { newEpoch } from './event-log.ts';
import { openSource, MoveError, type Source, type SourceRow } from './move-source.ts';
import { openTarget, oneLine, type Target } from './move-target.ts';
import type { Row } from './pg-db.ts';
import { connectionTrouble } from './pg-errors.ts';

export { MoveError };

/** Copied, parents before children. */
const TABLES = ['meta', 'sites', 'users', 'site_members', 'sessions', 'invites', 'canned_responses', 'api_tokens',
  'site_assignment', 'agent_capacity', 'teams', 'team_members', 'visitors', 'conversations', 'messages', 'attachments',
  'labels', 'conversation_labels', 'saved_views', 'visitor_pages', 'visitor_aliases',
  'email_outbox', 'message_emails', 'email_unsubscribes', 'site_email_settings', 'agent_email_alerts', 'conversation_email_alerts',
  'email_threads', 'sent_emails', 'held_emails', 'ratings',
  'webhook_endpoints', 'webhook_deliveries', 'webhook_attempts'];
/**
 * The log's tables, left behind on purpose (above), and the database file storage's (pg-files.ts):
 * attachments' records move here, their bytes after the rows (copy-files-into-postgres.ts).
 * The webhooks' read position in the log stays too: the new log starts at 0, and so does it
 * (endpoints then take every event of the new log: their own position names the old log's epoch).
 */
const NOT_COPIED = { sqlite: ['events', 'webhook_cursor'], postgres: ['events', 'event_head', 'schema_migrations', 'file_blobs', 'file_chunks', 'webhook_cursor'] };
/** Meta of the old log: its epoch and pruning mark describe events that do not move. */
const LOG_META = ['log_epoch', 'events_pruned_through'];
const ROWS = (table: string) => (table === 'meta' ? `key NOT IN (${LOG_META.map((k) => `'${k}'`).join(', ')})` : 'true');
/** Columns only PostgreSQL has, and the SQLite expression that fills each (pg-schema.ts). */
const PG_ONLY: Record<string, string> = { 'conversations.ord': 'rowid' };
const BATCH_ROWS = 2000;
const BATCH_CHARS = 4_000_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export interface MoveOptions {
  /** The SQLite file. */
  from: string;
  /** postgres://user:password@host:port/database: an empty database (or one with an empty Parley schema). */
  to: string;
  dryRun: boolean;
}

export interface MoveReport {
  /** `the PostgreSQL database "x" at host:port`: never the URL, which may hold a password. */
  target: string;
  source: string;
  /** The source was open in another process; a dry run read a snapshot beside it. */
  sharedSource: boolean;
  tables: Array<{ table: string; sqlite: number; postgres: number }>;
  /** Events of the old log, not moved. */
  events: number;
  previousHead: string;
  epoch: string;
  dryRun: boolean;
  ms: number;
}

export async function copyIntoPostgres({ from, to, dryRun }: MoveOptions): Promise<MoveReport> {
  const started = performance.now();
  const target = openTarget(to);
  let source: Source | null = null;
  try {
    source = openSource(from, { dryRun });
    await target.begin();
    const tables = await copyAll(target, source);
    const epoch = await startLog(target.client, source);
    await (dryRun ? target.rollback() : target.commit());
    return {
      target: target.name, source: source.path, sharedSource: source.shared, tables, events: source.count('events', 'true'),
      previousHead: source.head, epoch, dryRun, ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    throw target.explain(error);
  } finally {
    // Ending the connection rolls back whatever the transaction did and did not commit.
    await target.close();
    source?.close();
  }
}

async function copyAll({ client, name: target, migrate }: Target, source: Source): Promise<MoveReport['tables']> {
  await migrate();
  await refuseNonEmpty(client, target);
  const pgTables = (await client.query(`SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)).rows.map((r) => String(r.table_name));
  // Which side is behind: an older file is upgraded by starting this Parley on it; a newer one is
  // moved by the version that wrote it.
  const older = 'The SQLite file is from an older Parley: start this version on it once (that upgrades it), stop it, and run this again.';
  const newer = 'The SQLite file is from another version of Parley: move it with the version that wrote it.';
  for (const table of source.tables()) {
    if (!TABLES.includes(table) && !NOT_COPIED.sqlite.includes(table)) throw new MoveError(`the SQLite database has a table "${table}" that this move does not know. ${newer}`);
  }
  for (const table of pgTables) {
    if (!TABLES.includes(table) && !NOT_COPIED.postgres.includes(table)) throw new MoveError(`${target} has a table "${table}" that this move does not know; move into an empty database.`);
  }
  const counts: MoveReport['tables'] = [];
  for (const table of TABLES) {
    if (!source.tables().includes(table)) throw new MoveError(`the SQLite database has no table "${table}". ${older}`);
    if (!pgTables.includes(table)) throw new MoveError(`the PostgreSQL schema has no table "${table}". ${newer}`);
    await copyTable(client, source, table, await matchColumns(client, source, table, { older, newer }));
  }
  for (const table of TABLES) {
    const postgres = Number((await client.query(`SELECT count(*) AS n FROM "${table}" WHERE ${ROWS(table)}`)).rows[0].n);
    counts.push({ table, sqlite: source.count(table, ROWS(table)), postgres });
  }
  // The count check: every row read is a row in PostgreSQL, or nothing is committed.
  const wrong = counts.filter((c) => c.sqlite !== c.postgres);
  if (wrong.length > 0) {
    throw new MoveError(`the counts differ (${wrong.map((c) => `${c.table}: ${c.sqlite} in SQLite, ${c.postgres} in PostgreSQL`).join('; ')}). Rolled back: nothing was written.`);
  }
  return counts;
}

interface Column {
  name: string;
  /** PostgreSQL's type name (information_schema.columns.data_type), as a cast takes it. */
  type: string;
  /** What to select in SQLite: the column, or the expression a PostgreSQL-only column is filled from. */
  select: string;
  serial: boolean;
}

async function matchColumns(client: pg.Client, source: Source, table: string, advice: { older: string; newer: string }): Promise<Column[]> {
  const sqlite = source.columns(table);
  const { rows } = await client.query(`SELECT column_name, data_type, column_default FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, [table]);
  const postgres = new Set(rows.map((r) => String(r.column_name)));
  const onlySqlite = sqlite.filter((c) => !postgres.has(c));
  if (onlySqlite.length > 0) throw new MoveError(`column ${onlySqlite.map((c) => `${table}.${c}`).join(', ')} exists in SQLite but not in PostgreSQL. ${advice.newer}`);
  const columns: Column[] = [];
  for (const row of rows) {
    const name = String(row.column_name);
    if (!IDENTIFIER.test(name)) throw new MoveError(`the PostgreSQL schema has a column "${table}.${name}" this move cannot name.`);
    const filler = PG_ONLY[`${table}.${name}`];
    if (!sqlite.includes(name) && filler === undefined) throw new MoveError(`column ${table}.${name} exists in PostgreSQL but not in SQLite. ${advice.older}`);
    columns.push({ name, type: String(row.data_type), select: sqlite.includes(name) ? `"${name}"` : `${filler} AS "${name}"`, serial: String(row.column_default ?? '').startsWith('nextval(') });
  }
  return columns;
}

async function copyTable(client: pg.Client, source: Source, table: string, columns: Column[]): Promise<void> {
  // One array per column, unnested into rows: one statement per batch, typed by PostgreSQL's own
  // column types (jsonb travels as text, since an SQL array of jsonb would need a literal per value).
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const insert = `INSERT INTO "${table}" (${names})
    SELECT ${columns.map((c) => (c.type === 'jsonb' ? `"${c.name}"::jsonb` : `"${c.name}"`)).join(', ')}
    FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type === 'jsonb' ? 'text' : c.type}[]`).join(', ')}) AS r(${names})`;
  const convert = columns.map((c) => converter(c.type, `${table}.${c.name}`));
  let batch: unknown[][] = columns.map(() => []);
  let rows = 0;
  let chars = 0;
  const flush = async () => {
    if (rows === 0) return;
    const values = batch;
    batch = columns.map(() => []);
    rows = 0;
    chars = 0;
    try {
      await client.query(insert, values);
    } catch (error) {
      if (connectionTrouble(error)) throw error;
      const { detail } = error as { detail?: string };
      throw new MoveError(`PostgreSQL refused rows of ${table}: ${oneLine(error)}${detail ? ` (${oneLine(detail)})` : ''}. Rolled back: nothing was written.`);
    }
  };
  for (const row of source.rows(table, columns.map((c) => c.select), ROWS(table))) {
    const key = row[columns[0]!.name];
    columns.forEach((column, i) => {
      const value = convert[i]!(row[column.name], key);
      if (typeof value === 'string') chars += value.length;
      batch[i]!.push(value);
    });
    if (++rows >= BATCH_ROWS || chars >= BATCH_CHARS) await flush();
  }
  await flush();
  // A column filled from SQLite carries on from the highest value copied, not from 1.
  for (const column of columns.filter((c) => c.serial)) {
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max("${column.name}") FROM "${table}"), 0) + 1, false)`, [table, column.name]);
  }
}

/** SQLite's value as PostgreSQL's type takes it: 0/1 → boolean, JSON text checked (and sent as text). */
function converter(type: string, where: string): (value: unknown, key: unknown) => unknown {
  const fail = (value: unknown, key: unknown, what: string): never => {
    throw new MoveError(`${where} of row ${String(key)} holds ${JSON.stringify(typeof value === 'string' ? value.slice(0, 40) : String(value))}, not ${what}. Nothing was written.`);
  };
  const text = (value: unknown, key: unknown) => (typeof value === 'string' ? noNul(value) : typeof value === 'number' ? String(value) : fail(value, key, 'text'));
  const int = (value: unknown, key: unknown) => (Number.isSafeInteger(value) ? value : fail(value, key, 'an integer'));
  const convert: Record<string, (value: unknown, key: unknown) => unknown> = {
    text, 'character varying': text, integer: int, bigint: int, smallint: int,
    boolean: (value, key) => (value === 0 || value === 1 ? value === 1 : fail(value, key, 'a 0/1 flag')),
    jsonb: (value, key) => {
      if (typeof value !== 'string') return fail(value, key, 'JSON text');
      try {
        return JSON.stringify(deepNoNul(JSON.parse(value)));
      } catch {
        return fail(value, key, 'valid JSON');
      }
    },
  };
  const to = convert[type];
  if (!to) throw new MoveError(`column ${where} has the PostgreSQL type ${type}, which this move does not convert to yet.`);
  return (value, key) => (value === null || value === undefined ? null : to(value, key));
}

// PostgreSQL text cannot hold NUL; Parley stores it as U+FFFD on both engines (server/http/well-formed.ts),
// so only a file older than that rule can have one.
const noNul = (text: string) => (text.includes('\0') ? text.replaceAll('\0', '\ufffd') : text);
function deepNoNul(value: unknown): unknown {
  if (typeof value === 'string') return noNul(value);
  if (Array.isArray(value)) return value.map(deepNoNul);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [noNul(k), deepNoNul(v)]));
  return value;
}

/** A target that already holds Parley data is never merged into. */
async function refuseNonEmpty(client: pg.Client, target: string): Promise<void> {
  const { rows: [found] } = await client.query(`SELECT ${TABLES.filter((t) => t !== 'meta').map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(', ')},
    (SELECT count(*) FROM meta WHERE key <> 'log_epoch') AS meta, (SELECT count(*) FROM events) AS events,
    (SELECT COALESCE(max(seq), 0) FROM event_head) AS "logged events"`);
  const held = Object.entries(found as Row).filter(([, n]) => Number(n) > 0).map(([what, n]) => `${what}: ${n}`);
  if (held.length > 0) {
    throw new MoveError(`${target} already holds Parley data (${held.join(', ')}). Move into an empty database (createdb), or drop this one first. Nothing was written.`);
  }
}

/** The target's log starts afresh: a new epoch (never the old one), head 0 (migrate made the row). */
async function startLog(client: pg.Client, source: Source): Promise<string> {
  let epoch = newEpoch();
  while (epoch === source.epoch) epoch = newEpoch();
  await client.query("UPDATE meta SET value = $1 WHERE key = 'log_epoch'", [epoch]);
  const { rows: [head] } = await client.query('SELECT seq FROM event_head WHERE id = 1');
  if (Number(head?.seq) !== 0) throw new MoveError('the target\'s event log is not empty. Nothing was written.');
  return epoch;
}
