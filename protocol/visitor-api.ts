/**
 * The visitor (widget) API's shapes (issue 15, each shape once): the session, the visitor's own
 * record, starting a conversation, typing and reading, the stream's ticket, continuing from an
 * email, a transcript, a rating. JSON Schema literals whose types derive from them
 * (json-schema.ts); protocol.ts re-exports the types under their old names. What the agent API
 * answers too (conversations, messages, files) is in conversation-api.ts. Beside protocol.ts and
 * importing its constants, never imported by it at runtime.
 *
 * The widget imports the types only (its byte budget); the schemas are for the server.
 */
import { id, ratingScaleSchema, time, widgetConfigSchema } from './admin-api.ts';
import { clientIdSchema, conversationSchema, seqSchema } from './conversation-api.ts';
import type { Infer } from './json-schema.ts';
import { LIMITS } from './protocol.ts';

// ---------------------------------------------------------------------------------------------
// Paths' parameters (a site's alone is admin-api.ts's siteParamsSchema)

export const siteConversationParamsSchema = {
  type: 'object', additionalProperties: false, required: ['siteId', 'conversationId'], properties: { siteId: id, conversationId: id },
} as const;

// ---------------------------------------------------------------------------------------------
// The visitor

/** The page a visitor is on and what their browser says about them. */
export const visitorContextSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: { type: 'string', maxLength: 2000 },
    title: { type: 'string', maxLength: 500 },
    referrer: { type: 'string', maxLength: 2000 },
    language: { type: 'string', maxLength: 35 },
    timeZone: { type: 'string', maxLength: 64 },
  },
} as const;

export const attributeValueSchema = { type: ['string', 'number', 'boolean', 'null'], maxLength: LIMITS.attributeValueMax } as const;

/** What the site's page says about the visitor (Parley('update', { attributes })); null clears one. */
export const attributesSchema = {
  type: 'object',
  maxProperties: LIMITS.attributesMax,
  propertyNames: { maxLength: 64 },
  additionalProperties: attributeValueSchema,
} as const;

/** The visitor as their widget knows them. `verified`: identified by the site's server (needed to chat where the site requires it). */
export const visitorBriefSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'email', 'verified'],
  properties: {
    id,
    name: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    verified: { type: 'boolean', description: 'Identified by the site\'s server (needed to chat where the site requires it).' },
  },
} as const;

const availabilitySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['online'],
  properties: { online: { type: 'boolean', description: 'Whether anybody is there to answer.' } },
} as const;

export const widgetConfigResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['config', 'availability'],
  properties: { config: widgetConfigSchema, availability: availabilitySchema },
} as const;

export const openSessionRequestSchema = {
  type: 'object', additionalProperties: false, properties: { context: visitorContextSchema },
} as const;

export const openSessionResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'visitor', 'config', 'availability', 'conversation', 'cursor'],
  properties: {
    token: {
      type: 'string',
      description: 'Send as `Authorization: Bearer <token>` from now on; keep it across visits. A token other than the one sent means the server did not know that one (the visitor\'s data was deleted, or the database replaced): this is a new visitor, so forget everything kept for the previous one.',
    },
    visitor: visitorBriefSchema,
    config: widgetConfigSchema,
    availability: availabilitySchema,
    conversation: { ...conversationSchema, type: ['object', 'null'], description: 'The newest conversation, open or not, so a returning visitor sees their history.' },
    cursor: { type: 'string', description: 'The event head now: open the stream from here after fetching history, and nothing falls between.' },
  },
} as const;

export const updateVisitorRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 200 },
    email: { type: 'string', maxLength: 320, format: 'email' },
    attributes: attributesSchema,
    context: visitorContextSchema,
    identity: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'hash'],
      properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, hash: { type: 'string', maxLength: 128 } },
      description: 'Identity proven by the site\'s server: hash = hex HMAC-SHA256(site secret, id).',
    },
  },
} as const;

export const visitorResponseSchema = {
  type: 'object', additionalProperties: false, required: ['visitor'], properties: { visitor: visitorBriefSchema },
} as const;

