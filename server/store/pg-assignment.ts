/**
 * The PostgreSQL store's assignment (issue 14); the same rows and events as SQLite's
 * (sqlite-assignment.ts). Several processes assign at once here, so an auto-assignment locks the
 * conversation, then the site's site_assignment row (FOR UPDATE), then reads the members' loads
 * and the turn: two assignments of one site run one after the other, the second seeing the
 * first's claim and turn (READ COMMITTED reads what committed before each statement), which is
 * what keeps capacities and the round-robin order exact across processes. Lock order: the
 * conversation, the site's assignment row, the team row, the log last (pg-db.ts).
 */
import type { AgentRef, Conversation } from '../../protocol/protocol.ts';
import { pickAgent, type Member } from './assignment-pick.ts';
import { toAssignmentSettings } from './assignment-rows.ts';
import { applyChange, assignedEvent, claimChange, lockConversation, mustConversation, type Reader } from './pg-chat-rows.ts';
import type { PgDb, Tx } from './pg-db.ts';
import type { AssignmentMethods, AutoAssignOutcome, LoggedEvent } from './store.ts';

type NewEvent = Omit<LoggedEvent, 'id'>;
type Assigned = { value: Conversation; events: NewEvent[]; outcome: AutoAssignOutcome };

/** Waiting conversations due another alert at $1: waited through one more period of the site's threshold. */
const DUE = `c.status = 'waiting' AND s.unanswered_after_ms IS NOT NULL
  AND $1::bigint - COALESCE(c.waiting_since, c.created_at) >= (c.unanswered_alerts + 1) * s.unanswered_after_ms`;

