/**
 * The PostgreSQL store's held email (issue 12): email replies waiting for an agent to accept into
 * the conversation they claim, or to discard. Holding and accepting lock the conversation first
 * (lock order, pg-db.ts) — the lock every send takes — so of an email held again while it is being
 * accepted, or accepted twice at once, one outcome wins, and an email is never both held and landed.
 * Accepting appends by appendMessage's own code (pg-chat-rows.ts appendInTx), in that transaction.
 */
import { acceptedMessage, heldEvent, releasedEvent, toHeldEmail } from './held-email-rows.ts';
import { appendInTx, readMessage } from './pg-chat-rows.ts';
import type { PgDb, Tx } from './pg-db.ts';
import { newId, toConversationRef } from './rows.ts';
import { GoneError, type ConversationRef, type HeldEmailMethods } from './store.ts';

export function createPgHeldEmails({ now, one, all, tx }: PgDb): HeldEmailMethods {
  const lockConversation = async (t: Tx, id: string): Promise<ConversationRef | null> => {
    const row = await t.one('SELECT id, site_id, visitor_id, status, last_seq FROM conversations WHERE id = $1 FOR UPDATE', id);
    return row ? toConversationRef(row) : null;
  };
  const landed = (t: Tx, conversationId: string, clientId: string) =>
    readMessage(t, 'm.conversation_id = $1 AND m.client_id = $2', conversationId, clientId);

  return {
    async holdEmail(input) {
      return tx(async (t) => {
        const conversation = await lockConversation(t, input.conversationId);
        if (!conversation) throw new GoneError('conversation', input.conversationId);
        if (await landed(t, input.conversationId, input.clientId)) return { value: null, created: false, events: [] };
        const { rows: [inserted] } = await t.run(`INSERT INTO held_emails (id, site_id, conversation_id, client_id, sender, sender_name, subject, body, reason, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (conversation_id, client_id) DO NOTHING RETURNING *`,
          newId('he'), conversation.siteId, input.conversationId, input.clientId, input.from, input.fromName, input.subject, input.text, input.reason, now());
        if (!inserted) {
          const existing = await t.one('SELECT * FROM held_emails WHERE conversation_id = $1 AND client_id = $2', input.conversationId, input.clientId);
          return { value: toHeldEmail(existing!), created: false, events: [] };
        }
        const held = toHeldEmail(inserted);
        return { value: held, created: true, events: await t.logEvents([heldEvent(held, conversation.visitorId)]) };
      });
    },
    async listHeldEmails(siteIds, limit) {
      if (siteIds.length === 0) return [];
      return (await all('SELECT * FROM held_emails WHERE site_id = ANY($1::text[]) ORDER BY received_at DESC, id DESC LIMIT $2', siteIds, limit)).map(toHeldEmail);
    },
    async getHeldEmail(id) {
      const row = await one('SELECT * FROM held_emails WHERE id = $1', id);
      return row ? toHeldEmail(row) : null;
    },
    async acceptHeldEmail(id) {
      return tx(async (t) => {
        // The conversation's lock before the held row's: retention deletes conversations (and, by
        // cascade, their held email) in that order too.
        const claimed = await t.one('SELECT conversation_id FROM held_emails WHERE id = $1', id);
        if (!claimed) return null;
        const before = await lockConversation(t, String(claimed.conversation_id));
        const { rows: [row] } = await t.run('DELETE FROM held_emails WHERE id = $1 RETURNING *', id);
        if (!before || !row) return null;
        // appendMessage itself, in this transaction: the same clientId lands once, and the same
        // rules apply (a visitor's message reopens a resolved conversation, its wait starting now).
        const landed = await appendInTx(t, acceptedMessage(row), now());
        const events = await t.logEvents([...landed.events, releasedEvent(toHeldEmail(row), before.visitorId, 'accepted')]);
        return { value: landed.value, created: landed.created, events };
      });
    },
    async discardHeldEmail(id) {
      return tx(async (t) => {
        const { rows: [row] } = await t.run(`DELETE FROM held_emails h USING conversations c
            WHERE h.id = $1 AND c.id = h.conversation_id RETURNING h.*, c.visitor_id`, id);
        if (!row) return null;
        const held = toHeldEmail(row);
        return { value: held, events: await t.logEvents([releasedEvent(held, String(row.visitor_id), 'discarded')]) };
      });
    },
  };
}
