/**
 * The SQLite store's webhooks (issue 15): endpoints, the fan-out from the event log, the delivery
 * queue and its log. Each change is one write job under SQLite's write lock (BEGIN IMMEDIATE), so
 * a fan-out reads the cursor, the events and the endpoints and moves the cursor with nothing in
 * between, and a claim's checks (order, per-endpoint limit, breaker) and its update are one step —
 * also against another process on the same file. What the rows mean is webhook-fan-out.ts's and
 * webhook-rows.ts's.
 */
import { WEBHOOK_LIMITS, type WebhookDelivery } from '../../protocol/protocol.ts';
import { json, newId } from './rows.ts';
import type { Param, Row, SqliteDb } from './sqlite-db.ts';
import { queueWebhookPausedEmails } from './sqlite-email-outbox.ts';
import { RefusedError, type WebhookMethods } from './store.ts';
import { contextNeeded, FAN_OUT_TYPES, listens, planDeliveries, readFrom, type LogRow, type RowContext } from './webhook-fan-out.ts';
import {
  breakerAfter, breakerOf, clip, latestAttempts, pickClaims, TEST_PATIENCE_MS, toWebhookAttempt, toWebhookDelivery, toWebhookEndpoint,
} from './webhook-rows.ts';

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const ENDPOINT_SELECT = `SELECT e.*,
  (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status IN ('pending', 'delivering')) AS pending,
  (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'dead' AND d.type <> 'webhook.test') AS dead
  FROM webhook_endpoints e`;
const OPEN = "status IN ('pending', 'delivering')";

