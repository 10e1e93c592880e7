/**
 * The log follower: how the PostgreSQL store calls its onCommit listener. Each process runs one,
 * and it delivers every committed event of the log — whichever process wrote it — exactly once,
 * in seq order. It only reads.
 *
 * LISTEN/NOTIFY is a wake-up, not the delivery: a notification sent while the listening
 * connection is down is gone. So the follower reads the log itself (`id > last`) when notified,
 * after every (re)connect of its LISTEN connection, and on a backstop poll; a lost connection
 * costs latency, never an event (CONVENTIONS.md, "Events across several processes").
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { debug, type PgDb } from './pg-db.ts';
import { headSeq, toLoggedEvent } from './pg-events.ts';
import type { LoggedEvent } from './store.ts';

export interface Follower {
  /** Where delivery starts: the head when the store started (migrate). The first call wins. */
  startAt(seq: number): void;
  /** Starts following, or replaces the listener. Without startAt, it starts at the head it finds. */
  follow(listener: (events: LoggedEvent[]) => void): void;
  close(): Promise<void>;
}

const BATCH = 1000;
/** A hole in the seqs cannot be a commit still on its way (event_head orders commits), but look twice before skipping. */
const HOLE_RECHECK_MS = 50;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

export function createFollower(db: PgDb, pollMs: number): Follower {
  let last: number | null = null;
  let listener: ((events: LoggedEvent[]) => void) | null = null;
  let closed = false;
  let client: Client | null = null;
  let poll: NodeJS.Timeout | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let backoff = RECONNECT_MIN_MS;
  let reading: Promise<void> | null = null;
  let again = false;

  /** Opens the LISTEN connection; when it fails or is lost, opens a new one after a backoff. */
  function connect(): void {
    if (closed) return;
    const c = new Client(db.clientConfig('parley-follower'));
    client = c;
    let gone = false;
    const lost = (why: string) => {
      if (gone) return;
      gone = true;
      if (client === c) client = null;
      c.end().catch(() => {});
      if (closed) return;
      const wait = backoff / 2 + (Math.random() * backoff) / 2;
      backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
      debug('the log follower lost its connection (%s); reconnecting in %d ms', why, Math.round(wait));
      reconnect = setTimeout(connect, wait);
    };
    c.on('error', (error) => lost(error.message));
    c.on('end', () => lost('connection ended'));
    c.on('notification', () => void catchUp());
    c.connect()
      .then(() => c.query('LISTEN parley_events'))
      .then(() => {
        if (gone || closed) return;
        backoff = RECONNECT_MIN_MS;
        // Whatever committed while nobody was listening.
        void catchUp();
      }, (error: Error) => lost(error.message));
  }

  /** Reads and delivers what is new; calls made meanwhile coalesce into one more pass. */
  function catchUp(): Promise<void> {
    if (closed || !listener) return Promise.resolve();
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      try {
        do {
          again = false;
          await drain();
        } while (again && !closed);
      } catch (error) {
        debug('the log follower could not read the log (%s); it tries again when notified or polled', (error as Error).message);
      } finally {
        reading = null;
      }
    })();
    return reading;
  }

  async function drain(): Promise<void> {
    let at = last ?? (await headSeq(db));
    last = at;
    let recheckedAt = -1;
    while (!closed) {
      const rows = await db.all('SELECT * FROM events WHERE id > $1 ORDER BY id LIMIT $2', at, BATCH);
      if (rows.length === 0) return;
      let dense = 0;
      while (dense < rows.length && Number(rows[dense]!.id) === at + 1 + dense) dense++;
      if (dense === 0) {
        const next = Number(rows[0]!.id);
        if (recheckedAt !== at) {
          recheckedAt = at;
          await sleep(HOLE_RECHECK_MS);
          continue;
        }
        // Nothing commits out of order, so these were deleted (a visitor's erasure, retention, pruning).
        debug('events %d to %d were deleted before this process read them; skipping them', at + 1, next - 1);
        at = next - 1;
        last = at;
        continue;
      }
      const epoch = await db.epoch();
      const events = rows.slice(0, dense).map((row) => toLoggedEvent(epoch, row));
      at += dense;
      last = at;
      try {
        listener?.(events);
      } catch (error) {
        console.error('a commit listener failed', error);
      }
      if (rows.length < BATCH && dense === rows.length) return;
    }
  }

  return {
    startAt(seq) {
      last ??= seq;
    },
    follow(next) {
      const started = listener !== null;
      listener = next;
      if (started || closed) return;
      connect();
      poll = setInterval(() => void catchUp(), pollMs);
      poll.unref();
    },
    async close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(reconnect);
      await reading;
      await client?.end().catch(() => {});
    },
  };
}
