/**
 * Assignment's state (issue 14): the teams of the agent's sites — which decide whose waiting
 * queue a team's conversation is in — and, for owners, each site's rule, threshold and capacities.
 * Changed only through the actions below (REST answers and the `teams` event).
 */
import { computed, signal } from '@preact/signals';
import type { AssignmentSettings, Conversation, Team } from '../../protocol/protocol.ts';
import { user } from './session.ts';

export const teams = signal<Team[]>([]);
/** The teams the signed-in agent is a member of. */
export const myTeamIds = computed(() => {
  const me = user.value?.id;
  return new Set(teams.value.filter((team) => me && team.memberIds.includes(me)).map((team) => team.id));
});
/** Owners' settings page: each site's settings as last loaded or saved. */
export const settingsBySite = signal<ReadonlyMap<string, AssignmentSettings>>(new Map());

export const teamsOfSite = (siteId: string): Team[] => teams.value.filter((team) => team.siteId === siteId);

/**
 * Whether a waiting conversation is in this agent's queue: one of no team, or of a team they are
 * in (the server's waiting view says the same: ConversationQuery.teamIds).
 */
export const inMyQueue = (conversation: Pick<Conversation, 'team'>): boolean => !conversation.team || myTeamIds.value.has(conversation.team.id);

export function teamsLoaded(list: Team[]): void {
  teams.value = list;
}

/** The `teams` event: a site's whole list after an owner changed it. */
export function siteTeamsChanged(siteId: string, list: Team[]): void {
  teams.value = [...teams.value.filter((team) => team.siteId !== siteId), ...list];
}

export function settingsLoaded(siteId: string, settings: AssignmentSettings): void {
  settingsBySite.value = new Map(settingsBySite.value).set(siteId, settings);
}

/** Signed out: nothing of the last session's sites stays. */
export function forgetAssignment(): void {
  teams.value = [];
  settingsBySite.value = new Map();
}
