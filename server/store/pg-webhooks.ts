/**
 * The PostgreSQL store's webhooks (issue 15); the same rows and decisions as SQLite's
 * (sqlite-webhooks.ts, webhook-fan-out.ts, webhook-rows.ts). Several processes run these at once:
 * - The fan-out takes the cursor row FOR UPDATE SKIP LOCKED: one process reads the log at a time,
 *   the others answer busy at once (the one reading hears of their events too). It reads the log
 *   only up to event_head, every event below which has committed (pg-db.ts), so none is skipped.
 * - A claim locks the endpoints it claims for (FOR UPDATE SKIP LOCKED), so the order of each
 *   endpoint's deliveries and its in-flight count are read by one claimer at a time; another
 *   process claims for the other endpoints meanwhile, never waiting.
 * - Recording an attempt locks the endpoint first, then the delivery: the order claims take them.
 *   The attempt that pauses the endpoint queues the owners' emails in the same transaction.
 * Nothing here logs events, so pg-db.ts's rule (event_head last) is not in play.
 */
import { WEBHOOK_LIMITS, type WebhookDelivery } from '../../protocol/protocol.ts';
import type { Param, PgDb, Row, Tx } from './pg-db.ts';
import { queueWebhookPausedEmails } from './pg-email-outbox.ts';
import { json, newId } from './rows.ts';
import { RefusedError, type WebhookMethods } from './store.ts';
import { contextNeeded, FAN_OUT_TYPES, listens, planDeliveries, readFrom, type LogRow, type RowContext } from './webhook-fan-out.ts';
import {
  breakerAfter, breakerOf, clip, latestAttempts, pickClaims, TEST_PATIENCE_MS, toWebhookAttempt, toWebhookDelivery, toWebhookEndpoint,
} from './webhook-rows.ts';

const ENDPOINT_SELECT = `SELECT e.*,
  (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status IN ('pending', 'delivering')) AS pending,
  (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'dead' AND d.type <> 'webhook.test') AS dead
  FROM webhook_endpoints e`;
const OPEN = "status IN ('pending', 'delivering')";

type Reader = Pick<Tx, 'one' | 'all'>;

const toLogRow = (row: Row): LogRow => ({
  seq: Number(row.id), type: String(row.type), data: json(row.data), siteId: String(row.site_id),
  visitorId: row.visitor_id == null ? null : String(row.visitor_id), conversationId: row.conversation_id == null ? null : String(row.conversation_id),
  createdAt: Number(row.created_at),
});

/** What webhook-fan-out.ts needs to know about a row from the log before it. */
async function contextOf(t: Reader, row: LogRow): Promise<RowContext> {
  const need = contextNeeded(row);
  if (need === 'conversation') {
    const previous = await t.one(`SELECT data FROM events WHERE conversation_id = $1 AND id < $2 AND type IN ('conversation.created', 'conversation.updated')
      ORDER BY id DESC LIMIT 1`, row.conversationId, row.seq);
    if (previous) return { previous: json(previous.data).conversation };
    const preceding = await t.one('SELECT type, data FROM events WHERE id = $1', row.seq - 1);
    return { previous: null, preceding: preceding ? { type: String(preceding.type), data: json(preceding.data) } : null };
  }
  if (need === 'visitor') {
    const previous = await t.one("SELECT data FROM events WHERE visitor_id = $1 AND id < $2 AND type = 'visitor.updated' ORDER BY id DESC LIMIT 1", row.visitorId, row.seq);
    if (previous) return { previousVisitor: json(previous.data).visitor };
    const facts = (await t.one(`SELECT (SELECT value FROM meta WHERE key = 'events_pruned_through') AS pruned,
      (SELECT created_at FROM events ORDER BY id LIMIT 1) AS oldest`))!;
    const pruned = Number(facts.pruned ?? 0) > 0;
    return { previousVisitor: !pruned || row.data.visitor.createdAt > Number(facts.oldest ?? 0) ? null : 'unknown' };
  }
  return {};
}

