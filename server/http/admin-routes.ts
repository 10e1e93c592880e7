/**
 * The owner's configuration API: sites (origins, appearance, hours, pre-chat, identity secret,
 * retention), agents (invite, role, disable, password reset), canned responses, export and
 * per-visitor deletion. Owners only: agents get 403. Same session and CSRF rules as the agent API.
 * Shapes from protocol/admin-api.ts, typed through the schema provider.
 */
import type { FastifyInstance } from 'fastify';
import {
  cannedAnswerSchema, cannedItemParamsSchema, cannedListResponseSchema, createCannedRequestSchema, createSiteRequestSchema, inviteRequestSchema,
  linkResponseSchema, siteListResponseSchema, siteParamsSchema, siteResponseSchema, siteSecretResponseSchema, updateSiteRequestSchema,
  updateUserRequestSchema, userListResponseSchema, userParamsSchema, userResponseSchema, visitorParamsSchema,
  type AdminSite, type LinkResponse, type Site, type UpdateSiteRequest,
} from '../../protocol/admin-api.ts';
import { exportQuerySchema, siteExportSchema } from '../../protocol/export-api.ts';
import { ADMIN_PATHS } from '../../protocol/protocol.ts';
import { createOneTimeLink, resetFor } from '../auth/one-time-link.ts';
import { randomToken } from '../auth/secrets.ts';
import { toCsv } from '../export-csv.ts';
import type { Services } from '../services.ts';
import { defaultWidgetConfig } from '../site-defaults.ts';
import { widgetSnippet } from '../snippet.ts';
import { requireAgent, revokeSessions } from './agent-session.ts';
import { streamKey } from '../realtime/revoke.ts';
import { normalizeOrigin } from './origins.ts';
import { ParleyError } from './errors.ts';
import { LastOwnerError, type Invite } from '../store/store.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

const LINK_TTL_MS = 7 * 24 * 3600_000;

/**
 * What JSON schema cannot say: the locale and time zone must be ones browsers accept, or every
 * visitor's widget would throw on them ("Invalid language tag"). The locale is stored canonical.
 */
function checkedWidget(widget: NonNullable<UpdateSiteRequest['widget']>): NonNullable<UpdateSiteRequest['widget']> {
  let locale = widget.locale;
  if (typeof locale === 'string') {
    try {
      locale = Intl.getCanonicalLocales(locale)[0];
    } catch {
      throw new ParleyError('BAD_REQUEST', `"${locale}" is not a language tag; use one like "en", "en-GB" or "zh-CN".`);
    }
  }
  const timeZone = widget.businessHours?.timeZone;
  if (timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
    } catch {
      throw new ParleyError('BAD_REQUEST', `"${timeZone}" is not a time zone; use an IANA name like "Europe/Paris".`);
    }
  }
  return { ...widget, ...(locale !== undefined ? { locale } : {}) };
}

const noContent = (description: string) => ({ 204: { type: 'null', description } }) as const;

