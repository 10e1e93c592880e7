/**
 * The SQLite store's assignment (issue 14): a site's rule, alert threshold and capacities, the
 * rule picking an agent for a waiting conversation (autoAssign), passing one to a team, and the
 * unanswered alerts. node:sqlite runs each write job whole, so the pick, the claim and the turn
 * are one step that no other assignment can interleave with; the SQL still guards the claim
 * (status = 'waiting'), as the PostgreSQL store must.
 */
import type { AgentRef, Conversation } from '../../protocol/protocol.ts';
import { toAssignmentSettings } from './assignment-rows.ts';
import { pickAgent, type Member } from './assignment-pick.ts';
import { createChatRows } from './sqlite-chat-rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import { GoneError, type AssignmentMethods, type AutoAssignOutcome, type Changed, type LoggedEvent } from './store.ts';

type Assigned = Changed<Conversation> & { outcome: AutoAssignOutcome };

export function createSqliteAssignment(ctx: SqliteDb): AssignmentMethods {
  const { now, one, all, run, write, logEvent } = ctx;
  const { mustConversation, applyChange, claimChange, assignedEvent } = createChatRows(ctx);

  const settingsOf = (siteId: string) => toAssignmentSettings(one('SELECT * FROM site_assignment WHERE site_id = ?', siteId),
    all('SELECT user_id, capacity FROM agent_capacity WHERE site_id = ?', siteId));

  /** The site's enabled agents (a team's, when given) with their open conversations and capacity, in turn order. */
  const membersOf = (siteId: string, teamId: string | null): Member[] => all(`SELECT u.id, u.name, u.avatar_url,
      (SELECT count(*) FROM conversations c WHERE c.site_id = ? AND c.status = 'assigned' AND c.assignee_id = u.id) AS load,
      (SELECT capacity FROM agent_capacity a WHERE a.site_id = ? AND a.user_id = u.id) AS capacity
    FROM users u WHERE u.disabled = 0 AND (u.role = 'owner' OR u.id IN (SELECT user_id FROM site_members WHERE site_id = ?))
      ${teamId ? 'AND u.id IN (SELECT user_id FROM team_members WHERE team_id = ?)' : ''}
    ORDER BY u.created_at, u.id`, siteId, siteId, siteId, ...(teamId ? [teamId] : []))
    .map((r) => ({ id: String(r.id), name: String(r.name), avatarUrl: r.avatar_url == null ? null : String(r.avatar_url), load: Number(r.load), capacity: r.capacity == null ? null : Number(r.capacity) }));

  /** The rule's pick for a waiting conversation, claimed; the caller holds the write job. */
  function assignInJob(conversationId: string, online: string[]): Assigned {
    const row = one('SELECT site_id, status, team_id FROM conversations WHERE id = ?', conversationId);
    if (!row) throw new GoneError('conversation', conversationId);
    const unchanged = (outcome: AutoAssignOutcome): Assigned => ({ value: mustConversation(conversationId), events: [], outcome });
    if (row.status !== 'waiting') return unchanged('not-waiting');
    const siteId = String(row.site_id);
    const teamId = row.team_id == null ? null : String(row.team_id);
    const settings = one('SELECT rule, last_agent_id FROM site_assignment WHERE site_id = ?', siteId);
    if (!settings || settings.rule === 'manual') return unchanged('manual');
    // A team keeps a turn of its own; the site's is for conversations of no team.
    const turn = teamId ? one('SELECT last_agent_id FROM teams WHERE id = ?', teamId) : settings;
    const chosen = pickAgent(settings.rule as 'round-robin' | 'least-load', membersOf(siteId, teamId), new Set(online),
      turn?.last_agent_id == null ? null : String(turn.last_agent_id));
    if (!chosen) return unchanged('nobody-free');
    const agent: AgentRef = { id: chosen.id, name: chosen.name, avatarUrl: chosen.avatarUrl };
    const claimed = applyChange(conversationId, 'joined', agent, claimChange(agent));
    if (!claimed) return unchanged('not-waiting');
    if (teamId) run('UPDATE teams SET last_agent_id = ? WHERE id = ?', agent.id, teamId);
    else run('UPDATE site_assignment SET last_agent_id = ? WHERE site_id = ?', agent.id, siteId);
    return { value: claimed.value, events: [...claimed.events, assignedEvent(claimed.value, 'rule', null)], outcome: 'assigned' };
  }

  /** Waiting conversations due another alert, with how many periods each has waited by `at`. */
  const dueAlerts = (at: number, limit: number) => all(`SELECT c.id, (? - COALESCE(c.waiting_since, c.created_at)) / s.unanswered_after_ms AS periods
      FROM conversations c JOIN site_assignment s ON s.site_id = c.site_id
      WHERE c.status = 'waiting' AND s.unanswered_after_ms IS NOT NULL
        AND ? - COALESCE(c.waiting_since, c.created_at) >= (c.unanswered_alerts + 1) * s.unanswered_after_ms
      ORDER BY COALESCE(c.waiting_since, c.created_at) LIMIT ?`, at, at, limit)
    .map((r) => ({ id: String(r.id), periods: Math.floor(Number(r.periods)) }));

  return {
    async getAssignmentSettings(siteId) {
      return settingsOf(siteId);
    },
    async updateAssignmentSettings(siteId, { rule, unansweredAfterSeconds, capacities }) {
      return write(() => {
        const current = settingsOf(siteId);
        const threshold = unansweredAfterSeconds === undefined ? current.unansweredAfterSeconds : unansweredAfterSeconds;
        run(`INSERT INTO site_assignment (site_id, rule, unanswered_after_ms, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (site_id) DO UPDATE SET rule = excluded.rule, unanswered_after_ms = excluded.unanswered_after_ms, updated_at = excluded.updated_at`,
          siteId, rule ?? current.rule, threshold === null ? null : threshold * 1000, now());
        for (const [userId, capacity] of Object.entries(capacities ?? {})) {
          if (capacity === null) run('DELETE FROM agent_capacity WHERE site_id = ? AND user_id = ?', siteId, userId);
          else run(`INSERT INTO agent_capacity (site_id, user_id, capacity) VALUES (?, ?, ?)
            ON CONFLICT (site_id, user_id) DO UPDATE SET capacity = excluded.capacity`, siteId, userId, capacity);
        }
        return settingsOf(siteId);
      });
    },
    async autoAssign(conversationId, online) {
      return write(() => assignInJob(conversationId, online));
    },
    async transferToTeam(conversationId, by, teamId, online) {
      return write((): Assigned | null => {
        const before = mustConversation(conversationId);
        const team = one('SELECT id, name FROM teams WHERE id = ? AND site_id = ?', teamId, before.siteId);
        if (!team) return null;
        const moved = applyChange(conversationId, 'transferred', by, {
          set: "status = 'waiting', assignee_id = NULL, team_id = ?, resolved_at = NULL, waiting_since = ?, unanswered_alerts = 0",
          params: [teamId, now()],
          guard: "(status <> 'waiting' OR team_id IS NOT ?)",
          guardParams: [teamId],
        }, String(team.name));
        if (!moved) return { value: before, events: [], outcome: 'not-waiting' };
        const events: LoggedEvent[] = [...moved.events, assignedEvent(moved.value, 'transfer', by)];
        const assigned = assignInJob(conversationId, online);
        return { value: assigned.value, events: [...events, ...assigned.events], outcome: assigned.outcome };
      });
    },
    async alertUnanswered(at, limit) {
      // Read first: most checks find nothing due, and a read takes no write lock.
      if (dueAlerts(at, limit).length === 0) return { value: [], events: [] };
      return write(() => {
        const alerted: Conversation[] = [];
        const events: LoggedEvent[] = [];
        for (const { id, periods } of dueAlerts(at, limit)) {
          // The check is in the statement: another asker's alert of this period makes it change nothing.
          if (Number(run('UPDATE conversations SET unanswered_alerts = ? WHERE id = ? AND status = \'waiting\' AND unanswered_alerts < ?', periods, id, periods).changes) === 0) continue;
          const conversation = mustConversation(id);
          alerted.push(conversation);
          const waitedMs = at - (conversation.waitingSince ?? conversation.createdAt);
          events.push(logEvent({ type: 'conversation.unanswered', data: { conversation, waitedMs }, siteId: conversation.siteId, visitorId: conversation.visitorId, audience: 'agents' }));
        }
        return { value: alerted, events };
      });
    },
  };
}
