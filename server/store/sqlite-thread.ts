/**
 * The SQLite store off the event loop (issue 16): a worker thread owns the database
 * (sqlite-worker.ts) and this is the Store the app holds, each method a message to it. node:sqlite
 * is synchronous, so in one thread every statement and every commit's fsync stopped the whole
 * server — requests, streams, heartbeats — for as long; profiled under durable ingest, the store
 * took ~45 % of the event loop. In its own thread that work runs beside the loop, on the other
 * core, and group commit still batches whatever arrives while a commit is running.
 *
 * Same contract as the in-thread store (it is that store, behind messages), so the one conformance
 * suite runs on both. The small reads of every request do not cross (sqlite-reads.ts). Errors keep their class (store-errors-wire.ts). Events reach onCommit before
 * the answers of the writes that logged them, as in one thread. The worker keeps the process
 * alive only while a call is waiting for it, like the sockets of a database client would.
 */
import { Worker } from 'node:worker_threads';
import type { SqliteStoreOptions } from './sqlite-db.ts';
import { StoreUnavailableError, type LoggedEvent, type Store } from './store.ts';
import { fromWire } from './store-errors-wire.ts';
import { MAIN_THREAD_READS, openSqliteReads, type MainThreadReads } from './sqlite-reads.ts';
import type { FromWorker, ToWorker } from './sqlite-thread-messages.ts';

// Beside this module: its TypeScript source when run from server/, the built file in dist/server/.
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './sqlite-worker.ts' : './sqlite-worker.js', import.meta.url);

export interface ThreadedStoreOptions extends SqliteStoreOptions {
  /**
   * The database thread ended without close() (out of memory, a bug). Every call then fails as
   * unavailable (503); the server passes a handler that exits, so a supervisor restarts it, as it
   * would have when the store ran in the process's own thread.
   */
  onDied?: (error: Error) => void;
}

export async function createThreadedSqliteStore(options: ThreadedStoreOptions): Promise<Store> {
  const { now = Date.now, onDied, ...workerOptions } = options;
  // Referenced until it is ready, so a process that only awaits the store does not exit meanwhile.
  const worker = new Worker(WORKER, { workerData: workerOptions });

  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  const listeners: Array<(events: LoggedEvent[]) => void> = [];
  let nextId = 1;
  let gone: Error | null = null;
  let closing = false;
  let started = false;

  const settleAll = (error: Error) => {
    gone ??= error;
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  };

  const ready = new Promise<string[]>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'ready') resolve(message.methods);
      else if (message.kind === 'failed') reject(fromWire(message.error));
      else if (message.kind === 'commit') {
        for (const listener of listeners) {
          try {
            listener(message.events);
          } catch (error) {
            console.error('a commit listener failed', error);
          }
        }
      } else {
        const call = waiting.get(message.id);
        if (!call) return;
        waiting.delete(message.id);
        if (waiting.size === 0) worker.unref();
        if (message.ok) call.resolve(message.value);
        else call.reject(fromWire(message.error));
      }
    });
    // A worker that dies (out of memory, a bug) takes nothing with it silently: every waiting call
    // fails as unavailable (503), and so does every later one.
    const died = (error: Error) => {
      settleAll(error);
      if (!started) return;
      console.error(`Parley: ${error.message}`);
      onDied?.(error);
    };
    worker.on('error', (error) => {
      reject(error);
      died(new StoreUnavailableError('unavailable', `The database thread stopped: ${error.message}.`, { cause: error }));
    });
    worker.on('exit', () => {
      reject(new StoreUnavailableError('unavailable', 'The database thread did not start.'));
      if (closing) settleAll(new StoreUnavailableError('unavailable', 'The database is closed.'));
      else died(new StoreUnavailableError('unavailable', 'The database thread stopped.'));
    });
  });

  const call = (method: string, args: unknown[]): Promise<unknown> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      try {
        worker.postMessage({ id, method, args, now: now() } satisfies ToWorker);
      } catch (error) {
        // Arguments that cannot cross threads (a function, say): a bug of the caller's, told plainly.
        reject(new Error(`store.${method}: its arguments cannot be sent to the database thread: ${(error as Error).message}`));
        return;
      }
      waiting.set(id, { resolve, reject });
      if (waiting.size === 1) worker.ref();
    });
  };

  const methods = await ready;
  started = true;
  worker.unref();
  const store: Record<string, unknown> = {};
  for (const method of methods) store[method] = (...args: unknown[]) => call(method, args);
  // The hot reads stay in this thread, on a connection of their own (sqlite-reads.ts). An
  // in-memory database is private to its connection, so there they go to the thread too.
  let reads: MainThreadReads | null = null;
  try {
    if (workerOptions.path !== ':memory:') reads = openSqliteReads(workerOptions.path);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  if (reads) for (const method of MAIN_THREAD_READS) store[method] = reads[method];
  store.onCommit = (listener: (events: LoggedEvent[]) => void) => { listeners.push(listener); };
  store.close = async () => {
    if (gone || closing) return;
    closing = true;
    await call('close', []);
    reads?.close();
    gone = new StoreUnavailableError('unavailable', 'The database is closed.');
    await worker.terminate();
  };
  return store as unknown as Store;
}
