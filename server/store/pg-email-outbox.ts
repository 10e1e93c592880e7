/**
 * The PostgreSQL store's email outbox (issue 12); the same rows and decisions as SQLite's
 * (sqlite-email-outbox.ts, email-outbox-rows.ts). Several processes run these at once: planning
 * locks the conversation first (lock order, pg-db.ts), so of two planners one queues the email and
 * the other finds nothing left; a claim takes rows with FOR UPDATE SKIP LOCKED, so two senders
 * never hold the same email; every transaction logs its events last.
 */
import type { MessageEmail } from '../../protocol/protocol.ts';
import {
  addressKey, alertDedupeKey, DAY_MS, emailEvent, errorText, newOutboxIds, planReplies, recipientOf, replyDedupeKey, toEmailSettings, toMessageEmail,
  toOutboxEmail, transcriptDedupeKey, webhookPausedDedupeKey, type PendingReply,
} from './email-outbox-rows.ts';
import type { PgDb, Tx } from './pg-db.ts';
import { toConversationRef } from './rows.ts';
import { GoneError, type EmailOutboxMethods, type LoggedEvent, type WebhookPause } from './store.ts';

type Change = Pick<MessageEmail, 'state' | 'at' | 'error' | 'retryAt'>;
type NewEvent = Omit<LoggedEvent, 'id'>;

/** Sets the replies (`where` on message_emails me, $1 its parameter) to `change`; answers their events, to log last. */
async function changeReplies(t: Tx, where: string, param: string | readonly string[], change: Change): Promise<NewEvent[]> {
  const { rows } = await t.run(`UPDATE message_emails me SET state = $2, at = $3, error = $4, retry_at = $5
    FROM conversations c WHERE c.id = me.conversation_id AND ${where}
    RETURNING me.*, c.site_id, c.visitor_id`, param, change.state, change.at, change.error, change.retryAt);
  return rows.map((row) => emailEvent({ ...toMessageEmail(row), ...change }, String(row.site_id), String(row.visitor_id)));
}

interface NewOutboxEmail {
  kind: string; siteId: string; conversationId: string | null; to: string; userId: string | null; messageIds: string[]; dedupeKey: string; at: number;
  domain: string; details?: object;
}

async function insertEmail(t: Tx, input: NewOutboxEmail): Promise<string | null> {
  const { id, messageId } = newOutboxIds(input.domain);
  const { count } = await t.run(`INSERT INTO email_outbox (id, kind, site_id, conversation_id, recipient, user_id, message_id, message_ids, dedupe_key,
      status, attempts, next_attempt_at, created_at, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, 'pending', 0, $10, $10, $11::jsonb)
      ON CONFLICT (dedupe_key) DO NOTHING`,
    id, input.kind, input.siteId, input.conversationId, input.to, input.userId, messageId, JSON.stringify(input.messageIds), input.dedupeKey, input.at,
    input.details === undefined ? null : JSON.stringify(input.details));
  return count > 0 ? id : null;
}

/**
 * Queues a 'webhook-paused' email about `pause` to every owner who can sign in, once per owner and
 * pause (its dedupe key): called in the transaction that paused the endpoint, under its lock
 * (pg-webhooks.ts), so the pause and its emails commit together or not at all. Answers how many it queued.
 */
export async function queueWebhookPausedEmails(t: Tx, input: { siteId: string; pause: WebhookPause; at: number; domain: string }): Promise<number> {
  let queued = 0;
  for (const owner of await t.all("SELECT id, email FROM users WHERE role = 'owner' AND NOT disabled AND email <> '' ORDER BY id")) {
    const userId = String(owner.id);
    const id = await insertEmail(t, {
      kind: 'webhook-paused', siteId: input.siteId, conversationId: null, to: String(owner.email), userId, messageIds: [],
      dedupeKey: webhookPausedDedupeKey(input.pause, userId), at: input.at, domain: input.domain, details: input.pause,
    });
    if (id) queued++;
  }
  return queued;
}

