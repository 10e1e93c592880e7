/**
 * Files for attachment tests (issue 13), made here byte by byte so every test knows exactly what
 * they hold: a JPEG with a phone's Exif (camera, GPS position, orientation), XMP and a comment; a
 * PNG with eXIf and text chunks; office containers; HTML dressed up as a picture.
 */
import { deflateSync, crc32 } from 'node:zlib';

/** A marker segment: 0xFF, the code, the length (payload + 2), the payload. */
export function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Exif (big-endian TIFF) with Make, Orientation and a GPS IFD holding a latitude. */
export function exifPayload(orientation = 6): Buffer {
  const tiff = Buffer.alloc(200);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  // IFD0 at 8: three entries.
  tiff.writeUInt16BE(3, 8);
  const entry = (i: number, tag: number, type: number, count: number, value: number) => {
    const at = 10 + i * 12;
    tiff.writeUInt16BE(tag, at); tiff.writeUInt16BE(type, at + 2); tiff.writeUInt32BE(count, at + 4);
    if (type === 3 && count === 1) tiff.writeUInt16BE(value, at + 8); else tiff.writeUInt32BE(value, at + 8);
  };
  entry(0, 0x010f, 2, 8, 100); // Make → "PhoneCo\0" at 100
  entry(1, 0x0112, 3, 1, orientation);
  entry(2, 0x8825, 4, 1, 120); // GPSInfo IFD at 120
  tiff.writeUInt32BE(0, 10 + 3 * 12);
  tiff.write('PhoneCo\0', 100, 'latin1');
  // GPS IFD: GPSLatitudeRef "N", GPSLatitude 59/1 54/1 3141/100 at 160.
  tiff.writeUInt16BE(2, 120);
  tiff.writeUInt16BE(0x0001, 122); tiff.writeUInt16BE(2, 124); tiff.writeUInt32BE(2, 126); tiff.write('N\0', 130, 'latin1');
  tiff.writeUInt16BE(0x0002, 134); tiff.writeUInt16BE(5, 136); tiff.writeUInt32BE(3, 138); tiff.writeUInt32BE(160, 142);
  tiff.writeUInt32BE(0, 146);
  [59, 1, 54, 1, 3141, 100].forEach((v, i) => tiff.writeUInt32BE(v, 160 + i * 4));
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff.subarray(0, 184)]);
}

/**
 * A JPEG's structure around an image body: SOI, JFIF, Exif, XMP, a comment, an ICC profile, then
 * the given frame, tables, scan and image data up to EOI (by default stand-ins), and whatever
 * trails after EOI.
 */
export function jpegWithMetadata({ image, trailing = Buffer.alloc(0) }: { image?: Buffer; trailing?: Buffer } = {}): Buffer {
  const body = image ?? Buffer.concat([
    segment(0xdb, Buffer.alloc(65, 1)), // DQT
    segment(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0])), // SOF0 1×1
    segment(0xc4, Buffer.alloc(20, 2)), // DHT
    segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])), // SOS
    Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]), // entropy data with a stuffed 0xFF and a restart marker
    Buffer.from([0xff, 0xd9]),
  ]);
  const icc = segment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), Buffer.alloc(40, 7)]));
  const jfif = segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'));
  const start = body.subarray(0, 2).equals(Buffer.from([0xff, 0xd8])) ? 2 : 0;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]), jfif,
    segment(0xe1, exifPayload()),
    segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>59,54.52N</exif:GPSLatitude></x:xmpmeta>', 'latin1')),
    segment(0xfe, Buffer.from('taken at home', 'latin1')),
    icc,
    body.subarray(start), trailing,
  ]);
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real 2×2 red PNG with an eXIf chunk (holding GPS), tEXt and iTXt chunks, and bytes after IEND. */
export function pngWithMetadata(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(2, 4); ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const rows = Buffer.from([0, 255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('eXIf', exifPayload().subarray(6)),
    pngChunk('tEXt', Buffer.from('Author\0Ada at 59.9N 10.7E', 'latin1')),
    pngChunk('iTXt', Buffer.from('XML:com.adobe.xmp\0\0\0\0\0<exif:GPSLatitude>59,54.52N</exif:GPSLatitude>', 'latin1')),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
    Buffer.from('PK\x03\x04 hidden archive after the image', 'latin1'),
  ]);
}

/** A zip's first local file header naming `name` (stored, no data): enough for sniffing. */
export function zipEntry(name: string, content = ''): Buffer {
  const header = Buffer.alloc(30);
  header.write('PK\x03\x04', 0, 'latin1');
  header.writeUInt16LE(Buffer.byteLength(name), 26);
  header.writeUInt32LE(content.length, 18);
  header.writeUInt32LE(content.length, 22);
  return Buffer.concat([header, Buffer.from(name, 'latin1'), Buffer.from(content, 'latin1')]);
}

export const docx = () => Buffer.concat([zipEntry('[Content_Types].xml', '<Types/>'), zipEntry('word/document.xml', '<w:document/>')]);
export const odt = () => zipEntry('mimetype', 'application/vnd.oasis.opendocument.text');

export const pdf = (text = 'Invoice 42') => Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\n%%EOF\n`, 'latin1');

export const htmlAsPng = () => Buffer.from('<!doctype html><html><body><script>parent.pwned && parent.pwned()</script>hello</body></html>', 'utf8');
export const svg = () => Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="pwned()"><script>pwned()</script></svg>', 'utf8');
