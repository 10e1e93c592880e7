/**
 * The SQLite store's chat side: visitors, conversations and messages, claim, transfer, resolve,
 * reopen and read marks, plus export, visitor deletion and retention. Each change logs its events
 * in the same write job that makes it; nothing here commits or announces them itself (sqlite-db.ts
 * does, after COMMIT).
 */
import type { AgentRef, Conversation, SystemKind, Visitor } from '../../protocol/protocol.ts';
import { toExportedRating } from './rating-rows.ts';
import { likePattern, newId, toConversation, toMessage, toVisitor } from './rows.ts';
import { CONVERSATION_SELECT, createChatRows, MESSAGE_SELECT, STARTS_WAITING, type Change } from './sqlite-chat-rows.ts';
import type { Param, SqliteDb } from './sqlite-db.ts';
import { recordPage } from './sqlite-visitor-history.ts';
import { GoneError, type Changed, type ClaimOutcome, type ConversationQuery, type ChatMethods } from './store.ts';

export function createSqliteChat(ctx: SqliteDb): ChatMethods {
  const { now, one, all, run, write, logEvent } = ctx;
  const { conversation, mustConversation, conversationRef, conversationEvent, applyChange, claimChange, assignedEvent, appendInJob } = createChatRows(ctx);

  /** applyChange in a transaction of its own. */
  const changeConversation = (id: string, kind: SystemKind, agent: AgentRef | null, change: Change) =>
    write(() => applyChange(id, kind, agent, change));
  /** Only what agents would see change is worth an event; a heartbeat of last_seen_at is not. */
  const visitorEvents = (before: Visitor, after: Visitor) => {
    const { lastSeenAt: _a, ...seenBefore } = before;
    const { lastSeenAt: _b, ...seenAfter } = after;
    return JSON.stringify(seenBefore) === JSON.stringify(seenAfter) ? []
      : [logEvent({ type: 'visitor.updated', data: { visitor: after }, siteId: after.siteId, visitorId: after.id, audience: 'agents' })];
  };
  const unchanged = (id: string): Changed<Conversation> => ({ value: mustConversation(id), events: [] });

  return {
    async createVisitor({ siteId, tokenHash, context }) {
      const id = newId('v');
      const at = now();
      await write(() => {
        run('INSERT INTO visitors (id, site_id, token_hash, context, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)',
          id, siteId, tokenHash, JSON.stringify(context), at, at);
        recordPage(ctx, id, context, at);
      });
      return toVisitor(one('SELECT * FROM visitors WHERE id = ?', id)!);
    },
    async findVisitorByToken(siteId, tokenHash) {
      const row = one('SELECT * FROM visitors WHERE token_hash = ? AND site_id = ?', tokenHash, siteId)
        // The browser of a visitor merged into another (mergeVisitors) finds the one they became.
        ?? one('SELECT v.* FROM visitor_aliases a JOIN visitors v ON v.id = a.visitor_id WHERE a.token_hash = ? AND v.site_id = ?', tokenHash, siteId);
      return row ? toVisitor(row) : null;
    },
    async getVisitor(id) {
      const row = one('SELECT * FROM visitors WHERE id = ?', id);
      return row ? toVisitor(row) : null;
    },
    async updateVisitor(id, patch) {
      return write(() => {
        const row = one('SELECT * FROM visitors WHERE id = ?', id);
        if (!row) throw new GoneError('visitor', id);
        const before = toVisitor(row);
        const after: Visitor = {
          ...before,
          ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
          attributes: patch.attributes ? { ...before.attributes, ...patch.attributes } : before.attributes,
          context: patch.context ? { ...before.context, ...patch.context } : before.context,
        };
        run(`UPDATE visitors SET name = ?, email = ?, external_id = ?, verified = ?, attributes = ?, context = ?,
            visits = ?, last_seen_at = ? WHERE id = ?`,
          after.name, after.email, after.externalId, after.verified ? 1 : 0, JSON.stringify(after.attributes),
          JSON.stringify(after.context), after.visits, after.lastSeenAt, id);
        return { value: after, events: visitorEvents(before, after) };
      });
    },
    async touchVisitor(id, { context, at, newVisitAfterMs }) {
      return write(() => {
        const row = one('SELECT * FROM visitors WHERE id = ?', id);
        if (!row) throw new GoneError('visitor', id);
        const before = toVisitor(row);
        // The count is decided by the row as it is in this job, never by a read before it (issue 10).
        run(`UPDATE visitors SET context = ?, visits = visits + CASE WHEN last_seen_at < ? - ? THEN 1 ELSE 0 END,
            last_seen_at = MAX(last_seen_at, ?) WHERE id = ?`,
          JSON.stringify({ ...before.context, ...context }), at, newVisitAfterMs, at, id);
        recordPage(ctx, id, context, at);
        const after = toVisitor(one('SELECT * FROM visitors WHERE id = ?', id)!);
        return { value: after, events: visitorEvents(before, after), newVisit: after.visits > before.visits };
      });
    },

    async startConversation({ siteId, visitorId, clientId }) {
      return write(() => {
        const existing = one('SELECT id FROM conversations WHERE visitor_id = ? AND client_id = ?', visitorId, clientId);
        if (existing) return { value: mustConversation(String(existing.id)), created: false, events: [] };
        if (!one('SELECT 1 FROM visitors WHERE id = ?', visitorId)) throw new GoneError('visitor', visitorId);
        const id = newId('c');
        run(`INSERT INTO conversations (id, site_id, visitor_id, client_id, status, created_at) VALUES (?, ?, ?, ?, 'waiting', ?)`,
          id, siteId, visitorId, clientId, now());
        const created = mustConversation(id);
        return { value: created, created: true, events: [conversationEvent(created, 'conversation.created')] };
      });
    },
    async getConversationRef(id) {
      return conversationRef(id);
    },
    async getConversation(id) {
      return conversation(id);
    },
    async latestConversation(visitorId) {
      const row = one(`${CONVERSATION_SELECT} WHERE c.visitor_id = ? ORDER BY c.created_at DESC, c.rowid DESC LIMIT 1`, visitorId);
      return row ? toConversation(row) : null;
    },
    async listVisitorConversations(visitorId) {
      return all(`${CONVERSATION_SELECT} WHERE c.visitor_id = ? ORDER BY c.created_at DESC`, visitorId).map(toConversation);
    },
    async listConversations({ siteIds, view, userId, q, labelId, teamIds, limit }: ConversationQuery) {
      if (siteIds.length === 0) return [];
      const where = [`c.site_id IN (${siteIds.map(() => '?').join(', ')})`];
      const params: Param[] = [...siteIds];
      // A team's waiting conversations are its members' queue (issue 14).
      if (view === 'waiting' && teamIds) { where.push(`(c.team_id IS NULL OR c.team_id IN (${teamIds.map(() => '?').join(', ') || 'NULL'}))`); params.push(...teamIds); }
      if (labelId) { where.push('EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = c.id AND cl.label_id = ?)'); params.push(labelId); }
      let order = 'COALESCE(c.last_message_at, c.created_at) DESC';
      if (view === 'waiting') { where.push("c.status = 'waiting'"); order = 'COALESCE(c.waiting_since, c.created_at) ASC'; }
      if (view === 'mine') { where.push("c.status = 'assigned' AND c.assignee_id = ?"); params.push(userId); }
      if (view === 'open') where.push("c.status IN ('waiting', 'assigned')");
      if (view === 'resolved') { where.push("c.status = 'resolved'"); order = 'c.resolved_at DESC'; }
      if (q) {
        const pattern = likePattern(q);
        where.push(`(lower(cv.name) LIKE ? ESCAPE '\\' OR lower(cv.email) LIKE ? ESCAPE '\\'
          OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND lower(m.body) LIKE ? ESCAPE '\\'))`);
        params.push(pattern, pattern, pattern);
      }
      const rows = all(`${CONVERSATION_SELECT}
        WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`, ...params, limit);
      return rows.map(toConversation);
    },

    async appendMessage(input) {
      return write(() => appendInJob(input));
    },
    async findMessage(conversationId, clientId) {
      const row = one(`${MESSAGE_SELECT} WHERE m.conversation_id = ? AND m.client_id = ?`, conversationId, clientId);
      return row ? toMessage(row) : null;
    },
    async listMessages(conversationId, { afterSeq, beforeSeq, limit, includeInternal }) {
      const internal = includeInternal ? '' : 'AND m.internal = 0';
      if (afterSeq !== undefined) {
        const rows = all(`${MESSAGE_SELECT} WHERE m.conversation_id = ? AND m.seq > ? ${internal} ORDER BY m.seq ASC LIMIT ?`,
          conversationId, afterSeq, limit + 1);
        return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
      }
      // Newest page first (or the page before `beforeSeq`), returned oldest first.
      const rows = all(`${MESSAGE_SELECT} WHERE m.conversation_id = ? AND m.seq < ? ${internal} ORDER BY m.seq DESC LIMIT ?`,
        conversationId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit + 1);
      return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore: rows.length > limit };
    },

    async claim(conversationId, agent) {
      const current = mustConversation(conversationId);
      if (current.status === 'resolved') return { value: current, events: [], outcome: 'not-claimable' };
      const changed = await changeConversation(conversationId, 'joined', agent, claimChange(agent));
      if (changed) return { ...changed, outcome: 'claimed' };
      const latest = mustConversation(conversationId);
      const outcome: ClaimOutcome = latest.assignee?.id === agent.id ? 'already-yours' : latest.status === 'assigned' ? 'taken' : 'not-claimable';
      return { value: latest, events: [], outcome };
    },
    async transfer(conversationId, from, to) {
      return write(() => {
        const changed = applyChange(conversationId, 'transferred', to,
          { set: "status = 'assigned', assignee_id = ?, resolved_at = NULL", params: [to.id], guard: "(assignee_id IS NULL OR assignee_id <> ?)", guardParams: [to.id] });
        // The receiver is told it was passed to them (issue 14), apart from the plain update.
        return changed ? { ...changed, events: [...changed.events, assignedEvent(changed.value, 'transfer', from)] } : unchanged(conversationId);
      });
    },
    async resolve(conversationId, agent) {
      return (await changeConversation(conversationId, 'resolved', agent,
        { set: "status = 'resolved', resolved_at = ?", params: [now()], guard: "status <> 'resolved'" })) ?? unchanged(conversationId);
    },
    async reopen(conversationId, agent) {
      return (await changeConversation(conversationId, 'reopened', agent,
        { set: `status = CASE WHEN assignee_id IS NULL THEN 'waiting' ELSE 'assigned' END, resolved_at = NULL, ${STARTS_WAITING}`, params: [now()], guard: "status = 'resolved'" })) ?? unchanged(conversationId);
    },
    async markRead(conversationId, by, seq) {
      return write(() => {
        const before = mustConversation(conversationId);
        const upTo = Math.min(seq, before.lastSeq);
        const column = by === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
        const current = by === 'visitor' ? before.visitorReadSeq : before.agentReadSeq;
        if (upTo <= current) return { value: before, events: [] };
        run(`UPDATE conversations SET ${column} = ? WHERE id = ?`, upTo, conversationId);
        const event = logEvent({ type: 'read', data: { conversationId, by, seq: upTo }, siteId: before.siteId, visitorId: before.visitorId, audience: 'all' });
        return { value: mustConversation(conversationId), events: [event] };
      });
    },

    async exportConversations(siteId) {
      const conversations = all(`${CONVERSATION_SELECT} WHERE c.site_id = ? ORDER BY c.created_at, c.rowid`, siteId).map(toConversation);
      const ratings = new Map(all('SELECT * FROM ratings WHERE site_id = ?', siteId).map((row) => [String(row.conversation_id), toExportedRating(row)]));
      return conversations.map((conversation) => ({
        conversation,
        visitor: toVisitor(one('SELECT * FROM visitors WHERE id = ?', conversation.visitorId)!),
        messages: all(`${MESSAGE_SELECT} WHERE m.conversation_id = ? ORDER BY m.seq`, conversation.id).map(toMessage),
        rating: ratings.get(conversation.id) ?? null,
      }));
    },
    async deleteVisitor(visitorId) {
      return write(() => {
        run('DELETE FROM events WHERE visitor_id = ?', visitorId);
        // Conversations and messages go with the visitor (ON DELETE CASCADE).
        return Number(run('DELETE FROM visitors WHERE id = ?', visitorId).changes) > 0;
      });
    },
    async deleteConversationsBefore(siteId, before) {
      return write(() => {
        const old = all('SELECT id FROM conversations WHERE site_id = ? AND COALESCE(last_message_at, created_at) < ?', siteId, before).map((r) => String(r.id));
        for (const id of old) {
          run('DELETE FROM events WHERE conversation_id = ?', id);
          run('DELETE FROM conversations WHERE id = ?', id);
        }
        return old.length;
      });
    },
  };
}
