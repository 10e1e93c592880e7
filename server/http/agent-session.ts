/**
 * Agent sessions: the cookie that login and redeem set, and the hook that checks it (and the CSRF
 * token on every state change) for the agent and admin APIs — or, for a server calling with
 * `Authorization: Bearer`, the owner's API token in its place (auth/api-tokens.ts, issue 15).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_HEADER, SESSION_COOKIE, type MeResponse, type User } from '../../protocol/protocol.ts';
import { authenticateApiToken, sentBearer, type AgentPrincipal } from '../auth/api-tokens.ts';
import { randomToken, safeEqual, sha256 } from '../auth/secrets.ts';
import { streamKey } from '../realtime/revoke.ts';
import type { Services } from '../services.ts';
import { ParleyError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    agent: AgentPrincipal | null;
  }
}

/** onRequest hook: a live session for an enabled user, and the CSRF token on anything but GET. */
export function requireAgent(services: Services) {
  const { store, clock } = services;
  const byApiToken = authenticateApiToken(services);
  return async (request: FastifyRequest): Promise<void> => {
    if (sentBearer(request)) {
      request.agent = await byApiToken(request);
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    const tokenHash = token ? sha256(token) : null;
    const session = tokenHash ? await store.getSession(tokenHash) : null;
    if (!session || session.expiresAt <= clock.now() || session.user.disabled) {
      throw new ParleyError('UNAUTHENTICATED', 'Your session has ended; log in again.');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
        throw new ParleyError('CSRF', `Missing or wrong ${CSRF_HEADER} header; reload the dashboard.`);
      }
    }
    request.agent = { user: session.user, csrfToken: session.csrfToken, tokenHash: tokenHash!, expiresAt: session.expiresAt };
  };
}

/**
 * Ends a user's sessions and open streams at once (disabled, password reset or changed), except
 * the session that asked for it when `keep` is given. Presence follows when nothing is left.
 */
export async function revokeSessions({ store, revoke, presence }: Services, userId: string, keep?: string): Promise<void> {
  await store.deleteUserSessions(userId, keep);
  revoke(streamKey.agent(userId), { reason: 'revoked', ...(keep === undefined ? {} : { tag: { except: keep } }) });
  if (keep === undefined) presence.agentGone(userId);
}

/** Starts a session for a user: the httpOnly cookie, and what the dashboard needs to begin. */
export async function startSession(services: Services, reply: FastifyReply, user: User): Promise<MeResponse> {
  const { store, clock, config } = services;
  const token = randomToken();
  const csrfToken = randomToken(18);
  await store.createSession({ tokenHash: sha256(token), userId: user.id, csrfToken, expiresAt: clock.now() + config.sessionTtlMs });
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true, sameSite: 'strict', secure: config.publicUrl.startsWith('https:'), path: '/', maxAge: Math.floor(config.sessionTtlMs / 1000),
  });
  return describeSession(services, user, csrfToken);
}

export async function describeSession({ store }: Services, user: User, csrfToken: string): Promise<MeResponse> {
  const sites = await store.listSites();
  return {
    user,
    csrfToken,
    sites: sites.filter((site) => user.siteIds.includes(site.id)),
    status: await store.getUserStatus(user.id),
    cursor: await store.headCursor(),
  };
}
