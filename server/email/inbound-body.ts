/**
 * What an email reply adds to its conversation (issue 12): its new text (quote-strip.ts), from the
 * text part — mailparser makes one from the HTML of an HTML-only email — made well-formed like any
 * text from a client, and within a message's length. Files the message carries are attachments
 * (inbound-files.ts); those that were not kept are named here with why, so the text says what
 * became of everything the visitor sent. The text is never dropped for them.
 */
import type { ParsedMail } from 'mailparser';
import { LIMITS } from '../../protocol/protocol.ts';
import { wellFormed } from '../http/well-formed.ts';
import type { EmailFile, RefusedFile } from './inbound-files.ts';
import { newTextOf } from './quote-strip.ts';

export type NotKept =
  /** Files the site refused, each with its reason; the others are attached (`attached` of them). */
  | { kind: 'refused'; files: RefusedFile[]; attached: number }
  /** A held email keeps no files: they are named, and the agent who accepts it knows to ask again. */
  | { kind: 'held'; files: EmailFile[] };

export function replyBody(mail: ParsedMail, notKept: NotKept): string {
  const text = newTextOf(wellFormed(mail.text ?? ''));
  const notes: string[] = [];
  if (notKept.kind === 'held' && notKept.files.length > 0) {
    notes.push(`[This email was held for review, so its files were not kept: ${notKept.files.map(named).join(', ')}]`);
  }
  if (notKept.kind === 'refused') {
    for (const file of notKept.files) notes.push(`[Not attached: ${named(file)}. ${file.why}]`);
  }
  // Files alone are a message: only an email with nothing at all says so.
  if (!text && notes.length === 0) return notKept.kind === 'refused' && notKept.attached > 0 ? '' : '[An email with no text]';
  // A long text is cut before what became of the files, so that is always said.
  const tail = notes.map((note) => `\n\n${note}`).join('');
  if (!text) return cut(tail.slice(2), LIMITS.messageBodyMax);
  return cut(cut(text, Math.max(LIMITS.messageBodyMax - tail.length, 0)) + tail, LIMITS.messageBodyMax);
}

const named = (file: EmailFile) => `${file.name} (${size(file.size)})`;

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A message holds LIMITS.messageBodyMax characters: a longer email is cut to `room`, and says so. */
function cut(body: string, room: number): string {
  if (body.length <= room) return body;
  const note = `\n\n[The rest of this email was cut here: a message holds at most ${LIMITS.messageBodyMax} characters.]`;
  // A cut through a surrogate pair leaves half of it: wellFormed makes that U+FFFD.
  return wellFormed(body.slice(0, Math.max(room - note.length, 0))) + note;
}
