/**
 * Assignment's intents (issue 14): the teams of the agent's sites, passing a conversation to a
 * team, and for owners a site's rule, unanswered threshold, capacities and teams. Each records its
 * outcome through the state modules' actions; the owner's answer the sentence to show when it did
 * not work (null when it did), worded from the server's stable error codes.
 */
import type { TeamRequest, UpdateAssignmentRequest } from '../../protocol/protocol.ts';
import { ApiError } from '../api.ts';
import { createAssignmentApi } from '../assignment-api.ts';
import * as assignment from '../state/assignment.ts';
import * as conversation from '../state/conversation.ts';
import * as queue from '../state/queue.ts';
import { messageOf, type ControllerDeps } from './deps.ts';

function explain(error: unknown): string | null {
  if (error instanceof ApiError && error.status === 401) return null; // back to login already
  if (!(error instanceof ApiError)) return messageOf(error);
  switch (error.code) {
    case 'PARLEY_ERR_TEAM_NAME_TAKEN': return 'Another team of this site has that name. Choose another one.';
    case 'PARLEY_ERR_TEAM_NOT_FOUND': return 'This team no longer exists; it may have just been deleted.';
    case 'PARLEY_ERR_LIMIT_REACHED': return error.message;
    case 'PARLEY_ERR_USER_NOT_FOUND': return 'One of these agents no longer works on this site; reload the page.';
    case 'PARLEY_ERR_FORBIDDEN': return 'Only owners can change how conversations are assigned.';
    default: return error.message;
  }
}

export function createAssignmentIntents(deps: ControllerDeps) {
  const api = createAssignmentApi(deps.api.call);
  const attempt = async (run: () => Promise<void>): Promise<string | null> => {
    try {
      await run();
      return null;
    } catch (error) {
      return explain(error) ?? null;
    }
  };

  return {
    /** At sign-in and after a reset; the `teams` event keeps them current in between. */
    async loadTeams(): Promise<void> {
      try {
        assignment.teamsLoaded((await api.teams()).teams);
      } catch { /* the next resync asks again */ }
    },

    /** It waits for the team (the rule may give it to a member at once). */
    async transferToTeam(conversationId: string, teamId: string): Promise<boolean> {
      conversation.actionFailed(null);
      try {
        queue.conversationChanged((await api.transferToTeam(conversationId, teamId)).conversation);
        return true;
      } catch (error) {
        const text = explain(error);
        if (text) conversation.actionFailed(`Could not pass it to the team: ${text}`);
        return false;
      }
    },

    loadSettings: (siteId: string) => attempt(async () => assignment.settingsLoaded(siteId, (await api.settings(siteId)).assignment)),
    /** A rule turned on takes effect at once: waiting conversations go to whoever can take them. */
    saveSettings: (siteId: string, patch: UpdateAssignmentRequest) =>
      attempt(async () => assignment.settingsLoaded(siteId, (await api.updateSettings(siteId, patch)).assignment)),

    // The site's list comes back as the `teams` event too; the answer is applied at once all the same.
    createTeam: (siteId: string, request: TeamRequest) => attempt(async () => {
      const { team } = await api.createTeam(siteId, request);
      assignment.siteTeamsChanged(siteId, [...assignment.teamsOfSite(siteId).filter((t) => t.id !== team.id), team]);
    }),
    updateTeam: (siteId: string, teamId: string, patch: Partial<TeamRequest>) => attempt(async () => {
      const { team } = await api.updateTeam(siteId, teamId, patch);
      assignment.siteTeamsChanged(siteId, assignment.teamsOfSite(siteId).map((t) => (t.id === team.id ? team : t)));
    }),
    deleteTeam: (siteId: string, teamId: string) => attempt(async () => {
      await api.deleteTeam(siteId, teamId);
      assignment.siteTeamsChanged(siteId, assignment.teamsOfSite(siteId).filter((t) => t.id !== teamId));
    }),
  };
}

export type AssignmentIntents = ReturnType<typeof createAssignmentIntents>;
