/**
 * The PostgreSQL store's chat side: visitors, conversations and messages, claim, transfer,
 * resolve, reopen and read marks, plus export, visitor deletion and retention. Several processes
 * run these at once, so each one locks the rows it changes first (the conversation, or the
 * visitor) and logs its events last, in the same transaction (lock order, pg-db.ts).
 */
import type { AgentRef, Conversation, Message, SystemKind, Visitor } from '../../protocol/protocol.ts';
import {
  appendInTx, applyChange, assignedEvent, claimChange, CONVERSATION_SELECT, conversationEvent, lockConversation, MESSAGE_SELECT,
  mustConversation, readConversation, readMessage, startsWaiting, type Change,
} from './pg-chat-rows.ts';
import { batchedRead } from './pg-batched-read.ts';
import { BY_ID_ORDER, type Param, type PgDb, type Tx } from './pg-db.ts';
import { createGroupCommit } from './pg-group-commit.ts';
import { recordPage } from './pg-visitor-history.ts';
import { toExportedRating } from './rating-rows.ts';
import { likePattern, newId, toConversation, toMessage, toVisitor } from './rows.ts';
import { GoneError, type AppendMessageInput, type Changed, type ClaimOutcome, type ConversationQuery, type ConversationRef, type LoggedEvent, type ChatMethods } from './store.ts';

type NewEvent = Omit<LoggedEvent, 'id'>;