export function createPgEmailOutbox({ now, one, all, tx }: PgDb): EmailOutboxMethods {
  /** One conversation's due replies into one email, under the conversation's lock. */
  const planConversation = (conversationId: string, at: number, domain: string) => tx(async (t) => {
    const c = await t.one(`SELECT c.site_id, c.visitor_id, c.visitor_read_seq, v.email FROM conversations c JOIN visitors v ON v.id = c.visitor_id
      WHERE c.id = $1 FOR UPDATE OF c`, conversationId);
    if (!c) return { queued: 0, events: [] as LoggedEvent[] };
    const pending: PendingReply[] = (await t.all(`SELECT me.message_id, me.at, m.seq FROM message_emails me JOIN messages m ON m.id = me.message_id
      WHERE me.conversation_id = $1 AND me.state = 'pending' AND me.outbox_id IS NULL FOR UPDATE OF me`, conversationId))
      .map((row) => ({ messageId: String(row.message_id), seq: Number(row.seq), at: Number(row.at) }));
    const { seen, send } = planReplies(pending, Number(c.visitor_read_seq), at);
    const ids = (replies: PendingReply[]) => replies.map((reply) => reply.messageId);
    const logged = seen.length ? await changeReplies(t, 'me.message_id = ANY($1::text[])', ids(seen), { state: 'seen', at, error: null, retryAt: null }) : [];
    let queued = 0;
    if (send) {
      const email = c.email == null ? null : String(c.email);
      const unsubscribed = !!email && !!(await t.one('SELECT 1 FROM email_unsubscribes WHERE site_id = $1 AND address = $2', String(c.site_id), addressKey(email)));
      const recipient = recipientOf(email, unsubscribed);
      if ('instead' in recipient) {
        logged.push(...await changeReplies(t, 'me.message_id = ANY($1::text[])', ids(send), { state: recipient.instead, at, error: null, retryAt: null }));
      } else {
        const id = await insertEmail(t, {
          kind: 'reply', siteId: String(c.site_id), conversationId, to: recipient.to, userId: null, messageIds: ids(send),
          dedupeKey: replyDedupeKey(send[0]!.messageId), at, domain,
        });
        if (id) {
          await t.run('UPDATE message_emails SET outbox_id = $1 WHERE message_id = ANY($2::text[])', id, ids(send));
          queued = 1;
        }
      }
    }
    return { queued, events: await t.logEvents(logged) };
  });

  /** A change of one outbox email (`update` decides, under the row's lock) and of its replies. */
  const changeEmail = (id: string, update: (t: Tx) => Promise<boolean>, change: Change) => tx(async (t) => {
    if (!(await update(t))) return [];
    return t.logEvents(await changeReplies(t, 'me.outbox_id = $1', id, change));
  });

  return {
    async noteReplyEmail({ messageId, suppressed, dueAt }) {
      return tx(async (t) => {
        const m = await t.one(`SELECT m.conversation_id, m.author, m.internal, c.site_id, c.visitor_id FROM messages m
          JOIN conversations c ON c.id = m.conversation_id WHERE m.id = $1`, messageId);
        if (!m || m.author !== 'agent' || m.internal) return null;
        const email: MessageEmail = {
          conversationId: String(m.conversation_id), messageId, state: suppressed ? 'suppressed' : 'pending',
          at: suppressed ? now() : dueAt, error: null, retryAt: null,
        };
        const { count } = await t.run('INSERT INTO message_emails (message_id, conversation_id, state, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          messageId, email.conversationId, email.state, email.at);
        if (count === 0) return { value: toMessageEmail((await t.one('SELECT * FROM message_emails WHERE message_id = $1', messageId))!), events: [] };
        return { value: email, events: await t.logEvents([emailEvent(email, String(m.site_id), String(m.visitor_id))]) };
      });
    },
    async messageEmails(conversationId) {
      return (await all(`SELECT me.* FROM message_emails me JOIN messages m ON m.id = me.message_id WHERE me.conversation_id = $1 ORDER BY m.seq`,
        conversationId)).map(toMessageEmail);
    },
    async planReplyEmails({ now: at, messageIdDomain, limit }) {
      const due = await all(`SELECT DISTINCT conversation_id FROM message_emails WHERE state = 'pending' AND outbox_id IS NULL AND at <= $1 LIMIT $2`, at, limit);
      let queued = 0;
      const events: LoggedEvent[] = [];
      for (const row of due) {
        const planned = await planConversation(String(row.conversation_id), at, messageIdDomain);
        queued += planned.queued;
        events.push(...planned.events);
      }
      return { queued, events };
    },
    async alertCandidates({ now: at, since, exceptSiteIds, limit }) {
      return (await all(`SELECT c.id, c.site_id, c.visitor_id, c.status, c.last_seq FROM conversations c
          LEFT JOIN site_email_settings s ON s.site_id = c.site_id
        WHERE c.status = 'waiting' AND c.first_response_at IS NULL AND c.last_seq > 0 AND c.created_at > $1
          AND c.created_at <= $2::bigint - COALESCE(s.alert_delay_ms, $3::bigint)
          AND c.site_id <> ALL($5::text[])
          AND NOT EXISTS (SELECT 1 FROM conversation_email_alerts a WHERE a.conversation_id = c.id)
        ORDER BY c.created_at, c.ord LIMIT $4`, since, at, toEmailSettings(undefined).alertDelayMs, limit, exceptSiteIds)).map(toConversationRef);
    },
    async queueAgentAlerts({ conversationId, now: at, messageIdDomain }) {
      return tx(async (t) => {
        const c = await t.one("SELECT site_id FROM conversations WHERE id = $1 AND status = 'waiting' AND first_response_at IS NULL FOR UPDATE", conversationId);
        if (!c) return 0;
        const first = await t.run('INSERT INTO conversation_email_alerts (conversation_id, alerted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', conversationId, at);
        if (first.count === 0) return 0;
        const siteId = String(c.site_id);
        const agents = await t.all(`SELECT u.id, u.email FROM users u LEFT JOIN agent_email_alerts p ON p.user_id = u.id
          WHERE NOT u.disabled AND COALESCE(p.enabled, true)
            AND (u.role = 'owner' OR u.id IN (SELECT user_id FROM site_members WHERE site_id = $1)) ORDER BY u.id`, siteId);
        for (const agent of agents) {
          const userId = String(agent.id);
          await insertEmail(t, { kind: 'agent-alert', siteId, conversationId, to: String(agent.email), userId, messageIds: [], dedupeKey: alertDedupeKey(conversationId, userId), at, domain: messageIdDomain });
        }
        return agents.length;
      });
    },
    async queueTranscript({ conversationId, clientId, to, now: at, messageIdDomain, maxPerConversation, maxPerAddressPerDay }) {
      return tx(async (t) => {
        // The conversation's lock makes the count and the insert one step for every process (the
        // count per address spans conversations: approximate, as an abuse limit may be).
        const c = await t.one('SELECT site_id FROM conversations WHERE id = $1 FOR UPDATE', conversationId);
        if (!c) throw new GoneError('conversation', conversationId);
        const dedupeKey = transcriptDedupeKey(conversationId, clientId);
        if (await t.one('SELECT 1 FROM email_outbox WHERE dedupe_key = $1', dedupeKey)) return 'duplicate' as const;
        const sent = Number((await t.one("SELECT count(*) AS n FROM email_outbox WHERE conversation_id = $1 AND kind = 'transcript'", conversationId))!.n);
        if (sent >= maxPerConversation) return 'limit' as const;
        const toAddress = Number((await t.one(`SELECT count(*) AS n FROM email_outbox WHERE site_id = $1 AND kind = 'transcript' AND lower(recipient) = $2
          AND created_at > $3`, String(c.site_id), addressKey(to), at - DAY_MS))!.n);
        if (toAddress >= maxPerAddressPerDay) return 'address-limit' as const;
        await insertEmail(t, { kind: 'transcript', siteId: String(c.site_id), conversationId, to, userId: null, messageIds: [], dedupeKey, at, domain: messageIdDomain });
        return 'queued' as const;
      });
    },
    async claimEmails({ now: at, owner, leaseMs, limit }) {
      return tx(async (t) => {
        const { rows } = await t.run(`UPDATE email_outbox SET status = 'sending', lease_owner = $1, next_attempt_at = $2, attempts = attempts + 1
          WHERE id IN (SELECT id FROM email_outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= $3
            ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)
          RETURNING *`, owner, at + leaseMs, at, limit);
        return rows.map(toOutboxEmail).sort((a, b) => a.createdAt - b.createdAt);
      });
    },
    async emailSent(id, sentAt) {
      return changeEmail(id, async (t) => (await t.run(`UPDATE email_outbox SET status = 'sent', sent_at = $2, lease_owner = NULL, last_error = NULL
        WHERE id = $1 AND status <> 'sent'`, id, sentAt)).count > 0, { state: 'sent', at: sentAt, error: null, retryAt: null });
    },
    async emailFailed(id, { owner, at, error, retryAt }) {
      return changeEmail(id, async (t) => (await t.run(`UPDATE email_outbox SET status = $3, next_attempt_at = COALESCE($4::bigint, next_attempt_at),
          last_error = $5, lease_owner = NULL WHERE id = $1 AND status = 'sending' AND lease_owner = $2`,
        id, owner, retryAt === null ? 'failed' : 'pending', retryAt, errorText(error))).count > 0, { state: 'failed', at, error: errorText(error), retryAt });
    },
    async emailCancelled(id, { owner, at, state }) {
      return changeEmail(id, async (t) => (await t.run(`UPDATE email_outbox SET status = 'cancelled', lease_owner = NULL
        WHERE id = $1 AND status = 'sending' AND lease_owner = $2`, id, owner)).count > 0, { state, at, error: null, retryAt: null });
    },
    async emailThread(conversationId, to) {
      // The record of what was sent (email threads, pg-email-threads.ts) is the thread.
      return (await all('SELECT message_id FROM sent_emails WHERE conversation_id = $1 AND recipient = $2 ORDER BY sent_at, message_id',
        conversationId, addressKey(to))).map((row) => String(row.message_id));
    },
    async unsubscribe(siteId, address) {
      await tx((t) => t.run('INSERT INTO email_unsubscribes (site_id, address, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        siteId, addressKey(address), now()));
    },
    async isUnsubscribed(siteId, address) {
      return !!(await one('SELECT 1 FROM email_unsubscribes WHERE site_id = $1 AND address = $2', siteId, addressKey(address)));
    },
    async emailSettings(siteId) {
      return toEmailSettings(await one('SELECT * FROM site_email_settings WHERE site_id = $1', siteId));
    },
    async updateEmailSettings(siteId, patch) {
      return tx(async (t) => toEmailSettings((await t.run(`INSERT INTO site_email_settings (site_id, reply_delay_ms, alert_delay_ms) VALUES ($1, $2, $3)
        ON CONFLICT (site_id) DO UPDATE SET reply_delay_ms = COALESCE(excluded.reply_delay_ms, site_email_settings.reply_delay_ms),
          alert_delay_ms = COALESCE(excluded.alert_delay_ms, site_email_settings.alert_delay_ms)
        RETURNING *`, siteId, patch.replyDelayMs ?? null, patch.alertDelayMs ?? null)).rows[0]));
    },
    async emailAlertsEnabled(userId) {
      const row = await one('SELECT enabled FROM agent_email_alerts WHERE user_id = $1', userId);
      return row ? Boolean(row.enabled) : true;
    },
    async setEmailAlerts(userId, enabled) {
      await tx((t) => t.run(`INSERT INTO agent_email_alerts (user_id, enabled) VALUES ($1, $2)
        ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled`, userId, enabled));
    },
    async addVisitorToken(visitorId, tokenHash) {
      await tx((t) => t.run('INSERT INTO visitor_aliases (token_hash, visitor_id, created_at) VALUES ($1, $2, $3)', tokenHash, visitorId, now()));
    },
  };
}
