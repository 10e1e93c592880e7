/**
 * The SQLite side of a move to PostgreSQL (copy-into-postgres.ts): the installation's file, opened
 * so that nothing can change it while it is read, and read as one snapshot. It never writes a row:
 * statements run with query_only, and the file stays as it was, to go back to.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { formatEventId } from '../../protocol/protocol.ts';

/** A problem an operator fixes: one line saying what and what to do. */
export class MoveError extends Error {}

export type SourceRow = Record<string, unknown>;

export interface Source {
  path: string;
  /**
   * Another process has the file open (a running server): read as a read-only snapshot, which a
   * dry run may do. A real move holds the file exclusively instead, so no server can write to it
   * (or start on it) while the rows are copied.
   */
  shared: boolean;
  /** The head of the log that is left behind, `<epoch>:<seq>`. */
  head: string;
  epoch: string;
  tables(): string[];
  columns(table: string): string[];
  count(table: string, where: string): number;
  /** Rows in rowid order (SQLite's insertion order, which PostgreSQL's conversations.ord stands for). */
  rows(table: string, select: string[], where: string): Iterable<SourceRow>;
  close(): void;
}

const BUSY = new Set([5, 6]); // SQLITE_BUSY, SQLITE_LOCKED
const primaryCode = (error: unknown) => Number((error as { errcode?: number }).errcode) & 0xff;
const said = (error: unknown) => String((error as Error).message ?? error).replace(/\s+/g, ' ').replace(/\.$/, '');

export function openSource(file: string, { dryRun }: { dryRun: boolean }): Source {
  const path = resolve(file);
  // DatabaseSync would create a missing file, and then move an empty installation.
  if (!existsSync(path)) throw new MoveError(`there is no SQLite database at ${path}. Name Parley's file (DATA_DIR/parley.db) with --from sqlite:<path>.`);
  let db = new DatabaseSync(path);
  let shared = false;
  try {
    // EXCLUSIVE: the lock is taken at the first read and held until close, and it cannot be had
    // while any other connection (a Parley server, even an idle one) has the file open.
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA query_only = ON; BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    db.close();
    if (!BUSY.has(primaryCode(error))) throw unreadable(path, error);
    if (!dryRun) {
      throw new MoveError(`the SQLite database ${path} is in use by another process, most likely a Parley server. Stop every Parley process using it, then run this again (a --dry-run works while it runs).`);
    }
    // A dry run beside a running server: WAL gives one consistent snapshot for a read transaction.
    shared = true;
    db = new DatabaseSync(path, { readOnly: true });
    try {
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (again) {
      db.close();
      throw unreadable(path, again);
    }
  }

  try {
    const check = String(Object.values(db.prepare('PRAGMA quick_check(1)').get() ?? {})[0]);
    if (check !== 'ok') throw new MoveError(`the SQLite database ${path} is damaged (${check.replace('*** in database main ***', '').replace(/\s+/g, ' ').trim()}). Nothing was moved. See docs/deployment.md, "Backups and a damaged database".`);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as SourceRow[]).map((r) => String(r.name));
    const epoch = tables.includes('meta') ? (db.prepare("SELECT value FROM meta WHERE key = 'log_epoch'").get() as SourceRow | undefined)?.value : undefined;
    if (!epoch || !tables.includes('events')) throw new MoveError(`${path} is not a Parley database (it has no event log). Name Parley's file (DATA_DIR/parley.db) with --from.`);
    const seq = Number((db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as SourceRow | undefined)?.seq ?? 0);
    const name = (table: string) => {
      if (!tables.includes(table)) throw new Error(`no table ${table} in SQLite`);
      return `"${table}"`;
    };
    return {
      path, shared, epoch: String(epoch), head: formatEventId(String(epoch), seq),
      tables: () => tables,
      columns: (table) => (db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table) as SourceRow[]).map((r) => String(r.name)),
      count: (table, where) => Number((db.prepare(`SELECT count(*) AS n FROM ${name(table)} WHERE ${where}`).get() as SourceRow).n),
      rows: (table, select, where) => db.prepare(`SELECT ${select.join(', ')} FROM ${name(table)} WHERE ${where} ORDER BY rowid`).iterate() as Iterable<SourceRow>,
      close() {
        if (!db.isOpen) return;
        if (db.isTransaction) db.exec('ROLLBACK');
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error instanceof MoveError ? error : unreadable(path, error);
  }
}

function unreadable(path: string, error: unknown): MoveError {
  const code = primaryCode(error);
  if (code === 26) return new MoveError(`${path} is not a SQLite database. Name Parley's file (DATA_DIR/parley.db) with --from.`);
  if (code === 11) return new MoveError(`the SQLite database ${path} is damaged (${said(error)}). Nothing was moved. See docs/deployment.md, "Backups and a damaged database".`);
  return new MoveError(`cannot read the SQLite database ${path} (${said(error)}). The move needs to open it for reading and lock it.`);
}
