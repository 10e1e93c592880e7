/**
 * The SQLite connection that every part of the SQLite store shares: opening the file, the
 * prepared-statement cache, the group-commit write queue, the event log and the small caches.
 * It knows no table but events and users (for agent names); it must not grow Store methods —
 * those live in sqlite-accounts.ts, sqlite-chat.ts and sqlite-events.ts.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentRef } from '../../protocol/protocol.ts';
import { conversationOf } from './rows.ts';
import type { LoggedEvent } from './store.ts';

export type Row = Record<string, unknown>;
export type Param = string | number | null;

export interface SqliteStoreOptions {
  /** A file path, or ':memory:'. */
  path: string;
  now?: () => number;
  /** FULL makes every acknowledged write survive power loss; NORMAL only a crash of the process. */
  synchronous?: 'FULL' | 'NORMAL';
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
}

export function openSqliteDb(options: SqliteStoreOptions): SqliteDb {
  const now = options.now ?? Date.now;
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'};
    PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;`);

  const statements = new Map<string, StatementSync>();
  const sql = (text: string): StatementSync => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = db.prepare(text)));
    return statement;
  };
  const one = (text: string, ...params: Param[]) => sql(text).get(...params) as Row | undefined;
  const all = (text: string, ...params: Param[]) => sql(text).all(...params) as Row[];
  const run = (text: string, ...params: Param[]) => sql(text).run(...params);

  // Group commit. Writes that arrive in the same turn of the event loop share one transaction and
  // so one fsync: with synchronous=FULL an fsync costs ~1.5 ms here, which would otherwise cap
  // durable writes at a few hundred a second. Each write runs in its own savepoint, so one failing
  // write rolls back alone. Promises resolve only after COMMIT: an answer means "on disk".
  let queue: Array<{ fn: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];
  let batchEvents: LoggedEvent[] = [];
  let onCommit: (events: LoggedEvent[]) => void = () => {};

  function write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (queue.length === 1) setImmediate(flush);
    });
  }

  function flush(): void {
    const jobs = queue;
    queue = [];
    if (jobs.length === 0) return;
    if (!db.isOpen) {
      for (const job of jobs) job.reject(new Error('the store is closed'));
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const committed: LoggedEvent[] = [];
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const job of jobs) {
        sql('SAVEPOINT job').run();
        batchEvents = [];
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
      db.exec('COMMIT');
    } catch (error) {
      // BEGIN or COMMIT failed (disk full, another process holding the lock): nothing was stored.
      if (db.isTransaction) db.exec('ROLLBACK');
      agentRefs.clear();
      for (const job of jobs) job.reject(error);
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
    const logged = { ...event, id: String(lastInsertRowid) } as LoggedEvent;
    batchEvents.push(logged);
    return logged;
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
    db, now, one, all, run, write, flush, logEvent, agentRefs, agentRefOf,
    onCommit(listener) {
      onCommit = listener;
    },
  };
}
