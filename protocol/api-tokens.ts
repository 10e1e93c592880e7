/**
 * API tokens (issue 15): what an owner creates so that a server can call the agent and owner APIs
 * with `Authorization: Bearer parley_pat_…` instead of a cookie and the CSRF header. The shapes
 * are JSON Schema literals, and their types derive from them (json-schema.ts): the route validates
 * and serialises with these very objects and the OpenAPI description is generated from them, so
 * there is one definition of each. Beside protocol.ts (paths, errors and limits live there) and
 * importing from it, never imported by it, so its constants are ready when these are built.
 *
 * Browser code imports API_TOKEN_PATHS and the types; the schemas are for the server.
 */
import type { Infer } from './json-schema.ts';
import { API, LIMITS } from './protocol.ts';

export const API_TOKEN_PATHS = {
  /** GET: every token (revoked ones too), newest first. POST CreateApiTokenRequest: a new one, its secret shown once. */
  tokens: `${API}/admin/api-tokens`,
  /** DELETE: revoke it, on every server process at once; answers the token with revokedAt. */
  token: `${API}/admin/api-tokens/:tokenId`,
} as const;

/** The description of the whole HTTP API, generated from the routes' schemas (OpenAPI 3.1). */
export const OPENAPI_PATH = `${API}/openapi.json`;

/**
 * Every token starts with this, so secret scanners (and people) recognise a leaked one. After it:
 * 43 characters of base64url (32 random bytes).
 */
export const API_TOKEN_PREFIX = 'parley_pat_';
export const API_TOKEN_PATTERN = `^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`;

const id = { type: 'string', minLength: 1, maxLength: 64 } as const;
const time = { type: 'integer', description: 'epoch milliseconds' } as const;

export const apiTokenScopeSchema = {
  type: 'string',
  enum: ['read-only', 'read-write'],
  description: 'read-only: GET requests only. read-write: every request the token\'s owner could make, but managing tokens and passwords.',
} as const;

const siteIds = {
  type: ['array', 'null'],
  items: id,
  description: 'The sites the token reaches; null: every site, including sites created later.',
} as const;

export const apiTokenSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'scope', 'siteIds', 'hint', 'createdBy', 'createdAt', 'lastUsedAt', 'revokedAt'],
  properties: {
    id,
    name: { type: 'string', description: 'What the owner called it (say, the system that uses it).' },
    scope: apiTokenScopeSchema,
    siteIds,
    hint: { type: 'string', description: 'The last four characters of the token, to tell tokens apart; the token itself is never shown again.' },
    createdBy: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name'],
      properties: { id, name: { type: 'string' } },
      description: 'The owner who created it: the token acts as them, limited to its sites and scope, and stops working while they are disabled or no longer an owner.',
    },
    createdAt: time,
    lastUsedAt: { type: ['integer', 'null'], description: 'epoch ms of the last request it was accepted for, to the minute; null: never used' },
    revokedAt: { type: ['integer', 'null'], description: 'epoch ms; null while it works' },
  },
} as const;

export const createApiTokenRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'scope', 'siteIds'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: LIMITS.apiTokenNameMax, pattern: '\\S' },
    scope: apiTokenScopeSchema,
    siteIds: { ...siteIds, minItems: 1, maxItems: 100, uniqueItems: true },
  },
} as const;

export const createApiTokenResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'secret'],
  properties: {
    token: apiTokenSchema,
    secret: { type: 'string', pattern: API_TOKEN_PATTERN, description: 'The token to send as `Authorization: Bearer <secret>`. Shown only in this answer: the server keeps its SHA-256 alone.' },
  },
} as const;

export const apiTokenListSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tokens'],
  properties: { tokens: { type: 'array', items: apiTokenSchema } },
} as const;

export const apiTokenAnswerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: apiTokenSchema },
} as const;

export const apiTokenParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tokenId'],
  properties: { tokenId: id },
} as const;

export type ApiTokenScope = Infer<typeof apiTokenScopeSchema>;
export type ApiToken = Infer<typeof apiTokenSchema>;
export type CreateApiTokenRequest = Infer<typeof createApiTokenRequestSchema>;
export type CreateApiTokenResponse = Infer<typeof createApiTokenResponseSchema>;
export type ApiTokenListResponse = Infer<typeof apiTokenListSchema>;
export type ApiTokenResponse = Infer<typeof apiTokenAnswerSchema>;
