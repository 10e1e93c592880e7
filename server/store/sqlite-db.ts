/**
 * The SQLite connection that every part of the SQLite store shares: opening the file, the
 * prepared-statement cache, the group-commit write queue, the event log and the small caches.
 * It knows no table but events and users (for agent names); it must not grow Store methods —
 * those live in sqlite-accounts.ts, sqlite-chat.ts and sqlite-events.ts.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatEventId, type AgentRef } from '../../protocol/protocol.ts';
import { conversationOf } from './rows.ts';
import { StoreStartError, StoreUnavailableError, type LoggedEvent } from './store.ts';

export type Row = Record<string, unknown>;
export type Param = string | number | null;

export interface SqliteStoreOptions {
  /** A file path, or ':memory:'. */
  path: string;
  now?: () => number;
  /** FULL makes every acknowledged write survive power loss; NORMAL only a crash of the process. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for a database locked by someone else before it fails as busy. */
  busyWaitMs?: number;
  /**
   * A second connection that only reads, beside the one that writes (sqlite-reads.ts): no checks
   * at open, no journal change, and SQLite refuses any write through it (query_only).
   */
  reader?: boolean;
}

/** What the parts of the SQLite store receive. */
export interface SqliteDb {
  db: DatabaseSync;
  now: () => number;
  one(text: string, ...params: Param[]): Row | undefined;
  all(text: string, ...params: Param[]): Row[];
  run(text: string, ...params: Param[]): ReturnType<StatementSync['run']>;
  /** Queues fn for the next group commit; settles once the batch is committed. */
  write<T>(fn: () => T): Promise<T>;
  /** Commits whatever is queued, now. */
  flush(): void;
  onCommit(listener: (events: LoggedEvent[]) => void): void;
  /** Appends to the event log; call it only inside a write job. */
  logEvent(event: Omit<LoggedEvent, 'id'>): LoggedEvent;
  agentRefs: Map<string, AgentRef | null>;
  agentRefOf(userId: string | null): AgentRef | null;
  /** This database's log epoch (made by migrate). */
  epoch(): string;
}

