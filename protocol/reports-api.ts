/**
 * Reports' shapes (issue 15, each shape once): the period asked for and the figures answered.
 * JSON Schema literals, their types derived (json-schema.ts) and re-exported by protocol.ts under
 * the old names. Never imported by protocol.ts at runtime. Browser code imports the types only.
 */
import type { Infer } from './json-schema.ts';
import { agentRefSchema, id } from './admin-api.ts';

const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' } as const;

export const reportQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'timeZone'],
  properties: {
    from: { ...date, description: 'The first day, inclusive, as YYYY-MM-DD in timeZone; at most LIMITS.reportDaysMax days to `to`.' },
    to: { ...date, description: 'The last day, inclusive.' },
    timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA name: where days start and end.' },
    siteId: { ...id, description: 'One site; every site when absent.' },
  },
} as const;

const ms = { type: ['integer', 'null'] } as const;
/** A median and 90th percentile (nearest rank, so each is a time that happened); null without data. */
export const percentilesSchema = {
  type: 'object', additionalProperties: false, required: ['median', 'p90'], properties: { median: ms, p90: ms },
} as const;

const count = { type: 'integer', minimum: 0 } as const;
const figures = {
  conversations: count,
  answered: { ...count, description: 'An agent replied to the visitor.' },
  missed: { ...count, description: 'Nobody answered: no agent reply at all (yet).' },
  resolved: count,
  firstResponseMs: { ...percentilesSchema, description: 'From the start to the first agent reply, of those answered.' },
  resolutionMs: { ...percentilesSchema, description: 'From the start to resolving, of those resolved.' },
  ratings: {
    type: 'object',
    additionalProperties: false,
    required: ['count', 'satisfied', 'scores'],
    description: '`satisfied`: scored 4 or 5 (a thumb up). CSAT is satisfied / count. `scores[i]`: how many scored i + 1.',
    properties: {
      count,
      satisfied: count,
      scores: { type: 'array', minItems: 5, additionalItems: false, items: [count, count, count, count, count] },
    },
  },
} as const;
const figureNames = ['conversations', 'answered', 'missed', 'resolved', 'firstResponseMs', 'resolutionMs', 'ratings'] as const;

/**
 * What a report says about a set of conversations (those started in the period, by day, agent or
 * site) and of ratings (those given in the period).
 */
export const reportFiguresSchema = { type: 'object', additionalProperties: false, required: figureNames, properties: figures } as const;

export const reportResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'timeZone', 'siteId', 'total', 'days', 'agents', 'sites'],
  properties: {
    from: date,
    to: date,
    timeZone: { type: 'string' },
    siteId: { type: ['string', 'null'] },
    total: reportFiguresSchema,
    days: {
      type: 'array', description: 'Every day of the period, in order.',
      items: { type: 'object', additionalProperties: false, required: [...figureNames, 'date'], properties: { ...figures, date } },
    },
    agents: {
      type: 'array', description: 'By who has the conversation (who had it when rated); agent null: nobody had it. Busiest first.',
      items: {
        type: 'object', additionalProperties: false, required: [...figureNames, 'agent'],
        properties: { ...figures, agent: { ...agentRefSchema, type: ['object', 'null'] } },
      },
    },
    sites: {
      type: 'array', description: 'Busiest first.',
      items: {
        type: 'object', additionalProperties: false, required: [...figureNames, 'site'],
        properties: {
          ...figures,
          site: { type: 'object', additionalProperties: false, required: ['id', 'name'], properties: { id, name: { type: 'string' } } },
        },
      },
    },
  },
} as const;

export type ReportQuery = Infer<typeof reportQuerySchema>;
export type Percentiles = Infer<typeof percentilesSchema>;
export type ReportFigures = Infer<typeof reportFiguresSchema>;
export type ReportResponse = Infer<typeof reportResponseSchema>;
