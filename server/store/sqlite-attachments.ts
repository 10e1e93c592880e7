/**
 * The SQLite store's attachments (issue 13): the records of uploaded files, idempotent per
 * conversation and clientId, and the sweep's two steps. A record's conversation_id turns NULL when
 * its conversation goes (ON DELETE SET NULL) or when it was never sent: it then only says which
 * bytes the sweep still has to delete. Also what a send writes for its files (attachToMessage),
 * called by sqlite-chat-rows.ts inside the message's own write job.
 */
import type { Attachment } from '../../protocol/protocol.ts';
import { ATTACHMENT_SELECT, filesPreview, inOrder, toAttachmentRecord } from './attachment-rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import { AttachmentUnusableError, GoneError, type AppendMessageInput, type AttachmentMethods, type ConversationRef } from './store.ts';

const marks = (list: unknown[]) => list.map(() => '?').join(', ');

export function createSqliteAttachments({ now, one, all, run, write }: SqliteDb): AttachmentMethods {
  const byClientId = (conversationId: string, clientId: string) => {
    const row = one(`${ATTACHMENT_SELECT} WHERE a.conversation_id = ? AND a.client_id = ?`, conversationId, clientId);
    return row ? toAttachmentRecord(row) : null;
  };
  return {
    async createAttachment(input) {
      return write(() => {
        const existing = byClientId(input.conversationId, input.clientId);
        if (existing) return { value: existing, created: false };
        if (!one('SELECT 1 FROM conversations WHERE id = ?', input.conversationId)) throw new GoneError('conversation', input.conversationId);
        run(`INSERT INTO attachments (id, site_id, conversation_id, client_id, author, agent_id, name, type, size, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          input.id, input.siteId, input.conversationId, input.clientId, input.author, input.agentId, input.name, input.type, input.size, now());
        return { value: byClientId(input.conversationId, input.clientId)!, created: true };
      });
    },
    async findAttachment(conversationId, clientId) {
      return byClientId(conversationId, clientId);
    },
    async getAttachment(id) {
      const row = one(`${ATTACHMENT_SELECT} WHERE a.id = ?`, id);
      return row ? toAttachmentRecord(row) : null;
    },
    async listAttachments(of, includeInternal) {
      const where = 'conversationId' in of ? 'a.conversation_id = ?' : 'c.visitor_id = ?';
      return all(`${ATTACHMENT_SELECT} WHERE ${where} AND a.message_id IS NOT NULL ${includeInternal ? '' : 'AND a.internal = 0'}
          ORDER BY a.created_at DESC, a.rowid DESC`, 'conversationId' in of ? of.conversationId : of.visitorId).map(toAttachmentRecord);
    },
    async attachmentUsage(siteId) {
      const row = one('SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM attachments WHERE site_id = ? AND conversation_id IS NOT NULL', siteId)!;
      return { files: Number(row.files), bytes: Number(row.bytes) };
    },
    async sweepAttachments(unsentBefore, limit) {
      return write(() => {
        run('UPDATE attachments SET conversation_id = NULL WHERE message_id IS NULL AND created_at < ? AND conversation_id IS NOT NULL', unsentBefore);
        return all('SELECT id FROM attachments WHERE conversation_id IS NULL ORDER BY id LIMIT ?', limit).map((row) => String(row.id));
      });
    },
    async forgetAttachments(ids) {
      if (ids.length === 0) return;
      await write(() => run(`DELETE FROM attachments WHERE id IN (${marks(ids)}) AND conversation_id IS NULL`, ...ids));
    },
    async knownAttachments(ids) {
      if (ids.length === 0) return [];
      return all(`SELECT id FROM attachments WHERE id IN (${marks(ids)})`, ...ids).map((row) => String(row.id));
    },
  };
}

/**
 * Takes the message's files: each must be an unsent upload of this conversation by the same
 * sender, or the whole send is undone (AttachmentUnusableError). Writes the files into the message
 * row, and their names as the preview of a message without text. The caller holds the write job.
 */
export function attachToMessage({ all, run }: SqliteDb, c: ConversationRef, messageId: string, input: AppendMessageInput): Attachment[] | undefined {
  const ids = input.attachmentIds;
  if (!ids?.length) return undefined;
  const { changes } = run(`UPDATE attachments SET message_id = ?, internal = ? WHERE id IN (${marks(ids)})
      AND conversation_id = ? AND message_id IS NULL AND author = ? AND agent_id IS ?`,
    messageId, input.internal ? 1 : 0, ...ids, c.id, input.author, input.agentId);
  if (Number(changes) !== new Set(ids).size) throw new AttachmentUnusableError();
  const files = inOrder(ids, all(`SELECT id, name, type, size FROM attachments WHERE id IN (${marks(ids)})`, ...ids));
  run('UPDATE messages SET attachments = ? WHERE id = ?', JSON.stringify(files), messageId);
  if (!input.body && !input.internal) run('UPDATE conversations SET preview = ? WHERE id = ?', filesPreview(files), c.id);
  return files;
}
