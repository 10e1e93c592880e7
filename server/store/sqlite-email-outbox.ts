/**
 * The SQLite store's email outbox (issue 12): replies waiting to be emailed, the emails themselves
 * from queued to sent, what agents see of each reply, unsubscribes and the email settings. Each
 * change and its 'message.email' events are one write job, under SQLite's write lock (BEGIN
 * IMMEDIATE), so a claim is its SELECT and UPDATE in one job: no other job, in this process or
 * another on the same file, slips between them. The lease is what survives a crash mid-send.
 */
import type { MessageEmail } from '../../protocol/protocol.ts';
import {
  addressKey, alertDedupeKey, DAY_MS, emailEvent, errorText, newOutboxIds, planReplies, recipientOf, replyDedupeKey, toEmailSettings, toMessageEmail,
  toOutboxEmail, transcriptDedupeKey, webhookPausedDedupeKey, type PendingReply,
} from './email-outbox-rows.ts';
import { toConversationRef } from './rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import { GoneError, type EmailOutboxMethods, type LoggedEvent, type WebhookPause } from './store.ts';

type Change = Pick<MessageEmail, 'state' | 'at' | 'error' | 'retryAt'>;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Queues a 'webhook-paused' email about `pause` to every owner who can sign in, once per owner and
 * pause (its dedupe key): called by the write job that paused the endpoint (sqlite-webhooks.ts),
 * so the pause and its emails commit together or not at all. Answers how many it queued.
 */
export function queueWebhookPausedEmails({ all, run }: Pick<SqliteDb, 'all' | 'run'>, input: { siteId: string; pause: WebhookPause; at: number; domain: string }): number {
  let queued = 0;
  for (const owner of all("SELECT id, email FROM users WHERE role = 'owner' AND disabled = 0 AND email <> '' ORDER BY id")) {
    const { id, messageId } = newOutboxIds(input.domain);
    const userId = String(owner.id);
    const { changes } = run(`INSERT INTO email_outbox (id, kind, site_id, conversation_id, recipient, user_id, message_id, message_ids, dedupe_key,
        status, attempts, next_attempt_at, created_at, details) VALUES (?, 'webhook-paused', ?, NULL, ?, ?, ?, '[]', ?, 'pending', 0, ?, ?, ?)
        ON CONFLICT (dedupe_key) DO NOTHING`,
      id, input.siteId, String(owner.email), userId, messageId, webhookPausedDedupeKey(input.pause, userId), input.at, input.at, JSON.stringify(input.pause));
    queued += Number(changes);
  }
  return queued;
}

