/**
 * The owner's configuration API: sites (origins, appearance, hours, pre-chat, identity secret,
 * retention), agents (invite, role, disable, password reset), canned responses, export and
 * per-visitor deletion. Owners only: agents get 403. Same session and CSRF rules as the agent API.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ADMIN_PATHS, ALLOWED_ORIGIN_PATTERN, ATTACHMENT_TYPES, LIMITS, type AdminSite, type InviteRequest, type LinkResponse, type Site,
  type SiteSecretResponse, type UpdateSiteRequest, type UpdateUserRequest,
} from '../../protocol/protocol.ts';
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
import * as s from './schemas.ts';

const LINK_TTL_MS = 7 * 24 * 3600_000;

const origin = { type: 'string', maxLength: 300, pattern: ALLOWED_ORIGIN_PATTERN } as const;
const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' } as const;
const requirement = { enum: ['off', 'optional', 'required'] } as const;

const widgetPatch = s.object({
  teamName: { type: 'string', minLength: 1, maxLength: 80 },
  avatarUrl: { type: ['string', 'null'], maxLength: 2000, pattern: '^https://' },
  greeting: { type: 'string', maxLength: 500 },
  awayMessage: { type: 'string', maxLength: 500 },
  color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' },
  position: { enum: ['right', 'left'] },
  launcherLabel: { type: 'string', maxLength: 40 },
  theme: { enum: ['light', 'dark', 'auto'] },
  locale: { type: ['string', 'null'], maxLength: 35 },
  preChat: s.object({ name: requirement, email: requirement }, ['name', 'email']),
  whenAway: { enum: ['email', 'hide'] },
  businessHours: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['timeZone', 'days'],
    properties: {
      timeZone: { type: 'string', minLength: 1, maxLength: 64 },
      days: { type: 'array', minItems: 7, maxItems: 7, items: { type: 'array', maxItems: 4, items: { type: 'array', minItems: 2, maxItems: 2, items: hhmm } } },
    },
  },
  requireVerifiedIdentity: { type: 'boolean' },
  whenUnverified: { enum: ['message', 'hide'] },
  // Issue 13: all three together; types from the catalogue only (no SVG, no HTML, ever).
  attachments: s.object({
    visitors: { type: 'boolean' },
    maxBytes: { type: 'integer', minimum: 1024, maximum: LIMITS.attachmentBytesMax },
    types: { type: 'array', uniqueItems: true, maxItems: ATTACHMENT_TYPES.length, items: { enum: [...ATTACHMENT_TYPES] } },
  }, ['visitors', 'maxBytes', 'types']),
  // Issue 15: all three together, like attachments.
  rating: s.object({
    enabled: { type: 'boolean' },
    scale: { enum: ['five', 'thumbs'] },
    question: { type: 'string', maxLength: LIMITS.ratingQuestionMax },
  }, ['enabled', 'scale', 'question']),
});

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

const siteIds = { type: 'array', maxItems: 100, items: s.id } as const;
const role = { enum: ['owner', 'agent'] } as const;

export async function adminRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, clock, config, hub, presence, chat, sites, revoke } = services;

  app.addHook('onRequest', requireAgent(services));
  app.addHook('onRequest', async (request) => {
    if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can change settings.');
  });

  const admin = (site: Site): AdminSite => ({ ...site, snippet: widgetSnippet(config.publicUrl, site.id) });
  const siteFor = async (request: FastifyRequest<{ Params: { siteId: string } }>): Promise<Site> => {
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
  app.get(ADMIN_PATHS.sites, async (request) => ({ sites: (await store.listSites()).filter((site) => request.agent!.user.siteIds.includes(site.id)).map(admin) }));

  app.post<{ Body: { name: string; allowedOrigins?: string[] } }>(ADMIN_PATHS.sites, {
    config: { apiToken: 'installation' },
    schema: { body: s.object({ name: { type: 'string', minLength: 1, maxLength: 100 }, allowedOrigins: { type: 'array', maxItems: 100, items: origin } }, ['name']) },
  }, async (request): Promise<SiteSecretResponse> => {
    const secret = randomToken(32);
    const site = await store.createSite({ name: request.body.name, allowedOrigins: (request.body.allowedOrigins ?? []).map(normalizeOrigin), widget: defaultWidgetConfig(request.body.name), secret });
    return { site: admin(site), secret };
  });

  app.patch<{ Params: { siteId: string }; Body: UpdateSiteRequest }>(ADMIN_PATHS.site, {
    schema: {
      params: s.object({ siteId: s.id }, ['siteId']),
      body: s.object({
        name: { type: 'string', minLength: 1, maxLength: 100 },
        allowedOrigins: { type: 'array', maxItems: 100, items: origin },
        widget: widgetPatch,
        retentionDays: { type: ['integer', 'null'], minimum: 1, maximum: 3650 },
      }),
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

  app.post<{ Params: { siteId: string } }>(ADMIN_PATHS.rotateSecret, { schema: { params: s.object({ siteId: s.id }, ['siteId']) } }, async (request): Promise<SiteSecretResponse> => {
    const site = await siteFor(request);
    const secret = randomToken(32);
    const updated = (await store.updateSite(site.id, { secret })).value;
    return { site: admin(updated), secret };
  });

  app.get<{ Params: { siteId: string }; Querystring: { format: 'json' | 'csv' } }>(ADMIN_PATHS.export, {
    schema: { params: s.object({ siteId: s.id }, ['siteId']), querystring: s.object({ format: { enum: ['json', 'csv'], default: 'json' } }) },
  }, async (request, reply) => {
    const site = await siteFor(request);
    const conversations = await store.exportConversations(site.id);
    const stamp = new Date(clock.now()).toISOString().slice(0, 10);
    reply.header('content-disposition', `attachment; filename="parley-${site.id}-${stamp}.${request.query.format}"`);
    if (request.query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(conversations));
    return { site: { id: site.id, name: site.name }, exportedAt: clock.now(), conversations };
  });

  app.get<{ Params: { siteId: string } }>(ADMIN_PATHS.canned, { schema: { params: s.object({ siteId: s.id }, ['siteId']) } }, async (request) => {
    const site = await siteFor(request);
    return { canned: await store.listCanned([site.id]) };
  });
  app.post<{ Params: { siteId: string }; Body: { shortcut: string; body: string } }>(ADMIN_PATHS.canned, {
    schema: { params: s.object({ siteId: s.id }, ['siteId']), body: s.object({ shortcut: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[a-z0-9_-]+$' }, body: s.messageBody }, ['shortcut', 'body']) },
  }, async (request) => {
    const site = await siteFor(request);
    const canned = await store.createCanned({ siteId: site.id, ...request.body });
    // Never a silent overwrite of a colleague's text: the owner deletes the old one first.
    if (!canned) throw new ParleyError('SHORTCUT_TAKEN', `This site already has /${request.body.shortcut}; delete it first, or choose another shortcut.`, { shortcut: request.body.shortcut });
    return { canned };
  });
  app.delete<{ Params: { siteId: string; cannedId: string } }>(ADMIN_PATHS.cannedItem, {
    schema: { params: s.object({ siteId: s.id, cannedId: s.id }, ['siteId', 'cannedId']) },
  }, async (request, reply) => {
    if (!(await store.deleteCanned(request.params.siteId, request.params.cannedId))) throw new ParleyError('NOT_FOUND', 'No such canned response.');
    return reply.status(204).send();
  });

  app.delete<{ Params: { visitorId: string } }>(ADMIN_PATHS.visitor, { schema: { params: s.object({ visitorId: s.id }, ['visitorId']) } }, async (request, reply) => {
    const visitorId = request.params.visitorId;
    // Owners reach every site; an API token for some sites, only their visitors (issue 15).
    const visitor = await store.getVisitor(visitorId);
    if (!visitor || !request.agent!.user.siteIds.includes(visitor.siteId) || !(await store.deleteVisitor(visitorId))) {
      throw new ParleyError('NOT_FOUND', 'No visitor with this id.');
    }
    revoke(streamKey.visitor(visitorId), { reason: 'revoked' });
    // Their files' bytes go now, not at the next hourly sweep (issue 13): nothing of theirs is left on disk.
    await services.attachments.sweep();
    return reply.status(204).send();
  });

  // Users span sites: through API tokens for every site only (issue 15).
  app.get(ADMIN_PATHS.users, { config: { apiToken: 'installation' } }, async () => {
    const users = await store.listUsers();
    return { users: await Promise.all(users.map(async (user) => ({ ...user, status: await store.getUserStatus(user.id) }))) };
  });

  app.post<{ Body: InviteRequest }>(ADMIN_PATHS.invites, {
    config: { apiToken: 'installation' },
    schema: { body: s.object({ email: { type: 'string', format: 'email', maxLength: 320 }, name: { type: 'string', minLength: 1, maxLength: 100 }, role, siteIds }, ['email', 'name', 'role', 'siteIds']) },
  }, async (request): Promise<LinkResponse> => {
    if (await store.getUserByEmail(request.body.email)) throw new ParleyError('EMAIL_TAKEN', 'Someone with this email already has an account.');
    await assertSitesExist(request.body.siteIds);
    return link({ kind: 'invite', ...request.body, userId: null, expiresAt: clock.now() + LINK_TTL_MS });
  });

  app.patch<{ Params: { userId: string }; Body: UpdateUserRequest }>(ADMIN_PATHS.user, {
    config: { apiToken: 'installation' },
    schema: { params: s.object({ userId: s.id }, ['userId']), body: s.object({ name: { type: 'string', minLength: 1, maxLength: 100 }, role, disabled: { type: 'boolean' }, siteIds }) },
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
  app.post<{ Params: { userId: string } }>(ADMIN_PATHS.passwordReset, { config: { apiToken: false }, schema: { params: s.object({ userId: s.id }, ['userId']) } }, async (request): Promise<LinkResponse> => {
    const user = await store.getUser(request.params.userId);
    if (!user) throw new ParleyError('USER_NOT_FOUND', 'No user with this id.');
    return link(resetFor(user, clock.now() + LINK_TTL_MS));
  });
}
