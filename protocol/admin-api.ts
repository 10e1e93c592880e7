/**
 * The owner API's shapes (issue 15, each shape once): sites and their widget configuration, the
 * people of the installation (users, invitations, one-time links), canned responses, and the
 * entities those answers carry (AgentRef, User, Site, WidgetConfig) — which the agent and visitor
 * APIs answer too, so they are defined here once. JSON Schema literals; the types derive from them
 * (json-schema.ts) and protocol.ts re-exports the types under their old names. Beside protocol.ts
 * and importing from it, never imported by it at runtime (type-only re-exports are erased).
 *
 * Browser code imports the types only; the schemas are for the server.
 */
import type { Infer } from './json-schema.ts';
import { ALLOWED_ORIGIN_PATTERN, ATTACHMENT_TYPES, LIMITS, type AgentStatus, type Role } from './protocol.ts';

export const id = { type: 'string', minLength: 1, maxLength: 64 } as const;
export const time = { type: 'integer', description: 'epoch milliseconds' } as const;
export const timeOrNull = { type: ['integer', 'null'], description: 'epoch milliseconds' } as const;

// ---------------------------------------------------------------------------------------------
// Entities

const roles = ['owner', 'agent'] as const satisfies readonly Role[];
const statuses = ['online', 'away'] as const satisfies readonly AgentStatus[];
export const roleSchema = { type: 'string', enum: roles } as const;
export const agentStatusSchema = { type: 'string', enum: statuses } as const;

const avatarUrl = { type: ['string', 'null'], maxLength: 2000, pattern: '^https://', description: 'An https:// image; null: the initial.' } as const;

export const agentRefSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'avatarUrl'],
  properties: { id, name: { type: 'string' }, avatarUrl },
} as const;

export const userSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'email', 'name', 'role', 'avatarUrl', 'disabled', 'siteIds', 'createdAt'],
  properties: {
    id,
    email: { type: 'string' },
    name: { type: 'string' },
    role: roleSchema,
    avatarUrl,
    disabled: { type: 'boolean' },
    siteIds: { type: 'array', items: id, description: 'Sites this user works on (owners work on all of them).' },
    createdAt: time,
  },
} as const;

const requirement = { type: 'string', enum: ['off', 'optional', 'required'] } as const;
const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' } as const;

export const businessHoursSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['timeZone', 'days'],
  properties: {
    timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA name' },
    days: {
      type: 'array', minItems: 7, maxItems: 7, description: 'Index 0 is Sunday; each day a list of [from, to] as "HH:MM", empty when closed.',
      items: { type: 'array', maxItems: 4, items: { type: 'array', minItems: 2, additionalItems: false, items: [hhmm, hhmm] } },
    },
  },
} as const;

/** Issue 13: the site's rules for files; types from the catalogue only (no SVG, no HTML, ever). */
export const attachmentSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['visitors', 'maxBytes', 'types'],
  properties: {
    visitors: { type: 'boolean', description: 'Whether visitors may attach files.' },
    maxBytes: { type: 'integer', minimum: 1024, maximum: LIMITS.attachmentBytesMax, description: 'The largest file accepted, in bytes.' },
    types: { type: 'array', uniqueItems: true, maxItems: ATTACHMENT_TYPES.length, items: { type: 'string', enum: ATTACHMENT_TYPES } },
  },
} as const;

export const ratingScaleSchema = { type: 'string', enum: ['five', 'thumbs'], description: '1 to 5 stars, or a thumb up or down.' } as const;

/** Issue 15: whether the widget asks for a rating when a conversation is resolved, and how. */
export const ratingSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled', 'scale', 'question'],
  properties: {
    enabled: { type: 'boolean' },
    scale: ratingScaleSchema,
    question: { type: 'string', maxLength: LIMITS.ratingQuestionMax, description: "'' asks the widget's own question, in the visitor's language." },
  },
} as const;

