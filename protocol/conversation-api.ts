/**
 * A conversation's shapes, as both the visitor and the agent APIs take and answer them (issue 15,
 * each shape once): the conversation, its messages and their files, a page of history, a message
 * to send, an upload, the long-poll's batch. JSON Schema literals whose types derive from them
 * (json-schema.ts); protocol.ts re-exports the types under their old names, so the widget, the
 * dashboard and the client keep their imports. Beside protocol.ts and importing its constants,
 * never imported by it at runtime (type-only re-exports are erased).
 *
 * Browser code imports the types only; the schemas are for the server.
 */
import { agentRefSchema, id, time, timeOrNull } from './admin-api.ts';
import type { Infer } from './json-schema.ts';
import { ATTACHMENT_TYPES, LIMITS } from './protocol.ts';

// ---------------------------------------------------------------------------------------------
// Request pieces

/** The id a sender generates for what it creates: retries with the same id store nothing new. */
export const clientIdSchema = { type: 'string', minLength: 1, maxLength: LIMITS.clientIdMax, pattern: '^[A-Za-z0-9_-]+$' } as const;
export const seqSchema = { type: 'integer', minimum: 0 } as const;
/** A message's text: not only white space. */
export const messageBodySchema = { type: 'string', minLength: 1, maxLength: LIMITS.messageBodyMax, pattern: '\\S' } as const;
export const attachmentIdsSchema = { type: 'array', minItems: 1, maxItems: LIMITS.attachmentsPerMessageMax, uniqueItems: true, items: id } as const;

// ---------------------------------------------------------------------------------------------
// Entities

export const conversationStatusSchema = { type: 'string', enum: ['waiting', 'assigned', 'resolved'] } as const;
export const authorSchema = { type: 'string', enum: ['visitor', 'agent', 'system'] } as const;
/** What a system message records, so each client can word it in its own language. */
export const systemKindSchema = { type: 'string', enum: ['joined', 'left', 'transferred', 'resolved', 'reopened'] } as const;

const agentOrNull = { ...agentRefSchema, type: ['object', 'null'] } as const;

export const teamRefSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name'],
  properties: { id, name: { type: 'string' } },
} as const;

/** A file as messages carry it. */
export const attachmentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'type', 'size'],
  properties: {
    id: { ...id, description: 'Unguessable.' },
    name: { type: 'string', description: 'Sanitised (no path, no control or bidi characters); show it as text.' },
    type: { type: 'string', enum: ATTACHMENT_TYPES, description: 'Decided by the content (magic bytes), never by the name or the declared type.' },
    size: { type: 'integer', description: 'Bytes, as stored (image metadata stripped).' },
  },
} as const;

/** A file with who sent it where, and a short-lived signed link to it (issue 13). */
export const attachmentLinkSchema = {
  ...attachmentSchema,
  required: [...attachmentSchema.required, 'conversationId', 'messageId', 'author', 'internal', 'createdAt', 'url', 'expiresAt'],
  properties: {
    ...attachmentSchema.properties,
    conversationId: id,
    messageId: { type: ['string', 'null'], description: 'Null until a message carries it; unsent uploads are deleted after a day.' },
    author: { type: 'string', enum: ['visitor', 'agent'] },
    internal: { type: 'boolean', description: 'Sent with an internal note: agents only.' },
    createdAt: time,
    url: { type: 'string', description: 'GET it without credentials until expiresAt: inline for raster images, a download otherwise; add `&download=1` to always download.' },
    expiresAt: time,
  },
} as const;

export const messageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'conversationId', 'seq', 'clientId', 'author', 'agent', 'body', 'internal', 'system', 'createdAt'],
  properties: {
    id,
    conversationId: id,
    seq: { type: 'integer', description: 'Position in its conversation, 1, 2, 3… with no gaps for agents; visitors see gaps where internal notes are.' },
    clientId: { type: ['string', 'null'], description: 'The id the sender generated; retries with the same id store nothing new. Null for system messages.' },
    author: authorSchema,
    agent: { ...agentOrNull, description: 'The agent who wrote it (author agent) or who caused it (author system).' },
    body: { type: 'string' },
    internal: { type: 'boolean', description: 'Internal notes are visible to agents only and never reach the visitor.' },
    system: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['kind', 'agentName'],
      properties: { kind: systemKindSchema, agentName: { type: ['string', 'null'] } },
    },
    createdAt: time,
    attachments: {
      type: 'array',
      items: attachmentSchema,
      description: 'Files sent with the message (issue 13); absent when there are none. The body is then an optional caption.',
    },
  },
} as const;

export const conversationSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id', 'siteId', 'visitorId', 'status', 'assignee', 'visitor', 'createdAt', 'firstResponseAt', 'resolvedAt', 'lastMessageAt',
    'lastSeq', 'preview', 'visitorReadSeq', 'agentReadSeq', 'team', 'waitingSince', 'unansweredAlerts',
  ],
  properties: {
    id,
    siteId: id,
    visitorId: id,
    status: conversationStatusSchema,
    assignee: agentOrNull,
    visitor: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'email'],
      properties: { name: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } },
      description: 'What the visitor told us, for queues; the full record is in ConversationDetail.',
    },
    createdAt: time,
    firstResponseAt: timeOrNull,
    resolvedAt: timeOrNull,
    lastMessageAt: timeOrNull,
    lastSeq: { type: 'integer', description: 'Seq of the newest message (0 when empty).' },
    preview: { type: ['string', 'null'], description: 'Preview of the newest visible message, for queues.' },
    visitorReadSeq: { type: 'integer', description: 'Newest seq the visitor has read.' },
    agentReadSeq: { type: 'integer', description: 'Newest seq the agents have read.' },
    team: {
      ...teamRefSchema,
      type: ['object', 'null'],
      description: 'The team it was passed to (issue 14): its members\' queue shows it while it waits. This and the two below are the team\'s bookkeeping, for agents: what visitors receive always says null, null, 0.',
    },
    waitingSince: { ...timeOrNull, description: 'While waiting: since when (created, reopened with nobody on it, or passed to a team), epoch ms. Null otherwise.' },
    unansweredAlerts: { type: 'integer', description: 'Unanswered alerts of its current wait: one per AssignmentSettings.unansweredAfterSeconds waited.' },
  },
} as const;

