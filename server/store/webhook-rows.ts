/**
 * Webhooks' rows and rules (issue 15) as both engines map and decide them: rows to protocol
 * shapes, the circuit breaker's next state after an attempt, and which due deliveries a claim
 * takes. No SQL here; each engine's webhooks part reads the rows under its locks and writes what
 * these decide.
 */
import type { WebhookAttempt, WebhookDelivery, WebhookDeliveryType, WebhookEndpoint, WebhookHealth } from '../../protocol/protocol.ts';
import { WEBHOOK_LIMITS } from '../../protocol/protocol.ts';
import { knownEvents } from './webhook-fan-out.ts';
import { json } from './rows.ts';

type Row = Record<string, unknown>;
const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v == null ? null : String(v));

/** Expects the endpoint's columns plus `pending` and `dead` counts. */
export function toWebhookEndpoint(row: Row): WebhookEndpoint {
  const pausedAt = numOrNull(row.paused_at);
  const consecutiveFailures = Number(row.consecutive_failures);
  const health: WebhookHealth = pausedAt !== null ? 'paused' : consecutiveFailures > 0 ? 'failing' : 'healthy';
  return {
    id: String(row.id),
    siteId: String(row.site_id),
    url: String(row.url),
    description: String(row.description),
    events: knownEvents(json<string[]>(row.events)),
    enabled: Boolean(Number(row.enabled)),
    health,
    consecutiveFailures,
    pausedAt,
    probeAt: pausedAt === null ? null : numOrNull(row.probe_at),
    lastSuccessAt: numOrNull(row.last_success_at),
    lastFailureAt: numOrNull(row.last_failure_at),
    lastError: strOrNull(row.last_error),
    pending: Number(row.pending ?? 0),
    dead: Number(row.dead ?? 0),
    createdAt: Number(row.created_at),
  };
}

export function toWebhookAttempt(row: Row): WebhookAttempt {
  return {
    at: Number(row.at),
    ok: Boolean(Number(row.ok)),
    statusCode: numOrNull(row.status_code),
    latencyMs: Number(row.latency_ms),
    error: strOrNull(row.error),
    responseSnippet: strOrNull(row.response_snippet),
  };
}

export function toWebhookDelivery(row: Row, last: WebhookAttempt | null): WebhookDelivery {
  const status = String(row.status) as WebhookDelivery['status'];
  return {
    id: String(row.id),
    endpointId: String(row.endpoint_id),
    eventId: String(row.event_id),
    type: String(row.type) as WebhookDeliveryType,
    conversationId: strOrNull(row.conversation_id),
    status,
    attempts: Number(row.attempts),
    nextAttemptAt: status === 'pending' ? Number(row.next_attempt_at) : null,
    finishedAt: numOrNull(row.finished_at),
    createdAt: Number(row.created_at),
    last,
  };
}

/** The latest attempt of each delivery, from attempt rows in any order. */
export function latestAttempts(rows: Row[]): Map<string, WebhookAttempt> {
  const latest = new Map<string, { id: number; attempt: WebhookAttempt }>();
  for (const row of rows) {
    const id = Number(row.id);
    const key = String(row.delivery_id);
    if ((latest.get(key)?.id ?? -1) < id) latest.set(key, { id, attempt: toWebhookAttempt(row) });
  }
  return new Map([...latest].map(([key, { attempt }]) => [key, attempt]));
}

/** Errors and snippets are for people to read; a receiver may say a lot, or send control characters. */
export const clip = (text: string | null, max = WEBHOOK_LIMITS.responseSnippetMax): string | null =>
  // eslint-disable-next-line no-control-regex
  text === null ? null : text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').slice(0, max);

/** A test delivery is tried once; not sent within this long (no process running), it is dead-lettered. */
export const TEST_PATIENCE_MS = 10 * 60_000;

/** When the breaker pauses an endpoint, and for how long before it tries one delivery again. */
export interface BreakerPolicy {
  /** Attempts that fail in a row before the endpoint is paused. */
  pauseAfter: number;
  /** The first pause; each failed probe doubles it, up to maxCooldownMs. */
  firstCooldownMs: number;
  maxCooldownMs: number;
}
export const BREAKER: BreakerPolicy = { pauseAfter: 10, firstCooldownMs: 60_000, maxCooldownMs: 3600_000 };

export interface BreakerState {
  consecutiveFailures: number;
  /** How many times in a row it was paused (the probe that failed counts one more). */
  trips: number;
  pausedAt: number | null;
  probeAt: number | null;
}

export const breakerOf = (row: Row): BreakerState => ({
  consecutiveFailures: Number(row.consecutive_failures), trips: Number(row.trips), pausedAt: numOrNull(row.paused_at), probeAt: numOrNull(row.probe_at),
});

/**
 * The breaker after an attempt: a success closes it; a failure counts, and the one that reaches
 * pauseAfter opens it (justPaused: the owner is told); a failed probe keeps it open longer. Other
 * attempts that were on their way when it opened count, but do not move the probe.
 */
export function breakerAfter(state: BreakerState, attempt: { ok: boolean; at: number; probe: boolean }, policy: BreakerPolicy): BreakerState & { justPaused: boolean } {
  const { ok, at } = attempt;
  if (ok) return { consecutiveFailures: 0, trips: 0, pausedAt: null, probeAt: null, justPaused: false };
  const consecutiveFailures = state.consecutiveFailures + 1;
  const cooldown = (trips: number) => Math.min(policy.maxCooldownMs, policy.firstCooldownMs * 2 ** (trips - 1));
  if (state.pausedAt !== null && !attempt.probe) return { ...state, consecutiveFailures, justPaused: false };
  if (state.pausedAt !== null) {
    const trips = state.trips + 1;
    return { consecutiveFailures, trips, pausedAt: state.pausedAt, probeAt: at + cooldown(trips), justPaused: false };
  }
  if (consecutiveFailures >= policy.pauseAfter) return { consecutiveFailures, trips: 1, pausedAt: at, probeAt: at + cooldown(1), justPaused: true };
  return { ...state, consecutiveFailures, justPaused: false };
}

export interface ClaimCandidate { id: string; endpointId: string; type: string }
export interface ClaimEndpoint { id: string; enabled: boolean; pausedAt: number | null; probeAt: number | null; inFlight: number }

/**
 * Which of the due deliveries (each the first open one of its order, oldest due first) a claim
 * takes: up to perEndpoint on the way per endpoint, counting those already on their way; one
 * probe for a paused endpoint whose probe is due and that has none on its way; none for a
 * disabled one. A test delivery always goes.
 */
export function pickClaims(candidates: ClaimCandidate[], endpoints: ClaimEndpoint[], input: { now: number; limit: number; perEndpoint: number }): { ids: string[]; probes: Set<string> } {
  const byId = new Map(endpoints.map((e) => [e.id, { ...e }]));
  const ids: string[] = [];
  const probes = new Set<string>();
  for (const candidate of candidates) {
    if (ids.length >= input.limit) break;
    const endpoint = byId.get(candidate.endpointId);
    if (!endpoint) continue;
    const test = candidate.type === 'webhook.test';
    if (!test) {
      if (!endpoint.enabled) continue;
      if (endpoint.pausedAt !== null) {
        if (endpoint.inFlight > 0 || endpoint.probeAt === null || endpoint.probeAt > input.now) continue;
        probes.add(candidate.id);
      } else if (endpoint.inFlight >= input.perEndpoint) {
        continue;
      }
    }
    endpoint.inFlight++;
    ids.push(candidate.id);
  }
  return { ids, probes };
}