/** What the owner sets of a widget: all of WidgetConfig but siteId and the server's emailReplies. */
const widgetFields = {
  teamName: { type: 'string', minLength: 1, maxLength: 80 },
  avatarUrl,
  greeting: { type: 'string', maxLength: 500 },
  awayMessage: { type: 'string', maxLength: 500 },
  color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' },
  position: { type: 'string', enum: ['right', 'left'] },
  launcherLabel: { type: 'string', maxLength: 40 },
  theme: { type: 'string', enum: ['light', 'dark', 'auto'] },
  locale: { type: ['string', 'null'], maxLength: 35 },
  preChat: {
    type: 'object', additionalProperties: false, required: ['name', 'email'],
    properties: { name: requirement, email: requirement },
  },
  whenAway: { type: 'string', enum: ['email', 'hide'], description: 'Outside hours or with nobody online: ask for an email, or hide the widget.' },
  businessHours: { ...businessHoursSchema, type: ['object', 'null'] },
  requireVerifiedIdentity: { type: 'boolean' },
  whenUnverified: {
    type: 'string', enum: ['message', 'hide'],
    description: "With requireVerifiedIdentity, what an anonymous visitor gets until the page identifies them: 'message' (also when absent) a \"sign in to chat\" line instead of the composer; 'hide' no launcher at all.",
  },
  attachments: attachmentSettingsSchema,
  rating: ratingSettingsSchema,
} as const;

/** What a widget needs to render a site: public, safe to show anyone. */
export const widgetConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['siteId', 'teamName', 'avatarUrl', 'greeting', 'awayMessage', 'color', 'position', 'launcherLabel', 'theme', 'locale', 'preChat',
    'whenAway', 'businessHours', 'requireVerifiedIdentity', 'attachments', 'rating'],
  properties: {
    siteId: id,
    ...widgetFields,
    emailReplies: { type: 'boolean', description: 'Set by the server, not the owner: true when it can send email (absent otherwise).' },
  },
} as const;

const siteName = { type: 'string', minLength: 1, maxLength: 100 } as const;
const allowedOrigins = {
  type: 'array', maxItems: 100, items: { type: 'string', maxLength: 300, pattern: ALLOWED_ORIGIN_PATTERN },
  description: 'Exact origins ("https://shop.example.com") or wildcard subdomains ("https://*.example.com").',
} as const;
const retentionDays = {
  type: ['integer', 'null'], minimum: 1, maximum: 3650,
  description: 'Conversations with no activity for this many days are deleted; null keeps them forever.',
} as const;

export const siteSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'allowedOrigins', 'widget', 'retentionDays', 'createdAt'],
  properties: { id, name: siteName, allowedOrigins, widget: widgetConfigSchema, retentionDays, createdAt: time },
} as const;

/** A site as its owner sees it: with the snippet to paste. The secret is shown only when created or rotated. */
export const adminSiteSchema = {
  ...siteSchema,
  required: [...siteSchema.required, 'snippet'],
  properties: { ...siteSchema.properties, snippet: { type: 'string', description: 'The install snippet to paste into the site\'s pages.' } },
} as const;

export type AgentRef = Infer<typeof agentRefSchema>;
export type User = Infer<typeof userSchema>;
export type BusinessHours = Infer<typeof businessHoursSchema>;
export type AttachmentSettings = Infer<typeof attachmentSettingsSchema>;
export type RatingScale = Infer<typeof ratingScaleSchema>;
export type RatingSettings = Infer<typeof ratingSettingsSchema>;
export type WidgetConfig = Infer<typeof widgetConfigSchema>;
export type Site = Infer<typeof siteSchema>;
export type AdminSite = Infer<typeof adminSiteSchema>;

// ---------------------------------------------------------------------------------------------
// Sites

export const siteParamsSchema = {
  type: 'object', additionalProperties: false, required: ['siteId'], properties: { siteId: id },
} as const;

export const createSiteRequestSchema = {
  type: 'object', additionalProperties: false, required: ['name'],
  properties: { name: siteName, allowedOrigins },
} as const;

export const updateSiteRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: siteName,
    allowedOrigins,
    // The nested objects (preChat, businessHours, attachments, rating) are replaced whole.
    widget: { type: 'object', additionalProperties: false, properties: widgetFields },
    retentionDays,
  },
} as const;

