/** JSON-schema fragments shared by the route modules, built from the protocol's limits. */
import { LIMITS } from '../../protocol/protocol.ts';

export const clientId = { type: 'string', minLength: 1, maxLength: LIMITS.clientIdMax, pattern: '^[A-Za-z0-9_-]+$' } as const;
export const messageBody = { type: 'string', minLength: 1, maxLength: LIMITS.messageBodyMax, pattern: '\\S' } as const;
export const seq = { type: 'integer', minimum: 0 } as const;
export const id = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const object = (properties: Record<string, object>, required: string[] = []) =>
  ({ type: 'object', additionalProperties: false, properties, required }) as const;

export const conversationParams = object({ siteId: id, conversationId: id }, ['siteId', 'conversationId']);
export const agentConversationParams = object({ conversationId: id }, ['conversationId']);

export const historyQuery = object({
  after: seq,
  before: { type: 'integer', minimum: 1 },
  limit: { type: 'integer', minimum: 1, maximum: LIMITS.historyPageMax, default: 50 },
});

export const eventsQuery = object({
  cursor: { type: 'string', maxLength: 32 },
  wait: { type: 'integer', minimum: 0, maximum: LIMITS.longPollMs / 1000, default: LIMITS.longPollMs / 1000 },
});

export const context = object({
  url: { type: 'string', maxLength: 2000 },
  title: { type: 'string', maxLength: 500 },
  referrer: { type: 'string', maxLength: 2000 },
  language: { type: 'string', maxLength: 35 },
  timeZone: { type: 'string', maxLength: 64 },
});

/**
 * A message to send: text, or files (issue 13) with an optional caption. The files are ids of the
 * sender's own unsent uploads in the conversation; a message with neither text nor files is refused.
 */
export const attachmentIds = { type: 'array', minItems: 1, maxItems: LIMITS.attachmentsPerMessageMax, uniqueItems: true, items: id } as const;
export const sendMessage = (extra: Record<string, object> = {}) => ({
  ...object({ clientId, body: { type: 'string', maxLength: LIMITS.messageBodyMax }, attachmentIds, ...extra }, ['clientId']),
  anyOf: [{ required: ['attachmentIds'] }, { required: ['body'], properties: { body: messageBody } }],
});
/** The text of a message as stored: a caption of only white space is no caption. */
export const textOf = (body: string | undefined): string => (body && /\S/.test(body) ? body : '');
