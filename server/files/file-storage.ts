/**
 * Where the bytes of attachments live (issue 13), behind one interface with two backends, both
 * passing test/support/file-storage-conformance.ts:
 * - disk (disk-files.ts): files under DATA_DIR/attachments, for one server process;
 * - database (store/pg-files.ts): chunks in PostgreSQL, which every process of a cluster reads.
 * Files are streamed in and out, never held whole in memory. Keys are the attachments' ids.
 * Nothing here knows who may read a file: the routes decide that before asking.
 */

export interface FileStorage {
  /**
   * Streams `source` into a new file under `key` and resolves with its size once the file is
   * durable. When the source fails (a cut upload, a refused type) or the write does, rejects and
   * leaves nothing behind. A key is written once.
   */
  put(key: string, source: AsyncIterable<Uint8Array>): Promise<number>;
  /** The file's bytes, in order; null when there is no such (complete) file. */
  get(key: string): Promise<AsyncIterable<Uint8Array> | null>;
  /** Idempotent: deleting a missing file is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Keys of files (complete or not) written before `before`, in key order, the first `limit`
   * after `after` (null: from the start): for sweeping the leftovers of a crash, page by page.
   */
  keysBefore(before: number, after: string | null, limit: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Attachment ids (rows.ts newId): also what keeps a key from naming a path. */
const KEY = /^[A-Za-z0-9_-]{1,80}$/;

export function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`invalid file key "${key}"`);
  return key;
}
