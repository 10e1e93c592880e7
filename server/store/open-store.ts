/** Picks the store implementation from DATABASE_URL; the store reads time from the app's clock. */
import { systemClock, type Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { createThreadedSqliteStore } from './sqlite-thread.ts';
import type { Store } from './store.ts';

export async function openStore(config: Config, clock: Clock = systemClock): Promise<Store> {
  const url = config.databaseUrl;
  const now = () => clock.now();
  // SQLite runs in a worker thread of its own, so its synchronous statements and fsyncs never stop
  // the event loop (issue 16); tests that need a store in their own thread call createSqliteStore.
  if (url.startsWith('sqlite:')) {
    // A server without its database thread can answer nothing but 503: exit, to be restarted.
    const exit = () => process.exit(1);
    return createThreadedSqliteStore({ path: url.slice('sqlite:'.length), now, onDied: exit });
  }
  if (url.startsWith('postgres:') || url.startsWith('postgresql:')) {
    // Loaded only when chosen, so a single node on SQLite never holds pg in memory (issue 16).
    const { createPgStore } = await import('./pg-store.ts');
    const store = createPgStore({ url, poolSize: config.databasePoolSize, now });
    // The pool connects lazily; connecting (and migrating) here makes an unreachable database a
    // one-line StoreStartError from openStore, like a damaged SQLite file. A later migrate() finds
    // nothing left to do.
    await store.migrate().catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    return store;
  }
  throw new Error(`Unsupported DATABASE_URL "${url.replace(/\/\/[^@/]*@/, '//…@')}": expected sqlite:<path> or postgres://user:password@host:port/database.`);
}