export function createPgChat(db: PgDb): ChatMethods {
  const { now, one, all, tx } = db;

  /**
   * Applies a change to a locked conversation with its system message. When the guard no longer
   * holds nothing is written and null is returned; the lock makes the guard exact, and the guard
   * keeps the statement right even without it.
   */
  async function change(t: Tx, before: ConversationRef, kind: SystemKind, agent: AgentRef | null, changeIt: Change): Promise<Changed<Conversation> | null> {
    const applied = await applyChange(t, before, kind, agent, changeIt, now());
    return applied && { value: applied.after, events: await t.logEvents(applied.events) };
  }
  /** Only what agents would see change is worth an event; a heartbeat of last_seen_at is not. */
  const visitorEvents = (before: Visitor, after: Visitor): NewEvent[] => {
    const { lastSeenAt: _a, ...seenBefore } = before;
    const { lastSeenAt: _b, ...seenAfter } = after;
    return JSON.stringify(seenBefore) === JSON.stringify(seenAfter) ? []
      : [{ type: 'visitor.updated', data: { visitor: after }, siteId: after.siteId, visitorId: after.id, audience: 'agents' }];
  };
  /**
   * Locks the conversation, then changes it (logging `more` of the result after its own events),
   * or returns it as it is when that changes nothing.
   */
  const changeOrKeep = (id: string, kind: SystemKind, agent: AgentRef | null, changeIt: Change, more: (after: Conversation) => NewEvent[] = () => []) => tx(async (t) => {
    const before = await lockConversation(t, id);
    const applied = await applyChange(t, before, kind, agent, changeIt, now());
    return applied ? { value: applied.after, events: await t.logEvents([...applied.events, ...more(applied.after)]) } : { value: before, events: [] };
  });

  // The reads of every visitor request, batched per turn (pg-batched-read.ts).
  const visitorByToken = batchedRead(db, (list) => `SELECT * FROM visitors WHERE token_hash IN (${list})`, 'token_hash');
  const conversationRef = batchedRead(db, (list) => `SELECT id, site_id, visitor_id, status, last_seq FROM conversations WHERE id IN (${list})`, 'id');
  // Sends arriving together commit together (pg-group-commit.ts): the hot path of every chat.
  const send = createGroupCommit(db, { key: (input: AppendMessageInput) => input.conversationId, write: (t, input) => appendInTx(t, input, now()) });

  return {
    async createVisitor({ siteId, tokenHash, context }) {
      const at = now();
      const row = await tx(async (t) => {
        const { rows: [created] } = await t.run(`INSERT INTO visitors (id, site_id, token_hash, context, created_at, last_seen_at)
            VALUES ($1, $2, $3, $4::jsonb, $5, $5) RETURNING *`, newId('v'), siteId, tokenHash, JSON.stringify(context), at);
        await recordPage(t, String(created!.id), context, at);
        return created!;
      });
      return toVisitor(row);
    },
    async findVisitorByToken(siteId, tokenHash) {
      const found = await visitorByToken(tokenHash);
      const row = (found && String(found.site_id) === siteId ? found : undefined)
        // The browser of a visitor merged into another (mergeVisitors) finds the one they became.
        ?? await one('SELECT v.* FROM visitor_aliases a JOIN visitors v ON v.id = a.visitor_id WHERE a.token_hash = $1 AND v.site_id = $2', tokenHash, siteId);
      return row ? toVisitor(row) : null;
    },
    async getVisitor(id) {
      const row = await one('SELECT * FROM visitors WHERE id = $1', id);
      return row ? toVisitor(row) : null;
    },
    async updateVisitor(id, patch) {
      return tx(async (t) => {
        // Locked: two processes merging attributes at once must not lose one of them. NO KEY UPDATE
        // lets the visitor start a conversation meanwhile; deleting the visitor still waits.
        const locked = await t.one('SELECT * FROM visitors WHERE id = $1 FOR NO KEY UPDATE', id);
        if (!locked) throw new GoneError('visitor', id);
        const before = toVisitor(locked);
        const after: Visitor = {
          ...before,
          ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
          attributes: patch.attributes ? { ...before.attributes, ...patch.attributes } : before.attributes,
          context: patch.context ? { ...before.context, ...patch.context } : before.context,
        };
        await t.run(`UPDATE visitors SET name = $1, email = $2, external_id = $3, verified = $4, attributes = $5::jsonb,
            context = $6::jsonb, visits = $7, last_seen_at = $8 WHERE id = $9`,
          after.name, after.email, after.externalId, after.verified, JSON.stringify(after.attributes),
          JSON.stringify(after.context), after.visits, after.lastSeenAt, id);
        return { value: after, events: await t.logEvents(visitorEvents(before, after)) };
      });
    },
    async touchVisitor(id, { context, at, newVisitAfterMs }) {
      return tx(async (t) => {
        // Locked (NO KEY UPDATE, as updateVisitor) for the state before, which the event and
        // newVisit compare with. The UPDATE decides the count from the row as it is then, never
        // from a read before it (issue 10): tabs on several nodes count a return once.
        const locked = await t.one('SELECT * FROM visitors WHERE id = $1 FOR NO KEY UPDATE', id);
        if (!locked) throw new GoneError('visitor', id);
        const before = toVisitor(locked);
        const { rows: [row] } = await t.run(`UPDATE visitors SET context = context || $2::jsonb,
            visits = visits + CASE WHEN last_seen_at < $3::bigint - $4::bigint THEN 1 ELSE 0 END,
            last_seen_at = GREATEST(last_seen_at, $3::bigint) WHERE id = $1 RETURNING *`,
          id, JSON.stringify(context), at, newVisitAfterMs);
        const after = toVisitor(row!);
        await recordPage(t, id, context, at);
        return { value: after, events: await t.logEvents(visitorEvents(before, after)), newVisit: after.visits > before.visits };
      });
    },

    async startConversation({ siteId, visitorId, clientId }) {
      return tx(async (t) => {
        const byClientId = () => t.one(`${CONVERSATION_SELECT} WHERE c.visitor_id = $1 AND c.client_id = $2`, visitorId, clientId);
        const existing = await byClientId();
        if (existing) return { value: toConversation(existing), created: false, events: [] };
        // KEY SHARE, as the foreign key would take it, but first: a deletion or a merge of the
        // visitor in flight is waited for, and then said as GoneError rather than a key violation.
        if (!(await t.one('SELECT 1 FROM visitors WHERE id = $1 FOR KEY SHARE', visitorId))) throw new GoneError('visitor', visitorId);
        const id = newId('c');
        const { count } = await t.run(`INSERT INTO conversations (id, site_id, visitor_id, client_id, status, created_at)
            VALUES ($1, $2, $3, $4, 'waiting', $5) ON CONFLICT (visitor_id, client_id) DO NOTHING`, id, siteId, visitorId, clientId, now());
        // Another process started it meanwhile; ON CONFLICT waited for that to commit, so it is visible now.
        if (count === 0) return { value: toConversation((await byClientId())!), created: false, events: [] };
        const created = await mustConversation(t, id);
        return { value: created, created: true, events: await t.logEvents([conversationEvent(created, 'conversation.created')]) };
      });
    },
    async getConversationRef(id) {
      const row = await conversationRef(id);
      return row ? { id: String(row.id), siteId: String(row.site_id), visitorId: String(row.visitor_id), status: String(row.status) as Conversation['status'], lastSeq: Number(row.last_seq) } : null;
    },
    async getConversation(id) {
      return readConversation({ one, all }, id);
    },
    async latestConversation(visitorId) {
      const row = await one(`${CONVERSATION_SELECT} WHERE c.visitor_id = $1 ORDER BY c.created_at DESC, c.ord DESC LIMIT 1`, visitorId);
      return row ? toConversation(row) : null;
    },
    async listVisitorConversations(visitorId) {
      return (await all(`${CONVERSATION_SELECT} WHERE c.visitor_id = $1 ORDER BY c.created_at DESC, c.ord DESC`, visitorId)).map(toConversation);
    },
    async listConversations({ siteIds, view, userId, q, labelId, teamIds, limit }: ConversationQuery) {
      if (siteIds.length === 0) return [];
      const params: Param[] = [];
      const $ = (value: Param) => `$${params.push(value)}`;
      const where = [`c.site_id = ANY(${$(siteIds)}::text[])`];
      // A team's waiting conversations are its members' queue (issue 14).
      if (view === 'waiting' && teamIds) where.push(`(c.team_id IS NULL OR c.team_id = ANY(${$(teamIds)}::text[]))`);
      if (labelId) where.push(`EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = c.id AND cl.label_id = ${$(labelId)})`);
      let order = 'COALESCE(c.last_message_at, c.created_at) DESC, c.ord DESC';
      if (view === 'waiting') { where.push("c.status = 'waiting'"); order = 'COALESCE(c.waiting_since, c.created_at) ASC, c.ord ASC'; }
      if (view === 'mine') where.push(`c.status = 'assigned' AND c.assignee_id = ${$(userId)}`);
      if (view === 'open') where.push("c.status IN ('waiting', 'assigned')");
      if (view === 'resolved') { where.push("c.status = 'resolved'"); order = 'c.resolved_at DESC NULLS LAST, c.ord DESC'; }
      if (q) {
        const pattern = $(likePattern(q));
        where.push(`(lower(cv.name) LIKE ${pattern} ESCAPE '\\' OR lower(cv.email) LIKE ${pattern} ESCAPE '\\'
          OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND lower(m.body) LIKE ${pattern} ESCAPE '\\'))`);
      }
      const rows = await all(`${CONVERSATION_SELECT} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${$(limit)}`, ...params);
      return rows.map(toConversation);
    },

    appendMessage: send,
    async findMessage(conversationId, clientId) {
      return readMessage({ one, all }, 'm.conversation_id = $1 AND m.client_id = $2', conversationId, clientId);
    },
    async listMessages(conversationId, { afterSeq, beforeSeq, limit, includeInternal }) {
      const internal = includeInternal ? '' : 'AND NOT m.internal';
      if (afterSeq !== undefined) {
        const rows = await all(`${MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.seq > $2 ${internal} ORDER BY m.seq ASC LIMIT $3`,
          conversationId, afterSeq, limit + 1);
        return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
      }
      // Newest page first (or the page before `beforeSeq`), returned oldest first.
      const rows = await all(`${MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.seq < $2::bigint ${internal} ORDER BY m.seq DESC LIMIT $3`,
        conversationId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit + 1);
      return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore: rows.length > limit };
    },

    async claim(conversationId, agent) {
      return tx(async (t): Promise<Changed<Conversation> & { outcome: ClaimOutcome }> => {
        const current = await lockConversation(t, conversationId);
        if (current.status === 'resolved') return { value: current, events: [], outcome: 'not-claimable' };
        const claimed = await change(t, current, 'joined', agent, claimChange(agent));
        if (claimed) return { ...claimed, outcome: 'claimed' };
        const outcome: ClaimOutcome = current.assignee?.id === agent.id ? 'already-yours' : current.status === 'assigned' ? 'taken' : 'not-claimable';
        return { value: current, events: [], outcome };
      });
    },
    async transfer(conversationId, from, to) {
      return changeOrKeep(conversationId, 'transferred', to,
        { set: "status = 'assigned', assignee_id = $2, resolved_at = NULL", guard: 'assignee_id IS DISTINCT FROM $2', params: [to.id] },
        // The receiver is told it was passed to them (issue 14), apart from the plain update.
        (after) => [assignedEvent(after, 'transfer', from)]);
    },
    async resolve(conversationId, agent) {
      return changeOrKeep(conversationId, 'resolved', agent,
        { set: "status = 'resolved', resolved_at = $2", guard: "status <> 'resolved'", params: [now()] });
    },
    async reopen(conversationId, agent) {
      return changeOrKeep(conversationId, 'reopened', agent,
        { set: `status = CASE WHEN assignee_id IS NULL THEN 'waiting' ELSE 'assigned' END, resolved_at = NULL, ${startsWaiting('$2')}`, guard: "status = 'resolved'", params: [now()] });
    },
    async markRead(conversationId, by, seq) {
      return tx(async (t) => {
        const before = await lockConversation(t, conversationId);
        const upTo = Math.min(seq, before.lastSeq);
        const column = by === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
        const current = by === 'visitor' ? before.visitorReadSeq : before.agentReadSeq;
        if (upTo <= current) return { value: before, events: [] };
        await t.run(`UPDATE conversations SET ${column} = $1 WHERE id = $2`, upTo, conversationId);
        const after = await mustConversation(t, conversationId);
        const events = await t.logEvents([{ type: 'read', data: { conversationId, by, seq: upTo }, siteId: before.siteId, visitorId: before.visitorId, audience: 'all' }]);
        return { value: after, events };
      });
    },

    async exportConversations(siteId) {
      // One snapshot, so a conversation, its visitor and its messages agree with each other.
      return tx(async (t) => {
        const conversations = (await t.all(`${CONVERSATION_SELECT} WHERE c.site_id = $1 ORDER BY c.created_at, c.ord`, siteId)).map(toConversation);
        const visitors = new Map((await t.all('SELECT * FROM visitors WHERE id IN (SELECT visitor_id FROM conversations WHERE site_id = $1)', siteId))
          .map((row) => [String(row.id), toVisitor(row)]));
        const messages = new Map<string, Message[]>();
        for (const row of await t.all(`${MESSAGE_SELECT} WHERE m.conversation_id IN (SELECT id FROM conversations WHERE site_id = $1)
            ORDER BY m.conversation_id, m.seq`, siteId)) {
          const message = toMessage(row);
          const list = messages.get(message.conversationId);
          if (list) list.push(message);
          else messages.set(message.conversationId, [message]);
        }
        const ratings = new Map((await t.all('SELECT * FROM ratings WHERE site_id = $1', siteId)).map((row) => [String(row.conversation_id), toExportedRating(row)]));
        return conversations.map((conversation) => ({
          conversation, visitor: visitors.get(conversation.visitorId)!, messages: messages.get(conversation.id) ?? [], rating: ratings.get(conversation.id) ?? null,
        }));
      }, 'snapshot');
    },
    async deleteVisitor(visitorId) {
      return tx(async (t) => {
        // FOR UPDATE, unlike the NO KEY UPDATE of other writes: it also holds off new conversations.
        if (!(await t.one('SELECT id FROM visitors WHERE id = $1 FOR UPDATE', visitorId))) return false;
        // A send in flight holds its conversation's lock until its event is committed: waiting for
        // those locks first makes sure the DELETE below sees, and removes, every event of theirs.
        await t.all(`SELECT id FROM conversations WHERE visitor_id = $1 ${BY_ID_ORDER} FOR UPDATE`, visitorId);
        await t.run('DELETE FROM events WHERE visitor_id = $1', visitorId);
        // Conversations and messages go with the visitor (ON DELETE CASCADE).
        await t.run('DELETE FROM visitors WHERE id = $1', visitorId);
        return true;
      }, 'housekeeping');
    },
    async deleteConversationsBefore(siteId, before) {
      return tx(async (t) => {
        // FOR UPDATE re-checks the idle condition on a row another process is sending to: it stays.
        const old = (await t.all(`SELECT id FROM conversations WHERE site_id = $1 AND COALESCE(last_message_at, created_at) < $2
          ${BY_ID_ORDER} FOR UPDATE`, siteId, before)).map((r) => String(r.id));
        if (old.length === 0) return 0;
        await t.run('DELETE FROM events WHERE conversation_id = ANY($1::text[])', old);
        await t.run('DELETE FROM conversations WHERE id = ANY($1::text[])', old);
        return old.length;
      }, 'housekeeping');
    },
  };
}
