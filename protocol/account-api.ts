/**
 * An agent's own account's shapes (each shape once, issue 15): what an invitation or reset link
 * is for, redeeming it, the session it starts (MeResponse, as signing in answers), a new password,
 * a new name or avatar. JSON Schema literals, their types derived (json-schema.ts) and re-exported
 * by protocol.ts under the old names. Never imported by protocol.ts at runtime. Browser code
 * imports the types only.
 */
import { agentStatusSchema, siteSchema, time, userSchema } from './admin-api.ts';
import type { Infer } from './json-schema.ts';

const password = { type: 'string', minLength: 10, maxLength: 1024 } as const;
const token = { type: 'string', minLength: 16, maxLength: 128, description: 'The `token` of the link\'s fragment' } as const;
const name = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;

export const linkRequestSchema = {
  type: 'object', additionalProperties: false, required: ['token'], properties: { token },
} as const;

/** A link that still works: what it will do, so the page can say so before a password is typed. */
export const linkInfoSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'email', 'name', 'expiresAt'],
  properties: {
    kind: { type: 'string', enum: ['invite', 'reset'] },
    email: { type: 'string' },
    name: { type: 'string', description: 'The owner\'s spelling of the name (an invitation\'s) or the account\'s (a reset\'s).' },
    expiresAt: time,
  },
} as const;

export const redeemRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'password'],
  properties: { token, name: { ...name, description: 'An invitation\'s: the name to go by, when not the one the owner typed.' }, password },
} as const;

export const changePasswordRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['current', 'password'],
  properties: { current: { type: 'string', minLength: 1, maxLength: 1024 }, password },
} as const;

export const updateAccountRequestSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: { ...name, description: 'What visitors and colleagues see.' },
    avatarUrl: { type: ['string', 'null'], maxLength: 2000, pattern: '^https://', description: 'An https:// image, or null for the initial.' },
  },
} as const;

/**
 * A signed-in session (what signing in, redeeming a link and GET /me answer): who you are, the
 * CSRF token every change needs, your sites, your status, and the event head to stream from.
 */
export const meResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['user', 'csrfToken', 'sites', 'status', 'cursor'],
  properties: {
    user: userSchema,
    csrfToken: { type: 'string', description: 'Send it in the x-parley-csrf header with every request but GET.' },
    sites: { type: 'array', items: siteSchema, description: 'The sites you work on.' },
    status: agentStatusSchema,
    cursor: { type: 'string', description: 'The event head now, for opening the stream after loading the queue.' },
  },
} as const;

export type LinkRequest = Infer<typeof linkRequestSchema>;
export type LinkInfo = Infer<typeof linkInfoSchema>;
export type RedeemRequest = Infer<typeof redeemRequestSchema>;
export type ChangePasswordRequest = Infer<typeof changePasswordRequestSchema>;
export type UpdateAccountRequest = Infer<typeof updateAccountRequestSchema>;
export type MeResponse = Infer<typeof meResponseSchema>;
