/**
 * Satisfaction ratings' shapes (issue 15, each shape once): a visitor's rating of a conversation
 * as agents and visitors read it, and the agents' answers. JSON Schema literals, their types
 * derived (json-schema.ts) and re-exported by protocol.ts under the old names. Never imported by
 * protocol.ts at runtime. Browser code imports the types only.
 */
import type { Infer } from './json-schema.ts';
import { agentRefSchema, id, ratingScaleSchema, time } from './admin-api.ts';

/** A visitor's rating of one conversation: one per conversation, the latest replacing the one before. */
export const ratingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['conversationId', 'siteId', 'score', 'scale', 'comment', 'agent', 'createdAt'],
  properties: {
    conversationId: id,
    siteId: id,
    score: { type: 'integer', minimum: 1, maximum: 5, description: 'A thumb up is 5 and a thumb down 1, so that 4 and 5 are "satisfied" on either scale.' },
    scale: { ...ratingScaleSchema, description: 'The scale the visitor was shown.' },
    comment: { type: ['string', 'null'] },
    agent: { ...agentRefSchema, type: ['object', 'null'], description: 'Who had the conversation when it was rated; null when nobody had it.' },
    createdAt: time,
  },
} as const;

export const ratingResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rating'],
  properties: { rating: { ...ratingSchema, type: ['object', 'null'], description: 'null before the visitor rates it' } },
} as const;

export const visitorRatingsResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ratings'],
  properties: { ratings: { type: 'array', items: ratingSchema, description: 'Newest first' } },
} as const;

export type Rating = Infer<typeof ratingSchema>;
export type RatingResponse = Infer<typeof ratingResponseSchema>;
export type VisitorRatingsResponse = Infer<typeof visitorRatingsResponseSchema>;