async function withLast(t: Reader, rows: Row[]): Promise<WebhookDelivery[]> {
  if (rows.length === 0) return [];
  const latest = latestAttempts(await t.all('SELECT * FROM webhook_attempts WHERE delivery_id = ANY($1::text[])', rows.map((r) => String(r.id))));
  return rows.map((row) => toWebhookDelivery(row, latest.get(String(row.id)) ?? null));
}

export function createPgWebhooks(db: PgDb): WebhookMethods {
  const { now, one, all, tx, epoch } = db;
  const endpoint = async (t: Reader, siteId: string, id: string) => {
    const row = await t.one(`${ENDPOINT_SELECT} WHERE e.site_id = $1 AND e.id = $2`, siteId, id);
    return row ? toWebhookEndpoint(row) : null;
  };
  const reader: Reader = { one, all };
  const delivery = async (t: Reader, endpointId: string, id: string) =>
    (await withLast(t, await t.all('SELECT * FROM webhook_deliveries WHERE endpoint_id = $1 AND id = $2', endpointId, id)))[0] ?? null;

  return {
    async listWebhookEndpoints(siteId) {
      return (await all(`${ENDPOINT_SELECT} WHERE e.site_id = $1 ORDER BY e.created_at, e.id`, siteId)).map(toWebhookEndpoint);
    },
    async getWebhookEndpoint(siteId, endpointId) {
      return endpoint(reader, siteId, endpointId);
    },
    async webhookSiteIds() {
      return (await all('SELECT DISTINCT site_id FROM webhook_endpoints ORDER BY site_id')).map((r) => String(r.site_id));
    },
    async createWebhookEndpoint(input) {
      const log = await epoch();
      return tx(async (t) => {
        // The site's row lock makes the count and the insert one step for every process.
        await t.one('SELECT id FROM sites WHERE id = $1 FOR UPDATE', input.siteId);
        const count = Number((await t.one('SELECT count(*) AS n FROM webhook_endpoints WHERE site_id = $1', input.siteId))!.n);
        if (count >= WEBHOOK_LIMITS.endpointsPerSite) throw new RefusedError('limit', `A site has at most ${WEBHOOK_LIMITS.endpointsPerSite} webhook endpoints; delete one first.`);
        const id = newId('whe');
        await t.run(`INSERT INTO webhook_endpoints (id, site_id, url, description, events, enabled, secret, since_epoch, since_seq, created_at)
          VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, (SELECT COALESCE((SELECT seq FROM event_head WHERE id = 1), 0)), $9)`,
        id, input.siteId, input.url, input.description, JSON.stringify(input.events), input.enabled, input.secret, log, now());
        return (await endpoint(t, input.siteId, id))!;
      });
    },
    async updateWebhookEndpoint(siteId, endpointId, patch) {
      return tx(async (t) => {
        const sets: string[] = [];
        const params: Param[] = [];
        const set = (column: string, value: Param, cast = '') => { params.push(value); sets.push(`${column} = $${params.length + 2}${cast}`); };
        if (patch.url !== undefined) set('url', patch.url);
        if (patch.description !== undefined) set('description', patch.description);
        if (patch.events !== undefined) set('events', JSON.stringify(patch.events), '::jsonb');
        if (patch.enabled !== undefined) set('enabled', patch.enabled);
        if (patch.secret !== undefined) set('secret', patch.secret);
        if (sets.length > 0) await t.run(`UPDATE webhook_endpoints SET ${sets.join(', ')} WHERE site_id = $1 AND id = $2`, siteId, endpointId, ...params);
        return endpoint(t, siteId, endpointId);
      });
    },
    async deleteWebhookEndpoint(siteId, endpointId) {
      return tx(async (t) => (await t.run('DELETE FROM webhook_endpoints WHERE site_id = $1 AND id = $2', siteId, endpointId)).count > 0);
    },
    async webhookSecret(endpointId) {
      const row = await one('SELECT secret FROM webhook_endpoints WHERE id = $1', endpointId);
      return row ? String(row.secret) : null;
    },
    async resumeWebhookEndpoint(siteId, endpointId, at) {
      return tx(async (t) => {
        const { count } = await t.run(`UPDATE webhook_endpoints SET consecutive_failures = 0, trips = 0, paused_at = NULL, probe_at = NULL
          WHERE site_id = $1 AND id = $2`, siteId, endpointId);
        if (count === 0) return null;
        await t.run("UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE endpoint_id = $2 AND status = 'pending' AND next_attempt_at > $1", at, endpointId);
        return endpoint(t, siteId, endpointId);
      });
    },

    async fanOutWebhooks({ now: at, limit, retryForMs }) {
      const log = await epoch();
      return tx(async (t) => {
        const cursorRow = await t.one('SELECT seq FROM webhook_cursor WHERE id = 1 FOR UPDATE SKIP LOCKED');
        if (!cursorRow) return { queued: 0, more: false, busy: true };
        const cursor = Number(cursorRow.seq);
        const top = Number((await t.one('SELECT seq FROM event_head WHERE id = 1'))?.seq ?? 0);
        if (cursor >= top) return { queued: 0, more: false, busy: false };
        const endpoints = (await t.all('SELECT id, site_id, events, since_epoch, since_seq FROM webhook_endpoints WHERE enabled'))
          .map((r) => ({ id: String(r.id), siteId: String(r.site_id), events: json<string[]>(r.events), sinceEpoch: String(r.since_epoch), sinceSeq: Number(r.since_seq) }));
        if (endpoints.length === 0) {
          await t.run('UPDATE webhook_cursor SET seq = $1 WHERE id = 1', top);
          return { queued: 0, more: false, busy: false };
        }
        const rows = (await t.all(`SELECT * FROM events WHERE id > $1 AND id <= $2 AND type = ANY($3::text[]) AND site_id = ANY($4::text[])
          ORDER BY id LIMIT $5`, readFrom(cursor, endpoints, log), top, FAN_OUT_TYPES, [...new Set(endpoints.map((e) => e.siteId))], limit)).map(toLogRow);
        const more = rows.length === limit;
        const withContext: Array<{ row: LogRow; context: RowContext }> = [];
        for (const row of rows.filter((r) => listens(endpoints, r, log))) withContext.push({ row, context: await contextOf(t, row) });
        let queued = 0;
        for (const d of planDeliveries({ rows: withContext, endpoints, epoch: log, now: at, retryForMs })) {
          const { count } = await t.run(`INSERT INTO webhook_deliveries (id, endpoint_id, event_id, type, conversation_id, visitor_id, order_key, body,
              status, attempts, next_attempt_at, deadline_at, created_at)
            SELECT $1, $2, $3, $4, $5::text, $6::text, $7, $8, 'pending', 0, $9::bigint, $10::bigint, $11::bigint
            WHERE ($5::text IS NULL OR EXISTS (SELECT 1 FROM conversations WHERE id = $5::text))
              AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM visitors WHERE id = $6::text))
            ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
          d.id, d.endpointId, d.eventId, d.type, d.conversationId, d.visitorId, d.orderKey, d.body, at, d.deadlineAt, d.createdAt);
          queued += count;
        }
        await t.run('UPDATE webhook_cursor SET seq = $1 WHERE id = 1', more ? rows[rows.length - 1]!.seq : top);
        return { queued, more, busy: false };
      });
    },
    async queueTestDelivery(siteId, endpointId, at) {
      return tx(async (t) => {
        if (!(await t.one('SELECT 1 FROM webhook_endpoints WHERE site_id = $1 AND id = $2', siteId, endpointId))) return null;
        const id = newId('whd');
        const eventId = newId('evt_test');
        const body = JSON.stringify({
          deliveryId: id, eventId, type: 'webhook.test', siteId, createdAt: at,
          data: { endpointId, text: 'A test delivery from Parley: if its signature verifies, this endpoint is ready.' },
        });
        await t.run(`INSERT INTO webhook_deliveries (id, endpoint_id, event_id, type, body, status, attempts, next_attempt_at, deadline_at, created_at)
          VALUES ($1, $2, $3, 'webhook.test', $4, 'pending', 0, $5, $6, $5)`, id, endpointId, eventId, body, at, at + TEST_PATIENCE_MS);
        return delivery(t, endpointId, id);
      });
    },
    async claimWebhookDeliveries({ now: at, owner, leaseMs, limit, perEndpoint }) {
      return tx(async (t) => {
        await t.run(`UPDATE webhook_deliveries SET status = 'dead', finished_at = $1, lease_owner = NULL
          WHERE id IN (SELECT id FROM webhook_deliveries WHERE ${OPEN} AND next_attempt_at <= $1 AND deadline_at < $1 FOR UPDATE SKIP LOCKED)`, at);
        const endpoints = (await t.all(`SELECT e.id, e.enabled, e.paused_at, e.probe_at FROM webhook_endpoints e
          WHERE e.id IN (SELECT endpoint_id FROM webhook_deliveries WHERE ${OPEN} AND next_attempt_at <= $1 AND deadline_at >= $1)
          ORDER BY e.id FOR UPDATE SKIP LOCKED`, at))
          .map((r) => ({ id: String(r.id), enabled: Boolean(r.enabled), pausedAt: r.paused_at == null ? null : Number(r.paused_at), probeAt: r.probe_at == null ? null : Number(r.probe_at), inFlight: 0 }));
        if (endpoints.length === 0) return [];
        const ids = endpoints.map((e) => e.id);
        const counts = await t.all(`SELECT endpoint_id, count(*) AS n FROM webhook_deliveries
          WHERE endpoint_id = ANY($1::text[]) AND status = 'delivering' AND next_attempt_at > $2 GROUP BY endpoint_id`, ids, at);
        for (const row of counts) endpoints.find((e) => e.id === String(row.endpoint_id))!.inFlight = Number(row.n);
        const candidates = (await t.all(`SELECT id, endpoint_id, type FROM (
            SELECT d.id, d.endpoint_id, d.type, d.next_attempt_at, d.ord,
              ROW_NUMBER() OVER (PARTITION BY d.endpoint_id, d.type = 'webhook.test' ORDER BY d.next_attempt_at, d.ord) AS n
            FROM webhook_deliveries d
            WHERE d.endpoint_id = ANY($1::text[]) AND d.${OPEN} AND d.next_attempt_at <= $2 AND d.deadline_at >= $2
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.endpoint_id = d.endpoint_id AND e.order_key = d.order_key
                AND e.ord < d.ord AND e.${OPEN})
          ) c WHERE n <= $3 ORDER BY next_attempt_at, ord LIMIT $4`, ids, at, perEndpoint + 1, limit * 4))
          .map((r) => ({ id: String(r.id), endpointId: String(r.endpoint_id), type: String(r.type) }));
        const picked = pickClaims(candidates, endpoints, { now: at, limit, perEndpoint });
        if (picked.ids.length === 0) return [];
        const { rows } = await t.run(`UPDATE webhook_deliveries d SET status = 'delivering', lease_owner = $2, next_attempt_at = $3, attempts = d.attempts + 1
          FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND d.id = ANY($1::text[]) AND d.${OPEN}
          RETURNING d.*, e.url, e.secret, e.site_id`, picked.ids, owner, at + leaseMs);
        return rows.sort((a, b) => Number(a.ord) - Number(b.ord)).map((r) => ({
          id: String(r.id), endpointId: String(r.endpoint_id), siteId: String(r.site_id), url: String(r.url), secret: String(r.secret),
          eventId: String(r.event_id), type: String(r.type) as WebhookDelivery['type'], body: String(r.body), attempts: Number(r.attempts),
          deadlineAt: Number(r.deadline_at), probe: picked.probes.has(String(r.id)),
        }));
      });
    },
    async recordWebhookAttempt(input) {
      return tx(async (t) => {
        const e = await t.one(`SELECT e.* FROM webhook_endpoints e JOIN webhook_deliveries d ON d.endpoint_id = e.id WHERE d.id = $1 FOR UPDATE OF e`, input.deliveryId);
        const row = e ? await t.one('SELECT * FROM webhook_deliveries WHERE id = $1 FOR UPDATE', input.deliveryId) : undefined;
        if (!e || !row) return { status: null, paused: false };
        await t.run(`INSERT INTO webhook_attempts (delivery_id, at, ok, status_code, latency_ms, error, response_snippet) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          input.deliveryId, input.at, input.ok, input.statusCode, Math.max(0, Math.round(input.latencyMs)), clip(input.error), clip(input.responseSnippet));
        let status: WebhookDelivery['status'] | null = null;
        if (row.status === 'delivering' && row.lease_owner === input.owner) {
          status = input.ok ? 'delivered' : input.retryAt === null ? 'dead' : 'pending';
          await t.run(`UPDATE webhook_deliveries SET status = $2, lease_owner = NULL, next_attempt_at = COALESCE($3::bigint, next_attempt_at), finished_at = $4 WHERE id = $1`,
            input.deliveryId, status, status === 'pending' ? input.retryAt : null, status === 'pending' ? null : input.at);
        }
        if (input.interrupted || (row.type === 'webhook.test' && !input.ok)) return { status, paused: false };
        const next = breakerAfter(breakerOf(e), input, input.breaker);
        await t.run(`UPDATE webhook_endpoints SET consecutive_failures = $2, trips = $3, paused_at = $4, probe_at = $5,
            last_success_at = CASE WHEN $6 THEN $7 ELSE last_success_at END,
            last_failure_at = CASE WHEN $6 THEN last_failure_at ELSE $7 END,
            last_error = CASE WHEN $6 THEN NULL ELSE $8 END WHERE id = $1`,
        String(e.id), next.consecutiveFailures, next.trips, next.pausedAt, next.probeAt, input.ok, input.at, clip(input.error));
        // Under the endpoint's lock, in this transaction: of attempts recorded at once in any
        // processes, one pauses it, and the pause and the owners' emails commit together.
        if (next.justPaused && input.tellOwners) {
          await queueWebhookPausedEmails(t, {
            siteId: String(e.site_id), at: input.at, domain: input.tellOwners.messageIdDomain,
            pause: { endpointId: String(e.id), pausedAt: next.pausedAt!, failures: next.consecutiveFailures, statusCode: input.statusCode, error: clip(input.error) },
          });
        }
        return { status, paused: next.justPaused };
      });
    },
    async listWebhookDeliveries(endpointId, { filter, cursor, limit }) {
      const where = ['endpoint_id = $1'];
      const params: Param[] = [endpointId];
      if (filter === 'pending') where.push(OPEN);
      else if (filter !== 'all') { params.push(filter); where.push(`status = $${params.length}`); }
      if (cursor !== null) { params.push(Number(cursor)); where.push(`ord < $${params.length}`); }
      params.push(limit + 1);
      const rows = await all(`SELECT * FROM webhook_deliveries WHERE ${where.join(' AND ')} ORDER BY ord DESC LIMIT $${params.length}`, ...params);
      const page = rows.slice(0, limit);
      return { deliveries: await withLast(reader, page), next: rows.length > limit ? String(page[page.length - 1]!.ord) : null };
    },
    async getWebhookDelivery(endpointId, deliveryId) {
      const row = await one('SELECT * FROM webhook_deliveries WHERE endpoint_id = $1 AND id = $2', endpointId, deliveryId);
      if (!row) return null;
      const attempts = (await all('SELECT * FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id', deliveryId)).map(toWebhookAttempt);
      return { delivery: toWebhookDelivery(row, attempts[attempts.length - 1] ?? null), attempts, body: String(row.body) };
    },
    async replayWebhookDelivery(endpointId, deliveryId, { now: at, retryForMs }) {
      return tx(async (t) => {
        if (!(await t.one('SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND id = $2', endpointId, deliveryId))) return null;
        await t.run(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, deadline_at = $3, finished_at = NULL, lease_owner = NULL
          WHERE id = $1 AND status IN ('delivered', 'dead')`, deliveryId, at, at + retryForMs);
        return delivery(t, endpointId, deliveryId);
      });
    },
    async replayDeadWebhooks(endpointId, { now: at, retryForMs }) {
      return tx(async (t) => (await t.run(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, deadline_at = $3,
          finished_at = NULL, lease_owner = NULL WHERE endpoint_id = $1 AND status = 'dead' AND type <> 'webhook.test'`, endpointId, at, at + retryForMs)).count);
    },
    async pruneWebhookDeliveries(before) {
      return tx(async (t) => (await t.run("DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'dead') AND finished_at < $1", before)).count, 'housekeeping');
    },
  };
}
