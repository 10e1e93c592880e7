/**
 * What a file is, from its first bytes (magic numbers), never from its name or the type the sender
 * declared: an HTML page named "cat.png" is HTML. Answers one of ATTACHMENT_TYPES, or another type
 * that no site can allow (HTML, SVG, XML, unknown binaries), for the refusal to name.
 *
 * Containers are looked into as far as their first bytes allow: a zip is an office document when
 * its entries say so (OOXML's word/, xl/, ppt/; OpenDocument's stored `mimetype`), an OLE
 * compound file when its directory in the head names a Word, Excel or PowerPoint stream.
 */
import type { AttachmentType } from '../../protocol/protocol.ts';

/** How much of a file the sniffer sees (the whole file when it is smaller). */
export const SNIFF_BYTES = 64 * 1024;

const starts = (head: Buffer, bytes: number[] | string, at = 0) =>
  typeof bytes === 'string' ? head.subarray(at, at + bytes.length).toString('latin1') === bytes : bytes.every((b, i) => head[at + i] === b);

export function sniffType(head: Buffer): AttachmentType | string {
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(head, 'GIF87a') || starts(head, 'GIF89a')) return 'image/gif';
  if (starts(head, 'RIFF') && starts(head, 'WEBP', 8)) return 'image/webp';
  if (starts(head, '%PDF-')) return 'application/pdf';
  if (starts(head, 'PK\x03\x04')) return zipType(head);
  if (starts(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return oleType(head);
  return textType(head);
}

function zipType(head: Buffer): string {
  if (head.length < 30) return 'application/zip';
  // OpenDocument: the first entry is "mimetype", stored uncompressed, its content the type.
  const nameLength = head.readUInt16LE(26);
  const extra = head.readUInt16LE(28);
  if (head.subarray(30, 30 + nameLength).toString('latin1') === 'mimetype') {
    const type = head.subarray(30 + nameLength + extra, 30 + nameLength + extra + 80).toString('latin1').match(/^application\/vnd\.oasis\.opendocument\.(text|spreadsheet|presentation)/);
    if (type) return type[0];
  }
  // OOXML: entry names are in the clear in every local header; the parts come early.
  const names = head.toString('latin1');
  if (/\[Content_Types\]\.xml|_rels\/\.rels/.test(names)) {
    if (names.includes('word/')) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (names.includes('xl/')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    if (names.includes('ppt/')) return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
  }
  return 'application/zip';
}

function oleType(head: Buffer): string {
  // Directory entries name their streams in UTF-16LE.
  const text = head.toString('utf16le');
  if (text.includes('WordDocument')) return 'application/msword';
  if (text.includes('Workbook') || text.includes('Book')) return 'application/vnd.ms-excel';
  if (text.includes('PowerPoint Document')) return 'application/vnd.ms-powerpoint';
  return 'application/x-ole-storage';
}

/**
 * Plain text: UTF-8 (a truncated last character at the edge of the head is fine) without NUL or
 * other control characters but tab, line breaks, form feed and escape. Text that opens with `<`
 * is markup, which a browser could render: HTML, SVG or XML, refused by every site.
 */
function textType(head: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return 'application/octet-stream';
  }
  if (/[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]/.test(text)) return 'application/octet-stream';
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 512).toLowerCase();
  if (start.startsWith('<')) {
    if (start.includes('<svg')) return 'image/svg+xml';
    if (start.startsWith('<?xml')) return 'application/xml';
    return 'text/html';
  }
  return 'text/plain';
}
