/**
 * The team inbox's API (issue 14): labels (owners manage a site's; agents put them on
 * conversations), each agent's saved views, a visitor's profile across visits with every
 * conversation of theirs, and merging two visitors who turn out to be one person. Same session and
 * CSRF rules as the agent API; everything is scoped to the sites the user works on, and answers
 * "not found" for anything outside them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  INBOX_PATHS, LIMITS, type LabelRequest, type MergeVisitorsResponse, type QueueFilter, type SaveViewRequest, type Visitor,
  type VisitorProfile,
} from '../../protocol/protocol.ts';
import { streamKey } from '../realtime/revoke.ts';
import type { Services } from '../services.ts';
import { RefusedError } from '../store/store.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';

const labelName = { type: 'string', minLength: 1, maxLength: LIMITS.labelNameMax, pattern: '\\S' } as const;
const color = { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' } as const;
const filter = s.object({
  view: { enum: ['waiting', 'mine', 'open', 'resolved', 'all'] },
  labelId: { anyOf: [s.id, { type: 'null' }] },
  q: { type: 'string', maxLength: 200 },
}, ['view', 'labelId', 'q']);

/** The store's refusals in the catalogue's words: which code a taken name is depends on what was named. */
function refused(error: unknown, named: 'LABEL_NAME_TAKEN' | 'VIEW_NAME_TAKEN' | null): never {
  if (!(error instanceof RefusedError)) throw error;
  if (error.reason === 'limit') throw new ParleyError('LIMIT_REACHED', error.message);
  if (error.reason === 'name-taken' && named) throw new ParleyError(named, error.message);
  throw new ParleyError('MERGE_REFUSED', error.message);
}

