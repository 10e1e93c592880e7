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

port.on('message', (call: ToWorker) => {
  callNow = call.now;
  const method = (store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[call.method]!;
  let answer: Promise<unknown>;
  try {
    answer = Promise.resolve(method(...call.args));
  } catch (error) {
    answer = Promise.reject(error);
  }
  answer.then(
    (value) => post({ kind: 'answer', id: call.id, ok: true, value }),
    (error: unknown) => post({ kind: 'answer', id: call.id, ok: false, error: toWire(error) }),
  ).finally(() => {
    if (call.method === 'close') port.close();
  });
});
