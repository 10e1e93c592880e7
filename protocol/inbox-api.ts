/**
 * The team inbox's and assignment's shapes (issue 14; each shape once, issue 15): labels, saved
 * views, a visitor's profile across visits and merging two visitors, a site's assignment rule and
 * its teams. JSON Schema literals whose types derive from them (json-schema.ts); protocol.ts
 * re-exports the types under their old names. Beside protocol.ts and importing its constants,
 * never imported by it at runtime.
 *
 * Browser code imports the types only; the schemas are for the server.
 */
import { id, time } from './admin-api.ts';
import { conversationLabelsSchema, conversationViewSchema, visitorSchema } from './agent-api.ts';
import { conversationSchema } from './conversation-api.ts';
import type { Infer } from './json-schema.ts';
import { LIMITS } from './protocol.ts';

// ---------------------------------------------------------------------------------------------
// Labels

const labelName = { type: 'string', minLength: 1, maxLength: LIMITS.labelNameMax, pattern: '\\S', description: 'Unique per site whatever its case.' } as const;
const color = { type: 'string', pattern: '^#[0-9a-fA-F]{6}$', description: '"#rrggbb"' } as const;

export const labelSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'siteId', 'name', 'color'],
  properties: { id, siteId: id, name: labelName, color },
} as const;

export const labelRequestSchema = {
  type: 'object', additionalProperties: false, required: ['name', 'color'], properties: { name: labelName, color },
} as const;

/** PATCH: either or both. */
export const labelPatchSchema = {
  type: 'object', additionalProperties: false, minProperties: 1, properties: { name: labelName, color },
} as const;

export const siteLabelParamsSchema = {
  type: 'object', additionalProperties: false, required: ['siteId', 'labelId'], properties: { siteId: id, labelId: id },
} as const;

export const conversationLabelParamsSchema = {
  type: 'object', additionalProperties: false, required: ['conversationId', 'labelId'], properties: { conversationId: id, labelId: id },
} as const;

export const labelListResponseSchema = {
  type: 'object', additionalProperties: false, required: ['labels'], properties: { labels: { type: 'array', items: labelSchema } },
} as const;

export const labelAnswerSchema = {
  type: 'object', additionalProperties: false, required: ['label'], properties: { label: labelSchema },
} as const;

/** A conversation's labels after a PUT or DELETE: every label id it has now. */
export const conversationLabelIdsSchema = {
  type: 'object', additionalProperties: false, required: ['labelIds'], properties: { labelIds: { type: 'array', items: id } },
} as const;

export type Label = Infer<typeof labelSchema>;
export type LabelRequest = Infer<typeof labelRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Saved views

/** What the queue shows: a view, optionally one label, optionally a search. */
export const queueFilterSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['view', 'labelId', 'q'],
  properties: {
    view: conversationViewSchema,
    labelId: { anyOf: [id, { type: 'null' }] },
    q: { type: 'string', maxLength: 200 },
  },
} as const;

/** A filter an agent saved under a name; each agent has their own. */
export const savedViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'filter', 'createdAt'],
  properties: { id, name: { type: 'string' }, filter: queueFilterSchema, createdAt: time },
} as const;

export const saveViewRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'filter'],
  properties: { name: { type: 'string', minLength: 1, maxLength: LIMITS.viewNameMax, pattern: '\\S' }, filter: queueFilterSchema },
} as const;

export const viewParamsSchema = {
  type: 'object', additionalProperties: false, required: ['viewId'], properties: { viewId: id },
} as const;

export const viewListResponseSchema = {
  type: 'object', additionalProperties: false, required: ['views'], properties: { views: { type: 'array', items: savedViewSchema } },
} as const;

export const viewAnswerSchema = {
  type: 'object', additionalProperties: false, required: ['view'], properties: { view: savedViewSchema },
} as const;

export type QueueFilter = Infer<typeof queueFilterSchema>;
export type SavedView = Infer<typeof savedViewSchema>;
export type SaveViewRequest = Infer<typeof saveViewRequestSchema>;

// ---------------------------------------------------------------------------------------------
// A visitor across visits, and merging two

/** A page the visitor opened (without its query string or fragment), counted per page load. */
export const visitorPageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'title', 'firstSeenAt', 'lastSeenAt', 'views'],
  properties: { url: { type: 'string' }, title: { type: ['string', 'null'] }, firstSeenAt: time, lastSeenAt: time, views: { type: 'integer' } },
} as const;

/** Who they are across visits, and every conversation of theirs, newest first. */
export const visitorProfileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['visitor', 'visitorOnline', 'pages', 'conversations', 'labels'],
  properties: {
    visitor: visitorSchema,
    visitorOnline: { type: 'boolean' },
    pages: { type: 'array', items: visitorPageSchema, description: `The most recent first, at most ${LIMITS.visitorPagesKept}.` },
    conversations: { type: 'array', items: conversationSchema },
    labels: conversationLabelsSchema,
  },
} as const;