export async function teamInboxRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, presence, revoke } = services;
  app.addHook('onRequest', requireAgent(services));

  const userOf = (request: FastifyRequest) => request.agent!.user;
  const ownerOnly = async (request: FastifyRequest) => {
    if (userOf(request).role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can change a site\'s labels.');
  };
  const visitorOnMySites = async (request: FastifyRequest, id: string): Promise<Visitor> => {
    const visitor = await store.getVisitor(id);
    if (!visitor || !userOf(request).siteIds.includes(visitor.siteId)) throw new ParleyError('VISITOR_NOT_FOUND', 'No such visitor on your sites.');
    return visitor;
  };
  const siteOfOwner = async (request: FastifyRequest<{ Params: { siteId: string } }>) => {
    const site = await store.getSite(request.params.siteId);
    if (!site) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
    return site;
  };
  const noLabel = () => new ParleyError('LABEL_NOT_FOUND', 'No such label on this site; it may have been deleted.');

  // Labels ------------------------------------------------------------------------------------

  app.get(INBOX_PATHS.labels, async (request) => ({ labels: await store.listLabels(userOf(request).siteIds) }));

  app.post<{ Params: { siteId: string }; Body: LabelRequest }>(INBOX_PATHS.siteLabels, {
    preHandler: ownerOnly,
    schema: { params: s.object({ siteId: s.id }, ['siteId']), body: s.object({ name: labelName, color }, ['name', 'color']) },
  }, async (request) => {
    const site = await siteOfOwner(request);
    const created = await store.createLabel({ siteId: site.id, name: request.body.name, color: request.body.color.toLowerCase() })
      .catch((error: unknown) => refused(error, 'LABEL_NAME_TAKEN'));
    return { label: created.value };
  });

  app.patch<{ Params: { siteId: string; labelId: string }; Body: Partial<LabelRequest> }>(INBOX_PATHS.siteLabel, {
    preHandler: ownerOnly,
    schema: { params: s.object({ siteId: s.id, labelId: s.id }, ['siteId', 'labelId']), body: { ...s.object({ name: labelName, color }), minProperties: 1 } },
  }, async (request) => {
    const site = await siteOfOwner(request);
    const { name, color: colour } = request.body;
    const updated = await store.updateLabel(site.id, request.params.labelId, { name, color: colour?.toLowerCase() })
      .catch((error: unknown) => refused(error, 'LABEL_NAME_TAKEN'));
    if (!updated) throw noLabel();
    return { label: updated.value };
  });

  app.delete<{ Params: { siteId: string; labelId: string } }>(INBOX_PATHS.siteLabel, {
    preHandler: ownerOnly,
    schema: { params: s.object({ siteId: s.id, labelId: s.id }, ['siteId', 'labelId']) },
  }, async (request, reply) => {
    const site = await siteOfOwner(request);
    if (!(await store.deleteLabel(site.id, request.params.labelId)).value) throw noLabel();
    return reply.status(204).send();
  });

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route<{ Params: { conversationId: string; labelId: string } }>({
      method,
      url: INBOX_PATHS.conversationLabel,
      schema: { params: s.object({ conversationId: s.id, labelId: s.id }, ['conversationId', 'labelId']) },
      handler: async (request) => {
        const conversation = await store.getConversationRef(request.params.conversationId);
        if (!conversation || !userOf(request).siteIds.includes(conversation.siteId)) {
          throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
        }
        const changed = await store.setConversationLabel(conversation.id, request.params.labelId, method === 'PUT');
        if (!changed) throw noLabel();
        return { labelIds: changed.value };
      },
    });
  }

  // Saved views -------------------------------------------------------------------------------

  app.get(INBOX_PATHS.views, async (request) => ({ views: await store.listSavedViews(userOf(request).id) }));

  app.post<{ Body: SaveViewRequest }>(INBOX_PATHS.views, {
    schema: { body: s.object({ name: { type: 'string', minLength: 1, maxLength: LIMITS.viewNameMax, pattern: '\\S' }, filter }, ['name', 'filter']) },
  }, async (request) => {
    const user = userOf(request);
    const wanted: QueueFilter = { ...request.body.filter, q: request.body.filter.q.trim() };
    if (wanted.labelId && !(await store.listLabels(user.siteIds)).some((label) => label.id === wanted.labelId)) throw noLabel();
    const view = await store.createSavedView({ userId: user.id, name: request.body.name, filter: wanted })
      .catch((error: unknown) => refused(error, 'VIEW_NAME_TAKEN'));
    return { view };
  });

  app.delete<{ Params: { viewId: string } }>(INBOX_PATHS.view, { schema: { params: s.object({ viewId: s.id }, ['viewId']) } }, async (request, reply) => {
    if (!(await store.deleteSavedView(userOf(request).id, request.params.viewId))) throw new ParleyError('VIEW_NOT_FOUND', 'You have no saved view with this id.');
    return reply.status(204).send();
  });

  // A visitor across visits, and merging two ---------------------------------------------------

  app.get<{ Params: { visitorId: string } }>(INBOX_PATHS.visitor, { schema: { params: s.object({ visitorId: s.id }, ['visitorId']) } }, async (request): Promise<VisitorProfile> => {
    const visitor = await visitorOnMySites(request, request.params.visitorId);
    const [pages, conversations] = await Promise.all([store.visitorPages(visitor.id), store.listVisitorConversations(visitor.id)]);
    return {
      visitor, visitorOnline: presence.visitorOnline(visitor.id), pages, conversations,
      labels: await store.conversationLabels(conversations.map((c) => c.id)),
    };
  });

  app.post<{ Params: { visitorId: string }; Body: { from: string } }>(INBOX_PATHS.merge, {
    schema: { params: s.object({ visitorId: s.id }, ['visitorId']), body: s.object({ from: s.id }, ['from']) },
  }, async (request): Promise<MergeVisitorsResponse> => {
    const into = await visitorOnMySites(request, request.params.visitorId);
    const from = await visitorOnMySites(request, request.body.from);
    if (into.id === from.id) throw new ParleyError('BAD_REQUEST', 'A visitor cannot be merged into themselves; pick the other visitor.');
    const merged = await store.mergeVisitors(into.id, from.id).catch((error: unknown) => refused(error, null));
    if (!merged) throw new ParleyError('VISITOR_NOT_FOUND', 'One of these visitors no longer exists (merged or deleted meanwhile).');
    // The merged-away visitor's open widgets were streaming as a visitor who no longer exists: end
    // those streams with "changed", so they reconnect at once — and their token now finds `into`,
    // whose stream carries their conversations (with their events, which moved too).
    revoke(streamKey.visitor(from.id), { reason: 'changed' });
    return merged.value;
  });
}
