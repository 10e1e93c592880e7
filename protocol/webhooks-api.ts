/**
 * Webhooks' owner API shapes (issue 15, each shape once): endpoints, their deliveries and
 * attempts, and what each route takes and answers. JSON Schema literals, their types derived
 * (json-schema.ts) and re-exported by protocol.ts under the old names. Never imported by
 * protocol.ts at runtime. Browser code imports the types only. What a delivery's body holds
 * (WebhookBody, a union by event type) stays in protocol.ts: it is sent to receivers, not answered.
 */
import type { Infer } from './json-schema.ts';
import { id, time, timeOrNull } from './admin-api.ts';
import { WEBHOOK_EVENTS, WEBHOOK_LIMITS, WEBHOOK_TEST_EVENT } from './protocol.ts';

const url = {
  type: 'string', minLength: 1, maxLength: WEBHOOK_LIMITS.urlMax,
  description: 'http:// or https://, no user:password; a private or loopback address only where the server allows them (WEBHOOKS_ALLOW_PRIVATE).',
} as const;
const events = { type: 'array', minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true, items: { type: 'string', enum: WEBHOOK_EVENTS } } as const;
const description = { type: 'string', maxLength: WEBHOOK_LIMITS.descriptionMax, description: 'The owner\'s note of what it is for.' } as const;
const enabled = { type: 'boolean', description: 'Off: no new event is queued for it and nothing is sent (but a test).' } as const;
const count = { type: 'integer', minimum: 0 } as const;

/**
 * healthy; failing (the last attempts failed, retries go on); paused (the circuit breaker: it
 * failed too often in a row, so only one delivery is tried at probeAt until one succeeds, or the
 * owner resumes it — everything else waits, and is dead-lettered after WEBHOOK_LIMITS.retryForMs).
 */
export const webhookHealthSchema = { type: 'string', enum: ['healthy', 'failing', 'paused'] } as const;

export const webhookEndpointSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'siteId', 'url', 'description', 'events', 'enabled', 'health', 'consecutiveFailures', 'pausedAt', 'probeAt',
    'lastSuccessAt', 'lastFailureAt', 'lastError', 'pending', 'dead', 'createdAt'],
  properties: {
    id,
    siteId: id,
    url: { type: 'string' },
    description: { type: 'string', description: description.description },
    events: { type: 'array', items: events.items },
    enabled,
    health: webhookHealthSchema,
    consecutiveFailures: { ...count, description: 'Attempts that failed in a row (any delivery); 0 after a success.' },
    pausedAt: timeOrNull,
    probeAt: { ...timeOrNull, description: 'While paused: when one delivery is tried to see whether it is back.' },
    lastSuccessAt: timeOrNull,
    lastFailureAt: timeOrNull,
    lastError: { type: ['string', 'null'] },
    pending: { ...count, description: 'Deliveries waiting (for their turn, or a retry) or on their way.' },
    dead: { ...count, description: 'Deliveries that were dead-lettered: replayable.' },
    createdAt: time,
  },
} as const;

/** pending: waiting for its turn or a retry; delivering: on its way; delivered; dead: dead-lettered (a test that failed, too). */
export const webhookDeliveryStatusSchema = { type: 'string', enum: ['pending', 'delivering', 'delivered', 'dead'] } as const;

export const webhookAttemptSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['at', 'ok', 'statusCode', 'latencyMs', 'error', 'responseSnippet'],
  properties: {
    at: time,
    ok: { type: 'boolean', description: 'Answered 2xx.' },
    statusCode: { type: ['integer', 'null'], description: 'The receiver\'s HTTP status; null when there was no answer (refused, timed out, unreachable).' },
    latencyMs: count,
    error: { type: ['string', 'null'], description: 'Why it failed, for a person; null when it worked.' },
    responseSnippet: { type: ['string', 'null'], description: 'The start of what the receiver answered (WEBHOOK_LIMITS.responseSnippetMax characters).' },
  },
} as const;

export const webhookDeliverySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'endpointId', 'eventId', 'type', 'conversationId', 'status', 'attempts', 'nextAttemptAt', 'finishedAt', 'createdAt', 'last'],
  properties: {
    id,
    endpointId: id,
    eventId: { type: 'string' },
    type: { type: 'string', enum: [...WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT] },
    conversationId: { type: ['string', 'null'] },
    status: webhookDeliveryStatusSchema,
    attempts: { ...count, description: 'Since it was queued or last replayed.' },
    nextAttemptAt: { ...timeOrNull, description: 'When it is tried (again), while pending.' },
    finishedAt: { ...timeOrNull, description: 'Delivered or dead-lettered at.' },
    createdAt: time,
    last: { ...webhookAttemptSchema, type: ['object', 'null'], description: 'The latest attempt, if any.' },
  },
} as const;

