import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jpegWithMetadata, pngChunk, pngWithMetadata, segment } from '../../test/support/sample-files.ts';
import { BadImageError } from './byte-reader.ts';
import { exifOrientation, stripJpeg } from './strip-jpeg.ts';
import { stripPng } from './strip-png.ts';

/** The file in chunks of `size` bytes, as a network delivers it: markers and chunks split anywhere. */
async function* inPieces(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}
const run = async (strip: typeof stripJpeg, data: Buffer, size: number) => {
  const out: Buffer[] = [];
  for await (const piece of strip(inPieces(data, size))) out.push(piece);
  return Buffer.concat(out);
};

/** The marker codes of a JPEG's segments up to its scan. */
function markers(jpeg: Buffer): number[] {
  const found: number[] = [];
  for (let at = 2; at < jpeg.length;) {
    const marker = jpeg[at + 1]!;
    found.push(marker);
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  return found;
}

describe('JPEG metadata stripping', () => {
  for (const size of [1, 7, 4096]) {
    it(`removes Exif (camera, GPS), XMP and comments, keeps the picture, its colours and its orientation (pieces of ${size} B)`, async () => {
      const input = jpegWithMetadata({ trailing: Buffer.from('PK\x03\x04 appended archive', 'latin1') });
      const output = await run(stripJpeg, input, size);
      const text = output.toString('latin1');
      for (const secret of ['PhoneCo', 'GPSLatitude', 'xmpmeta', 'taken at home', 'appended archive']) assert.ok(!text.includes(secret), `no "${secret}" left`);
      assert.ok(!output.includes(Buffer.from([0, 0, 0, 59, 0, 0, 0, 1, 0, 0, 0, 54])), 'no GPS rational left');
      assert.deepEqual(markers(output), [0xe0, 0xe1, 0xe2, 0xdb, 0xc0, 0xc4, 0xda], 'JFIF, a minimal Exif, ICC, then the image segments');
      const exif = output.subarray(output.indexOf(Buffer.from('Exif\0\0', 'latin1')));
      assert.equal(exifOrientation(exif), 6, 'the photo keeps its rotation');
      // Everything from the quantisation tables to EOI is byte for byte the input's.
      const image = (b: Buffer) => b.subarray(b.indexOf(Buffer.from([0xff, 0xdb])), b.lastIndexOf(Buffer.from([0xff, 0xd9])) + 2);
      assert.ok(image(output).equals(image(input)));
      assert.ok(output.subarray(-2).equals(Buffer.from([0xff, 0xd9])), 'ends at EOI');
    });
  }

  it('writes no Exif at all when the photo is upright', async () => {
    const upright = jpegWithMetadata();
    // Orientation 1: the value sits in the first Exif segment's IFD0 (entry 2, value field).
    const at = upright.indexOf(Buffer.from([0x01, 0x12, 0x00, 0x03]));
    upright.writeUInt16BE(1, at + 8);
    const output = await run(stripJpeg, upright, 64);
    assert.ok(!markers(output).includes(0xe1));
  });

  it('refuses what is not a JPEG all the way to its image data', async () => {
    await assert.rejects(run(stripJpeg, Buffer.from('GIF89a'), 10), BadImageError);
    const cut = jpegWithMetadata().subarray(0, 60);
    await assert.rejects(run(stripJpeg, cut, 10), BadImageError);
    await assert.rejects(run(stripJpeg, Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from('not a marker')]), 10), BadImageError);
  });

  it('keeps application segments that are not metadata out too, but never the frame', async () => {
    const withApp5 = Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xe5, Buffer.from('vendor')), jpegWithMetadata().subarray(2)]);
    const output = await run(stripJpeg, withApp5, 5);
    assert.ok(!output.toString('latin1').includes('vendor'));
    assert.ok(markers(output).includes(0xc0));
  });
});

describe('PNG metadata stripping', () => {
  for (const size of [1, 13, 4096]) {
    it(`removes eXIf, text and time chunks and what follows IEND, and passes the image chunks unchanged (pieces of ${size} B)`, async () => {
      const input = pngWithMetadata();
      const output = await run(stripPng, input, size);
      const text = output.toString('latin1');
      for (const secret of ['eXIf', 'tEXt', 'iTXt', 'Ada at', 'GPSLatitude', 'PhoneCo', 'hidden archive']) assert.ok(!text.includes(secret), `no "${secret}" left`);
      const chunk = (b: Buffer, type: string) => { const at = b.indexOf(type) - 4; return b.subarray(at, at + 12 + b.readUInt32BE(at)); };
      for (const type of ['IHDR', 'IDAT', 'IEND']) assert.ok(chunk(output, type).equals(chunk(input, type)), `${type} unchanged, CRC and all`);
    });
  }

  it('refuses a PNG that is cut short or malformed', async () => {
    const png = pngWithMetadata();
    await assert.rejects(run(stripPng, png.subarray(0, png.indexOf('IDAT') + 10), 8), BadImageError);
    await assert.rejects(run(stripPng, Buffer.concat([png.subarray(0, 8), pngChunk('I!DR', Buffer.alloc(3))]), 8), BadImageError);
  });
});