export function createSqliteWebhooks(db: SqliteDb): WebhookMethods {
  const { now, one, all, run, write, epoch } = db;
  const endpoint = (siteId: string, id: string) => {
    const row = one(`${ENDPOINT_SELECT} WHERE e.site_id = ? AND e.id = ?`, siteId, id);
    return row ? toWebhookEndpoint(row) : null;
  };
  const head = () => Number(one("SELECT seq FROM sqlite_sequence WHERE name = 'events'")?.seq ?? 0);
  const nextOrd = () => Number(one('SELECT COALESCE(MAX(ord), 0) + 1 AS n FROM webhook_deliveries')!.n);
  const withLast = (rows: Row[]): WebhookDelivery[] => {
    if (rows.length === 0) return [];
    const latest = latestAttempts(all(`SELECT * FROM webhook_attempts WHERE delivery_id IN (${marks(rows.length)})`, ...rows.map((r) => String(r.id))));
    return rows.map((row) => toWebhookDelivery(row, latest.get(String(row.id)) ?? null));
  };
  const delivery = (endpointId: string, id: string) => withLast(all('SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND id = ?', endpointId, id))[0] ?? null;

  const toLogRow = (row: Row): LogRow => ({
    seq: Number(row.id), type: String(row.type), data: JSON.parse(String(row.data)), siteId: String(row.site_id),
    visitorId: row.visitor_id == null ? null : String(row.visitor_id), conversationId: row.conversation_id == null ? null : String(row.conversation_id),
    createdAt: Number(row.created_at),
  });
  /** What webhook-fan-out.ts needs to know about a row from the log before it. */
  function contextOf(row: LogRow): RowContext {
    const need = contextNeeded(row);
    if (need === 'conversation') {
      const previous = one(`SELECT data FROM events WHERE conversation_id = ? AND id < ? AND type IN ('conversation.created', 'conversation.updated')
        ORDER BY id DESC LIMIT 1`, row.conversationId, row.seq);
      if (previous) return { previous: JSON.parse(String(previous.data)).conversation };
      const preceding = one('SELECT type, data FROM events WHERE id = ?', row.seq - 1);
      return { previous: null, preceding: preceding ? { type: String(preceding.type), data: JSON.parse(String(preceding.data)) } : null };
    }
    if (need === 'visitor') {
      const previous = one("SELECT data FROM events WHERE visitor_id = ? AND id < ? AND type = 'visitor.updated' ORDER BY id DESC LIMIT 1", row.visitorId, row.seq);
      if (previous) return { previousVisitor: JSON.parse(String(previous.data)).visitor };
      // Never logged: as created, anonymous — unless the log was pruned past when the visitor was made.
      const pruned = Number(one("SELECT value FROM meta WHERE key = 'events_pruned_through'")?.value ?? 0) > 0;
      const oldest = Number(one('SELECT created_at FROM events ORDER BY id LIMIT 1')?.created_at ?? 0);
      return { previousVisitor: !pruned || row.data.visitor.createdAt > oldest ? null : 'unknown' };
    }
    return {};
  }

  return {
    async listWebhookEndpoints(siteId) {
      return all(`${ENDPOINT_SELECT} WHERE e.site_id = ? ORDER BY e.created_at, e.id`, siteId).map(toWebhookEndpoint);
    },
    async getWebhookEndpoint(siteId, endpointId) {
      return endpoint(siteId, endpointId);
    },
    async webhookSiteIds() {
      return all('SELECT DISTINCT site_id FROM webhook_endpoints ORDER BY site_id').map((r) => String(r.site_id));
    },
    async createWebhookEndpoint(input) {
      return write(() => {
        const count = Number(one('SELECT count(*) AS n FROM webhook_endpoints WHERE site_id = ?', input.siteId)!.n);
        if (count >= WEBHOOK_LIMITS.endpointsPerSite) throw new RefusedError('limit', `A site has at most ${WEBHOOK_LIMITS.endpointsPerSite} webhook endpoints; delete one first.`);
        const id = newId('whe');
        run(`INSERT INTO webhook_endpoints (id, site_id, url, description, events, enabled, secret, since_epoch, since_seq, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, input.siteId, input.url, input.description, JSON.stringify(input.events),
        input.enabled ? 1 : 0, input.secret, epoch(), head(), now());
        return endpoint(input.siteId, id)!;
      });
    },
    async updateWebhookEndpoint(siteId, endpointId, patch) {
      return write(() => {
        const sets: string[] = [];
        const params: Param[] = [];
        if (patch.url !== undefined) { sets.push('url = ?'); params.push(patch.url); }
        if (patch.description !== undefined) { sets.push('description = ?'); params.push(patch.description); }
        if (patch.events !== undefined) { sets.push('events = ?'); params.push(JSON.stringify(patch.events)); }
        if (patch.enabled !== undefined) { sets.push('enabled = ?'); params.push(patch.enabled ? 1 : 0); }
        if (patch.secret !== undefined) { sets.push('secret = ?'); params.push(patch.secret); }
        if (sets.length > 0) run(`UPDATE webhook_endpoints SET ${sets.join(', ')} WHERE site_id = ? AND id = ?`, ...params, siteId, endpointId);
        return endpoint(siteId, endpointId);
      });
    },
    async deleteWebhookEndpoint(siteId, endpointId) {
      return write(() => Number(run('DELETE FROM webhook_endpoints WHERE site_id = ? AND id = ?', siteId, endpointId).changes) > 0);
    },
    async webhookSecret(endpointId) {
      const row = one('SELECT secret FROM webhook_endpoints WHERE id = ?', endpointId);
      return row ? String(row.secret) : null;
    },
    async resumeWebhookEndpoint(siteId, endpointId, at) {
      return write(() => {
        const { changes } = run(`UPDATE webhook_endpoints SET consecutive_failures = 0, trips = 0, paused_at = NULL, probe_at = NULL
          WHERE site_id = ? AND id = ?`, siteId, endpointId);
        if (Number(changes) === 0) return null;
        run("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE endpoint_id = ? AND status = 'pending' AND next_attempt_at > ?", at, endpointId, at);
        return endpoint(siteId, endpointId);
      });
    },

    async fanOutWebhooks({ now: at, limit, retryForMs }) {
      return write(() => {
        const cursor = Number(one('SELECT seq FROM webhook_cursor WHERE id = 1')!.seq);
        const top = head();
        if (cursor >= top) return { queued: 0, more: false, busy: false };
        const endpoints = all('SELECT id, site_id, events, since_epoch, since_seq FROM webhook_endpoints WHERE enabled = 1')
          .map((r) => ({ id: String(r.id), siteId: String(r.site_id), events: json<string[]>(r.events), sinceEpoch: String(r.since_epoch), sinceSeq: Number(r.since_seq) }));
        // Nobody listens: the cursor jumps to the head without reading a single event.
        if (endpoints.length === 0) {
          run('UPDATE webhook_cursor SET seq = ? WHERE id = 1', top);
          return { queued: 0, more: false, busy: false };
        }
        const from = readFrom(cursor, endpoints, epoch());
        const rows = all(`SELECT * FROM events WHERE id > ? AND id <= ? AND type IN (${marks(FAN_OUT_TYPES.length)})
          AND site_id IN (${marks(endpoints.length)}) ORDER BY id LIMIT ?`, from, top, ...FAN_OUT_TYPES, ...endpoints.map((e) => e.siteId), limit).map(toLogRow);
        const more = rows.length === limit;
        const heard = rows.filter((row) => listens(endpoints, row, epoch()));
        const planned = planDeliveries({ rows: heard.map((row) => ({ row, context: contextOf(row) })), endpoints, epoch: epoch(), now: at, retryForMs });
        let queued = 0;
        for (const d of planned) {
          const { changes } = run(`INSERT INTO webhook_deliveries (id, ord, endpoint_id, event_id, type, conversation_id, visitor_id, order_key, body,
              status, attempts, next_attempt_at, deadline_at, created_at)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?
            WHERE (? IS NULL OR EXISTS (SELECT 1 FROM conversations WHERE id = ?)) AND (? IS NULL OR EXISTS (SELECT 1 FROM visitors WHERE id = ?))
            ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
          d.id, nextOrd(), d.endpointId, d.eventId, d.type, d.conversationId, d.visitorId, d.orderKey, d.body, at, d.deadlineAt, d.createdAt,
          d.conversationId, d.conversationId, d.visitorId, d.visitorId);
          queued += Number(changes);
        }
        run('UPDATE webhook_cursor SET seq = ? WHERE id = 1', more ? rows[rows.length - 1]!.seq : top);
        return { queued, more, busy: false };
      });
    },
    async queueTestDelivery(siteId, endpointId, at) {
      return write(() => {
        if (!one('SELECT 1 FROM webhook_endpoints WHERE site_id = ? AND id = ?', siteId, endpointId)) return null;
        const id = newId('whd');
        const eventId = newId('evt_test');
        const body = JSON.stringify({
          deliveryId: id, eventId, type: 'webhook.test', siteId, createdAt: at,
          data: { endpointId, text: 'A test delivery from Parley: if its signature verifies, this endpoint is ready.' },
        });
        run(`INSERT INTO webhook_deliveries (id, ord, endpoint_id, event_id, type, body, status, attempts, next_attempt_at, deadline_at, created_at)
          VALUES (?, ?, ?, ?, 'webhook.test', ?, 'pending', 0, ?, ?, ?)`, id, nextOrd(), endpointId, eventId, body, at, at + TEST_PATIENCE_MS, at);
        return delivery(endpointId, id);
      });
    },
    async claimWebhookDeliveries({ now: at, owner, leaseMs, limit, perEndpoint }) {
      return write(() => {
        // Past its deadline and not on its way (a paused or disabled endpoint's, say): dead-lettered.
        run(`UPDATE webhook_deliveries SET status = 'dead', finished_at = ?, lease_owner = NULL
          WHERE ${OPEN} AND next_attempt_at <= ? AND deadline_at < ?`, at, at, at);
        const candidates = all(`SELECT id, endpoint_id, type FROM (
            SELECT d.id, d.endpoint_id, d.type, d.next_attempt_at, d.ord,
              ROW_NUMBER() OVER (PARTITION BY d.endpoint_id, d.type = 'webhook.test' ORDER BY d.next_attempt_at, d.ord) AS n
            FROM webhook_deliveries d
            WHERE d.${OPEN} AND d.next_attempt_at <= ? AND d.deadline_at >= ?
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.endpoint_id = d.endpoint_id AND e.order_key = d.order_key
                AND e.ord < d.ord AND e.${OPEN})
          ) WHERE n <= ? ORDER BY next_attempt_at, ord LIMIT ?`, at, at, perEndpoint + 1, limit * 4)
          .map((r) => ({ id: String(r.id), endpointId: String(r.endpoint_id), type: String(r.type) }));
        if (candidates.length === 0) return [];
        const endpointIds = [...new Set(candidates.map((c) => c.endpointId))];
        const endpoints = all(`SELECT e.id, e.enabled, e.paused_at, e.probe_at,
            (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'delivering' AND d.next_attempt_at > ?) AS in_flight
          FROM webhook_endpoints e WHERE e.id IN (${marks(endpointIds.length)})`, at, ...endpointIds)
          .map((r) => ({ id: String(r.id), enabled: Boolean(Number(r.enabled)), pausedAt: r.paused_at == null ? null : Number(r.paused_at), probeAt: r.probe_at == null ? null : Number(r.probe_at), inFlight: Number(r.in_flight) }));
        const { ids, probes } = pickClaims(candidates, endpoints, { now: at, limit, perEndpoint });
        if (ids.length === 0) return [];
        run(`UPDATE webhook_deliveries SET status = 'delivering', lease_owner = ?, next_attempt_at = ?, attempts = attempts + 1
          WHERE id IN (${marks(ids.length)}) AND ${OPEN}`, owner, at + leaseMs, ...ids);
        const rows = all(`SELECT d.*, e.url, e.secret, e.site_id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.id IN (${marks(ids.length)}) ORDER BY d.ord`, ...ids);
        return rows.map((r) => ({
          id: String(r.id), endpointId: String(r.endpoint_id), siteId: String(r.site_id), url: String(r.url), secret: String(r.secret),
          eventId: String(r.event_id), type: String(r.type) as WebhookDelivery['type'], body: String(r.body), attempts: Number(r.attempts),
          deadlineAt: Number(r.deadline_at), probe: probes.has(String(r.id)),
        }));
      });
    },
    async recordWebhookAttempt(input) {
      return write(() => {
        const row = one(`SELECT d.*, e.site_id, e.consecutive_failures, e.trips, e.paused_at, e.probe_at FROM webhook_deliveries d
          JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ?`, input.deliveryId);
        // Gone meanwhile (its endpoint or conversation deleted): nothing is left to record it on.
        if (!row) return { status: null, paused: false };
        run(`INSERT INTO webhook_attempts (delivery_id, at, ok, status_code, latency_ms, error, response_snippet) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          input.deliveryId, input.at, input.ok ? 1 : 0, input.statusCode, Math.max(0, Math.round(input.latencyMs)), clip(input.error), clip(input.responseSnippet));
        let status: WebhookDelivery['status'] | null = null;
        if (row.status === 'delivering' && row.lease_owner === input.owner) {
          status = input.ok ? 'delivered' : input.retryAt === null ? 'dead' : 'pending';
          run(`UPDATE webhook_deliveries SET status = ?, lease_owner = NULL, next_attempt_at = COALESCE(?, next_attempt_at), finished_at = ? WHERE id = ?`,
            status, status === 'pending' ? input.retryAt : null, status === 'pending' ? null : input.at, input.deliveryId);
        }
        const test = row.type === 'webhook.test';
        if (input.interrupted || (test && !input.ok)) return { status, paused: false };
        const next = breakerAfter(breakerOf(row), input, input.breaker);
        run(`UPDATE webhook_endpoints SET consecutive_failures = ?, trips = ?, paused_at = ?, probe_at = ?,
            last_success_at = CASE WHEN ? THEN ? ELSE last_success_at END,
            last_failure_at = CASE WHEN ? THEN last_failure_at ELSE ? END,
            last_error = CASE WHEN ? THEN NULL ELSE ? END WHERE id = ?`,
        next.consecutiveFailures, next.trips, next.pausedAt, next.probeAt, input.ok ? 1 : 0, input.at, input.ok ? 1 : 0, input.at,
        input.ok ? 1 : 0, clip(input.error), String(row.endpoint_id));
        // In this job: the pause and the owners' emails commit together, once (the write lock).
        if (next.justPaused && input.tellOwners) {
          queueWebhookPausedEmails(db, {
            siteId: String(row.site_id), at: input.at, domain: input.tellOwners.messageIdDomain,
            pause: { endpointId: String(row.endpoint_id), pausedAt: next.pausedAt!, failures: next.consecutiveFailures, statusCode: input.statusCode, error: clip(input.error) },
          });
        }
        return { status, paused: next.justPaused };
      });
    },
    async listWebhookDeliveries(endpointId, { filter, cursor, limit }) {
      const where = ['endpoint_id = ?'];
      const params: Param[] = [endpointId];
      if (filter === 'pending') where.push(OPEN);
      else if (filter !== 'all') { where.push('status = ?'); params.push(filter); }
      if (cursor !== null) { where.push('ord < ?'); params.push(Number(cursor)); }
      const rows = all(`SELECT * FROM webhook_deliveries WHERE ${where.join(' AND ')} ORDER BY ord DESC LIMIT ?`, ...params, limit + 1);
      const page = rows.slice(0, limit);
      return { deliveries: withLast(page), next: rows.length > limit ? String(page[page.length - 1]!.ord) : null };
    },
    async getWebhookDelivery(endpointId, deliveryId) {
      const row = one('SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND id = ?', endpointId, deliveryId);
      if (!row) return null;
      const attempts = all('SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY id', deliveryId).map(toWebhookAttempt);
      return { delivery: toWebhookDelivery(row, attempts[attempts.length - 1] ?? null), attempts, body: String(row.body) };
    },
    async replayWebhookDelivery(endpointId, deliveryId, { now: at, retryForMs }) {
      return write(() => {
        if (!one('SELECT 1 FROM webhook_deliveries WHERE endpoint_id = ? AND id = ?', endpointId, deliveryId)) return null;
        run(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, deadline_at = ?, finished_at = NULL, lease_owner = NULL
          WHERE id = ? AND status IN ('delivered', 'dead')`, at, at + retryForMs, deliveryId);
        return delivery(endpointId, deliveryId);
      });
    },
    async replayDeadWebhooks(endpointId, { now: at, retryForMs }) {
      return write(() => Number(run(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, deadline_at = ?,
          finished_at = NULL, lease_owner = NULL WHERE endpoint_id = ? AND status = 'dead' AND type <> 'webhook.test'`, at, at + retryForMs, endpointId).changes));
    },
    async pruneWebhookDeliveries(before) {
      return write(() => Number(run("DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'dead') AND finished_at < ?", before).changes));
    },
  };
}