// ---------------------------------------------------------------------------------------------
// History and sending

export const historyQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { ...seqSchema, description: 'Messages after this seq, oldest first (catching up).' },
    before: { type: 'integer', minimum: 1, description: 'Messages before this seq (scrolling back); without either, the newest.' },
    limit: { type: 'integer', minimum: 1, maximum: LIMITS.historyPageMax, default: 50 },
  },
} as const;

export const messagePageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['messages', 'hasMore'],
  properties: {
    messages: { type: 'array', items: messageSchema },
    hasMore: { type: 'boolean', description: 'With `after`: more messages exist after the last one returned. Otherwise: older ones exist before the first.' },
  },
} as const;

/**
 * A message to send: text, or files (issue 13) with an optional caption. The files are ids of the
 * sender's own unsent uploads in the conversation; a message with neither text nor files is
 * refused. The rule sits in allOf so the type is read from the properties (Infer reads a top-level
 * anyOf as the whole type); Ajv validates the same either way.
 */
export const sendMessageRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId'],
  properties: {
    clientId: clientIdSchema,
    body: { type: 'string', maxLength: LIMITS.messageBodyMax, description: 'Required without attachments; with them, an optional caption (\'\' or absent).' },
    attachmentIds: { ...attachmentIdsSchema, description: 'Ids of files uploaded to this conversation by the same sender and not yet sent (issue 13).' },
  },
  allOf: [{ anyOf: [{ required: ['attachmentIds'] }, { required: ['body'], properties: { body: messageBodySchema } }] }],
} as const;

export const messageAnswerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: { message: messageSchema },
} as const;

export const conversationAnswerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['conversation'],
  properties: { conversation: conversationSchema },
} as const;

// ---------------------------------------------------------------------------------------------
// Files (issue 13)

/** The query every upload takes (its body is the file's bytes): the sender's id for the file (retries store one file) and its name. */
export const uploadQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'name'],
  properties: {
    clientId: clientIdSchema,
    name: { type: 'string', minLength: 1, maxLength: 4 * LIMITS.attachmentNameMax, description: 'The file\'s name; stored sanitised.' },
  },
} as const;

/** The answer to an upload: 201 when stored, 200 when this clientId's file was stored before. */
export const uploadResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['attachment'],
  properties: { attachment: attachmentSchema },
} as const;

export const attachmentListResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['attachments'],
  properties: { attachments: { type: 'array', items: attachmentLinkSchema, description: 'Newest first, each with a signed link.' } },
} as const;

// ---------------------------------------------------------------------------------------------
// Events over long-poll (the stream carries the same events as text/event-stream)

export const eventsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cursor: { type: 'string', maxLength: 32, description: 'The batch\'s cursor from the last answer (or an event id); absent: from now.' },
    wait: { type: 'integer', minimum: 0, maximum: LIMITS.longPollMs / 1000, default: LIMITS.longPollMs / 1000, description: 'Seconds to hold the request open when nothing is new.' },
  },
} as const;

/**
 * The long-poll's answer, described rather than typed: its events are the discriminated union of
 * EventPayloads, which Infer cannot spell, so EventBatch stays an interface in protocol.ts. Each
 * event's data has no schema, so it is serialised as JSON.stringify would, whatever its type.
 */
export const eventBatchSchema = {
  type: 'object',
  required: ['events', 'cursor'],
  properties: {
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'data'],
        properties: {
          id: { type: 'string', description: 'Set on events that change state (`<epoch>:<seq>`); ephemeral and control events have none.' },
          type: { type: 'string', description: 'The event type: one of the stream\'s events (docs/protocol.md).' },
          data: { description: 'The event\'s payload, by type (EventPayloads in protocol.ts).' },
        },
      },
    },
    cursor: { type: 'string', description: 'Pass back as `cursor` (long-poll) or Last-Event-ID (stream) to continue.' },
  },
} as const;

export type ConversationStatus = Infer<typeof conversationStatusSchema>;
export type Author = Infer<typeof authorSchema>;
export type SystemKind = Infer<typeof systemKindSchema>;
export type TeamRef = Infer<typeof teamRefSchema>;
export type Attachment = Infer<typeof attachmentSchema>;
export type AttachmentLink = Infer<typeof attachmentLinkSchema>;
export type Message = Infer<typeof messageSchema>;
export type Conversation = Infer<typeof conversationSchema>;
export type HistoryQuery = Infer<typeof historyQuerySchema>;
export type MessagePage = Infer<typeof messagePageSchema>;
export type SendMessageRequest = Infer<typeof sendMessageRequestSchema>;
export type MessageResponse = Infer<typeof messageAnswerSchema>;
export type ConversationResponse = Infer<typeof conversationAnswerSchema>;
export type UploadQuery = Infer<typeof uploadQuerySchema>;
export type UploadResponse = Infer<typeof uploadResponseSchema>;
export type AttachmentListResponse = Infer<typeof attachmentListResponseSchema>;
export type EventsQuery = Infer<typeof eventsQuerySchema>;