export async function adminRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store, clock, config, hub, presence, chat, sites, revoke } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();

  app.addHook('onRequest', requireAgent(services));
  app.addHook('onRequest', async (request) => {
    if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can change settings.');
  });

  const admin = (site: Site): AdminSite => ({ ...site, snippet: widgetSnippet(config.publicUrl, site.id) });
  const siteFor = async (request: { params: { siteId: string } }): Promise<Site> => {
    const site = await store.getSite(request.params.siteId);
    if (!site) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
    return site;
  };
  const link = (invite: Invite): Promise<LinkResponse> => createOneTimeLink(store, config.publicUrl, invite);
  /** Site ids in invitations and memberships must exist (a dangling one would fail only at redeem). */
  const assertSitesExist = async (siteIds: string[] | undefined) => {
    if (!siteIds) return;
    const known = new Set((await store.listSites()).map((site) => site.id));
    const unknown = siteIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new ParleyError('SITE_NOT_FOUND', `No site with id ${unknown.join(', ')}.`);
  };

  // An owner's siteIds are every site; an API token's, its own (issue 15).
  app.get(ADMIN_PATHS.sites, {
    schema: { summary: 'Every site, with its install snippet', response: { 200: { ...siteListResponseSchema, description: 'The sites (never their secrets)' } } },
  }, async (request) => ({ sites: (await store.listSites()).filter((site) => request.agent!.user.siteIds.includes(site.id)).map(admin) }));

  app.post(ADMIN_PATHS.sites, {
    config: { apiToken: 'installation' },
    schema: {
      summary: 'Create a site; its identity secret is in this answer only',
      body: createSiteRequestSchema, response: { 200: { ...siteSecretResponseSchema, description: 'The site, and its identity secret: shown this once' } },
    },
  }, async (request) => {
    const secret = randomToken(32);
    const site = await store.createSite({ name: request.body.name, allowedOrigins: (request.body.allowedOrigins ?? []).map(normalizeOrigin), widget: defaultWidgetConfig(request.body.name), secret });
    return { site: admin(site), secret };
  });

  app.patch(ADMIN_PATHS.site, {
    schema: {
      summary: 'Change a site: name, origins, widget settings, retention; open widgets restyle at once',
      params: siteParamsSchema, body: updateSiteRequestSchema, response: { 200: { ...siteResponseSchema, description: 'The site as it is now' } },
    },
  }, async (request) => {
    const site = await siteFor(request);
    const patch = { ...request.body, ...(request.body.allowedOrigins ? { allowedOrigins: request.body.allowedOrigins.map(normalizeOrigin) } : {}) };
    if (request.body.widget) patch.widget = checkedWidget(request.body.widget);
    // Published on the visitors' streams: open widgets restyle within a moment, without reload.
    const updated = (await store.updateSite(site.id, patch)).value;
    sites.invalidate(site.id);
    return { site: admin(updated) };
  });

  app.post(ADMIN_PATHS.rotateSecret, {
    schema: {
      summary: 'A new identity secret, shown once; the old one stops verifying at once',
      params: siteParamsSchema, response: { 200: { ...siteSecretResponseSchema, description: 'The site, and its new identity secret: shown this once' } },
    },
  }, async (request) => {
    const site = await siteFor(request);
    const secret = randomToken(32);
    const updated = (await store.updateSite(site.id, { secret })).value;
    return { site: admin(updated), secret };
  });

  app.get(ADMIN_PATHS.export, {
    schema: {
      summary: 'Download every conversation of a site: messages, visitor, rating',
      params: siteParamsSchema, querystring: exportQuerySchema,
      response: {
        // The CSV is a string sent as text/csv, which the schema only describes; the JSON is serialised with it.
        200: {
          description: 'A download (`content-disposition: attachment`): JSON, or CSV with one row per message',
          content: { 'application/json': { schema: siteExportSchema }, 'text/csv': { schema: { type: 'string' } } },
        },
      },
    },
  }, async (request, reply) => {
    const site = await siteFor(request);
    const conversations = await store.exportConversations(site.id);
    const stamp = new Date(clock.now()).toISOString().slice(0, 10);
    reply.header('content-disposition', `attachment; filename="parley-${site.id}-${stamp}.${request.query.format}"`);
    if (request.query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(conversations));
    return { site: { id: site.id, name: site.name }, exportedAt: clock.now(), conversations };
  });

  app.get(ADMIN_PATHS.canned, {
    schema: { summary: 'A site\'s canned responses', params: siteParamsSchema, response: { 200: { ...cannedListResponseSchema, description: 'Its canned responses' } } },
  }, async (request) => {
    const site = await siteFor(request);
    return { canned: await store.listCanned([site.id]) };
  });
  app.post(ADMIN_PATHS.canned, {
    schema: {
      summary: 'Add a canned response; a shortcut the site has already is refused',
      params: siteParamsSchema, body: createCannedRequestSchema, response: { 200: { ...cannedAnswerSchema, description: 'The new canned response' } },
    },
  }, async (request) => {
    const site = await siteFor(request);
    const canned = await store.createCanned({ siteId: site.id, ...request.body });
    // Never a silent overwrite of a colleague's text: the owner deletes the old one first.
    if (!canned) throw new ParleyError('SHORTCUT_TAKEN', `This site already has /${request.body.shortcut}; delete it first, or choose another shortcut.`, { shortcut: request.body.shortcut });
    return { canned };
  });
  app.delete(ADMIN_PATHS.cannedItem, {
    schema: { summary: 'Delete a canned response', params: cannedItemParamsSchema, response: noContent('Deleted') },
  }, async (request, reply) => {
    if (!(await store.deleteCanned(request.params.siteId, request.params.cannedId))) throw new ParleyError('NOT_FOUND', 'No such canned response.');
    return reply.status(204).send(null);
  });

  app.delete(ADMIN_PATHS.visitor, {
    schema: {
      summary: 'Delete a visitor and everything of theirs: conversations, messages, files',
      params: visitorParamsSchema, response: noContent('Deleted, their open widgets signed out'),
    },
  }, async (request, reply) => {
    const visitorId = request.params.visitorId;
    // Owners reach every site; an API token for some sites, only their visitors (issue 15).
    const visitor = await store.getVisitor(visitorId);
    if (!visitor || !request.agent!.user.siteIds.includes(visitor.siteId) || !(await store.deleteVisitor(visitorId))) {
      throw new ParleyError('NOT_FOUND', 'No visitor with this id.');
    }
    revoke(streamKey.visitor(visitorId), { reason: 'revoked' });
    // Their files' bytes go now, not at the next hourly sweep (issue 13): nothing of theirs is left on disk.
    await services.attachments.sweep();
    return reply.status(204).send(null);
  });

  // Users span sites: through API tokens for every site only (issue 15).
  app.get(ADMIN_PATHS.users, {
    config: { apiToken: 'installation' },
    schema: { summary: 'Everyone with an account, with the status they chose', response: { 200: { ...userListResponseSchema, description: 'Every user' } } },
  }, async () => {
    const users = await store.listUsers();
    return { users: await Promise.all(users.map(async (user) => ({ ...user, status: await store.getUserStatus(user.id) }))) };
  });

  app.post(ADMIN_PATHS.invites, {
    config: { apiToken: 'installation' },
    schema: {
      summary: 'Invite someone: a one-time link to hand over, valid 7 days',
      body: inviteRequestSchema, response: { 200: { ...linkResponseSchema, description: 'The invitation link' } },
    },
  }, async (request) => {
    if (await store.getUserByEmail(request.body.email)) throw new ParleyError('EMAIL_TAKEN', 'Someone with this email already has an account.');
    await assertSitesExist(request.body.siteIds);
    return link({ kind: 'invite', ...request.body, userId: null, expiresAt: clock.now() + LINK_TTL_MS });
  });

  app.patch(ADMIN_PATHS.user, {
    config: { apiToken: 'installation' },
    schema: {
      summary: 'Change someone\'s name, role or sites, or disable them (signed out at once)',
      params: userParamsSchema, body: updateUserRequestSchema, response: { 200: { ...userResponseSchema, description: 'The user as they are now' } },
    },
  }, async (request) => {
    const target = await store.getUser(request.params.userId);
    if (!target) throw new ParleyError('USER_NOT_FOUND', 'No user with this id.');
    await assertSitesExist(request.body.siteIds);
    // The store keeps at least one enabled owner, so nobody can lock everyone out of the settings:
    // checked in the update's transaction (issue 10), as two owners may demote each other at once.
    const user = await store.updateUser(target.id, request.body).catch((error: unknown) => {
      throw error instanceof LastOwnerError ? new ParleyError('LAST_OWNER', error.message) : error;
    });
    if (request.body.disabled) {
      // At once: sessions gone, open dashboards told and disconnected, presence updated.
      await revokeSessions(services, user.id);
    } else if (request.body.role !== undefined || request.body.siteIds !== undefined) {
      // Open streams were authorised for the old rights: end them, and the dashboard reconnects with the new ones.
      revoke(streamKey.agent(user.id), { reason: 'changed' });
      presence.agentGone(user.id);
    }
    return { user };
  });

  // A reset link is a password: never made through an API token (issue 15).
  app.post(ADMIN_PATHS.passwordReset, {
    config: { apiToken: false },
    schema: {
      summary: 'A one-time password-reset link for someone, valid 7 days',
      params: userParamsSchema, response: { 200: { ...linkResponseSchema, description: 'The reset link' } },
    },
  }, async (request) => {
    const user = await store.getUser(request.params.userId);
    if (!user) throw new ParleyError('USER_NOT_FOUND', 'No user with this id.');
    return link(resetFor(user, clock.now() + LINK_TTL_MS));
  });
}
