/**
 * Outbound email's agent and owner shapes (issue 12; each shape once, issue 15): what became of
 * each reply's email, an agent's own alerts, a site's email settings. JSON Schema literals, their
 * types derived (json-schema.ts) and re-exported by protocol.ts under the old names. Never imported
 * by protocol.ts at runtime. Browser code imports the types only. (The visitor side's shapes —
 * resume, transcript — belong to the visitor API.)
 */
import type { Infer } from './json-schema.ts';
import { id, time, timeOrNull } from './admin-api.ts';
import { EMAIL_DEFAULTS } from './protocol.ts';

/**
 * What became of one agent reply, as agents see it:
 * - pending: it is emailed at `at` unless the visitor reads it in the chat first;
 * - sent: the visitor's mail server accepted it at `at`;
 * - failed: the attempt at `at` failed (`error`); tried again at `retryAt`, or never (null);
 * - suppressed: the agent chose not to email it;
 * - seen: the visitor read it in the chat in time, so it was not emailed;
 * - unsubscribed, no-address: not emailed, as the visitor unsubscribed or left no address.
 */
export const messageEmailStateSchema = {
  type: 'string', enum: ['pending', 'sent', 'failed', 'suppressed', 'seen', 'unsubscribed', 'no-address'],
} as const;

export const messageEmailSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['conversationId', 'messageId', 'state', 'at', 'error', 'retryAt'],
  properties: {
    conversationId: id,
    messageId: id,
    state: messageEmailStateSchema,
    at: time,
    error: { type: ['string', 'null'] },
    retryAt: timeOrNull,
  },
} as const;

export const messageEmailsResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['emailing', 'emails'],
  properties: {
    emailing: {
      type: 'object',
      additionalProperties: false,
      required: ['configured', 'address', 'unsubscribed'],
      description: "Whether replies of this conversation can be emailed now: SMTP configured, an address, not unsubscribed.",
      properties: { configured: { type: 'boolean' }, address: { type: ['string', 'null'] }, unsubscribed: { type: 'boolean' } },
    },
    emails: { type: 'array', items: messageEmailSchema, description: 'One per agent reply sent while email was configured.' },
  },
} as const;

export const emailAlertsResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled', 'configured'],
  properties: {
    enabled: { type: 'boolean', description: 'Whether this agent is emailed about conversations nobody answers.' },
    configured: { type: 'boolean', description: 'SMTP is configured, so alerts can go out at all.' },
  },
} as const;

export const emailAlertsRequestSchema = {
  type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } },
} as const;

const minutes = { type: 'integer', minimum: 1, maximum: EMAIL_DEFAULTS.delayMaxMinutes } as const;

export const siteEmailSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['configured', 'from', 'replyDomain', 'replyDelayMinutes', 'alertDelayMinutes'],
  properties: {
    configured: { type: 'boolean', description: 'SMTP_URL is set: Parley sends email.' },
    from: { type: ['string', 'null'], description: "The sender address (EMAIL_FROM); the site's name is the sender's name." },
    replyDomain: { type: ['string', 'null'], description: 'INBOUND_EMAIL_DOMAIN: emails carry a reply address there; null: replies go through the link only.' },
    replyDelayMinutes: { ...minutes, description: 'An unread agent reply is emailed this long after it was sent.' },
    alertDelayMinutes: { ...minutes, description: "A new conversation nobody has answered by then, with no agent online, is emailed to the site's agents." },
  },
} as const;

export const updateSiteEmailRequestSchema = {
  type: 'object', additionalProperties: false, properties: { replyDelayMinutes: minutes, alertDelayMinutes: minutes },
} as const;

/** What the inbound webhook did with an email: 200 delivered into its conversation… */
export const inboundDeliveredSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome', 'conversationId', 'messageId', 'duplicate'],
  properties: {
    outcome: { const: 'delivered' },
    conversationId: id,
    messageId: id,
    duplicate: { type: 'boolean', description: 'true: this email was delivered before; nothing was added again' },
  },
} as const;

/** …or 202 held for an agent to accept or discard (refusals are errors). */
export const inboundHeldSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome', 'conversationId', 'heldEmailId', 'duplicate'],
  properties: {
    outcome: { const: 'held' },
    conversationId: id,
    heldEmailId: id,
    duplicate: { type: 'boolean', description: 'true: this email was held before; nothing was added again' },
  },
} as const;

export type InboundEmailResponse = Infer<typeof inboundDeliveredSchema> | Infer<typeof inboundHeldSchema>;
export type MessageEmailState = Infer<typeof messageEmailStateSchema>;
export type MessageEmail = Infer<typeof messageEmailSchema>;
export type MessageEmailsResponse = Infer<typeof messageEmailsResponseSchema>;
export type EmailAlertsResponse = Infer<typeof emailAlertsResponseSchema>;
export type EmailAlertsRequest = Infer<typeof emailAlertsRequestSchema>;
export type SiteEmailSettings = Infer<typeof siteEmailSettingsSchema>;
export type UpdateSiteEmailRequest = Infer<typeof updateSiteEmailRequestSchema>;
