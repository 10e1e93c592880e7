/**
 * What an email reply adds to its conversation (issue 12): its new text (quote-strip.ts), from the
 * text part — mailparser makes one from the HTML of an HTML-only email — made well-formed like any
 * text from a client, and within a message's length. Attachments are named, not kept: messages
 * cannot carry files yet (the attachments issue will add them); the text is never dropped for them.
 */
import type { ParsedMail } from 'mailparser';
import { LIMITS } from '../../protocol/protocol.ts';
import { wellFormed } from '../http/well-formed.ts';
import { newTextOf } from './quote-strip.ts';

export function replyBody(mail: ParsedMail): string {
  const text = newTextOf(wellFormed(mail.text ?? ''));
  // Images a client embeds in its HTML (logos of a signature, say) are not attachments anyone sent.
  const files = mail.attachments.filter((file) => !file.related);
  const parts = text ? [text] : [];
  if (files.length > 0) {
    const names = files.map((file) => `${wellFormed(file.filename ?? 'unnamed file')} (${size(file.size)})`).join(', ');
    parts.push(`[Attachments by email are not supported yet, so ${files.length === 1 ? 'this one was' : 'these were'} not kept: ${names}]`);
  }
  if (parts.length === 0) parts.push('[An email with no text]');
  return cut(parts.join('\n\n'));
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A message holds LIMITS.messageBodyMax characters: a longer email is cut, and says so. */
function cut(body: string): string {
  if (body.length <= LIMITS.messageBodyMax) return body;
  const note = `\n\n[The rest of this email was cut here: a message holds at most ${LIMITS.messageBodyMax} characters.]`;
  // A cut through a surrogate pair leaves half of it: wellFormed makes that U+FFFD.
  return wellFormed(body.slice(0, LIMITS.messageBodyMax - note.length)) + note;
}
