/**
 * Removes a JPEG's metadata while it streams, by rewriting its segments (no image library, no
 * decoding): Exif (camera, time, GPS location) and XMP (APP1), IPTC/Photoshop (APP13), comments,
 * and every other application segment but JFIF (APP0), the colour profile (APP2 ICC_PROFILE) and
 * Adobe's colour transform (APP14), which change how the picture looks. The Exif orientation is
 * kept, as a minimal Exif segment of its own, so a phone photo is not shown on its side. Anything
 * after the end of the image (a second, hidden image; an appended archive) is dropped too.
 *
 * A file that is not a well-formed JPEG up to its image data is refused (BadImageError): a file
 * we cannot parse is one whose metadata we cannot promise to have removed.
 */
import { BadImageError, ByteReader } from './byte-reader.ts';

export { BadImageError };

const SOS = 0xda;
const EOI = 0xd9;
const standalone = (marker: number) => (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xd8;

export async function* stripJpeg(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const reader = new ByteReader(source);
  if (!(await reader.fill(2)) || reader.take(2).readUInt16BE(0) !== 0xffd8) throw new BadImageError('not a JPEG');
  yield Buffer.from([0xff, 0xd8]);
  let orientationWritten = false;
  for (;;) {
    // A marker: 0xFF, any fill 0xFFs, then its code.
    if (!(await reader.fill(2))) return; // ends without EOI: keep what there is
    if (reader.peek()[0] !== 0xff) throw new BadImageError('a JPEG segment does not start with a marker');
    let head = reader.peek();
    while (head.length >= 2 && head[1] === 0xff) {
      reader.take(1);
      if (!(await reader.fill(2))) return;
      head = reader.peek();
    }
    const marker = head[1]!;
    if (marker === EOI) {
      yield reader.take(2);
      return; // whatever follows the image is not part of it
    }
    if (standalone(marker)) {
      yield reader.take(2);
      continue;
    }
    if (!(await reader.fill(4))) throw new BadImageError('a JPEG segment is cut short');
    const length = reader.peek().readUInt16BE(2);
    if (length < 2) throw new BadImageError('a JPEG segment has an impossible length');
    // Frames, tables and scans (below APP0), JPEG extensions (0xF0–0xFD), and the three APPs that change the picture.
    const keep = marker < 0xe0 || (marker >= 0xf0 && marker !== 0xfe) || marker === 0xe0 || marker === 0xee || (marker === 0xe2 && (await isIcc(reader)));
    if (marker === 0xe1 && !orientationWritten) {
      // Exif: read it (at most 64 KiB) for its orientation, then drop it.
      if (!(await reader.fill(2 + length))) throw new BadImageError('a JPEG segment is cut short');
      const orientation = exifOrientation(reader.take(2 + length).subarray(4));
      if (orientation > 1) {
        orientationWritten = true;
        yield orientationSegment(orientation);
      }
      continue;
    }
    if (keep) yield* reader.pass(2 + length);
    else await reader.skip(2 + length);
    if (marker === SOS) yield* entropyData(reader);
  }
}

async function isIcc(reader: ByteReader): Promise<boolean> {
  await reader.fill(4 + 12);
  return reader.peek().subarray(4, 16).toString('latin1') === 'ICC_PROFILE\0';
}

/** The compressed picture after a scan header: up to the next marker that is not a restart or stuffed 0xFF00. */
async function* entropyData(reader: ByteReader): AsyncGenerator<Buffer> {
  for (;;) {
    const buffer = reader.peek();
    let i = buffer.indexOf(0xff);
    for (; i !== -1 && i < buffer.length - 1; i = buffer.indexOf(0xff, i + 1)) {
      const next = buffer[i + 1]!;
      if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7) && next !== 0xff) break;
    }
    if (i !== -1 && i < buffer.length - 1) {
      if (i > 0) yield reader.take(i);
      return;
    }
    // Keep a trailing 0xFF: its code may be in the next chunk.
    const safe = buffer.length > 0 && buffer[buffer.length - 1] === 0xff ? buffer.length - 1 : buffer.length;
    if (safe > 0) yield reader.take(safe);
    if (!(await reader.more())) {
      if (reader.buffered) yield reader.take(reader.buffered);
      return;
    }
  }
}

/** IFD0's Orientation (tag 0x0112) of an APP1 payload, or 0 when it has none (or is not Exif). */
export function exifOrientation(payload: Buffer): number {
  if (payload.subarray(0, 6).toString('latin1') !== 'Exif\0\0') return 0;
  const tiff = payload.subarray(6);
  if (tiff.length < 8) return 0;
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (at + 2 <= tiff.length ? (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at)) : 0);
  const u32 = (at: number) => (at + 4 <= tiff.length ? (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at)) : 0);
  const ifd = u32(4);
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 0;
    }
  }
  return 0;
}

/** A minimal Exif APP1 segment carrying only an orientation (little-endian TIFF, one IFD entry). */
export function orientationSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8); // one entry
  tiff.writeUInt16LE(0x0112, 10); // Orientation
  tiff.writeUInt16LE(3, 12); // SHORT
  tiff.writeUInt32LE(1, 14); // one value
  tiff.writeUInt16LE(orientation, 18);
  tiff.writeUInt32LE(0, 22); // no next IFD
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}
