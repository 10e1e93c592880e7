/**
 * The PostgreSQL store's teams (issue 14); the same rows and events as SQLite's (sqlite-teams.ts).
 * Every change to a site's teams first locks the site's row (NO KEY UPDATE, as labels do), which
 * makes the name and limit checks exact across processes. Deleting a team takes its conversations
 * off it first, locked in id order, before the team row: the order autoAssign takes them in
 * (conversation, then team), so the two cannot wait for each other.
 */
import { LIMITS, type Team } from '../../protocol/protocol.ts';
import { teamNameKey, teamsEvent, toTeams } from './assignment-rows.ts';
import { conversationEvent, mustConversation, type Reader } from './pg-chat-rows.ts';
import { BY_ID_ORDER, type PgDb, type Tx } from './pg-db.ts';
import { newId } from './rows.ts';
import { RefusedError, type TeamMethods } from './store.ts';

export function createPgTeams({ now, one, all, tx }: PgDb): TeamMethods {
  const lockSite = (t: Tx, siteId: string) => t.one('SELECT id FROM sites WHERE id = $1 FOR NO KEY UPDATE', siteId);
  const teamsOf = async (read: Reader, siteIds: string[]): Promise<Team[]> => {
    if (siteIds.length === 0) return [];
    return toTeams(await read.all('SELECT * FROM teams WHERE site_id = ANY($1::text[]) ORDER BY site_id COLLATE "C", name_key COLLATE "C", id', siteIds),
      await read.all('SELECT m.team_id, m.user_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.site_id = ANY($1::text[])', siteIds));
  };
  const team = async (read: Reader, id: string): Promise<Team | null> => {
    const row = await read.one('SELECT * FROM teams WHERE id = $1', id);
    return row ? toTeams([row], await read.all('SELECT team_id, user_id FROM team_members WHERE team_id = $1', id))[0]! : null;
  };
  const assertNameFree = async (t: Tx, siteId: string, name: string, except: string | null) => {
    if (await t.one('SELECT 1 FROM teams WHERE site_id = $1 AND name_key = $2 AND id IS DISTINCT FROM $3', siteId, teamNameKey(name), except)) {
      throw new RefusedError('name-taken', `There is already a team called “${name.trim()}” on this site.`);
    }
  };
  const setMembers = async (t: Tx, teamId: string, memberIds: string[]) => {
    await t.run('DELETE FROM team_members WHERE team_id = $1', teamId);
    await t.run('INSERT INTO team_members (team_id, user_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', teamId, [...new Set(memberIds)]);
  };

  return {
    async listTeams(siteIds) {
      return teamsOf({ one, all }, siteIds);
    },
    async getTeam(id) {
      return team({ one, all }, id);
    },
    async createTeam({ siteId, name, memberIds }) {
      return tx(async (t) => {
        await lockSite(t, siteId);
        await assertNameFree(t, siteId, name, null);
        if (Number((await t.one('SELECT count(*) AS n FROM teams WHERE site_id = $1', siteId))!.n) >= LIMITS.teamsPerSite) {
          throw new RefusedError('limit', `A site can have ${LIMITS.teamsPerSite} teams; delete one first.`);
        }
        const id = newId('t');
        await t.run('INSERT INTO teams (id, site_id, name, name_key, created_at) VALUES ($1, $2, $3, $4, $5)', id, siteId, name.trim(), teamNameKey(name), now());
        await setMembers(t, id, memberIds);
        const created = (await team(t, id))!;
        return { value: created, events: await t.logEvents([teamsEvent(siteId, await teamsOf(t, [siteId]))]) };
      });
    },
    async updateTeam(siteId, teamId, { name, memberIds }) {
      return tx(async (t) => {
        await lockSite(t, siteId);
        if (!(await t.one('SELECT 1 FROM teams WHERE id = $1 AND site_id = $2', teamId, siteId))) return null;
        if (name !== undefined) {
          await assertNameFree(t, siteId, name, teamId);
          await t.run('UPDATE teams SET name = $1, name_key = $2 WHERE id = $3', name.trim(), teamNameKey(name), teamId);
        }
        if (memberIds !== undefined) await setMembers(t, teamId, memberIds);
        const updated = (await team(t, teamId))!;
        return { value: updated, events: await t.logEvents([teamsEvent(siteId, await teamsOf(t, [siteId]))]) };
      });
    },
    async deleteTeam(siteId, teamId) {
      return tx(async (t) => {
        await lockSite(t, siteId);
        if (!(await t.one('SELECT 1 FROM teams WHERE id = $1 AND site_id = $2', teamId, siteId))) return { value: false, events: [] };
        const ids = (await t.all(`SELECT id FROM conversations WHERE team_id = $1 ${BY_ID_ORDER} FOR UPDATE`, teamId)).map((r) => String(r.id));
        await t.run('UPDATE conversations SET team_id = NULL WHERE id = ANY($1::text[])', ids);
        await t.run('DELETE FROM teams WHERE id = $1', teamId);
        const open = [];
        for (const id of ids) {
          const conversation = await mustConversation(t, id);
          if (conversation.status !== 'resolved') open.push(conversation);
        }
        return { value: true, events: await t.logEvents([...open.map((c) => conversationEvent(c, 'conversation.updated')), teamsEvent(siteId, await teamsOf(t, [siteId]))]) };
      });
    },
  };
}
