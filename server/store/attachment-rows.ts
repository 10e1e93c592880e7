/**
 * Attachment rows ⇄ records, shared by both engines' attachment parts (issue 13), and what sending
 * a message with files writes besides the message: the files taken, and the preview of a message
 * that is only files.
 */
import type { Attachment, AttachmentType } from '../../protocol/protocol.ts';
import { PREVIEW_CHARS } from './rows.ts';
import type { AttachmentRecord } from './store.ts';

type Row = Record<string, unknown>;

/** Every live attachment with its conversation's visitor: detached rows (conversation_id NULL) drop out of the join. */
export const ATTACHMENT_SELECT = 'SELECT a.*, c.visitor_id FROM attachments a JOIN conversations c ON c.id = a.conversation_id';

export const toAttachment = (row: Row): Attachment =>
  ({ id: String(row.id), name: String(row.name), type: String(row.type) as AttachmentType, size: Number(row.size) });

export function toAttachmentRecord(row: Row): AttachmentRecord {
  return {
    ...toAttachment(row),
    siteId: String(row.site_id),
    conversationId: String(row.conversation_id),
    visitorId: String(row.visitor_id),
    clientId: String(row.client_id),
    author: String(row.author) as AttachmentRecord['author'],
    agentId: row.agent_id == null ? null : String(row.agent_id),
    messageId: row.message_id == null ? null : String(row.message_id),
    internal: Boolean(Number(row.internal)),
    createdAt: Number(row.created_at),
  };
}

/** The files in the order the sender named them. */
export function inOrder(ids: string[], rows: Row[]): Attachment[] {
  const byId = new Map(rows.map((row) => [String(row.id), toAttachment(row)]));
  return ids.map((id) => byId.get(id)!);
}

/** What the queue shows for a message that is only files: their names. */
export const filesPreview = (files: Attachment[]): string => `📎 ${files.map((f) => f.name).join(', ')}`.slice(0, PREVIEW_CHARS);