export function openSqliteDb(options: SqliteStoreOptions): SqliteDb {
  const clockNow = options.now ?? Date.now;
  // A write job reads the time its call was made, not the time the batch commits: the same within
  // one thread, and right when the store runs in a worker whose clock reading is the caller's
  // (sqlite-worker.ts) and several calls share a batch.
  let jobNow: number | null = null;
  const now = () => jobNow ?? clockNow();
  const db = options.reader ? openReader(options.path) : openChecked(options.path);
  // No busy_timeout: node:sqlite is synchronous, so SQLite's own wait for a lock would freeze the
  // event loop (every request, stream and health check) for as long. A busy write waits on a timer
  // instead (flush, below); a busy read fails at once as unavailable.
  // temp_store = MEMORY: each write job runs in a savepoint (group commit, below), and SQLite keeps a
  // savepoint's undo pages in a sub-journal, by default a temporary file — two pwrite calls per page
  // a job first touches, three quarters of all writes the database made under durable ingest
  // (strace, issue 16). In memory they cost no system call; what reaches the disk is unchanged.
  db.exec(`PRAGMA synchronous = ${options.synchronous ?? 'FULL'}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 0; PRAGMA temp_store = MEMORY;`);
  const busyWaitMs = options.busyWaitMs ?? 2000;

  const statements = new Map<string, StatementSync>();
  const sql = (text: string): StatementSync => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = db.prepare(text)));
    return statement;
  };
  const one = (text: string, ...params: Param[]) => {
    try { return sql(text).get(...params) as Row | undefined; } catch (error) { throw db.isOpen ? operational(error) : closedError(); }
  };
  const all = (text: string, ...params: Param[]) => {
    try { return sql(text).all(...params) as Row[]; } catch (error) { throw db.isOpen ? operational(error) : closedError(); }
  };
  const run = (text: string, ...params: Param[]) => {
    try { return sql(text).run(...params); } catch (error) { throw db.isOpen ? operational(error) : closedError(); }
  };

  // Group commit. Writes that arrive in the same turn of the event loop share one transaction and
  // so one fsync: with synchronous=FULL an fsync costs ~1.5 ms here, which would otherwise cap
  // durable writes at a few hundred a second. Each write runs in its own savepoint, so one failing
  // write rolls back alone. Promises resolve only after COMMIT: an answer means "on disk".
  type Job = { fn: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void; queuedAt: number; at: number };
  let queue: Job[] = [];
  let batchEvents: LoggedEvent[] = [];
  let onCommit: (events: LoggedEvent[]) => void = () => {};
  let scheduled = false;
  let busyAttempts = 0;

  function write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject, queuedAt: performance.now(), at: now() });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }

  /**
   * Someone else holds the write lock (another process, a backup, a sqlite3 shell): keep the jobs
   * and try again on a timer, backing off, so the event loop stays free meanwhile. A job that has
   * waited busyWaitMs fails as busy (the API answers 503 with Retry-After); it wrote nothing.
   */
  function retryWhenFree(jobs: Job[], error: StoreUnavailableError): void {
    const now = performance.now();
    const waiting = jobs.filter((job) => now - job.queuedAt < busyWaitMs);
    for (const job of jobs) if (!waiting.includes(job)) job.reject(error);
    queue = [...waiting, ...queue];
    if (queue.length === 0 || scheduled) return;
    scheduled = true;
    setTimeout(flush, Math.min(100, 2 ** busyAttempts++));
  }

  function flush(): void {
    scheduled = false;
    const jobs = queue;
    queue = [];
    if (jobs.length === 0) return;
    if (!db.isOpen) {
      for (const job of jobs) job.reject(closedError());
      return;
    }
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      const failure = operational(error);
      if (failure instanceof StoreUnavailableError && failure.reason === 'busy') retryWhenFree(jobs, failure);
      else for (const job of jobs) job.reject(failure);
      return;
    }
    busyAttempts = 0;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const committed: LoggedEvent[] = [];
    try {
      for (const job of jobs) {
        sql('SAVEPOINT job').run();
        batchEvents = [];
        jobNow = job.at;
        try {
          outcomes.push({ ok: true, value: job.fn() });
          sql('RELEASE job').run();
          committed.push(...batchEvents);
        } catch (error) {
          sql('ROLLBACK TO job').run();
          sql('RELEASE job').run();
          outcomes.push({ ok: false, error });
        }
      }
      jobNow = null;
      db.exec('COMMIT');
    } catch (error) {
      jobNow = null;
      // COMMIT (or a savepoint) failed, say on a full disk: nothing of the batch was stored.
      try {
        if (db.isTransaction) db.exec('ROLLBACK');
      } catch {
        // SQLite has rolled back by itself (an I/O error does that).
      }
      agentRefs.clear();
      const failure = operational(error);
      for (const job of jobs) job.reject(failure);
      return;
    }
    // Announce in log order before anyone hears back, so live events can never overtake each other.
    if (committed.length > 0) {
      try {
        onCommit(committed);
      } catch (error) {
        console.error('a commit listener failed', error);
      }
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  function logEvent(event: Omit<LoggedEvent, 'id'>): LoggedEvent {
    const { lastInsertRowid } = run(
      'INSERT INTO events (site_id, visitor_id, conversation_id, audience, type, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      event.siteId, event.visitorId, conversationOf(event.data), event.audience, event.type, JSON.stringify(event.data), now(),
    );
    const logged = { ...event, id: formatEventId(epoch(), Number(lastInsertRowid)) } as LoggedEvent;
    batchEvents.push(logged);
    return logged;
  }

  let epochValue: string | null = null;
  function epoch(): string {
    epochValue ??= String(one("SELECT value FROM meta WHERE key = 'log_epoch'")?.value ?? '');
    if (!epochValue) throw new Error('the event log has no epoch: run migrate() first');
    return epochValue;
  }

  // Agents' names and avatars, for messages; forgotten whenever a user changes.
  const agentRefs = new Map<string, AgentRef | null>();
  function agentRefOf(userId: string | null): AgentRef | null {
    if (userId === null) return null;
    if (!agentRefs.has(userId)) {
      const row = one('SELECT id, name, avatar_url FROM users WHERE id = ?', userId);
      agentRefs.set(userId, row ? { id: String(row.id), name: String(row.name), avatarUrl: row.avatar_url == null ? null : String(row.avatar_url) } : null);
    }
    return agentRefs.get(userId)!;
  }

  return {
    db, now, one, all, run, write, flush, logEvent, agentRefs, agentRefOf, epoch,
    onCommit(listener) {
      onCommit = listener;
    },
  };
}

