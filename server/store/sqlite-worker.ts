/**
 * The worker thread that owns the SQLite database when the store runs off the event loop
 * (sqlite-thread.ts, issue 16). It opens the one in-thread store (sqlite-store.ts) and answers
 * calls by name; every committed batch of events is posted before the answers of its jobs, so the
 * main thread hears of events in log order and before anyone hears back, as in one thread.
 *
 * Time is the caller's: each call carries its clock's reading, which the store reads while the
 * call runs (and a write job keeps the reading of the call that queued it, sqlite-db.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
import type { Store } from './store.ts';
import { toWire } from './store-errors-wire.ts';
import { releaseStartupMemory } from '../startup-memory.ts';
import type { FromWorker, ToWorker } from './sqlite-thread-messages.ts';

const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);
let callNow = Date.now();

let store: Store;
try {
  store = createSqliteStore({ ...(workerData as Omit<SqliteStoreOptions, 'now'>), now: () => callNow });
  store.onCommit((events) => post({ kind: 'commit', events }));
  const methods = Object.keys(store).filter((key) => key !== 'onCommit' && typeof (store as unknown as Record<string, unknown>)[key] === 'function');
  post({ kind: 'ready', methods });
} catch (error) {
  post({ kind: 'failed', error: toWire(error) });
  port.close();
}

/** Answers not yet posted: close waits for them, so a write that committed is never reported lost. */
const unanswered = new Set<Promise<void>>();

/** Posts an answer; one that cannot be cloned goes back as an error naming the method, never lost. */
function answer(call: ToWorker, outcome: Promise<unknown>): Promise<void> {
  return outcome.then(
    (value) => post({ kind: 'answer', id: call.id, ok: true, value }),
    (error: unknown) => post({ kind: 'answer', id: call.id, ok: false, error: toWire(error) }),
  ).catch((error: unknown) => {
    post({ kind: 'answer', id: call.id, ok: false, error: toWire(new Error(`store.${call.method}: its answer could not be sent across threads: ${(error as Error).message}`)) });
  });
}

port.on('message', (call: ToWorker) => {
  callNow = call.now;
  if (call.method === 'close') {
    // Everything called before close has its answer first; then the database closes, then the port.
    void Promise.allSettled([...unanswered]).then(() => answer(call, store.close())).finally(() => port.close());
    return;
  }
  const method = (store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[call.method]!;
  let outcome: Promise<unknown>;
  try {
    outcome = Promise.resolve(method(...call.args));
  } catch (error) {
    outcome = Promise.reject(error);
  }
  const posted = answer(call, outcome);
  // Migrating is the last of this thread's start-up: its garbage goes back now (startup-memory.ts).
  if (call.method === 'migrate') void posted.then(releaseStartupMemory);
  unanswered.add(posted);
  void posted.finally(() => unanswered.delete(posted));
});
