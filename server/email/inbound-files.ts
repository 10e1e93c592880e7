/**
 * The files of an accepted email reply (issue 12 on top of issue 13): each becomes an attachment
 * of the visitor's message through the very path an upload from the widget takes
 * (attachments.upload: type by content, the site's size limit and types, metadata stripped, the
 * name sanitised), so an email is no way around a site's rules. A file the site refuses is not
 * kept, and its name and the reason go into the message text (inbound-body.ts): nothing the
 * visitor sent disappears without a word.
 *
 * Idempotent like the message: each file's clientId is the message's (from the email's
 * Message-ID) and the file's position among the email's files, so a redelivered email finds the
 * files its first delivery stored instead of storing them again. Storage trouble is thrown
 * (the sender retries; what was stored is found again by its clientId, or swept after a day).
 */
import type { ParsedMail } from 'mailparser';
import { LIMITS, type Site } from '../../protocol/protocol.ts';
import type { Attachments } from '../attachments/attachments.ts';
import { safeFileName } from '../attachments/safe-name.ts';
import { ParleyError } from '../http/errors.ts';

/** A file of the email as the message text names it. */
export interface EmailFile {
  name: string;
  size: number;
}

export interface RefusedFile extends EmailFile {
  /** Why, for a person: the upload path's own words. */
  why: string;
}

/** What a person sent as files: images a mail client embeds in its HTML (a signature's logo) are not. */
export function filesOf(mail: ParsedMail): ParsedMail['attachments'] {
  return mail.attachments.filter((file) => !file.related);
}

/** The file's name as it is shown when it is not kept: sanitised like a stored one's, without a type. */
export const shownName = (file: ParsedMail['attachments'][number]): string => (file.filename ? safeFileName(file.filename, '') : 'unnamed file');

export async function attachEmailFiles({ attachments, site, conversationId, clientId, mail }: {
  attachments: Attachments; site: Site; conversationId: string;
  /** The message's clientId; each file's is derived from it. */
  clientId: string; mail: ParsedMail;
}): Promise<{ attachmentIds: string[]; refused: RefusedFile[] }> {
  const attachmentIds: string[] = [];
  const refused: RefusedFile[] = [];
  const files = filesOf(mail);
  for (const [position, file] of files.entries()) {
    const named = { name: shownName(file), size: file.size };
    if (!site.widget.attachments.visitors) {
      refused.push({ ...named, why: 'This site does not accept files from visitors.' });
      continue;
    }
    if (attachmentIds.length === LIMITS.attachmentsPerMessageMax) {
      refused.push({ ...named, why: `A message carries at most ${LIMITS.attachmentsPerMessageMax} files.` });
      continue;
    }
    try {
      const { attachment } = await attachments.upload({
        site, conversationId, clientId: `${clientId}-f${position}`, name: file.filename ?? '',
        author: 'visitor', agentId: null, body: once(file.content), declaredBytes: file.content.length,
      });
      attachmentIds.push(attachment.id);
    } catch (error) {
      // The upload's refusals (too large, a type the site does not take, empty, an unreadable
      // image) are about the file; anything else (the database away) is the server's, and thrown.
      if (!(error instanceof ParleyError)) throw error;
      refused.push({ ...named, why: error.message });
    }
  }
  return { attachmentIds, refused };
}

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}
