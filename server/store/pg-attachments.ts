/**
 * The PostgreSQL store's attachments (issue 13); the same rows as SQLite's (sqlite-attachments.ts).
 * Two processes storing one clientId at once agree on one record: the insert of the second does
 * nothing (ON CONFLICT), and it reads the record that won. attachToMessage runs inside the send's
 * transaction under the conversation's lock, before the log is written (lock order, pg-db.ts); a
 * file two sends name at once goes to the first, as the second's UPDATE then finds it taken.
 */
import type { Attachment } from '../../protocol/protocol.ts';
import { ATTACHMENT_SELECT, filesPreview, inOrder, toAttachmentRecord } from './attachment-rows.ts';
import type { PgDb, Tx } from './pg-db.ts';
import { AttachmentUnusableError, GoneError, type AppendMessageInput, type AttachmentMethods, type ConversationRef } from './store.ts';

export function createPgAttachments({ now, one, all, tx }: PgDb): AttachmentMethods {
  const byClientId = async (read: Pick<Tx, 'one'>, conversationId: string, clientId: string) => {
    const row = await read.one(`${ATTACHMENT_SELECT} WHERE a.conversation_id = $1 AND a.client_id = $2`, conversationId, clientId);
    return row ? toAttachmentRecord(row) : null;
  };
  return {
    async createAttachment(input) {
      return tx(async (t) => {
        // The foreign key's lock, taken first: a conversation deleted meanwhile is GoneError, not a key violation.
        if (!(await t.one('SELECT 1 FROM conversations WHERE id = $1 FOR KEY SHARE', input.conversationId))) throw new GoneError('conversation', input.conversationId);
        const { count } = await t.run(`INSERT INTO attachments (id, site_id, conversation_id, client_id, author, agent_id, name, type, size, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (conversation_id, client_id) DO NOTHING`,
          input.id, input.siteId, input.conversationId, input.clientId, input.author, input.agentId, input.name, input.type, input.size, now());
        return { value: (await byClientId(t, input.conversationId, input.clientId))!, created: count === 1 };
      });
    },
    async findAttachment(conversationId, clientId) {
      return byClientId({ one }, conversationId, clientId);
    },
    async getAttachment(id) {
      const row = await one(`${ATTACHMENT_SELECT} WHERE a.id = $1`, id);
      return row ? toAttachmentRecord(row) : null;
    },
    async listAttachments(of, includeInternal) {
      const where = 'conversationId' in of ? 'a.conversation_id = $1' : 'c.visitor_id = $1';
      return (await all(`${ATTACHMENT_SELECT} WHERE ${where} AND a.message_id IS NOT NULL ${includeInternal ? '' : 'AND NOT a.internal'}
          ORDER BY a.created_at DESC, a.id DESC`, 'conversationId' in of ? of.conversationId : of.visitorId)).map(toAttachmentRecord);
    },
    async attachmentUsage(siteId) {
      const row = (await one('SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM attachments WHERE site_id = $1 AND conversation_id IS NOT NULL', siteId))!;
      return { files: Number(row.files), bytes: Number(row.bytes) };
    },
    async sweepAttachments(unsentBefore, limit) {
      return tx(async (t) => {
        // A send taking one of these holds its row until it commits: the UPDATE waits, then sees it sent.
        await t.run('UPDATE attachments SET conversation_id = NULL WHERE message_id IS NULL AND created_at < $1 AND conversation_id IS NOT NULL', unsentBefore);
        return (await t.all('SELECT id FROM attachments WHERE conversation_id IS NULL ORDER BY id LIMIT $1', limit)).map((row) => String(row.id));
      }, 'housekeeping');
    },
    async forgetAttachments(ids) {
      if (ids.length === 0) return;
      await tx((t) => t.run('DELETE FROM attachments WHERE id = ANY($1::text[]) AND conversation_id IS NULL', ids));
    },
    async knownAttachments(ids) {
      if (ids.length === 0) return [];
      return (await all('SELECT id FROM attachments WHERE id = ANY($1::text[])', ids)).map((row) => String(row.id));
    },
  };
}

/** As SQLite's attachToMessage: the files taken, or the whole send undone. Inside the send's transaction. */
export async function attachToMessage(t: Tx, c: ConversationRef, messageId: string, input: AppendMessageInput): Promise<Attachment[] | undefined> {
  const ids = input.attachmentIds;
  if (!ids?.length) return undefined;
  const { count } = await t.run(`UPDATE attachments SET message_id = $1, internal = $2 WHERE id = ANY($3::text[])
      AND conversation_id = $4 AND message_id IS NULL AND author = $5 AND agent_id IS NOT DISTINCT FROM $6`,
    messageId, input.internal, ids, c.id, input.author, input.agentId);
  if (count !== new Set(ids).size) throw new AttachmentUnusableError();
  const files = inOrder(ids, await t.all('SELECT id, name, type, size FROM attachments WHERE id = ANY($1::text[])', ids));
  await t.run('UPDATE messages SET attachments = $1::jsonb WHERE id = $2', JSON.stringify(files), messageId);
  if (!input.body && !input.internal) await t.run('UPDATE conversations SET preview = $1 WHERE id = $2', filesPreview(files), c.id);
  return files;
}