export const siteListResponseSchema = {
  type: 'object', additionalProperties: false, required: ['sites'],
  properties: { sites: { type: 'array', items: adminSiteSchema } },
} as const;

export const siteResponseSchema = {
  type: 'object', additionalProperties: false, required: ['site'], properties: { site: adminSiteSchema },
} as const;

export const siteSecretResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['site', 'secret'],
  properties: {
    site: adminSiteSchema,
    secret: { type: 'string', description: 'The identity secret (HMAC key). Shown once: the server keeps it, but never shows it again.' },
  },
} as const;

export type CreateSiteRequest = Infer<typeof createSiteRequestSchema>;
export type UpdateSiteRequest = Infer<typeof updateSiteRequestSchema>;
export type SiteListResponse = Infer<typeof siteListResponseSchema>;
export type SiteResponse = Infer<typeof siteResponseSchema>;
export type SiteSecretResponse = Infer<typeof siteSecretResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Canned responses

export const cannedResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'siteId', 'shortcut', 'body'],
  properties: {
    id,
    siteId: id,
    shortcut: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[a-z0-9_-]+$', description: 'Typed after `/` in the composer.' },
    body: { type: 'string', minLength: 1, maxLength: LIMITS.messageBodyMax, pattern: '\\S' },
  },
} as const;

export const createCannedRequestSchema = {
  type: 'object', additionalProperties: false, required: ['shortcut', 'body'],
  properties: { shortcut: cannedResponseSchema.properties.shortcut, body: cannedResponseSchema.properties.body },
} as const;

export const cannedItemParamsSchema = {
  type: 'object', additionalProperties: false, required: ['siteId', 'cannedId'], properties: { siteId: id, cannedId: id },
} as const;

export const cannedListResponseSchema = {
  type: 'object', additionalProperties: false, required: ['canned'],
  properties: { canned: { type: 'array', items: cannedResponseSchema } },
} as const;

export const cannedAnswerSchema = {
  type: 'object', additionalProperties: false, required: ['canned'], properties: { canned: cannedResponseSchema },
} as const;

export type CannedResponse = Infer<typeof cannedResponseSchema>;
export type CreateCannedRequest = Infer<typeof createCannedRequestSchema>;
export type CannedListResponse = Infer<typeof cannedListResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Users, invitations, one-time links

const siteIds = { type: 'array', maxItems: 100, items: id } as const;
const personName = { type: 'string', minLength: 1, maxLength: 100 } as const;

export const userParamsSchema = {
  type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: id },
} as const;

export const visitorParamsSchema = {
  type: 'object', additionalProperties: false, required: ['visitorId'], properties: { visitorId: id },
} as const;

export const inviteRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'name', 'role', 'siteIds'],
  properties: { email: { type: 'string', format: 'email', maxLength: 320 }, name: personName, role: roleSchema, siteIds },
} as const;

export const updateUserRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { name: personName, role: roleSchema, disabled: { type: 'boolean' }, siteIds },
} as const;

/** A one-time link for the owner to hand over; no mail server needed. */
export const linkResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'expiresAt'],
  properties: {
    url: { type: 'string', description: 'The invitation or password-reset link; it works once.' },
    expiresAt: time,
  },
} as const;

/** A user with the status they chose (GET ADMIN_PATHS.users). */
export const teamMemberSchema = {
  ...userSchema,
  required: [...userSchema.required, 'status'],
  properties: { ...userSchema.properties, status: agentStatusSchema },
} as const;

export const userListResponseSchema = {
  type: 'object', additionalProperties: false, required: ['users'],
  properties: { users: { type: 'array', items: teamMemberSchema } },
} as const;

export const userResponseSchema = {
  type: 'object', additionalProperties: false, required: ['user'], properties: { user: userSchema },
} as const;

export type InviteRequest = Infer<typeof inviteRequestSchema>;
export type UpdateUserRequest = Infer<typeof updateUserRequestSchema>;
export type LinkResponse = Infer<typeof linkResponseSchema>;
export type TeamMember = Infer<typeof teamMemberSchema>;
export type UserListResponse = Infer<typeof userListResponseSchema>;
export type UserResponse = Infer<typeof userResponseSchema>;
