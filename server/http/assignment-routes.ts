/**
 * Assignment's API (issue 14): owners choose a site's rule (manual, round-robin, least-load), its
 * unanswered-alert threshold and each agent's capacity, and manage its teams; agents read their
 * sites' teams and pass a conversation to a team. Same session and CSRF rules as the agent API;
 * anything outside the user's sites answers "not found". Who gets a conversation is decided by the
 * store (autoAssign, transferToTeam), never here; after a change that may let waiting
 * conversations go to someone, the assigner drains the site. Shapes come from
 * protocol/inbox-api.ts, typed through the schema provider.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { siteParamsSchema } from '../../protocol/admin-api.ts';
import { conversationParamsSchema, noContentSchema } from '../../protocol/agent-api.ts';
import { conversationAnswerSchema } from '../../protocol/conversation-api.ts';
import {
  assignmentAnswerSchema, siteTeamParamsSchema, teamAnswerSchema, teamListResponseSchema, teamPatchSchema, teamRequestSchema,
  teamTransferRequestSchema, updateAssignmentRequestSchema,
} from '../../protocol/inbox-api.ts';
import { ASSIGNMENT_PATHS } from '../../protocol/protocol.ts';
import type { Services } from '../services.ts';
import { RefusedError } from '../store/store.ts';
import { agentRef } from './agent-routes.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

/** The store's refusals in the catalogue's words. */
function refused(error: unknown): never {
  if (error instanceof RefusedError && error.reason === 'name-taken') throw new ParleyError('TEAM_NAME_TAKEN', error.message);
  if (error instanceof RefusedError && error.reason === 'limit') throw new ParleyError('LIMIT_REACHED', error.message);
  throw error;
}

const teams = (description: string) => ({ 200: { ...teamListResponseSchema, description } });
const team = (description: string) => ({ 200: { ...teamAnswerSchema, description } });
const assignment = (description: string) => ({ 200: { ...assignmentAnswerSchema, description } });

export async function assignmentRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store, presence, assigner } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();
  app.addHook('onRequest', requireAgent(services));

  const userOf = (request: FastifyRequest) => request.agent!.user;
  const ownerOnly = async (request: FastifyRequest) => {
    if (userOf(request).role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can change how conversations are assigned.');
  };
  const siteOf = async (siteId: string) => {
    const site = await store.getSite(siteId);
    if (!site) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
    return site;
  };
  /** Capacities and team members must be agents who work on the site (owners work on all). */
  const assertAgentsOf = async (siteId: string, ids: string[]) => {
    const agents = new Set((await store.listUsers(siteId)).map((user) => user.id));
    const unknown = ids.filter((id) => !agents.has(id));
    if (unknown.length > 0) throw new ParleyError('USER_NOT_FOUND', `No agent with id ${unknown.join(', ')} works on this site.`);
  };
  const noTeam = () => new ParleyError('TEAM_NOT_FOUND', 'No such team on this site; it may have been deleted.');

  // Agents ------------------------------------------------------------------------------------

  app.get(ASSIGNMENT_PATHS.teams, {
    schema: { summary: 'The teams of every site you work on', response: teams('The teams, with their members') },
  }, async (request) => ({ teams: await store.listTeams(userOf(request).siteIds) }));

  app.post(ASSIGNMENT_PATHS.transferToTeam, {
    schema: {
      summary: 'Pass the conversation to a team: it waits for the team\'s members, and the site\'s rule may give it to one of them',
      params: conversationParamsSchema, body: teamTransferRequestSchema,
      response: { 200: { ...conversationAnswerSchema, description: 'The conversation, waiting for the team (or assigned by the rule)' } },
    },
  }, async (request) => {
    const user = userOf(request);
    const ref = await store.getConversationRef(request.params.conversationId);
    if (!ref || !user.siteIds.includes(ref.siteId)) throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
    const moved = await store.transferToTeam(ref.id, agentRef(user), request.body.teamId, presence.onlineAgents(ref.siteId));
    if (!moved) throw noTeam();
    return { conversation: moved.value };
  });

  // Owners ------------------------------------------------------------------------------------

  app.get(ASSIGNMENT_PATHS.settings, {
    preHandler: ownerOnly,
    schema: { summary: 'A site\'s assignment rule, unanswered-alert threshold and capacities', params: siteParamsSchema, response: assignment('The site\'s settings') },
  }, async (request) => ({ assignment: await store.getAssignmentSettings((await siteOf(request.params.siteId)).id) }));

  app.patch(ASSIGNMENT_PATHS.settings, {
    preHandler: ownerOnly,
    schema: {
      summary: 'Change a site\'s rule, threshold or capacities (a capacity of null takes that limit away)',
      params: siteParamsSchema, body: updateAssignmentRequestSchema, response: assignment('The site\'s settings after the change'),
    },
  }, async (request) => {
    const site = await siteOf(request.params.siteId);
    const capacities = request.body.capacities ?? {};
    // Taking a limit away needs no check: that agent may have left the site since.
    await assertAgentsOf(site.id, Object.keys(capacities).filter((id) => capacities[id] !== null));
    const assignment = await store.updateAssignmentSettings(site.id, request.body);
    // A rule turned on, or a capacity raised: whoever can take a waiting conversation now gets it.
    void assigner.drain(site.id);
    return { assignment };
  });

  app.get(ASSIGNMENT_PATHS.siteTeams, {
    preHandler: ownerOnly,
    schema: { summary: 'A site\'s teams', params: siteParamsSchema, response: teams('The site\'s teams') },
  }, async (request) => ({ teams: await store.listTeams([(await siteOf(request.params.siteId)).id]) }));

  app.post(ASSIGNMENT_PATHS.siteTeams, {
    preHandler: ownerOnly,
    schema: { summary: 'Create a team of the site\'s agents', params: siteParamsSchema, body: teamRequestSchema, response: team('The team') },
  }, async (request) => {
    const site = await siteOf(request.params.siteId);
    await assertAgentsOf(site.id, request.body.memberIds);
    return { team: (await store.createTeam({ siteId: site.id, ...request.body }).catch(refused)).value };
  });

  app.patch(ASSIGNMENT_PATHS.siteTeam, {
    preHandler: ownerOnly,
    schema: { summary: 'Rename a team or change its members', params: siteTeamParamsSchema, body: teamPatchSchema, response: team('The team after the change') },
  }, async (request) => {
    const site = await siteOf(request.params.siteId);
    if (request.body.memberIds) await assertAgentsOf(site.id, request.body.memberIds);
    const updated = await store.updateTeam(site.id, request.params.teamId, request.body).catch(refused);
    if (!updated) throw noTeam();
    return { team: updated.value };
  });

  app.delete(ASSIGNMENT_PATHS.siteTeam, {
    preHandler: ownerOnly,
    schema: { summary: 'Delete a team: its conversations stay, without a team', params: siteTeamParamsSchema, response: { 204: noContentSchema } },
  }, async (request, reply) => {
    const site = await siteOf(request.params.siteId);
    if (!(await store.deleteTeam(site.id, request.params.teamId)).value) throw noTeam();
    return reply.status(204).send(null);
  });
}
