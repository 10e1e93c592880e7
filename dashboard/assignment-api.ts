/**
 * Assignment's API (protocol ASSIGNMENT_PATHS, issue 14: teams, passing a conversation to a team,
 * a site's rule, threshold and capacities) as typed functions over the dashboard's one request
 * function, so the CSRF header, error codes and 401 handling are the same as everywhere else.
 */
import {
  ASSIGNMENT_PATHS, path, type AssignmentSettings, type Conversation, type Team, type TeamRequest, type UpdateAssignmentRequest,
} from '../protocol/protocol.ts';
import type { Call } from './api.ts';

export function createAssignmentApi(call: Call) {
  const siteTeam = (siteId: string, teamId: string) => path(ASSIGNMENT_PATHS.siteTeam, { siteId, teamId });
  return {
    /** Every team of the user's sites (owners: of every site). */
    teams: () => call<{ teams: Team[] }>('GET', ASSIGNMENT_PATHS.teams),
    transferToTeam: (conversationId: string, teamId: string) =>
      call<{ conversation: Conversation }>('POST', path(ASSIGNMENT_PATHS.transferToTeam, { conversationId }), { teamId }),
    settings: (siteId: string) => call<{ assignment: AssignmentSettings }>('GET', path(ASSIGNMENT_PATHS.settings, { siteId })),
    updateSettings: (siteId: string, patch: UpdateAssignmentRequest) =>
      call<{ assignment: AssignmentSettings }>('PATCH', path(ASSIGNMENT_PATHS.settings, { siteId }), patch),
    createTeam: (siteId: string, request: TeamRequest) => call<{ team: Team }>('POST', path(ASSIGNMENT_PATHS.siteTeams, { siteId }), request),
    updateTeam: (siteId: string, teamId: string, patch: Partial<TeamRequest>) => call<{ team: Team }>('PATCH', siteTeam(siteId, teamId), patch),
    deleteTeam: (siteId: string, teamId: string) => call<void>('DELETE', siteTeam(siteId, teamId)),
  };
}

export type AssignmentApi = ReturnType<typeof createAssignmentApi>;