export const siteWebhooksParamsSchema = {
  type: 'object', additionalProperties: false, required: ['siteId'], properties: { siteId: id },
} as const;
export const webhookParamsSchema = {
  type: 'object', additionalProperties: false, required: ['siteId', 'endpointId'], properties: { siteId: id, endpointId: id },
} as const;
export const webhookDeliveryParamsSchema = {
  type: 'object', additionalProperties: false, required: ['siteId', 'endpointId', 'deliveryId'], properties: { siteId: id, endpointId: id, deliveryId: id },
} as const;

const endpointFields = { url, events, description, enabled: { ...enabled, description: 'Default true.' } } as const;
export const createWebhookRequestSchema = {
  type: 'object', additionalProperties: false, required: ['url', 'events'], properties: endpointFields,
} as const;
export const updateWebhookRequestSchema = {
  type: 'object', additionalProperties: false, minProperties: 1, properties: endpointFields,
} as const;

/** The delivery log's filter: pending includes those on their way. */
export const webhookDeliveryFilterSchema = { type: 'string', enum: ['all', 'pending', 'delivered', 'dead'], default: 'all' } as const;
export const webhookDeliveriesQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: webhookDeliveryFilterSchema,
    cursor: { type: 'string', pattern: '^[0-9]{1,15}$', description: 'The `next` of the page before.' },
    limit: { type: 'integer', minimum: 1, maximum: WEBHOOK_LIMITS.deliveriesPageMax, default: 50 },
  },
} as const;

export const webhookListResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['endpoints', 'allowPrivate'],
  properties: {
    endpoints: { type: 'array', items: webhookEndpointSchema },
    allowPrivate: { type: 'boolean', description: 'WEBHOOKS_ALLOW_PRIVATE: private and loopback targets are allowed on this server.' },
  },
} as const;
export const webhookSecretResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['endpoint', 'secret'],
  properties: { endpoint: webhookEndpointSchema, secret: { type: 'string', description: 'Shown once: signs every delivery from now on.' } },
} as const;
export const webhookEndpointResponseSchema = {
  type: 'object', additionalProperties: false, required: ['endpoint'], properties: { endpoint: webhookEndpointSchema },
} as const;
export const webhookDeliveryResponseSchema = {
  type: 'object', additionalProperties: false, required: ['delivery'], properties: { delivery: webhookDeliverySchema },
} as const;
export const webhookDeliveriesResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['deliveries', 'next'],
  properties: {
    deliveries: { type: 'array', items: webhookDeliverySchema, description: 'Newest first' },
    next: { type: ['string', 'null'], description: 'Pass as `cursor` for the next (older) page; null at the end.' },
  },
} as const;
export const webhookDeliveryDetailSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['delivery', 'attempts', 'body'],
  properties: {
    delivery: webhookDeliverySchema,
    attempts: { type: 'array', items: webhookAttemptSchema, description: 'Oldest first' },
    body: { type: 'string', description: 'The exact body every attempt sends.' },
  },
} as const;
export const replayDeadResponseSchema = {
  type: 'object', additionalProperties: false, required: ['replayed'], properties: { replayed: { ...count, description: 'Deliveries queued again' } },
} as const;

export type WebhookHealth = Infer<typeof webhookHealthSchema>;
export type WebhookEndpoint = Infer<typeof webhookEndpointSchema>;
export type WebhookDeliveryStatus = Infer<typeof webhookDeliveryStatusSchema>;
export type WebhookAttempt = Infer<typeof webhookAttemptSchema>;
export type WebhookDelivery = Infer<typeof webhookDeliverySchema>;
export type CreateWebhookRequest = Infer<typeof createWebhookRequestSchema>;
export type UpdateWebhookRequest = Infer<typeof updateWebhookRequestSchema>;
export type WebhookDeliveryFilter = Infer<typeof webhookDeliveryFilterSchema>;
export type WebhookDeliveriesQuery = Infer<typeof webhookDeliveriesQuerySchema>;
export type WebhookListResponse = Infer<typeof webhookListResponseSchema>;
export type WebhookSecretResponse = Infer<typeof webhookSecretResponseSchema>;
export type WebhookEndpointResponse = Infer<typeof webhookEndpointResponseSchema>;
export type WebhookDeliveryResponse = Infer<typeof webhookDeliveryResponseSchema>;
export type WebhookDeliveriesResponse = Infer<typeof webhookDeliveriesResponseSchema>;
export type WebhookDeliveryDetail = Infer<typeof webhookDeliveryDetailSchema>;
export type ReplayDeadResponse = Infer<typeof replayDeadResponseSchema>;
