/**
 * The agent API's shapes (issue 15, each shape once): signing in, presence, colleagues, the queue
 * and a conversation as agents see it, sending as an agent, the visitor record, the files of a
 * conversation or visitor and a site's storage use, the file download, held email. JSON Schema
 * literals whose types derive from them (json-schema.ts); protocol.ts re-exports the types under
 * their old names. A conversation, its messages and files, MeResponse and the entities of sites
 * and users come from the files that define them (conversation-api.ts, account-api.ts,
 * admin-api.ts). Beside protocol.ts and importing its constants, never imported by it at runtime.
 *
 * Browser code imports the types only; the schemas are for the server.
 */
import { agentRefSchema, agentStatusSchema, id, time } from './admin-api.ts';
import { conversationSchema, messageSchema, sendMessageRequestSchema } from './conversation-api.ts';
import { messageEmailSchema } from './email-api.ts';
import type { Infer } from './json-schema.ts';
import { attributesSchema, visitorContextSchema } from './visitor-api.ts';

// ---------------------------------------------------------------------------------------------
// Entities agents see

/** A visitor as agents see them. */
export const visitorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'siteId', 'name', 'email', 'externalId', 'verified', 'attributes', 'context', 'visits', 'createdAt', 'lastSeenAt'],
  properties: {
    id,
    siteId: id,
    name: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    externalId: { type: ['string', 'null'], description: 'Set only when the site proved the identity with an HMAC (docs/widget.md).' },
    verified: { type: 'boolean' },
    attributes: { ...attributesSchema, description: 'What the site\'s page set about the visitor.' },
    context: {
      ...visitorContextSchema,
      properties: { ...visitorContextSchema.properties, userAgent: { type: 'string' } },
      description: 'The page they are on and what their browser says about them.',
    },
    visits: { type: 'integer' },
    createdAt: time,
    lastSeenAt: time,
  },
} as const;

/**
 * A colleague on one of your sites: the status they chose and whether a dashboard of theirs is
 * connected now, on any server process — what a `presence` event says afterwards. Available for a
 * transfer means both.
 */
export const colleagueSchema = {
  ...agentRefSchema,
  required: [...agentRefSchema.required, 'status', 'connected'],
  properties: { ...agentRefSchema.properties, status: agentStatusSchema, connected: { type: 'boolean' } },
} as const;

export const conversationViewSchema = { type: 'string', enum: ['waiting', 'mine', 'open', 'resolved', 'all'] } as const;

/** Conversation id → the ids of its labels (conversations without labels are left out). */
export const conversationLabelsSchema = { type: 'object', additionalProperties: { type: 'array', items: id } } as const;

export type Visitor = Infer<typeof visitorSchema>;
export type Colleague = Infer<typeof colleagueSchema>;
export type ConversationView = Infer<typeof conversationViewSchema>;
export type ConversationLabels = Infer<typeof conversationLabelsSchema>;

// ---------------------------------------------------------------------------------------------
// Signing in, presence, colleagues (MeResponse: account-api.ts)

export const loginRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: { email: { type: 'string', minLength: 1, maxLength: 320 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
} as const;

export const presenceRequestSchema = {
  type: 'object', additionalProperties: false, required: ['status'], properties: { status: agentStatusSchema },
} as const;

/** The status set: the same object as the request. */
export const presenceResponseSchema = presenceRequestSchema;

export const colleagueListResponseSchema = {
  type: 'object', additionalProperties: false, required: ['agents'], properties: { agents: { type: 'array', items: colleagueSchema } },
} as const;

export type LoginRequest = Infer<typeof loginRequestSchema>;
export type PresenceRequest = Infer<typeof presenceRequestSchema>;
export type ColleagueListResponse = Infer<typeof colleagueListResponseSchema>;

// ---------------------------------------------------------------------------------------------
// The queue and a conversation

export const conversationParamsSchema = {
  type: 'object', additionalProperties: false, required: ['conversationId'], properties: { conversationId: id },
} as const;

export const conversationListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    view: { ...conversationViewSchema, default: 'open' },
    q: { type: 'string', maxLength: 200, description: 'Words of the visitor\'s name, email or the messages.' },
    label: { ...id, description: 'Only conversations with this label.' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 100 },
  },
} as const;

export const conversationListResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['conversations', 'cursor', 'labels'],
  properties: {
    conversations: { type: 'array', items: conversationSchema },
    cursor: { type: 'string', description: 'The event head when the list was read: stream from here and nothing falls between.' },
    labels: {
      ...conversationLabelsSchema,
      description: 'The label ids of each listed conversation that has any (agents only: never on a Conversation, which visitors get too).',
    },
  },
} as const;

export const conversationDetailSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['conversation', 'visitor', 'visitorOnline', 'labelIds'],
  properties: {
    conversation: conversationSchema,
    visitor: visitorSchema,
    visitorOnline: { type: 'boolean' },
    labelIds: { type: 'array', items: id },
  },
} as const;

