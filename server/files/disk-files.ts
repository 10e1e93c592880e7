/**
 * The single-node file storage: one file per key under a directory (DATA_DIR/attachments). A file
 * is written to a temporary name, flushed to disk, then renamed into place, so a reader sees a
 * whole file or none, and a crash leaves at most a temporary file, which keysBefore reports too.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreUnavailableError } from '../store/store.ts';
import { checkKey, type FileStorage } from './file-storage.ts';

const TEMP = '.part-';
const keyOf = (name: string) => (name.startsWith(TEMP) ? name.slice(TEMP.length) : name);

export function createDiskFiles(dir: string): FileStorage {
  mkdirSync(dir, { recursive: true });
  const path = (key: string) => join(dir, checkKey(key));

  return {
    async put(key, source) {
      const final = path(key);
      const temp = join(dir, `${TEMP}${key}`);
      const out = createWriteStream(temp, { flags: 'wx' });
      let size = 0;
      try {
        await once(out, 'open');
        for await (const chunk of source) {
          size += chunk.length;
          // Respects backpressure: a fast sender waits for the disk, instead of filling memory.
          if (!out.write(chunk)) await once(out, 'drain');
        }
        out.end();
        await once(out, 'close');
        const handle = await open(temp, 'r');
        try { await handle.sync(); } finally { await handle.close(); }
        await rename(temp, final);
        return size;
      } catch (error) {
        out.destroy();
        await rm(temp, { force: true });
        throw diskTrouble(error);
      }
    },
    async get(key) {
      const file = path(key);
      try {
        await stat(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw diskTrouble(error);
      }
      return createReadStream(file, { highWaterMark: 256 * 1024 });
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
    async keysBefore(before, after, limit) {
      const keys: string[] = [];
      const names = (await readdir(dir)).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
      for (const name of names) {
        const key = keyOf(name);
        if (keys.length >= limit) break;
        if (after !== null && key <= after) continue;
        const info = await stat(join(dir, name)).catch(() => null);
        if (!info || info.mtimeMs >= before) continue;
        // A leftover temporary file (a crash mid-write) goes at once: nothing can ever read it.
        if (name.startsWith(TEMP)) await rm(join(dir, name), { force: true });
        else keys.push(key);
      }
      return keys;
    },
    async close() {},
  };
}

/** A full disk or an unwritable directory is operational trouble (503, Retry-After), like the database's. */
function diskTrouble(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StoreUnavailableError('full', 'The disk holding attachments is full.', { cause: error });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EIO') {
    return new StoreUnavailableError('unavailable', `Attachments cannot be written: ${(error as Error).message}.`, { cause: error });
  }
  return error;
}
