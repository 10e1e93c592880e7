/**
 * API tokens (issue 15): a server calling the agent and owner APIs with
 * `Authorization: Bearer parley_pat_…` instead of a cookie and the CSRF header (no CSRF: a browser
 * never attaches an Authorization header by itself, so no other page can make it send one).
 *
 * What a token acts as: the owner who created it, limited to the token's sites (its user's siteIds
 * become those, so every "on your sites" check of every route applies as is) and to its scope —
 * read-only tokens make GET requests only. Checked against the store on every request, never
 * cached, so a revoked token (or one whose owner is disabled or demoted) is refused at once on
 * every process; its open streams end through the bus (api-token-routes.ts).
 *
 * Routes say what tokens may do with `config.apiToken` (below); this module decides, and it never
 * logs or echoes a token: only its id and hint appear in answers, and the logger drops headers.
 */
import type { FastifyRequest } from 'fastify';
import { API_TOKEN_PREFIX, type ApiTokenScope } from '../../protocol/api-tokens.ts';
import type { User } from '../../protocol/protocol.ts';
import { ParleyError } from '../http/errors.ts';
import type { Services } from '../services.ts';
import { randomToken, sha256 } from './secrets.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What API tokens may do on this route (absent: what their scope and sites allow).
     * false: never — it concerns the person signed in (their password, account, presence, session)
     * or tokens themselves. 'installation': only tokens for every site (users, invitations, new sites).
     */
    apiToken?: false | 'installation';
  }
}

/** What an authenticated token carries on request.agent, beside the user it acts as. */
export interface ApiTokenGrant {
  id: string;
  scope: ApiTokenScope;
  /** null: every site. */
  siteIds: string[] | null;
}

/** The agent a request acts as: a signed-in person (session cookie) or an owner's token. */
export interface AgentPrincipal {
  user: User;
  /** '' for a token: it sends no CSRF header and needs none. */
  csrfToken: string;
  /** The SHA-256 of the session cookie or of the token: what its streams are tagged (and revoked) by. */
  tokenHash: string;
  expiresAt: number;
  apiToken?: ApiTokenGrant;
}

/** How often a token's last use is written at the most (each process, at most once a minute per token). */
export const LAST_USED_EVERY_MS = 60_000;

const BEARER = /^Bearer[ \t]+(\S*)[ \t]*$/i;
const TOKEN = new RegExp(`^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

/** A new token: the secret to show once, the hash to keep, and a hint to tell it apart by. */
export function mintApiToken(): { secret: string; tokenHash: string; hint: string } {
  const secret = `${API_TOKEN_PREFIX}${randomToken(32)}`;
  return { secret, tokenHash: sha256(secret), hint: secret.slice(-4) };
}

/**
 * True when the request authenticates with a bearer token (anything else, Basic from a proxy in
 * front of the dashboard say, is left to the session cookie).
 */
export const sentBearer = (request: FastifyRequest): boolean => /^Bearer(\s|$)/i.test(request.headers.authorization ?? '');

const list = (ids: string[]) => ids.map((id) => `"${id}"`).join(', ');

/** onRequest work for a bearer request to the agent or owner API: who it acts as, or the refusal. */
export function authenticateApiToken({ store, clock }: Services) {
  return async (request: FastifyRequest): Promise<AgentPrincipal> => {
    const presented = BEARER.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!TOKEN.test(presented)) {
      throw new ParleyError('TOKEN_INVALID', `Not a Parley API token: send "Authorization: Bearer ${API_TOKEN_PREFIX}…" with a token an owner created in Settings → API tokens.`);
    }
    const tokenHash = sha256(presented);
    const token = await store.findApiToken(tokenHash);
    if (!token) throw new ParleyError('TOKEN_INVALID', 'This API token is not known to this server: check that it was copied whole, or create a new one in Settings → API tokens.');
    if (token.revokedAt !== null) {
      throw new ParleyError('TOKEN_REVOKED', `This API token ("${token.name}") was revoked on ${new Date(token.revokedAt).toISOString()}; create a new one in Settings → API tokens.`);
    }
    const owner = await store.getUser(token.createdBy.id);
    if (!owner || owner.disabled || owner.role !== 'owner') {
      throw new ParleyError('TOKEN_INVALID', `This API token acts as ${token.createdBy.name}, who is disabled or no longer an owner; an active owner can create a new one.`);
    }

    const rule = request.routeOptions.config.apiToken;
    if (rule === false) throw new ParleyError('TOKEN_NOT_ALLOWED', 'API tokens cannot do this: sign in to the dashboard as a person for it.');
    if (token.scope === 'read-only' && request.method !== 'GET' && request.method !== 'HEAD') {
      throw new ParleyError('TOKEN_READ_ONLY', `This API token is read-only: it may only make GET requests. Create a read-write token to ${request.method} here.`);
    }
    if (token.siteIds !== null) {
      if (rule === 'installation') {
        throw new ParleyError('TOKEN_SITE_LIMITED', `This API token is for site ${list(token.siteIds)} only; this concerns every site and needs a token for all sites.`);
      }
      const siteId = (request.params as { siteId?: unknown } | undefined)?.siteId;
      if (typeof siteId === 'string' && !token.siteIds.includes(siteId)) {
        throw new ParleyError('TOKEN_SITE_LIMITED', `This API token is for site ${list(token.siteIds)} only, not "${siteId}".`);
      }
    }

    // Once a minute at most, and off the request's path: a failure to note the use refuses nothing.
    const now = clock.now();
    if (token.lastUsedAt === null || now - token.lastUsedAt >= LAST_USED_EVERY_MS) {
      store.touchApiToken(token.id, now, now - LAST_USED_EVERY_MS)
        .catch((error: unknown) => request.log.warn({ err: error, apiToken: token.id }, 'could not record an API token\'s use'));
    }
    const sites = token.siteIds;
    return {
      // Owners belong to every site (store: owners' siteIds are all sites): the token, to its own.
      user: sites === null ? owner : { ...owner, siteIds: owner.siteIds.filter((id) => sites.includes(id)) },
      csrfToken: '',
      tokenHash,
      expiresAt: Number.POSITIVE_INFINITY,
      apiToken: { id: token.id, scope: token.scope, siteIds: token.siteIds },
    };
  };
}
