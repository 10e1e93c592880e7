/**
 * An agent's own account: what an invitation or password-reset link is for (asked when the link is
 * opened), redeeming it (which logs them in), changing their name, avatar and password, and reading
 * their sites' canned responses. Shapes from protocol/account-api.ts, typed through the schema provider.
 */
import type { FastifyInstance } from 'fastify';
import {
  changePasswordRequestSchema, linkInfoSchema, linkRequestSchema, meResponseSchema, redeemRequestSchema, updateAccountRequestSchema,
} from '../../protocol/account-api.ts';
import { cannedListResponseSchema, userResponseSchema } from '../../protocol/admin-api.ts';
import { ACCOUNT_PATHS } from '../../protocol/protocol.ts';
import { hashPassword, sha256, verifyPassword } from '../auth/secrets.ts';
import type { Services } from '../services.ts';
import type { Invite } from '../store/store.ts';
import { requireAgent, revokeSessions, startSession } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

export async function accountRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();

  /**
   * The link's invite if redeeming it can work, else the refusal redeeming would give: asked when
   * the page opens, and again before the link is used up (a refusal must leave it working).
   */
  async function usable(tokenHash: string): Promise<Invite> {
    const invite = await store.getInvite(tokenHash);
    if (!invite) throw new ParleyError('LINK_INVALID', 'This link has been used or has expired; ask the owner for a new one.');
    if (invite.kind === 'invite' && (await store.getUserByEmail(invite.email))) {
      throw new ParleyError('EMAIL_TAKEN', 'Someone with this email already has an account.');
    }
    if (invite.kind === 'reset' && (await store.getUser(invite.userId!))?.disabled) {
      throw new ParleyError('ACCOUNT_DISABLED', 'This account is disabled; ask the owner to enable it first.');
    }
    return invite;
  }

  // Whoever holds the link may know what it is for (it names their own account); a POST keeps the
  // token out of URLs and so out of logs, as the fragment does on the page.
  app.post(ACCOUNT_PATHS.link, {
    config: { rateLimit: { max: 30, timeWindow: 60_000 } },
    schema: {
      summary: 'What an invitation or password-reset link is for, without using it up',
      body: linkRequestSchema, response: { 200: { ...linkInfoSchema, description: 'The link works: what it will do' } },
    },
  }, async (request) => {
    const { kind, email, name: invited, expiresAt } = await usable(sha256(request.body.token));
    return { kind, email, name: invited, expiresAt };
  });

  app.post(ACCOUNT_PATHS.redeem, {
    config: { rateLimit: { max: 10, timeWindow: 60_000 } },
    schema: {
      summary: 'Accept an invitation or a password reset, and sign in',
      body: redeemRequestSchema, response: { 200: { ...meResponseSchema, description: 'Signed in (the session cookie is set): as POST …/login answers' } },
    },
  }, async (request, reply) => {
    const tokenHash = sha256(request.body.token);
    const invite = await usable(tokenHash);
    const passwordHash = await hashPassword(request.body.password);
    if (!(await store.consumeInvite(tokenHash))) throw new ParleyError('LINK_INVALID', 'This link has just been used.');
    let user;
    if (invite.kind === 'reset') {
      user = await store.updateUser(invite.userId!, { passwordHash });
      // A reset often follows a compromise: every session and open stream of the account ends.
      await revokeSessions(services, user.id);
    } else {
      user = await store.createUser({ email: invite.email, name: request.body.name ?? invite.name, role: invite.role, passwordHash, siteIds: invite.siteIds });
    }
    return startSession(services, reply, user);
  });

  app.register(async (plain) => {
    const authed = plain.withTypeProvider<JsonSchemaProvider>();
    authed.addHook('onRequest', requireAgent(services));

    // A person's own: never through an API token (issue 15), which acts for its owner but is not them.
    authed.post(ACCOUNT_PATHS.password, {
      config: { rateLimit: { max: 10, timeWindow: 60_000 }, apiToken: false },
      schema: {
        summary: 'Change your own password; your other sessions end',
        body: changePasswordRequestSchema, response: { 204: { type: 'null', description: 'Changed' } },
      },
    }, async (request, reply) => {
      const user = request.agent!.user;
      const found = await store.getUserByEmail(user.email);
      if (!found || !(await verifyPassword(request.body.current, found.passwordHash))) {
        throw new ParleyError('INVALID_CREDENTIALS', 'The current password is wrong.');
      }
      await store.updateUser(user.id, { passwordHash: await hashPassword(request.body.password) });
      // Whoever else knew the old password is signed out everywhere; this session carries on.
      await revokeSessions(services, user.id, request.agent!.tokenHash);
      return reply.status(204).send(null);
    });

    // Visitors see the name and avatar beside every reply: each person sets their own.
    authed.patch(ACCOUNT_PATHS.account, {
      config: { apiToken: false },
      schema: {
        summary: 'Change your own name or avatar',
        body: updateAccountRequestSchema, response: { 200: { ...userResponseSchema, description: 'Your account as it is now' } },
      },
    }, async (request) => {
      const { name: next, avatarUrl: avatar } = request.body;
      return { user: await store.updateUser(request.agent!.user.id, { ...(next === undefined ? {} : { name: next.trim() }), ...(avatar === undefined ? {} : { avatarUrl: avatar }) }) };
    });

    authed.get(ACCOUNT_PATHS.canned, {
      schema: { summary: 'The canned responses of your sites', response: { 200: { ...cannedListResponseSchema, description: 'Every canned response of your sites' } } },
    }, async (request) => ({ canned: await store.listCanned(request.agent!.user.siteIds) }));
  });
}
