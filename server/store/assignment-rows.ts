/**
 * Row ⇄ entity mapping for assignment (issue 14), shared by the SQL stores like rows.ts: teams
 * with their members, a site's settings with its capacities, and the team name's uniqueness key.
 */
import type { AssignmentRule, AssignmentSettings, Team } from '../../protocol/protocol.ts';
import type { LoggedEvent } from './store.ts';

type Row = Record<string, unknown>;

/** What a team name is compared by for uniqueness in its site: the same on every engine. */
export const teamNameKey = (name: string): string => name.trim().toLowerCase();

/** Teams rows, and team_members rows (team_id, user_id) of those teams. */
export function toTeams(teams: Row[], members: Row[]): Team[] {
  const byTeam = new Map<string, string[]>();
  for (const row of members) {
    const list = byTeam.get(String(row.team_id));
    if (list) list.push(String(row.user_id));
    else byTeam.set(String(row.team_id), [String(row.user_id)]);
  }
  return teams.map((row) => ({
    id: String(row.id),
    siteId: String(row.site_id),
    name: String(row.name),
    memberIds: (byTeam.get(String(row.id)) ?? []).sort(),
    createdAt: Number(row.created_at),
  }));
}

/** A site_assignment row (absent: never set) and the site's agent_capacity rows. */
export function toAssignmentSettings(row: Row | undefined, capacities: Row[]): AssignmentSettings {
  return {
    rule: row ? (String(row.rule) as AssignmentRule) : 'manual',
    unansweredAfterSeconds: row?.unanswered_after_ms == null ? null : Math.round(Number(row.unanswered_after_ms) / 1000),
    capacities: Object.fromEntries(capacities.map((c) => [String(c.user_id), Number(c.capacity)])),
  };
}

/** The event a team change logs: the site's teams after it, for every agent's dashboard. */
export const teamsEvent = (siteId: string, teams: Team[]): Omit<LoggedEvent, 'id'> =>
  ({ type: 'teams', data: { siteId, teams }, siteId, visitorId: null, audience: 'agents' });
