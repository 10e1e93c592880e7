/**
 * The data export's shapes (each shape once, issue 15): everything of a site's conversations, as
 * the owner downloads it (GET ADMIN_PATHS.export). Apart from admin-api.ts because it gathers the
 * entities of the other files (a conversation, its visitor, its messages, its rating), which
 * import admin-api.ts themselves. JSON Schema literals, their types derived (json-schema.ts).
 */
import { id, ratingScaleSchema, time } from './admin-api.ts';
import { visitorSchema } from './agent-api.ts';
import { conversationSchema, messageSchema } from './conversation-api.ts';
import type { Infer } from './json-schema.ts';

export const exportQuerySchema = {
  type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'csv'], default: 'json' } },
} as const;

/** A rating as the export carries it: what the visitor gave and when, without the ids the export has already. */
export const exportedRatingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['score', 'scale', 'comment', 'ratedAt'],
  properties: {
    score: { type: 'integer', minimum: 1, maximum: 5, description: 'A thumb up is 5 and a thumb down 1.' },
    scale: ratingScaleSchema,
    comment: { type: ['string', 'null'] },
    ratedAt: time,
  },
} as const;

export const conversationExportSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['conversation', 'visitor', 'messages', 'rating'],
  properties: {
    conversation: conversationSchema,
    visitor: visitorSchema,
    messages: { type: 'array', items: messageSchema, description: 'Every message, internal notes and system messages too, oldest first.' },
    rating: { ...exportedRatingSchema, type: ['object', 'null'], description: 'The visitor\'s satisfaction rating; null when not rated.' },
  },
} as const;

export const siteExportSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['site', 'exportedAt', 'conversations'],
  properties: {
    site: { type: 'object', additionalProperties: false, required: ['id', 'name'], properties: { id, name: { type: 'string' } } },
    exportedAt: time,
    conversations: { type: 'array', items: conversationExportSchema },
  },
} as const;

export type ExportQuery = Infer<typeof exportQuerySchema>;
export type ExportedRating = Infer<typeof exportedRatingSchema>;
export type ConversationExport = Infer<typeof conversationExportSchema>;
export type SiteExport = Infer<typeof siteExportSchema>;
