/**
 * What every FileStorage backend must do (issue 13), written once: server/files/file-storage.test.ts
 * runs it against files on disk and against PostgreSQL. Bytes out are the bytes in, streamed in
 * pieces; a failed write leaves nothing; keys cannot name paths; leftovers are listed page by page.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FileStorage } from '../../server/files/file-storage.ts';

async function* pieces(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; chunks: number; largest: number }> {
  const parts: Buffer[] = [];
  let largest = 0;
  for await (const chunk of source) {
    parts.push(Buffer.from(chunk));
    largest = Math.max(largest, chunk.length);
  }
  return { bytes: Buffer.concat(parts), chunks: parts.length, largest };
}

export function fileStorageConformance(name: string, open: () => Promise<FileStorage>): void {
  describe(`${name} file storage`, () => {
    it('gives back exactly the bytes it was given, streamed out in pieces, and says how many', async () => {
      const files = await open();
      const data = randomBytes(1_500_000 + 7);
      assert.equal(await files.put('f_big', pieces(data, 100_000)), data.length);
      const out = await collect((await files.get('f_big'))!);
      assert.ok(out.bytes.equals(data), 'byte-identical');
      assert.ok(out.chunks > 1 && out.largest <= 256 * 1024, `read in pieces (${out.chunks}, largest ${out.largest} B), never whole`);
      assert.equal(await files.put('f_empty', pieces(Buffer.alloc(0), 1)), 0);
      assert.equal((await collect((await files.get('f_empty'))!)).bytes.length, 0);
      await files.close();
    });

    it('keeps nothing of a write whose source fails midway, and nothing under a key it never wrote', async () => {
      const files = await open();
      async function* failing(): AsyncGenerator<Buffer> {
        yield randomBytes(300_000);
        throw new Error('the sender went away');
      }
      await assert.rejects(files.put('f_cut', failing()), /went away/);
      assert.equal(await files.get('f_cut'), null);
      assert.deepEqual(await files.keysBefore(Date.now() + 60_000, null, 10), []);
      assert.equal(await files.get('f_never'), null);
      await files.delete('f_never');
      await files.close();
    });

    it('deletes a file for good, and deleting it again is no error', async () => {
      const files = await open();
      await files.put('f_gone', pieces(Buffer.from('bye'), 1));
      await files.delete('f_gone');
      await files.delete('f_gone');
      assert.equal(await files.get('f_gone'), null);
      await files.close();
    });

    it('refuses keys that could name a path', async () => {
      const files = await open();
      for (const key of ['../escape', 'a/b', '', '.hidden', 'x'.repeat(200)]) {
        await assert.rejects(files.put(key, pieces(Buffer.from('x'), 1)), /invalid file key/, key);
      }
      await files.close();
    });

    it('lists the keys of files written before a time, in order, page by page', async () => {
      const files = await open();
      for (const key of ['f_c', 'f_a', 'f_b']) await files.put(key, pieces(Buffer.from(key), 2));
      assert.deepEqual(await files.keysBefore(Date.now() - 60_000, null, 10), [], 'none is older than a minute');
      const later = Date.now() + 60_000;
      assert.deepEqual(await files.keysBefore(later, null, 2), ['f_a', 'f_b']);
      assert.deepEqual(await files.keysBefore(later, 'f_b', 2), ['f_c']);
      await files.close();
    });
  });
}
