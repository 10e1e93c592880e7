/**
 * Assignment's API (issue 14): owners choose a site's rule (manual, round-robin, least-load), its
 * unanswered-alert threshold and each agent's capacity, and manage its teams; agents read their
 * sites' teams and pass a conversation to a team. Same session and CSRF rules as the agent API;
 * anything outside the user's sites answers "not found". Who gets a conversation is decided by the
 * store (autoAssign, transferToTeam), never here; after a change that may let waiting
 * conversations go to someone, the assigner drains the site.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ASSIGNMENT_PATHS, LIMITS, type AssignmentSettings, type Conversation, type Team, type TeamRequest, type UpdateAssignmentRequest,
} from '../../protocol/protocol.ts';
import type { Services } from '../services.ts';
import { RefusedError } from '../store/store.ts';
import { agentRef } from './agent-routes.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';

const teamName = { type: 'string', minLength: 1, maxLength: LIMITS.teamNameMax, pattern: '\\S' } as const;
const memberIds = { type: 'array', maxItems: 500, items: s.id } as const;
const siteParams = s.object({ siteId: s.id }, ['siteId']);
const teamParams = s.object({ siteId: s.id, teamId: s.id }, ['siteId', 'teamId']);
const settingsPatch = {
  ...s.object({
    rule: { enum: ['manual', 'round-robin', 'least-load'] },
    // At least 30 s: a shorter threshold would alert on conversations nobody could have seen yet.
    unansweredAfterSeconds: { type: ['integer', 'null'], minimum: 30, maximum: 24 * 3600 },
    capacities: {
      type: 'object',
      maxProperties: 500,
      propertyNames: { maxLength: 64 },
      additionalProperties: { type: ['integer', 'null'], minimum: 0, maximum: LIMITS.capacityMax },
    },
  }),
  minProperties: 1,
};

/** The store's refusals in the catalogue's words. */
function refused(error: unknown): never {
  if (error instanceof RefusedError && error.reason === 'name-taken') throw new ParleyError('TEAM_NAME_TAKEN', error.message);
  if (error instanceof RefusedError && error.reason === 'limit') throw new ParleyError('LIMIT_REACHED', error.message);
  throw error;
}

export async function assignmentRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, presence, assigner } = services;
  app.addHook('onRequest', requireAgent(services));

  const userOf = (request: FastifyRequest) => request.agent!.user;
  const ownerOnly = async (request: FastifyRequest) => {
    if (userOf(request).role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can change how conversations are assigned.');
  };
  const siteOf = async (request: FastifyRequest<{ Params: { siteId: string } }>) => {
    const site = await store.getSite(request.params.siteId);
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

  app.get(ASSIGNMENT_PATHS.teams, async (request): Promise<{ teams: Team[] }> => ({ teams: await store.listTeams(userOf(request).siteIds) }));

  app.post<{ Params: { conversationId: string }; Body: { teamId: string } }>(ASSIGNMENT_PATHS.transferToTeam, {
    schema: { params: s.agentConversationParams, body: s.object({ teamId: s.id }, ['teamId']) },
  }, async (request): Promise<{ conversation: Conversation }> => {
    const user = userOf(request);
    const ref = await store.getConversationRef(request.params.conversationId);
    if (!ref || !user.siteIds.includes(ref.siteId)) throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
    const moved = await store.transferToTeam(ref.id, agentRef(user), request.body.teamId, presence.onlineAgents(ref.siteId));
    if (!moved) throw noTeam();
    return { conversation: moved.value };
  });

  // Owners ------------------------------------------------------------------------------------

  app.get<{ Params: { siteId: string } }>(ASSIGNMENT_PATHS.settings, { preHandler: ownerOnly, schema: { params: siteParams } },
    async (request): Promise<{ assignment: AssignmentSettings }> => ({ assignment: await store.getAssignmentSettings((await siteOf(request)).id) }));

  app.patch<{ Params: { siteId: string }; Body: UpdateAssignmentRequest }>(ASSIGNMENT_PATHS.settings, {
    preHandler: ownerOnly,
    schema: { params: siteParams, body: settingsPatch },
  }, async (request): Promise<{ assignment: AssignmentSettings }> => {
    const site = await siteOf(request);
    const capacities = request.body.capacities ?? {};
    // Taking a limit away needs no check: that agent may have left the site since.
    await assertAgentsOf(site.id, Object.keys(capacities).filter((id) => capacities[id] !== null));
    const assignment = await store.updateAssignmentSettings(site.id, request.body);
    // A rule turned on, or a capacity raised: whoever can take a waiting conversation now gets it.
    void assigner.drain(site.id);
    return { assignment };
  });

  app.get<{ Params: { siteId: string } }>(ASSIGNMENT_PATHS.siteTeams, { preHandler: ownerOnly, schema: { params: siteParams } },
    async (request): Promise<{ teams: Team[] }> => ({ teams: await store.listTeams([(await siteOf(request)).id]) }));

  app.post<{ Params: { siteId: string }; Body: TeamRequest }>(ASSIGNMENT_PATHS.siteTeams, {
    preHandler: ownerOnly,
    schema: { params: siteParams, body: s.object({ name: teamName, memberIds }, ['name', 'memberIds']) },
  }, async (request): Promise<{ team: Team }> => {
    const site = await siteOf(request);
    await assertAgentsOf(site.id, request.body.memberIds);
    return { team: (await store.createTeam({ siteId: site.id, ...request.body }).catch(refused)).value };
  });

  app.patch<{ Params: { siteId: string; teamId: string }; Body: Partial<TeamRequest> }>(ASSIGNMENT_PATHS.siteTeam, {
    preHandler: ownerOnly,
    schema: { params: teamParams, body: { ...s.object({ name: teamName, memberIds }), minProperties: 1 } },
  }, async (request): Promise<{ team: Team }> => {
    const site = await siteOf(request);
    if (request.body.memberIds) await assertAgentsOf(site.id, request.body.memberIds);
    const updated = await store.updateTeam(site.id, request.params.teamId, request.body).catch(refused);
    if (!updated) throw noTeam();
    return { team: updated.value };
  });

  app.delete<{ Params: { siteId: string; teamId: string } }>(ASSIGNMENT_PATHS.siteTeam, {
    preHandler: ownerOnly,
    schema: { params: teamParams },
  }, async (request, reply) => {
    const site = await siteOf(request);
    if (!(await store.deleteTeam(site.id, request.params.teamId)).value) throw noTeam();
    return reply.status(204).send();
  });
}
