/**
 * The second half of a move to PostgreSQL (issue 13): the bytes of every moved attachment, from
 * the SQLite installation's DATA_DIR/attachments into the database file storage (pg-files.ts),
 * which every process of a cluster reads — without it, a cluster started on the moved database
 * would answer "not found" for every earlier file.
 *
 * Rows move first, in one transaction (copy-into-postgres.ts); files then one by one, streamed.
 * That order keeps the row move atomic, and the file copy is idempotent (a file already complete
 * in PostgreSQL is skipped, a half-written one rewritten), so a copy cut short is finished by
 * running it again with --files-only.
 */
import { createDiskFiles } from '../files/disk-files.ts';
import { openPgDb } from './pg-db.ts';
import { createPgFiles } from './pg-files.ts';
import { MoveError } from './move-source.ts';
import { oneLine } from './move-target.ts';

export interface FileCopyReport {
  copied: number;
  /** Already complete in PostgreSQL (an earlier, interrupted copy). */
  already: number;
  bytes: number;
  /** Attachment ids whose file is not in the directory (deleted by hand, or another DATA_DIR). */
  missing: string[];
}

export async function copyFilesIntoPostgres({ to, filesDir }: { to: string; filesDir: string }): Promise<FileCopyReport> {
  const db = openPgDb({ url: to, poolSize: 1 });
  const disk = createDiskFiles(filesDir);
  const files = createPgFiles({ url: to });
  const report: FileCopyReport = { copied: 0, already: 0, bytes: 0, missing: [] };
  let key = '';
  try {
    const ids = (await db.all('SELECT id FROM attachments ORDER BY id')).map((row) => String(row.id));
    for (key of ids) {
      const done = await files.get(key);
      if (done) {
        report.already++;
        // Not read: the copy is there; only the generator was opened.
        await done[Symbol.asyncIterator]().return?.();
        continue;
      }
      const source = await disk.get(key);
      if (!source) {
        report.missing.push(key);
        continue;
      }
      await files.delete(key);
      report.bytes += await files.put(key, source);
      report.copied++;
    }
    return report;
  } catch (error) {
    const at = key ? ` at file ${key}` : '';
    throw new MoveError(`the rows were moved, but copying the attachments' files stopped${at} (${oneLine(error)}). Run the same command again with --files-only to copy the rest.`);
  } finally {
    await Promise.allSettled([files.close(), disk.close(), db.close()]);
  }
}
