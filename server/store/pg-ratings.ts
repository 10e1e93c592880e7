/**
 * The PostgreSQL store's satisfaction ratings (issue 15). Rating locks the conversation first (lock
 * order, pg-db.ts), the lock every status change takes: of two tabs delivering one rating at once
 * one stores it and the other finds it, so `rating.submitted` is logged once per clientId.
 */
import type { PgDb } from './pg-db.ts';
import { RATING_COLUMNS, ratingEvent, toRating } from './rating-rows.ts';
import type { RatingMethods } from './store.ts';

const SELECT = `SELECT ${RATING_COLUMNS} FROM ratings r LEFT JOIN users u ON u.id = r.agent_id`;

export function createPgRatings({ now, one, all, tx }: PgDb): RatingMethods {
  return {
    async rateConversation(input) {
      return tx(async (t) => {
        const c = await t.one('SELECT id, site_id, visitor_id, status, assignee_id FROM conversations WHERE id = $1 FOR UPDATE', input.conversationId);
        if (!c) throw new Error(`conversation ${input.conversationId} does not exist`);
        const stored = await t.one(`${SELECT} WHERE r.conversation_id = $1`, input.conversationId);
        if (stored && String(stored.client_id) === input.clientId) return { value: toRating(stored), created: false, events: [] };
        // Resolved now, or once (a 'resolved' line stays when it is reopened): the widget asked then.
        const resolved = c.status === 'resolved'
          || await t.one("SELECT 1 FROM messages WHERE conversation_id = $1 AND system_kind = 'resolved' LIMIT 1", input.conversationId);
        if (!resolved) return null;
        await t.run(`INSERT INTO ratings (conversation_id, site_id, client_id, score, scale, comment, agent_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (conversation_id) DO UPDATE SET client_id = excluded.client_id, score = excluded.score, scale = excluded.scale,
              comment = excluded.comment, agent_id = excluded.agent_id, created_at = excluded.created_at`,
          input.conversationId, String(c.site_id), input.clientId, input.score, input.scale, input.comment,
          c.assignee_id == null ? null : String(c.assignee_id), now());
        const rating = toRating((await t.one(`${SELECT} WHERE r.conversation_id = $1`, input.conversationId))!);
        return { value: rating, created: true, events: await t.logEvents([ratingEvent(rating, String(c.visitor_id))]) };
      });
    },
    async getRating(conversationId) {
      const row = await one(`${SELECT} WHERE r.conversation_id = $1`, conversationId);
      return row ? toRating(row) : null;
    },
    async visitorRatings(visitorId) {
      // Through the conversations, so a merge of visitors (which moves conversations) carries them.
      return (await all(`${SELECT} JOIN conversations c ON c.id = r.conversation_id WHERE c.visitor_id = $1
        ORDER BY r.created_at DESC, r.conversation_id`, visitorId)).map(toRating);
    },
  };
}
