/**
 * Group commit for the PostgreSQL store's hot write (a send), as the SQLite store does for every
 * write (sqlite-db.ts): writes submitted in the same turn of the event loop run in one transaction
 * and share one append to the event log, and so one commit flush.
 *
 * Why: the log's counter row (event_head) is held from the append through the commit's WAL flush
 * (lock order, pg-db.ts), so a cluster commits one counter holder at a time. One transaction per
 * send capped ingest at one flush per message; one per batch pays a flush per batch (issue 16).
 *
 * - Lock order across a batch: each write locks one row (its key: the conversation), and a batch
 *   runs its writes sorted by key, so two batches — of this process or another — always take their
 *   locks in the same order and cannot deadlock; so do the transactions that lock several
 *   conversations at once (BY_ID_ORDER, pg-db.ts). Writes with the same key keep their arrival order.
 * - One connection, few round trips: the writes of a batch are queued side by side on its
 *   pipelined connection (pg-db.ts), so a batch of fifty costs about as many round trips as one.
 * - A write that fails leaves the others intact: the batch rolls back as a whole, the write that
 *   failed gets its error, and the others run again as a batch without it. This happens only for a
 *   failure before the commit (nothing of the batch stayed). A failure at the commit fails every
 *   write of the batch, as it would fail a write alone: a connection lost then leaves the outcome
 *   unknown, and the clients' retries (client ids) settle it.
 * - Answers only after COMMIT: a resolved promise means "durable".
 */
import type { PgDb, Tx } from './pg-db.ts';
import { GoneError, StoreUnavailableError, type LoggedEvent } from './store.ts';

type NewEvent = Omit<LoggedEvent, 'id'>;

export interface GroupCommitOptions<I, V> {
  /** The row the write locks (its conversation): a batch takes its locks in this order. */
  key(input: I): string;
  /** The write's statements, its events returned to be logged with the batch's (never logEvents itself). */
  write(t: Tx, input: I): Promise<V & { events: NewEvent[] }>;
}

/** Writes in one transaction at most: its row locks are held until the batch commits. */
const MAX_BATCH = 64;
/**
 * Batches running at once. More than one lets the next batch do its row work while the one before
 * waits for the counter and its flush; each holds a pooled connection. With more, sends queue in
 * PostgreSQL for the counter instead of here, and batches stay small (issue 16).
 */
const MAX_IN_FLIGHT = 2;

type Result<V> = V & { events: LoggedEvent[] };
interface Job<I, V> { input: I; resolve(result: Result<V>): void; reject(error: unknown): void }

export function createGroupCommit<I, V>(db: PgDb, options: GroupCommitOptions<I, V>): (input: I) => Promise<Result<V>> {
  const queue: Array<Job<I, V>> = [];
  let inFlight = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || queue.length === 0 || inFlight >= MAX_IN_FLIGHT) return;
    scheduled = true;
    // After the I/O callbacks of this turn: every send whose request arrived with this one joins.
    setImmediate(() => {
      scheduled = false;
      while (queue.length > 0 && inFlight < MAX_IN_FLIGHT) {
        const jobs = queue.splice(0, MAX_BATCH);
        inFlight++;
        void run(jobs).finally(() => {
          inFlight--;
          schedule();
        });
      }
    });
  }

  async function run(jobs: Array<Job<I, V>>): Promise<void> {
    // Array.prototype.sort is stable: writes to one conversation keep their order.
    const ordered = [...jobs].sort((a, b) => compare(options.key(a.input), options.key(b.input)));
    // Of the last attempt (db.tx may run the batch again after a deadlock): the write that failed
    // first and its error, if one did.
    let culprit: { index: number; error: unknown } | null = null;
    try {
      const results = await db.tx(async (t) => {
        culprit = null;
        const written = await writeAll(t, ordered, (index, error) => (culprit ??= { index, error }));
        const logged = await t.logEvents(written.flatMap((w) => w.events));
        let at = 0;
        return written.map((w) => ({ ...w, events: logged.slice(at, (at += w.events.length)) }));
      }, 'send');
      ordered.forEach((job, i) => job.resolve(results[i]!));
    } catch (error) {
      // One write's own failure (a conversation gone, a file already used, its row locked too
      // long) fails that write alone: the batch rolled back, and runs again without it. A failure
      // no write reported — at BEGIN, at the commit — fails them all: at the commit the outcome
      // may be unknown (the connection lost), and the cause is no one write's (the log held too
      // long). So does a database down or full.
      const failed = culprit as { index: number; error: unknown } | null;
      const own = failed !== null && (error === failed.error || (error as { cause?: unknown })?.cause === failed.error);
      const everyone = error instanceof StoreUnavailableError && error.reason !== 'busy';
      if (everyone || !own) {
        for (const job of ordered) job.reject(error);
        return;
      }
      // Its conversation gone, or locked elsewhere too long: the other writes to it would only fail
      // the same way, each after its own wait, so they get the same answer now.
      const key = options.key(ordered[failed.index]!.input);
      const wholeKey = error instanceof GoneError || (error instanceof StoreUnavailableError && error.reason === 'busy');
      const out = (job: Job<I, V>, i: number) => i === failed.index || (wholeKey && options.key(job.input) === key);
      ordered.forEach((job, i) => out(job, i) && job.reject(error));
      const rest = ordered.filter((job, i) => !out(job, i));
      if (rest.length > 0) await run(rest);
    }
  }

  /**
   * Runs the batch's writes on its one connection, one chain per key: a key's writes one after the
   * other (each reads what the one before wrote), the chains side by side. The connection is
   * pipelined, so the chains' next statements travel together and the server answers them in the
   * order sent. The chains start in key order and each write's first statement locks its key's
   * row (appendInTx's first statement is synchronous up to the send), so the batch takes its locks
   * in key order. Every chain is waited for before failing: nothing may run after the rollback.
   * The first write to fail is the cause (the statements after a failed one only say the
   * transaction is aborted), told to failed() and thrown.
   */
  async function writeAll(t: Tx, ordered: Array<Job<I, V>>, failed: (index: number, error: unknown) => void): Promise<Array<V & { events: NewEvent[] }>> {
    const written = new Array<V & { events: NewEvent[] }>(ordered.length);
    const chains = new Map<string, number[]>();
    ordered.forEach((job, i) => {
      const key = options.key(job.input);
      const chain = chains.get(key);
      if (chain) chain.push(i);
      else chains.set(key, [i]);
    });
    const failures: Array<{ index: number; error: unknown }> = [];
    await Promise.allSettled([...chains.values()].map(async (indexes) => {
      for (const i of indexes) {
        try {
          written[i] = await options.write(t, ordered[i]!.input);
        } catch (error) {
          failures.push({ index: i, error });
          return;
        }
      }
    }));
    if (failures.length === 0) return written;
    // A rejection travels up as many async frames as the write had open, so the order in which
    // they arrive here is nearly but not exactly the server's: an "aborted" one is never the cause.
    const cause = failures.find(({ error }) => (error as { code?: unknown })?.code !== ABORTED) ?? failures[0]!;
    failed(cause.index, cause.error);
    throw cause.error;
  }

  return (input) => new Promise<Result<V>>((resolve, reject) => {
    queue.push({ input, resolve, reject });
    schedule();
  });
}

/** in_failed_sql_transaction: a statement after another one of the transaction failed. */
const ABORTED = '25P02';
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
