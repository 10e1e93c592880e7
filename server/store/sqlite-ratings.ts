/**
 * The SQLite store's satisfaction ratings (issue 15). Rating is one write job: the check that the
 * conversation has been resolved, the upsert and its event, so a retried rating can never log twice.
 */
import { RATING_COLUMNS, ratingEvent, toRating } from './rating-rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import type { RatingMethods } from './store.ts';

const SELECT = `SELECT ${RATING_COLUMNS} FROM ratings r LEFT JOIN users u ON u.id = r.agent_id`;

export function createSqliteRatings(ctx: SqliteDb): RatingMethods {
  const { now, one, all, run, write, logEvent } = ctx;
  const read = (conversationId: string) => one(`${SELECT} WHERE r.conversation_id = ?`, conversationId);

  return {
    async rateConversation(input) {
      return write(() => {
        const c = one('SELECT id, site_id, visitor_id, status, assignee_id FROM conversations WHERE id = ?', input.conversationId);
        if (!c) throw new Error(`conversation ${input.conversationId} does not exist`);
        const stored = read(input.conversationId);
        if (stored && String(stored.client_id) === input.clientId) return { value: toRating(stored), created: false, events: [] };
        // Resolved now, or once (a 'resolved' line stays when it is reopened): the widget asked then.
        const resolved = c.status === 'resolved'
          || one("SELECT 1 FROM messages WHERE conversation_id = ? AND system_kind = 'resolved' LIMIT 1", input.conversationId);
        if (!resolved) return null;
        run(`INSERT INTO ratings (conversation_id, site_id, client_id, score, scale, comment, agent_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (conversation_id) DO UPDATE SET client_id = excluded.client_id, score = excluded.score, scale = excluded.scale,
              comment = excluded.comment, agent_id = excluded.agent_id, created_at = excluded.created_at`,
          input.conversationId, String(c.site_id), input.clientId, input.score, input.scale, input.comment,
          c.assignee_id == null ? null : String(c.assignee_id), now());
        const rating = toRating(read(input.conversationId)!);
        return { value: rating, created: true, events: [logEvent(ratingEvent(rating, String(c.visitor_id)))] };
      });
    },
    async getRating(conversationId) {
      const row = read(conversationId);
      return row ? toRating(row) : null;
    },
    async visitorRatings(visitorId) {
      // Through the conversations, so a merge of visitors (which moves conversations) carries them.
      return all(`${SELECT} JOIN conversations c ON c.id = r.conversation_id WHERE c.visitor_id = ?
        ORDER BY r.created_at DESC, r.conversation_id`, visitorId).map(toRating);
    },
  };
}
