/**
 * The SQLite store's held email (issue 12): email replies waiting for an agent to accept into the
 * conversation they claim, or to discard. Each change and its events are one write job; accepting
 * appends the visitor's message in that same job, by appendMessage's own code (sqlite-chat-rows.ts),
 * so an email is never both held and landed, and lands like any message of the visitor's.
 */
import { acceptedMessage, heldEvent, releasedEvent, toHeldEmail } from './held-email-rows.ts';
import { newId } from './rows.ts';
import { createChatRows, MESSAGE_SELECT } from './sqlite-chat-rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import { GoneError, type HeldEmailMethods } from './store.ts';

export function createSqliteHeldEmails(ctx: SqliteDb): HeldEmailMethods {
  const { now, one, all, run, write, logEvent } = ctx;
  const { conversationRef, appendInJob } = createChatRows(ctx);
  const landed = (conversationId: string, clientId: string) =>
    one(`${MESSAGE_SELECT} WHERE m.conversation_id = ? AND m.client_id = ?`, conversationId, clientId);

  return {
    async holdEmail(input) {
      return write(() => {
        const conversation = conversationRef(input.conversationId);
        if (!conversation) throw new GoneError('conversation', input.conversationId);
        if (landed(input.conversationId, input.clientId)) return { value: null, created: false, events: [] };
        const existing = one('SELECT * FROM held_emails WHERE conversation_id = ? AND client_id = ?', input.conversationId, input.clientId);
        if (existing) return { value: toHeldEmail(existing), created: false, events: [] };
        const id = newId('he');
        run(`INSERT INTO held_emails (id, site_id, conversation_id, client_id, sender, sender_name, subject, body, reason, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          id, conversation.siteId, input.conversationId, input.clientId, input.from, input.fromName, input.subject, input.text, input.reason, now());
        const held = toHeldEmail(one('SELECT * FROM held_emails WHERE id = ?', id)!);
        return { value: held, created: true, events: [logEvent(heldEvent(held, conversation.visitorId))] };
      });
    },
    async listHeldEmails(siteIds, limit) {
      if (siteIds.length === 0) return [];
      return all(`SELECT * FROM held_emails WHERE site_id IN (${siteIds.map(() => '?').join(', ')})
        ORDER BY received_at DESC, rowid DESC LIMIT ?`, ...siteIds, limit).map(toHeldEmail);
    },
    async getHeldEmail(id) {
      const row = one('SELECT * FROM held_emails WHERE id = ?', id);
      return row ? toHeldEmail(row) : null;
    },
    async acceptHeldEmail(id) {
      return write(() => {
        const row = one('SELECT h.*, c.visitor_id FROM held_emails h JOIN conversations c ON c.id = h.conversation_id WHERE h.id = ?', id);
        if (!row) return null;
        const held = toHeldEmail(row);
        run('DELETE FROM held_emails WHERE id = ?', id);
        // appendMessage itself, in this job: the same clientId lands once, and the same rules apply
        // (a visitor's message reopens a resolved conversation, its wait starting now).
        const landed = appendInJob(acceptedMessage(row));
        return { value: landed.value, created: landed.created, events: [...landed.events, logEvent(releasedEvent(held, String(row.visitor_id), 'accepted'))] };
      });
    },
    async discardHeldEmail(id) {
      return write(() => {
        const row = one('SELECT h.*, c.visitor_id FROM held_emails h JOIN conversations c ON c.id = h.conversation_id WHERE h.id = ?', id);
        if (!row) return null;
        const held = toHeldEmail(row);
        run('DELETE FROM held_emails WHERE id = ?', id);
        return { value: held, events: [logEvent(releasedEvent(held, String(row.visitor_id), 'discarded'))] };
      });
    },
  };
}
