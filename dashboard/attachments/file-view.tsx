/**
 * One file as agents see it (issue 13): a picture as a thumbnail that opens full size in a new tab,
 * anything else as a card with its name, size and a download link. Names are text; links are the
 * server's short-lived signed ones (a file without a fresh link shows as its card, unlinked).
 */
import type { Attachment, AttachmentLink } from '../../protocol/protocol.ts';
import { formatSize } from './file-rules.ts';

const PICTURES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const LABELS: Record<string, string> = {
  'application/pdf': 'pdf', 'text/plain': 'txt', 'application/zip': 'zip', 'application/msword': 'doc', 'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt', 'application/vnd.oasis.opendocument.text': 'odt', 'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

/** `card`: a picture as a card too (the visitor panel's list), opening full size. */
export function FileView({ file, link, card = false }: { file: Attachment; link: AttachmentLink | undefined; card?: boolean }) {
  const picture = PICTURES.has(file.type);
  if (picture && link && !card) {
    return (
      <a class="thumb" href={link.url} target="_blank" rel="noopener noreferrer" title={`${file.name} — open full size`}>
        <img src={link.url} alt={file.name} loading="lazy" />
      </a>
    );
  }
  const body = (
    <>
      <span class="file-icon" aria-hidden="true">{LABELS[file.type] ?? file.type.split('/')[1]?.slice(0, 4)}</span>
      <span class="file-text">
        <span class="file-name">{file.name}</span>
        <span class="file-size">{formatSize(file.size)}{link ? (picture ? ' · Open' : ' · Download') : ''}</span>
      </span>
    </>
  );
  if (!link) return <span class="file-card">{body}</span>;
  return picture
    ? <a class="file-card" href={link.url} target="_blank" rel="noopener noreferrer" title={`Open ${file.name}`}>{body}</a>
    : <a class="file-card" href={`${link.url}&download=1`} download={file.name} title={`Download ${file.name}`}>{body}</a>;
}
