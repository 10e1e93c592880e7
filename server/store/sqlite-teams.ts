/**
 * The SQLite store's teams (issue 14): groups of a site's agents that conversations can be passed
 * to. Each change logs `teams`, the site's whole list after it, in its own write job; deleting a
 * team leaves its conversations without one (ON DELETE SET NULL), each open one told as an update.
 */
import { LIMITS, type Team } from '../../protocol/protocol.ts';
import { teamNameKey, teamsEvent, toTeams } from './assignment-rows.ts';
import { newId } from './rows.ts';
import { createChatRows } from './sqlite-chat-rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import { RefusedError, type TeamMethods } from './store.ts';

export function createSqliteTeams(ctx: SqliteDb): TeamMethods {
  const { now, one, all, run, write, logEvent } = ctx;
  const { mustConversation, conversationEvent } = createChatRows(ctx);

  const teamsOf = (siteIds: string[]): Team[] => {
    if (siteIds.length === 0) return [];
    const marks = siteIds.map(() => '?').join(', ');
    return toTeams(all(`SELECT * FROM teams WHERE site_id IN (${marks}) ORDER BY site_id, name_key`, ...siteIds),
      all(`SELECT m.team_id, m.user_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.site_id IN (${marks})`, ...siteIds));
  };
  const team = (id: string): Team | null => {
    const row = one('SELECT * FROM teams WHERE id = ?', id);
    return row ? toTeams([row], all('SELECT team_id, user_id FROM team_members WHERE team_id = ?', id))[0]! : null;
  };
  /** In the job: another team of the site with this name, whatever its case, refuses the change. */
  const assertNameFree = (siteId: string, name: string, except: string | null) => {
    if (one('SELECT 1 FROM teams WHERE site_id = ? AND name_key = ? AND id IS NOT ?', siteId, teamNameKey(name), except)) {
      throw new RefusedError('name-taken', `There is already a team called “${name.trim()}” on this site.`);
    }
  };
  const setMembers = (teamId: string, memberIds: string[]) => {
    run('DELETE FROM team_members WHERE team_id = ?', teamId);
    for (const userId of new Set(memberIds)) run('INSERT INTO team_members (team_id, user_id) VALUES (?, ?)', teamId, userId);
  };
  const logTeams = (siteId: string) => logEvent(teamsEvent(siteId, teamsOf([siteId])));

  return {
    async listTeams(siteIds) {
      return teamsOf(siteIds);
    },
    async getTeam(id) {
      return team(id);
    },
    async createTeam({ siteId, name, memberIds }) {
      return write(() => {
        assertNameFree(siteId, name, null);
        if (Number(one('SELECT count(*) AS n FROM teams WHERE site_id = ?', siteId)!.n) >= LIMITS.teamsPerSite) {
          throw new RefusedError('limit', `A site can have ${LIMITS.teamsPerSite} teams; delete one first.`);
        }
        const id = newId('t');
        run('INSERT INTO teams (id, site_id, name, name_key, created_at) VALUES (?, ?, ?, ?, ?)', id, siteId, name.trim(), teamNameKey(name), now());
        setMembers(id, memberIds);
        return { value: team(id)!, events: [logTeams(siteId)] };
      });
    },
    async updateTeam(siteId, teamId, { name, memberIds }) {
      return write(() => {
        if (!one('SELECT 1 FROM teams WHERE id = ? AND site_id = ?', teamId, siteId)) return null;
        if (name !== undefined) {
          assertNameFree(siteId, name, teamId);
          run('UPDATE teams SET name = ?, name_key = ? WHERE id = ?', name.trim(), teamNameKey(name), teamId);
        }
        if (memberIds !== undefined) setMembers(teamId, memberIds);
        return { value: team(teamId)!, events: [logTeams(siteId)] };
      });
    },
    async deleteTeam(siteId, teamId) {
      return write(() => {
        const open = all("SELECT id FROM conversations WHERE team_id = ? AND status <> 'resolved'", teamId).map((r) => String(r.id));
        if (Number(run('DELETE FROM teams WHERE id = ? AND site_id = ?', teamId, siteId).changes) === 0) return { value: false, events: [] };
        const updated = open.map((id) => conversationEvent(mustConversation(id), 'conversation.updated'));
        return { value: true, events: [...updated, logTeams(siteId)] };
      });
    },
  };
}
