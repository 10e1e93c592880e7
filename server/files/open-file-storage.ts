/**
 * The file storage the configuration names (ATTACHMENT_STORAGE): main.ts opens it, like the store.
 * The PostgreSQL one (and with it pg) is loaded only when chosen: a single node on SQLite never
 * pays its memory (issue 16).
 */
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { StoreStartError } from '../store/store.ts';
import { createDiskFiles } from './disk-files.ts';
import type { FileStorage } from './file-storage.ts';

export async function openFileStorage(config: Config, clock?: Clock): Promise<FileStorage> {
  if (config.attachmentStorage === 'database') {
    if (!/^postgres(ql)?:/.test(config.databaseUrl)) {
      throw new StoreStartError('ATTACHMENT_STORAGE=database keeps files in PostgreSQL, but DATABASE_URL is not a postgres:// URL. Use ATTACHMENT_STORAGE=disk.');
    }
    const { createPgFiles } = await import('../store/pg-files.ts');
    return createPgFiles({ url: config.databaseUrl, ...(clock ? { now: () => clock.now() } : {}) });
  }
  return createDiskFiles(join(config.dataDir, 'attachments'));
}