/** Agents may also send internal notes, and keep a reply from being emailed. */
export const agentSendMessageRequestSchema = {
  ...sendMessageRequestSchema,
  properties: {
    ...sendMessageRequestSchema.properties,
    internal: { type: 'boolean', description: 'An internal note: agents only, never the visitor.' },
    suppressEmail: { type: 'boolean', description: 'A reply only: never email it to the visitor, even if they do not read it in the chat (issue 12).' },
  },
} as const;

export const agentSentMessageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['message', 'email'],
  properties: {
    message: messageSchema,
    email: { ...messageEmailSchema, type: ['object', 'null'], description: 'Whether the reply will be emailed to the visitor; null when not a reply, or the server sends no email.' },
  },
} as const;

export const transferRequestSchema = {
  type: 'object', additionalProperties: false, required: ['agentId'], properties: { agentId: id },
} as const;

export const agentStreamQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { lastEventId: { type: 'string', maxLength: 32, description: 'Resume after this event id, where the Last-Event-ID header cannot be set.' } },
} as const;

export type ConversationListQuery = Infer<typeof conversationListQuerySchema>;
export type ConversationListResponse = Infer<typeof conversationListResponseSchema>;
export type ConversationDetail = Infer<typeof conversationDetailSchema>;
export type AgentSendMessageRequest = Infer<typeof agentSendMessageRequestSchema>;
export type AgentSentMessage = Infer<typeof agentSentMessageSchema>;
export type TransferRequest = Infer<typeof transferRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Files (issue 13): uploads and lists take the visitor's shapes (conversation-api.ts)

/** What a site stores: every file not yet deleted, sent or not. */
export const attachmentUsageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['files', 'bytes'],
  properties: { files: { type: 'integer', minimum: 0 }, bytes: { type: 'integer', minimum: 0 } },
} as const;

export const fileParamsSchema = {
  type: 'object', additionalProperties: false, required: ['attachmentId'], properties: { attachmentId: id },
} as const;

/** A signed link's query: no credentials but its own signature, until it expires. */
export const fileQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['expires', 'sig'],
  properties: {
    expires: { type: 'integer', minimum: 0, description: 'epoch ms' },
    sig: { type: 'string', maxLength: 64 },
    download: { type: 'string', enum: ['1'], description: 'Always as a download, even a picture.' },
  },
} as const;

export type AttachmentUsage = Infer<typeof attachmentUsageSchema>;

// ---------------------------------------------------------------------------------------------
// Held email (issue 12)

/**
 * An email reply that was not added to its conversation by itself: it came from an address the
 * conversation's email never went to, or it is an automatic reply. Never merged silently.
 */
export const heldEmailSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'siteId', 'conversationId', 'from', 'fromName', 'subject', 'text', 'reason', 'receivedAt'],
  properties: {
    id,
    siteId: id,
    conversationId: { ...id, description: 'The conversation it claims to answer (by its reply address or its References).' },
    from: { type: 'string', description: 'The From address, lower-cased.' },
    fromName: { type: ['string', 'null'] },
    subject: { type: 'string' },
    text: { type: 'string', description: 'The new text, quoted history and signature taken off: what accepting adds to the conversation.' },
    reason: { type: 'string', enum: ['unknown-sender', 'auto-reply'] },
    receivedAt: time,
  },
} as const;

export const heldEmailListResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['heldEmails'],
  properties: {
    heldEmails: {
      type: 'array',
      description: 'Newest first, each with the conversation it claims, as the queue shows it.',
      items: {
        ...heldEmailSchema,
        required: [...heldEmailSchema.required, 'conversation'],
        properties: { ...heldEmailSchema.properties, conversation: conversationSchema },
      },
    },
  },
} as const;

export const heldEmailParamsSchema = {
  type: 'object', additionalProperties: false, required: ['heldEmailId'], properties: { heldEmailId: id },
} as const;

/** Accepting: the visitor's message it became, and its conversation. */
export const acceptedHeldEmailSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['message', 'conversation'],
  properties: { message: messageSchema, conversation: conversationSchema },
} as const;

export type HeldEmail = Infer<typeof heldEmailSchema>;
export type HeldEmailListResponse = Infer<typeof heldEmailListResponseSchema>;
export type AcceptedHeldEmail = Infer<typeof acceptedHeldEmailSchema>;

// ---------------------------------------------------------------------------------------------
// Answers without a JSON body

/** 204: done, nothing to say. */
export const noContentSchema = { type: 'null', description: 'Done' } as const;

/** The stream is hijacked and written as SSE, never serialised: described, not typed. */
export const eventStreamResponse = {
  description: 'A text/event-stream of the events of your sites (docs/protocol.md); it stays open until the session ends.',
  content: { 'text/event-stream': { schema: { type: 'string' } } },
} as const;