/**
 * Merging: visitor `from` turns out to be the visitor of the path. Their conversations, pages and
 * browser tokens become this visitor's; their details fill this visitor's gaps; `from` is gone.
 */
export const mergeVisitorsRequestSchema = {
  type: 'object', additionalProperties: false, required: ['from'], properties: { from: id },
} as const;

export const mergeVisitorsResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['visitor', 'moved'],
  properties: { visitor: visitorSchema, moved: { type: 'array', items: id, description: 'The conversations that moved.' } },
} as const;

export type VisitorPage = Infer<typeof visitorPageSchema>;
export type VisitorProfile = Infer<typeof visitorProfileSchema>;
export type MergeVisitorsRequest = Infer<typeof mergeVisitorsRequestSchema>;
export type MergeVisitorsResponse = Infer<typeof mergeVisitorsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Assignment: a site's rule, alert threshold and capacities; teams

/**
 * manual: agents claim (the default). round-robin: the next online agent with room, in turn.
 * least-load: the online agent with room who has the fewest open conversations of the site.
 */
export const assignmentRuleSchema = { type: 'string', enum: ['manual', 'round-robin', 'least-load'] } as const;

export const assignmentSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rule', 'unansweredAfterSeconds', 'capacities'],
  properties: {
    rule: assignmentRuleSchema,
    unansweredAfterSeconds: {
      type: ['integer', 'null'],
      description: 'A conversation waiting this long is highlighted and notified again, once per period; null: never.',
    },
    capacities: {
      type: 'object',
      additionalProperties: { type: 'integer' },
      description: 'Agent id → the most open conversations of this site the rule gives them; agents left out have no limit. Claims and transfers by hand are not limited.',
    },
  },
} as const;

/** PATCH: what changes; a capacity of null takes that agent's limit away. */
export const updateAssignmentRequestSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    rule: assignmentRuleSchema,
    // At least 30 s: a shorter threshold would alert on conversations nobody could have seen yet.
    unansweredAfterSeconds: { type: ['integer', 'null'], minimum: 30, maximum: 24 * 3600 },
    capacities: {
      type: 'object',
      maxProperties: 500,
      propertyNames: { maxLength: 64 },
      additionalProperties: { type: ['integer', 'null'], minimum: 0, maximum: LIMITS.capacityMax },
    },
  },
} as const;

export const assignmentAnswerSchema = {
  type: 'object', additionalProperties: false, required: ['assignment'], properties: { assignment: assignmentSettingsSchema },
} as const;

const teamName = { type: 'string', minLength: 1, maxLength: LIMITS.teamNameMax, pattern: '\\S', description: 'Unique per site whatever its case.' } as const;
const memberIds = { type: 'array', maxItems: 500, items: id } as const;

/** A group of a site's agents that conversations can be passed to. */
export const teamSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'siteId', 'name', 'memberIds', 'createdAt'],
  properties: { id, siteId: id, name: teamName, memberIds, createdAt: time },
} as const;

export const teamRequestSchema = {
  type: 'object', additionalProperties: false, required: ['name', 'memberIds'], properties: { name: teamName, memberIds },
} as const;

/** PATCH: either or both. */
export const teamPatchSchema = {
  type: 'object', additionalProperties: false, minProperties: 1, properties: { name: teamName, memberIds },
} as const;

export const siteTeamParamsSchema = {
  type: 'object', additionalProperties: false, required: ['siteId', 'teamId'], properties: { siteId: id, teamId: id },
} as const;

/** POST ASSIGNMENT_PATHS.transferToTeam: the conversation waits for that team. */
export const teamTransferRequestSchema = {
  type: 'object', additionalProperties: false, required: ['teamId'], properties: { teamId: id },
} as const;

export const teamListResponseSchema = {
  type: 'object', additionalProperties: false, required: ['teams'], properties: { teams: { type: 'array', items: teamSchema } },
} as const;

export const teamAnswerSchema = {
  type: 'object', additionalProperties: false, required: ['team'], properties: { team: teamSchema },
} as const;

export type AssignmentRule = Infer<typeof assignmentRuleSchema>;
export type AssignmentSettings = Infer<typeof assignmentSettingsSchema>;
export type UpdateAssignmentRequest = Infer<typeof updateAssignmentRequestSchema>;
export type Team = Infer<typeof teamSchema>;
export type TeamRequest = Infer<typeof teamRequestSchema>;
export type TeamTransferRequest = Infer<typeof teamTransferRequestSchema>;