export function createSqliteEmailOutbox({ now, one, all, run, write, logEvent }: SqliteDb): EmailOutboxMethods {
  /** Sets the replies (`where` on message_emails me) to `change`, logging each; the caller holds the job. */
  function changeReplies(where: string, params: string[], change: Change): LoggedEvent[] {
    const rows = all(`SELECT me.*, c.site_id, c.visitor_id FROM message_emails me JOIN conversations c ON c.id = me.conversation_id
      WHERE ${where}`, ...params);
    return rows.map((row) => {
      run('UPDATE message_emails SET state = ?, at = ?, error = ?, retry_at = ? WHERE message_id = ?',
        change.state, change.at, change.error, change.retryAt, String(row.message_id));
      return logEvent(emailEvent({ ...toMessageEmail(row), ...change }, String(row.site_id), String(row.visitor_id)));
    });
  }
  const inOutbox = (id: string, change: Change) => changeReplies('me.outbox_id = ?', [id], change);

  function insertEmail(input: { kind: string; siteId: string; conversationId: string; to: string; userId: string | null; messageIds: string[]; dedupeKey: string; at: number; domain: string }): string {
    const { id, messageId } = newOutboxIds(input.domain);
    run(`INSERT INTO email_outbox (id, kind, site_id, conversation_id, recipient, user_id, message_id, message_ids, dedupe_key,
        status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
      id, input.kind, input.siteId, input.conversationId, input.to, input.userId, messageId, JSON.stringify(input.messageIds),
      input.dedupeKey, input.at, input.at);
    return id;
  }

  /** One conversation's due replies into one email (planReplyEmails); the caller holds the job. */
  function planConversation(conversationId: string, at: number, domain: string): { queued: number; events: LoggedEvent[] } {
    const c = one(`SELECT c.site_id, c.visitor_id, c.visitor_read_seq, v.email FROM conversations c JOIN visitors v ON v.id = c.visitor_id
      WHERE c.id = ?`, conversationId);
    if (!c) return { queued: 0, events: [] };
    const pending: PendingReply[] = all(`SELECT me.message_id, me.at, m.seq FROM message_emails me JOIN messages m ON m.id = me.message_id
      WHERE me.conversation_id = ? AND me.state = 'pending' AND me.outbox_id IS NULL`, conversationId)
      .map((row) => ({ messageId: String(row.message_id), seq: Number(row.seq), at: Number(row.at) }));
    const { seen, send } = planReplies(pending, Number(c.visitor_read_seq), at);
    const ids = (replies: PendingReply[]) => replies.map((reply) => reply.messageId);
    const these = (replies: PendingReply[]) => `me.message_id IN (${marks(replies.length)})`;
    const events = seen.length ? changeReplies(these(seen), ids(seen), { state: 'seen', at, error: null, retryAt: null }) : [];
    if (!send) return { queued: 0, events };
    const email = c.email == null ? null : String(c.email);
    const unsubscribed = !!email && !!one('SELECT 1 FROM email_unsubscribes WHERE site_id = ? AND address = ?', String(c.site_id), addressKey(email));
    const recipient = recipientOf(email, unsubscribed);
    if ('instead' in recipient) {
      events.push(...changeReplies(these(send), ids(send), { state: recipient.instead, at, error: null, retryAt: null }));
      return { queued: 0, events };
    }
    const id = insertEmail({
      kind: 'reply', siteId: String(c.site_id), conversationId, to: recipient.to, userId: null, messageIds: ids(send),
      dedupeKey: replyDedupeKey(send[0]!.messageId), at, domain,
    });
    run(`UPDATE message_emails SET outbox_id = ? WHERE message_id IN (${marks(send.length)})`, id, ...ids(send));
    return { queued: 1, events };
  }

  return {
    async noteReplyEmail({ messageId, suppressed, dueAt }) {
      return write(() => {
        const existing = one('SELECT * FROM message_emails WHERE message_id = ?', messageId);
        if (existing) return { value: toMessageEmail(existing), events: [] };
        const m = one(`SELECT m.conversation_id, m.author, m.internal, c.site_id, c.visitor_id FROM messages m
          JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?`, messageId);
        if (!m || m.author !== 'agent' || Number(m.internal)) return null;
        const email: MessageEmail = {
          conversationId: String(m.conversation_id), messageId, state: suppressed ? 'suppressed' : 'pending',
          at: suppressed ? now() : dueAt, error: null, retryAt: null,
        };
        run('INSERT INTO message_emails (message_id, conversation_id, state, at) VALUES (?, ?, ?, ?)', messageId, email.conversationId, email.state, email.at);
        return { value: email, events: [logEvent(emailEvent(email, String(m.site_id), String(m.visitor_id)))] };
      });
    },
    async messageEmails(conversationId) {
      return all(`SELECT me.* FROM message_emails me JOIN messages m ON m.id = me.message_id WHERE me.conversation_id = ? ORDER BY m.seq`,
        conversationId).map(toMessageEmail);
    },
    async planReplyEmails({ now: at, messageIdDomain, limit }) {
      return write(() => {
        const due = all(`SELECT DISTINCT conversation_id FROM message_emails WHERE state = 'pending' AND outbox_id IS NULL AND at <= ? LIMIT ?`, at, limit);
        let queued = 0;
        const events: LoggedEvent[] = [];
        for (const row of due) {
          const planned = planConversation(String(row.conversation_id), at, messageIdDomain);
          queued += planned.queued;
          events.push(...planned.events);
        }
        return { queued, events };
      });
    },
    async alertCandidates({ now: at, since, exceptSiteIds, limit }) {
      return all(`SELECT c.id, c.site_id, c.visitor_id, c.status, c.last_seq FROM conversations c
          LEFT JOIN site_email_settings s ON s.site_id = c.site_id
        WHERE c.status = 'waiting' AND c.first_response_at IS NULL AND c.last_seq > 0 AND c.created_at > ?
          AND c.created_at <= ? - COALESCE(s.alert_delay_ms, ?)
          ${exceptSiteIds.length > 0 ? `AND c.site_id NOT IN (${marks(exceptSiteIds.length)})` : ''}
          AND NOT EXISTS (SELECT 1 FROM conversation_email_alerts a WHERE a.conversation_id = c.id)
        ORDER BY c.created_at LIMIT ?`, since, at, toEmailSettings(undefined).alertDelayMs, ...exceptSiteIds, limit).map(toConversationRef);
    },
    async queueAgentAlerts({ conversationId, now: at, messageIdDomain }) {
      return write(() => {
        const c = one("SELECT site_id FROM conversations WHERE id = ? AND status = 'waiting' AND first_response_at IS NULL", conversationId);
        if (!c) return 0;
        const first = run('INSERT INTO conversation_email_alerts (conversation_id, alerted_at) VALUES (?, ?) ON CONFLICT DO NOTHING', conversationId, at);
        if (Number(first.changes) === 0) return 0;
        const siteId = String(c.site_id);
        const agents = all(`SELECT u.id, u.email FROM users u LEFT JOIN agent_email_alerts p ON p.user_id = u.id
          WHERE u.disabled = 0 AND COALESCE(p.enabled, 1) = 1
            AND (u.role = 'owner' OR u.id IN (SELECT user_id FROM site_members WHERE site_id = ?)) ORDER BY u.id`, siteId);
        for (const agent of agents) {
          const userId = String(agent.id);
          insertEmail({ kind: 'agent-alert', siteId, conversationId, to: String(agent.email), userId, messageIds: [], dedupeKey: alertDedupeKey(conversationId, userId), at, domain: messageIdDomain });
        }
        return agents.length;
      });
    },
    async queueTranscript({ conversationId, clientId, to, now: at, messageIdDomain, maxPerConversation, maxPerAddressPerDay }) {
      return write(() => {
        const dedupeKey = transcriptDedupeKey(conversationId, clientId);
        if (one('SELECT 1 FROM email_outbox WHERE dedupe_key = ?', dedupeKey)) return 'duplicate' as const;
        const sent = Number(one("SELECT count(*) AS n FROM email_outbox WHERE conversation_id = ? AND kind = 'transcript'", conversationId)!.n);
        if (sent >= maxPerConversation) return 'limit' as const;
        const c = one('SELECT site_id FROM conversations WHERE id = ?', conversationId);
        if (!c) throw new GoneError('conversation', conversationId);
        const toAddress = Number(one(`SELECT count(*) AS n FROM email_outbox WHERE site_id = ? AND kind = 'transcript' AND lower(recipient) = ?
          AND created_at > ?`, String(c.site_id), addressKey(to), at - DAY_MS)!.n);
        if (toAddress >= maxPerAddressPerDay) return 'address-limit' as const;
        insertEmail({ kind: 'transcript', siteId: String(c.site_id), conversationId, to, userId: null, messageIds: [], dedupeKey, at, domain: messageIdDomain });
        return 'queued' as const;
      });
    },
    async claimEmails({ now: at, owner, leaseMs, limit }) {
      return write(() => {
        const rows = all(`SELECT * FROM email_outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= ?
          ORDER BY next_attempt_at LIMIT ?`, at, limit);
        for (const row of rows) {
          run("UPDATE email_outbox SET status = 'sending', lease_owner = ?, next_attempt_at = ?, attempts = attempts + 1 WHERE id = ?",
            owner, at + leaseMs, String(row.id));
        }
        return rows.map((row) => toOutboxEmail({ ...row, attempts: Number(row.attempts) + 1 }));
      });
    },
    async emailSent(id, sentAt) {
      return write(() => {
        const { changes } = run(`UPDATE email_outbox SET status = 'sent', sent_at = ?, lease_owner = NULL, last_error = NULL
          WHERE id = ? AND status <> 'sent'`, sentAt, id);
        return Number(changes) === 0 ? [] : inOutbox(id, { state: 'sent', at: sentAt, error: null, retryAt: null });
      });
    },
    async emailFailed(id, { owner, at, error, retryAt }) {
      return write(() => {
        const { changes } = run(`UPDATE email_outbox SET status = ?, next_attempt_at = COALESCE(?, next_attempt_at), last_error = ?, lease_owner = NULL
          WHERE id = ? AND status = 'sending' AND lease_owner = ?`, retryAt === null ? 'failed' : 'pending', retryAt, errorText(error), id, owner);
        return Number(changes) === 0 ? [] : inOutbox(id, { state: 'failed', at, error: errorText(error), retryAt });
      });
    },
    async emailCancelled(id, { owner, at, state }) {
      return write(() => {
        const { changes } = run("UPDATE email_outbox SET status = 'cancelled', lease_owner = NULL WHERE id = ? AND status = 'sending' AND lease_owner = ?", id, owner);
        return Number(changes) === 0 ? [] : inOutbox(id, { state, at, error: null, retryAt: null });
      });
    },
    async emailThread(conversationId, to) {
      // The record of what was sent (email threads, sqlite-email-threads.ts) is the thread.
      return all('SELECT message_id FROM sent_emails WHERE conversation_id = ? AND recipient = ? ORDER BY sent_at, message_id',
        conversationId, addressKey(to)).map((row) => String(row.message_id));
    },
    async unsubscribe(siteId, address) {
      await write(() => run('INSERT INTO email_unsubscribes (site_id, address, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        siteId, addressKey(address), now()));
    },
    async isUnsubscribed(siteId, address) {
      return !!one('SELECT 1 FROM email_unsubscribes WHERE site_id = ? AND address = ?', siteId, addressKey(address));
    },
    async emailSettings(siteId) {
      return toEmailSettings(one('SELECT * FROM site_email_settings WHERE site_id = ?', siteId));
    },
    async updateEmailSettings(siteId, patch) {
      return write(() => {
        run(`INSERT INTO site_email_settings (site_id, reply_delay_ms, alert_delay_ms) VALUES (?, ?, ?)
          ON CONFLICT (site_id) DO UPDATE SET reply_delay_ms = COALESCE(excluded.reply_delay_ms, reply_delay_ms),
            alert_delay_ms = COALESCE(excluded.alert_delay_ms, alert_delay_ms)`, siteId, patch.replyDelayMs ?? null, patch.alertDelayMs ?? null);
        return toEmailSettings(one('SELECT * FROM site_email_settings WHERE site_id = ?', siteId));
      });
    },
    async emailAlertsEnabled(userId) {
      const row = one('SELECT enabled FROM agent_email_alerts WHERE user_id = ?', userId);
      return row ? Boolean(Number(row.enabled)) : true;
    },
    async setEmailAlerts(userId, enabled) {
      await write(() => run(`INSERT INTO agent_email_alerts (user_id, enabled) VALUES (?, ?)
        ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled`, userId, enabled ? 1 : 0));
    },
    async addVisitorToken(visitorId, tokenHash) {
      await write(() => run('INSERT INTO visitor_aliases (token_hash, visitor_id, created_at) VALUES (?, ?, ?)', tokenHash, visitorId, now()));
    },
  };
}
