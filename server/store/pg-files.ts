/**
 * The cluster's file storage (issue 13): the bytes of attachments in PostgreSQL, so that every
 * server process sharing the database serves every file. A file is a file_blobs row and its
 * 256 KiB chunks in file_chunks (bytea), written and read one short statement at a time: an upload
 * or a download from a slow client never holds a connection or a transaction open for its length,
 * and never more than a few chunks are in memory. A file counts once its row says complete.
 *
 * Why chunks of ordinary rows rather than large objects: reading a large object needs a
 * transaction open for the whole download; large objects live outside any schema (our tests give
 * every store a schema of its own) and are not deleted with the rows that name them (they need
 * lo_unlink or vacuumlo). Rows are deleted with their file (ON DELETE CASCADE), dumped, restored
 * and replicated like every other row. Why not an S3-compatible store: it would be one more
 * service to run and to test against, where the cluster already has PostgreSQL.
 */
import { checkKey, type FileStorage } from '../files/file-storage.ts';
import { openPgDb, type Param, type PgStoreOptions } from './pg-db.ts';

const CHUNK = 256 * 1024;
/** Chunks read per statement while streaming a file out. */
const READ_AHEAD = 4;

export function createPgFiles(options: PgStoreOptions): FileStorage {
  // A pool of its own, small: file traffic must not take the connections that chat needs.
  const db = openPgDb({ ...options, poolSize: Math.min(options.poolSize ?? 4, 4) });
  const write = (text: string, ...params: unknown[]) => db.tx((t) => t.run(text, ...(params as Param[])));

  return {
    async put(key, source) {
      checkKey(key);
      await write('INSERT INTO file_blobs (key, created_at) VALUES ($1, $2)', key, db.now());
      let n = 0;
      let size = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (all: boolean) => {
        while (pendingBytes >= CHUNK || (all && pendingBytes > 0)) {
          const joined = Buffer.concat(pending, pendingBytes);
          const piece = joined.subarray(0, CHUNK);
          const rest = joined.subarray(piece.length);
          pending = rest.length ? [rest] : [];
          pendingBytes = rest.length;
          await write('INSERT INTO file_chunks (key, n, data) VALUES ($1, $2, $3)', key, n++, piece);
        }
      };
      try {
        for await (const chunk of source) {
          size += chunk.length;
          pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          pendingBytes += chunk.length;
          // The source waits while a chunk is written: the database sets the pace, not the sender.
          if (pendingBytes >= CHUNK) await flush(false);
        }
        await flush(true);
        await write('UPDATE file_blobs SET size = $1, complete = true WHERE key = $2', size, key);
        return size;
      } catch (error) {
        await write('DELETE FROM file_blobs WHERE key = $1', key).catch(() => {});
        throw error;
      }
    },
    async get(key) {
      checkKey(key);
      const row = await db.one('SELECT complete FROM file_blobs WHERE key = $1', key);
      if (!row?.complete) return null;
      return (async function* chunks() {
        for (let from = 0; ;) {
          const rows = await db.all('SELECT n, data FROM file_chunks WHERE key = $1 AND n >= $2 ORDER BY n LIMIT $3', key, from, READ_AHEAD);
          for (const r of rows) yield r.data as Buffer;
          if (rows.length < READ_AHEAD) return;
          from = Number(rows.at(-1)!.n) + 1;
        }
      })();
    },
    async delete(key) {
      await write('DELETE FROM file_blobs WHERE key = $1', checkKey(key));
    },
    async keysBefore(before, after, limit) {
      return (await db.all('SELECT key FROM file_blobs WHERE created_at < $1 AND key COLLATE "C" > $2 ORDER BY key COLLATE "C" LIMIT $3', before, after ?? '', limit))
        .map((r) => String(r.key));
    },
    close: () => db.close(),
  };
}
