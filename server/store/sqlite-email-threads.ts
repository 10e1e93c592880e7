/**
 * The SQLite store's email threads (issue 12): each conversation's reply token and the emails sent
 * about it, so an inbound reply finds its conversation by token or by Message-ID. Rows go with
 * their conversation (ON DELETE CASCADE), so a reply to a deleted conversation matches nothing.
 */
import { newReplyToken, toConversationRef, toSentEmail } from './rows.ts';
import { addressKey } from './email-outbox-rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import type { EmailThreadMethods } from './store.ts';

export function createSqliteEmailThreads({ now, one, all, run, write }: SqliteDb): EmailThreadMethods {
  return {
    async replyToken(conversationId) {
      return write(() => {
        run('INSERT INTO email_threads (conversation_id, reply_token, created_at) VALUES (?, ?, ?) ON CONFLICT (conversation_id) DO NOTHING',
          conversationId, newReplyToken(), now());
        return String(one('SELECT reply_token FROM email_threads WHERE conversation_id = ?', conversationId)!.reply_token);
      });
    },
    async conversationByReplyToken(token) {
      const row = one(`SELECT c.id, c.site_id, c.visitor_id, c.status, c.last_seq FROM email_threads t
        JOIN conversations c ON c.id = t.conversation_id WHERE t.reply_token = ?`, token.toLowerCase());
      return row ? toConversationRef(row) : null;
    },
    async recordSentEmail({ messageId, conversationId, to, sentAt }) {
      await write(() => run(`INSERT INTO sent_emails (message_id, conversation_id, recipient, sent_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (message_id) DO NOTHING`, messageId, conversationId, addressKey(to), sentAt));
    },
    async sentEmail(messageId) {
      const row = one('SELECT * FROM sent_emails WHERE message_id = ?', messageId);
      return row ? toSentEmail(row) : null;
    },
    async emailRecipients(conversationId) {
      return all('SELECT DISTINCT recipient FROM sent_emails WHERE conversation_id = ? ORDER BY recipient', conversationId).map((r) => String(r.recipient));
    },
  };
}
