/**
 * The site's rules for files, checked in the browser before uploading (issue 13), so a file the
 * server would refuse is refused at once with the reason, not after its bytes were sent. The
 * server decides by content; here only what the browser can know: the size, and the type it
 * guesses from the name (an unknown type is left to the server).
 */
import type { AttachmentSettings } from '../../protocol/protocol.ts';

export const megabytes = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MB`;

export const formatSize = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${Math.round(bytes / 1024)} KB` : megabytes(bytes));

/** Why the site would refuse this file, or null. */
export function refusal(file: Blob & { name?: string }, rules: AttachmentSettings): string | null {
  if (file.size === 0) return 'This file is empty.';
  if (file.size > rules.maxBytes) return `Too large: this site takes files up to ${megabytes(rules.maxBytes)}.`;
  const type = file.type === 'text/csv' || file.type === 'text/markdown' ? 'text/plain' : file.type;
  if (!type || (rules.types as string[]).includes(type)) return null;
  return 'This kind of file is not accepted here.';
}
