/** The file storage the configuration names (ATTACHMENT_STORAGE): main.ts opens it, like the store. */
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { createPgFiles } from '../store/pg-files.ts';
import { StoreStartError } from '../store/store.ts';
import { createDiskFiles } from './disk-files.ts';
import type { FileStorage } from './file-storage.ts';

export function openFileStorage(config: Config, clock?: Clock): FileStorage {
  if (config.attachmentStorage === 'database') {
    if (!/^postgres(ql)?:/.test(config.databaseUrl)) {
      throw new StoreStartError('ATTACHMENT_STORAGE=database keeps files in PostgreSQL, but DATABASE_URL is not a postgres:// URL. Use ATTACHMENT_STORAGE=disk.');
    }
    return createPgFiles({ url: config.databaseUrl, ...(clock ? { now: () => clock.now() } : {}) });
  }
  return createDiskFiles(join(config.dataDir, 'attachments'));
}