/**
 * Opens the file, or refuses to start with one line an operator can act on: a data directory that
 * cannot be written, a file that is not a database, or one whose pages are damaged. A damaged file
 * must not be written into (issue 9, finding 7): `PRAGMA quick_check` reads every page once, which
 * costs about a second per few hundred MB at start.
 */
function openChecked(path: string): DatabaseSync {
  const where = path === ':memory:' ? null : dirname(path);
  if (where) {
    try {
      mkdirSync(where, { recursive: true });
      accessSync(where, constants.W_OK);
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      throw new StoreStartError(`cannot write to the data directory ${resolve(where)} (${REASONS[code ?? ''] ?? code}). Set DATA_DIR to a directory this user can write.`);
    }
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    // Checked before anything (even the journal mode) writes to the file.
    const first = String(Object.values(db.prepare('PRAGMA quick_check(1)').get() ?? {})[0]);
    if (first !== 'ok') throw new StoreStartError(damaged(path, first.replace('*** in database main ***', '').replace(/\s+/g, ' ').trim()));
    db.exec('PRAGMA journal_mode = WAL');
    return db;
  } catch (error) {
    if (db?.isOpen) db.close();
    if (error instanceof StoreStartError) throw error;
    const primary = Number((error as { errcode?: number }).errcode) & 0xff;
    if (primary === 11 || primary === 26) throw new StoreStartError(damaged(path, (error as Error).message));
    throw new StoreStartError(`cannot open the database ${resolve(path)}: ${(error as Error).message}.`);
  }
}

/** A connection for reads beside the writer's, which has already checked and set up the file. */
function openReader(path: string): DatabaseSync {
  try {
    const db = new DatabaseSync(path);
    db.exec('PRAGMA query_only = ON');
    return db;
  } catch (error) {
    throw new StoreStartError(`cannot open the database ${resolve(path)} for reading: ${(error as Error).message}.`);
  }
}

const damaged = (path: string, problem: string) =>
  `the database ${resolve(path)} is damaged (${problem}). Nothing was changed. Restore it from a backup, or move it aside to start empty: see docs/deployment.md, "Backups and a damaged database".`;

const REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file', ENOSPC: 'the disk is full', ENOENT: 'no such directory',
};

// SQLite's primary result codes (https://sqlite.org/rescode.html) that mean operational trouble.
const BUSY = new Set([5, 6]); // SQLITE_BUSY, SQLITE_LOCKED
const FULL = 13; // SQLITE_FULL
const UNAVAILABLE = new Set([7, 8, 10, 11, 14, 26]); // NOMEM, READONLY, IOERR, CORRUPT, CANTOPEN, NOTADB

const closedError = () => new StoreUnavailableError('unavailable', 'The database is closed.');

/** Turns SQLite's operational errors into StoreUnavailableError; anything else (a bug) passes through. */
export function operational(error: unknown): unknown {
  const errcode = (error as { errcode?: unknown })?.errcode;
  if ((error as { code?: unknown })?.code !== 'ERR_SQLITE_ERROR' || typeof errcode !== 'number') return error;
  const primary = errcode & 0xff;
  if (BUSY.has(primary)) return new StoreUnavailableError('busy', 'The database is locked by another process.', { cause: error });
  if (primary === FULL) return new StoreUnavailableError('full', 'The disk holding the database is full.', { cause: error });
  if (UNAVAILABLE.has(primary)) return new StoreUnavailableError('unavailable', `The database cannot be used: ${(error as Error).message}.`, { cause: error });
  return error;
}
