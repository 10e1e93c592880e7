/** Picks the store implementation from DATABASE_URL; the store reads time from the app's clock. */
import { systemClock, type Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { createPgStore } from './pg-store.ts';
import { createSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export async function openStore(config: Config, clock: Clock = systemClock): Promise<Store> {
  const url = config.databaseUrl;
  const now = () => clock.now();
  if (url.startsWith('sqlite:')) return createSqliteStore({ path: url.slice('sqlite:'.length), now });
  if (url.startsWith('postgres:') || url.startsWith('postgresql:')) {
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
