/**
 * The team inbox's API (issue 14): labels (owners manage a site's; agents put them on
 * conversations), each agent's saved views, a visitor's profile across visits with every
 * conversation of theirs, and merging two visitors who turn out to be one person. Same session and
 * CSRF rules as the agent API; everything is scoped to the sites the user works on, and answers
 * "not found" for anything outside them. Shapes come from protocol/inbox-api.ts, typed through
 * the schema provider.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { siteParamsSchema, visitorParamsSchema } from '../../protocol/admin-api.ts';
import { noContentSchema } from '../../protocol/agent-api.ts';
import {
  conversationLabelIdsSchema, conversationLabelParamsSchema, labelAnswerSchema, labelListResponseSchema, labelPatchSchema, labelRequestSchema,
  mergeVisitorsRequestSchema, mergeVisitorsResponseSchema, saveViewRequestSchema, siteLabelParamsSchema, viewAnswerSchema, viewListResponseSchema,
  viewParamsSchema, visitorProfileSchema, type QueueFilter,
} from '../../protocol/inbox-api.ts';
import { INBOX_PATHS, type Visitor } from '../../protocol/protocol.ts';
import { streamKey } from '../realtime/revoke.ts';
import type { Services } from '../services.ts';
import { RefusedError } from '../store/store.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

/** The store's refusals in the catalogue's words: which code a taken name is depends on what was named. */
function refused(error: unknown, named: 'LABEL_NAME_TAKEN' | 'VIEW_NAME_TAKEN' | null): never {
  if (!(error instanceof RefusedError)) throw error;
  if (error.reason === 'limit') throw new ParleyError('LIMIT_REACHED', error.message);
  if (error.reason === 'name-taken' && named) throw new ParleyError(named, error.message);
  throw new ParleyError('MERGE_REFUSED', error.message);
}

const label = (description: string) => ({ 200: { ...labelAnswerSchema, description } });

export async function teamInboxRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store, presence, revoke } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();
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
  const siteOfOwner = async (siteId: string) => {
    const site = await store.getSite(siteId);
    if (!site) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
    return site;
  };
  const noLabel = () => new ParleyError('LABEL_NOT_FOUND', 'No such label on this site; it may have been deleted.');

  // Labels ------------------------------------------------------------------------------------

  app.get(INBOX_PATHS.labels, {
    schema: { summary: 'The labels of every site you work on', response: { 200: { ...labelListResponseSchema, description: 'The labels' } } },
  }, async (request) => ({ labels: await store.listLabels(userOf(request).siteIds) }));

  app.post(INBOX_PATHS.siteLabels, {
    preHandler: ownerOnly,
    schema: { summary: 'Create a label of the site', params: siteParamsSchema, body: labelRequestSchema, response: label('The label (its colour lower-cased)') },
  }, async (request) => {
    const site = await siteOfOwner(request.params.siteId);
    const created = await store.createLabel({ siteId: site.id, name: request.body.name, color: request.body.color.toLowerCase() })
      .catch((error: unknown) => refused(error, 'LABEL_NAME_TAKEN'));
    return { label: created.value };
  });

  app.patch(INBOX_PATHS.siteLabel, {
    preHandler: ownerOnly,
    schema: { summary: 'Rename or recolour a label', params: siteLabelParamsSchema, body: labelPatchSchema, response: label('The label after the change') },
  }, async (request) => {
    const site = await siteOfOwner(request.params.siteId);
    const { name, color: colour } = request.body;
    const updated = await store.updateLabel(site.id, request.params.labelId, { name, color: colour?.toLowerCase() })
      .catch((error: unknown) => refused(error, 'LABEL_NAME_TAKEN'));
    if (!updated) throw noLabel();
    return { label: updated.value };
  });

  app.delete(INBOX_PATHS.siteLabel, {
    preHandler: ownerOnly,
    schema: { summary: 'Delete a label: it comes off every conversation', params: siteLabelParamsSchema, response: { 204: noContentSchema } },
  }, async (request, reply) => {
    const site = await siteOfOwner(request.params.siteId);
    if (!(await store.deleteLabel(site.id, request.params.labelId)).value) throw noLabel();
    return reply.status(204).send(null);
  });

  for (const [method, summary] of [['PUT', 'Put a label on the conversation'], ['DELETE', 'Take a label off the conversation']] as const) {
    app.route({
      method,
      url: INBOX_PATHS.conversationLabel,
      schema: {
        summary, params: conversationLabelParamsSchema,
        response: { 200: { ...conversationLabelIdsSchema, description: 'Every label id the conversation has now' } },
      },
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

  app.get(INBOX_PATHS.views, {
    schema: { summary: 'Your saved views', response: { 200: { ...viewListResponseSchema, description: 'Your views' } } },
  }, async (request) => ({ views: await store.listSavedViews(userOf(request).id) }));

  app.post(INBOX_PATHS.views, {
    schema: {
      summary: 'Save a queue filter under a name', body: saveViewRequestSchema,
      response: { 200: { ...viewAnswerSchema, description: 'The view (its search trimmed)' } },
    },
  }, async (request) => {
    const user = userOf(request);
    const wanted: QueueFilter = { ...request.body.filter, q: request.body.filter.q.trim() };
    if (wanted.labelId && !(await store.listLabels(user.siteIds)).some((label) => label.id === wanted.labelId)) throw noLabel();
    const view = await store.createSavedView({ userId: user.id, name: request.body.name, filter: wanted })
      .catch((error: unknown) => refused(error, 'VIEW_NAME_TAKEN'));
    return { view };
  });

  app.delete(INBOX_PATHS.view, {
    schema: { summary: 'Delete one of your saved views', params: viewParamsSchema, response: { 204: noContentSchema } },
  }, async (request, reply) => {
    if (!(await store.deleteSavedView(userOf(request).id, request.params.viewId))) throw new ParleyError('VIEW_NOT_FOUND', 'You have no saved view with this id.');
    return reply.status(204).send(null);
  });

  // A visitor across visits, and merging two ---------------------------------------------------

  app.get(INBOX_PATHS.visitor, {
    schema: {
      summary: 'A visitor across visits: their record, the pages they opened, every conversation of theirs',
      params: visitorParamsSchema, response: { 200: { ...visitorProfileSchema, description: 'The visitor\'s profile' } },
    },
  }, async (request) => {
    const visitor = await visitorOnMySites(request, request.params.visitorId);
    const [pages, conversations] = await Promise.all([store.visitorPages(visitor.id), store.listVisitorConversations(visitor.id)]);
    return {
      visitor, visitorOnline: presence.visitorOnline(visitor.id), pages, conversations,
      labels: await store.conversationLabels(conversations.map((c) => c.id)),
    };
  });

  app.post(INBOX_PATHS.merge, {
    schema: {
      summary: 'Merge visitor `from` into this one: their conversations, pages and devices become this visitor\'s, and `from` is gone',
      params: visitorParamsSchema, body: mergeVisitorsRequestSchema,
      response: { 200: { ...mergeVisitorsResponseSchema, description: 'This visitor after the merge, and the conversations that moved' } },
    },
  }, async (request) => {
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
