/** Picks the store implementation from DATABASE_URL. */
import type { Config } from '../config.ts';
import { createSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export async function openStore(config: Config): Promise<Store> {
  const url = config.databaseUrl;
  if (url.startsWith('sqlite:')) return createSqliteStore({ path: url.slice('sqlite:'.length) });
  if (url.startsWith('postgres:') || url.startsWith('postgresql:')) {
    throw new Error('PostgreSQL support is not available in this version yet; use DATABASE_URL=sqlite:<path> (the default).');
  }
  throw new Error(`Unsupported DATABASE_URL "${url}": expected sqlite:<path>.`);
}