export const updateVisitorResponseSchema = {
  ...visitorResponseSchema,
  properties: {
    ...visitorResponseSchema.properties,
    token: {
      type: 'string',
      description: 'Present only when the request proved a different identity than the one this visitor was verified as (a shared computer). The browser is now a new visitor: replace the stored token with this one and forget everything of the previous visitor on the device; the previous identity\'s conversations are never returned.',
    },
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Conversations

export const visitorConversationsResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['conversations'],
  properties: { conversations: { type: 'array', items: conversationSchema, description: 'The visitor\'s conversations, newest first.' } },
} as const;

export const startConversationRequestSchema = {
  type: 'object', additionalProperties: false, required: ['clientId'], properties: { clientId: clientIdSchema },
} as const;

export const typingRequestSchema = {
  type: 'object', additionalProperties: false, required: ['typing'], properties: { typing: { type: 'boolean' } },
} as const;

export const readRequestSchema = {
  type: 'object', additionalProperties: false, required: ['seq'], properties: { seq: { ...seqSchema, description: 'The newest seq read.' } },
} as const;

// ---------------------------------------------------------------------------------------------
// The stream

export const streamTicketResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ticket', 'expiresAt'],
  properties: {
    ticket: { type: 'string', description: 'Pass as `?ticket=` to the stream (EventSource cannot send headers).' },
    expiresAt: time,
  },
} as const;

export const streamQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ticket: { type: 'string', maxLength: 512, description: 'From POST …/stream-ticket; else send the token as `Authorization: Bearer`.' },
    lastEventId: { type: 'string', maxLength: 32, description: 'Resume after this event id, where the Last-Event-ID header cannot be set.' },
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Email (issue 12): continuing from an email's link, a transcript

export const resumeRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: { type: 'string', minLength: 1, maxLength: 1024, description: 'The link\'s `parley_resume` parameter.' } },
} as const;

export const resumeResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'conversationId', 'visitor'],
  properties: {
    token: { type: 'string', description: 'A bearer token of the link\'s visitor, new for this device: the visitor\'s other devices keep theirs.' },
    conversationId: { ...id, description: 'The conversation the email was about: open it.' },
    visitor: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'email'],
      properties: { id, name: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } },
    },
  },
} as const;

export const transcriptRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId'],
  properties: {
    clientId: { ...clientIdSchema, description: 'Retries with the same id send one transcript.' },
    email: { type: 'string', maxLength: 320, format: 'email', description: 'Where to send it; the visitor\'s own address when left out.' },
  },
} as const;

export const transcriptResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: { to: { type: 'string', description: 'Queued for this address; it goes out within moments.' } },
} as const;

// ---------------------------------------------------------------------------------------------
// Satisfaction (issue 15); the rating itself is in ratings-api.ts

export const rateRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'score', 'scale'],
  properties: {
    clientId: { ...clientIdSchema, description: 'Retries with the same id store one rating; another id replaces the rating (the visitor changed their mind).' },
    score: { type: 'integer', minimum: 1, maximum: 5 },
    scale: { ...ratingScaleSchema, description: 'The scale the visitor was shown: on thumbs a score is 1 or 5.' },
    comment: { type: 'string', maxLength: LIMITS.ratingCommentMax },
  },
} as const;

export type VisitorContext = Infer<typeof visitorContextSchema>;
export type AttributeValue = Infer<typeof attributeValueSchema>;
export type VisitorBrief = Infer<typeof visitorBriefSchema>;
export type WidgetConfigResponse = Infer<typeof widgetConfigResponseSchema>;
export type OpenSessionRequest = Infer<typeof openSessionRequestSchema>;
export type OpenSessionResponse = Infer<typeof openSessionResponseSchema>;
export type UpdateVisitorRequest = Infer<typeof updateVisitorRequestSchema>;
export type VisitorResponse = Infer<typeof visitorResponseSchema>;
export type UpdateVisitorResponse = Infer<typeof updateVisitorResponseSchema>;
export type VisitorConversationsResponse = Infer<typeof visitorConversationsResponseSchema>;
export type StartConversationRequest = Infer<typeof startConversationRequestSchema>;
export type TypingRequest = Infer<typeof typingRequestSchema>;
export type ReadRequest = Infer<typeof readRequestSchema>;
export type StreamTicketResponse = Infer<typeof streamTicketResponseSchema>;
export type ResumeRequest = Infer<typeof resumeRequestSchema>;
export type ResumeResponse = Infer<typeof resumeResponseSchema>;
export type TranscriptRequest = Infer<typeof transcriptRequestSchema>;
export type TranscriptResponse = Infer<typeof transcriptResponseSchema>;
export type RateRequest = Infer<typeof rateRequestSchema>;
