/**
 * Removes a PNG's metadata while it streams, chunk by chunk: eXIf (Exif, with any GPS location),
 * tEXt, zTXt and iTXt (comments, XMP, software, author) and tIME. Every other chunk passes
 * unchanged with its own CRC, so nothing needs recomputing; anything after IEND is dropped.
 * A file that is not well-formed chunk by chunk is refused (BadImageError), as for JPEG.
 */
import { BadImageError, ByteReader } from './byte-reader.ts';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const METADATA = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

export async function* stripPng(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const reader = new ByteReader(source);
  if (!(await reader.fill(8)) || !reader.take(8).equals(SIGNATURE)) throw new BadImageError('not a PNG');
  yield SIGNATURE;
  for (;;) {
    if (!(await reader.fill(8))) throw new BadImageError('the PNG ends before IEND');
    const header = reader.peek().subarray(0, 8);
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff) throw new BadImageError('a PNG chunk is malformed');
    const whole = 8 + length + 4;
    if (METADATA.has(type)) await reader.skip(whole);
    else yield* reader.pass(whole);
    if (type === 'IEND') return;
  }
}
