/**
 * A file name that is safe to store, show and send back in Content-Disposition: no path (a name
 * is everything after the last / or \), no control, bidi-override or invisible format characters
 * (U+202E would show "gnp.exe" as "exe.png"), none of the characters Windows refuses in names, no
 * leading dots, at most LIMITS.attachmentNameMax characters. A name whose extension does not fit
 * the type found in the content gets the type's own appended ("invoice.txt" that is a PDF becomes
 * "invoice.txt.pdf"), so the saved file opens as what it is.
 */
import { LIMITS } from '../../protocol/protocol.ts';

const EXTENSIONS: Record<string, string[]> = {
  'image/png': ['png'], 'image/jpeg': ['jpg', 'jpeg', 'jfif'], 'image/gif': ['gif'], 'image/webp': ['webp'],
  'application/pdf': ['pdf'], 'text/plain': ['txt', 'text', 'log', 'csv', 'tsv', 'md', 'json'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'], 'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'application/vnd.oasis.opendocument.presentation': ['odp'],
  'application/msword': ['doc'], 'application/vnd.ms-excel': ['xls'], 'application/vnd.ms-powerpoint': ['ppt'],
  'application/zip': ['zip'],
};

// Cc: controls; Cf: format characters (bidi overrides and isolates, zero-width spaces, BOM), but
// the zero-width joiners that emoji sequences need.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const KEEP_JOINERS = new Set(['\u200c', '\u200d']);

export function safeFileName(raw: string, type: string): string {
  let name = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  name = name.replace(/[\t\n\v\f\r]/g, ' ').replace(INVISIBLE, (c) => (KEEP_JOINERS.has(c) ? c : ''));
  name = name.replace(/[<>:"|?*]/g, '_').replace(/\s+/g, ' ').trim().replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (!name) name = 'file';
  const wanted = EXTENSIONS[type];
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  const suffix = wanted && !(extension && wanted.includes(extension)) ? `.${wanted[0]}` : '';
  const room = LIMITS.attachmentNameMax - suffix.length;
  const chars = [...name];
  if (chars.length > room) {
    // Keep the extension when cutting a long name.
    const ext = extension && !suffix ? `.${extension}` : '';
    name = chars.slice(0, room - ext.length).join('').trimEnd() + ext;
  }
  return name + suffix;
}

/** Content-Disposition with the name for every browser: an ASCII fallback and the exact UTF-8 (RFC 6266, RFC 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
