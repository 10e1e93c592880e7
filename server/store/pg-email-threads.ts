/**
 * The PostgreSQL store's email threads (issue 12); the same rows as SQLite's
 * (sqlite-email-threads.ts). Processes asking for a token at once agree on one: the insert of all
 * but the first does nothing, and each then reads the row that won.
 */
import { addressKey } from './email-outbox-rows.ts';
import type { PgDb } from './pg-db.ts';
import { newReplyToken, toConversationRef, toSentEmail } from './rows.ts';
import type { EmailThreadMethods } from './store.ts';

export function createPgEmailThreads({ now, one, all, tx }: PgDb): EmailThreadMethods {
  return {
    async replyToken(conversationId) {
      return tx(async (t) => {
        await t.run('INSERT INTO email_threads (conversation_id, reply_token, created_at) VALUES ($1, $2, $3) ON CONFLICT (conversation_id) DO NOTHING',
          conversationId, newReplyToken(), now());
        return String((await t.one('SELECT reply_token FROM email_threads WHERE conversation_id = $1', conversationId))!.reply_token);
      });
    },
    async conversationByReplyToken(token) {
      const row = await one(`SELECT c.id, c.site_id, c.visitor_id, c.status, c.last_seq FROM email_threads t
        JOIN conversations c ON c.id = t.conversation_id WHERE t.reply_token = $1`, token.toLowerCase());
      return row ? toConversationRef(row) : null;
    },
    async recordSentEmail({ messageId, conversationId, to, sentAt }) {
      await tx((t) => t.run(`INSERT INTO sent_emails (message_id, conversation_id, recipient, sent_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (message_id) DO NOTHING`, messageId, conversationId, addressKey(to), sentAt));
    },
    async sentEmail(messageId) {
      const row = await one('SELECT * FROM sent_emails WHERE message_id = $1', messageId);
      return row ? toSentEmail(row) : null;
    },
    async emailRecipients(conversationId) {
      return (await all('SELECT DISTINCT recipient FROM sent_emails WHERE conversation_id = $1 ORDER BY recipient', conversationId)).map((r) => String(r.recipient));
    },
  };
}