export function createPgAssignment({ now, one, all, tx }: PgDb): AssignmentMethods {
  const settingsOf = async (read: Reader, siteId: string) => toAssignmentSettings(await read.one('SELECT * FROM site_assignment WHERE site_id = $1', siteId),
    await read.all('SELECT user_id, capacity FROM agent_capacity WHERE site_id = $1', siteId));

  const membersOf = async (t: Tx, siteId: string, teamId: string | null): Promise<Member[]> => (await t.all(`SELECT u.id, u.name, u.avatar_url,
      (SELECT count(*) FROM conversations c WHERE c.site_id = $1 AND c.status = 'assigned' AND c.assignee_id = u.id) AS load,
      (SELECT capacity FROM agent_capacity a WHERE a.site_id = $1 AND a.user_id = u.id) AS capacity
    FROM users u WHERE NOT u.disabled AND (u.role = 'owner' OR u.id IN (SELECT user_id FROM site_members WHERE site_id = $1))
      AND ($2::text IS NULL OR u.id IN (SELECT user_id FROM team_members WHERE team_id = $2))
    ORDER BY u.created_at, u.id COLLATE "C"`, siteId, teamId))
    .map((r) => ({ id: String(r.id), name: String(r.name), avatarUrl: r.avatar_url == null ? null : String(r.avatar_url), load: Number(r.load), capacity: r.capacity == null ? null : Number(r.capacity) }));

  /** The rule's pick for a locked waiting conversation, claimed, its events not yet logged. */
  async function assignLocked(t: Tx, before: Conversation, online: string[]): Promise<Assigned> {
    const unchanged = (outcome: AutoAssignOutcome): Assigned => ({ value: before, events: [], outcome });
    if (before.status !== 'waiting') return unchanged('not-waiting');
    // The site's lock: assignments of one site, in any process, one at a time from here on.
    const settings = await t.one('SELECT rule, last_agent_id FROM site_assignment WHERE site_id = $1 FOR UPDATE', before.siteId);
    if (!settings || settings.rule === 'manual') return unchanged('manual');
    const teamId = before.team?.id ?? null;
    // A team keeps a turn of its own; the site's is for conversations of no team.
    const turn = teamId ? await t.one('SELECT last_agent_id FROM teams WHERE id = $1', teamId) : settings;
    const chosen = pickAgent(settings.rule as 'round-robin' | 'least-load', await membersOf(t, before.siteId, teamId), new Set(online),
      turn?.last_agent_id == null ? null : String(turn.last_agent_id));
    if (!chosen) return unchanged('nobody-free');
    const agent: AgentRef = { id: chosen.id, name: chosen.name, avatarUrl: chosen.avatarUrl };
    const claimed = await applyChange(t, before, 'joined', agent, claimChange(agent), now());
    if (!claimed) return unchanged('not-waiting');
    if (teamId) await t.run('UPDATE teams SET last_agent_id = $1 WHERE id = $2', agent.id, teamId);
    else await t.run('UPDATE site_assignment SET last_agent_id = $1 WHERE site_id = $2', agent.id, before.siteId);
    return { value: claimed.after, events: [...claimed.events, assignedEvent(claimed.after, 'rule', null)], outcome: 'assigned' };
  }

  return {
    async getAssignmentSettings(siteId) {
      return settingsOf({ one, all }, siteId);
    },
    async updateAssignmentSettings(siteId, { rule, unansweredAfterSeconds, capacities }) {
      return tx(async (t) => {
        // Locked (made first when absent): an assignment in flight finishes with the rule it read.
        await t.run(`INSERT INTO site_assignment (site_id, rule, updated_at) VALUES ($1, 'manual', $2) ON CONFLICT (site_id) DO NOTHING`, siteId, now());
        const current = toAssignmentSettings(await t.one('SELECT * FROM site_assignment WHERE site_id = $1 FOR UPDATE', siteId), []);
        const threshold = unansweredAfterSeconds === undefined ? current.unansweredAfterSeconds : unansweredAfterSeconds;
        await t.run('UPDATE site_assignment SET rule = $2, unanswered_after_ms = $3, updated_at = $4 WHERE site_id = $1',
          siteId, rule ?? current.rule, threshold === null ? null : threshold * 1000, now());
        for (const [userId, capacity] of Object.entries(capacities ?? {})) {
          if (capacity === null) await t.run('DELETE FROM agent_capacity WHERE site_id = $1 AND user_id = $2', siteId, userId);
          else await t.run(`INSERT INTO agent_capacity (site_id, user_id, capacity) VALUES ($1, $2, $3)
            ON CONFLICT (site_id, user_id) DO UPDATE SET capacity = excluded.capacity`, siteId, userId, capacity);
        }
        return settingsOf(t, siteId);
      });
    },
    async autoAssign(conversationId, online) {
      return tx(async (t) => {
        const assigned = await assignLocked(t, await lockConversation(t, conversationId), online);
        return { ...assigned, events: await t.logEvents(assigned.events) };
      });
    },
    async transferToTeam(conversationId, by, teamId, online) {
      return tx(async (t) => {
        const before = await lockConversation(t, conversationId);
        // KEY SHARE, as setting team_id's foreign key would take it, but first: a deletion of the
        // team in flight is waited for, then answered as "no such team", not a key violation.
        const team = await t.one('SELECT id, name FROM teams WHERE id = $1 AND site_id = $2 FOR KEY SHARE', teamId, before.siteId);
        if (!team) return null;
        const moved = await applyChange(t, before, 'transferred', by, {
          set: "status = 'waiting', assignee_id = NULL, team_id = $2, resolved_at = NULL, waiting_since = $3, unanswered_alerts = 0",
          guard: "(status <> 'waiting' OR team_id IS DISTINCT FROM $2)",
          params: [teamId, now()],
        }, now(), String(team.name));
        if (!moved) return { value: before, events: [], outcome: 'not-waiting' as const };
        const assigned = await assignLocked(t, moved.after, online);
        const events = await t.logEvents([...moved.events, assignedEvent(moved.after, 'transfer', by), ...assigned.events]);
        return { value: assigned.value, events, outcome: assigned.outcome };
      });
    },
    async alertUnanswered(at, limit) {
      // Read first: most checks find nothing due, and a read locks nothing.
      const due = await all(`SELECT c.id FROM conversations c JOIN site_assignment s ON s.site_id = c.site_id WHERE ${DUE}
        ORDER BY COALESCE(c.waiting_since, c.created_at) LIMIT $2`, at, limit);
      if (due.length === 0) return { value: [], events: [] };
      return tx(async (t) => {
        // In id order, as other writes of several conversations lock them; a row busy now is checked next time.
        const free = (await t.all('SELECT id FROM conversations WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE SKIP LOCKED', due.map((r) => String(r.id))))
          .map((r) => String(r.id));
        // The check is in the statement: another process's alert of this period makes it change nothing.
        const { rows } = await t.run(`UPDATE conversations c SET unanswered_alerts = ($1::bigint - COALESCE(c.waiting_since, c.created_at)) / s.unanswered_after_ms
          FROM site_assignment s WHERE s.site_id = c.site_id AND c.id = ANY($2::text[]) AND ${DUE} RETURNING c.id`, at, free);
        const alerted: Conversation[] = [];
        for (const { id } of rows) alerted.push(await mustConversation(t, String(id)));
        alerted.sort((a, b) => a.waitingSince! - b.waitingSince!);
        const events = await t.logEvents(alerted.map((conversation) => ({
          type: 'conversation.unanswered', data: { conversation, waitedMs: at - (conversation.waitingSince ?? conversation.createdAt) }, siteId: conversation.siteId, visitorId: conversation.visitorId, audience: 'agents',
        }) as NewEvent));
        return { value: alerted, events };
      });
    },
  };
}
