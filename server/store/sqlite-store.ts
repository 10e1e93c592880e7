/**
 * The embedded default store: one SQLite file through node:sqlite, in WAL mode.
 *
 * node:sqlite is synchronous, so each method runs its whole transaction without yielding; two
 * requests can never interleave inside one, which is what makes claim and idempotent send atomic
 * here. The SQL still states those guards (WHERE status = 'waiting', UNIQUE client ids) so that
 * the same logic holds on engines with real concurrency.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentRef, AgentStatus, Conversation, Message, SystemKind, Visitor } from '../../protocol/protocol.ts';
import { migrate } from './sqlite-schema.ts';
import {
  conversationOf, likePattern, newId, PREVIEW_CHARS, systemText, toConversation, toMessage, toSite, toUser, toVisitor,
} from './rows.ts';
import type {
  AppendMessageInput, Changed, ClaimOutcome, ConversationQuery, EventScope, EventsAfter, Invite, LoggedEvent, Store,
} from './store.ts';

type Row = Record<string, unknown>;
type Param = string | number | null;

const CONVERSATION_SELECT = `SELECT c.*, u.name AS assignee_name, u.avatar_url AS assignee_avatar,
  cv.name AS visitor_name, cv.email AS visitor_email
  FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id JOIN visitors cv ON cv.id = c.visitor_id`;
const MESSAGE_SELECT = `SELECT m.*, u.name AS agent_name, u.avatar_url AS agent_avatar
  FROM messages m LEFT JOIN users u ON u.id = m.agent_id`;

export interface SqliteStoreOptions {
  /** A file path, or ':memory:'. */
  path: string;
  now?: () => number;
  /** FULL makes every acknowledged write survive power loss; NORMAL only a crash of the process. */
  synchronous?: 'FULL' | 'NORMAL';
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  const now = options.now ?? Date.now;
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'};
    PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;`);

  const statements = new Map<string, StatementSync>();
  const sql = (text: string): StatementSync => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = db.prepare(text)));
    return statement;
  };
  const one = (text: string, ...params: Param[]) => sql(text).get(...params) as Row | undefined;
  const all = (text: string, ...params: Param[]) => sql(text).all(...params) as Row[];
  const run = (text: string, ...params: Param[]) => sql(text).run(...params);

  // Group commit. Writes that arrive in the same turn of the event loop share one transaction and
  // so one fsync: with synchronous=FULL an fsync costs ~1.5 ms here, which would otherwise cap
  // durable writes at a few hundred a second. Each write runs in its own savepoint, so one failing
  // write rolls back alone. Promises resolve only after COMMIT: an answer means "on disk".
  let queue: Array<{ fn: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];
  let batchEvents: LoggedEvent[] = [];
  let onCommit: (events: LoggedEvent[]) => void = () => {};

  function write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (queue.length === 1) setImmediate(flush);
    });
  }

  function flush(): void {
    const jobs = queue;
    queue = [];
    if (jobs.length === 0) return;
    if (!db.isOpen) {
      for (const job of jobs) job.reject(new Error('the store is closed'));
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const committed: LoggedEvent[] = [];
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const job of jobs) {
        sql('SAVEPOINT job').run();
        batchEvents = [];
        try {
          outcomes.push({ ok: true, value: job.fn() });
          sql('RELEASE job').run();
          committed.push(...batchEvents);
        } catch (error) {
          sql('ROLLBACK TO job').run();
          sql('RELEASE job').run();
          outcomes.push({ ok: false, error });
        }
      }
      db.exec('COMMIT');
    } catch (error) {
      // BEGIN or COMMIT failed (disk full, another process holding the lock): nothing was stored.
      if (db.isTransaction) db.exec('ROLLBACK');
      agentRefs.clear();
      for (const job of jobs) job.reject(error);
      return;
    }
    // Announce in log order before anyone hears back, so live events can never overtake each other.
    if (committed.length > 0) {
      try {
        onCommit(committed);
      } catch (error) {
        console.error('a commit listener failed', error);
      }
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }


  const siteIdsOf = (userId: string, role: string): string[] =>
    role === 'owner'
      ? all('SELECT id FROM sites ORDER BY created_at').map((r) => String(r.id))
      : all('SELECT site_id FROM site_members WHERE user_id = ?', userId).map((r) => String(r.site_id));
  const userFromRow = (row: Row) => toUser(row, siteIdsOf(String(row.id), String(row.role)));

  const conversation = (id: string): Conversation | null => {
    const row = one(`${CONVERSATION_SELECT} WHERE c.id = ?`, id);
    return row ? toConversation(row) : null;
  };
  const mustConversation = (id: string): Conversation => {
    const found = conversation(id);
    if (!found) throw new Error(`conversation ${id} does not exist`);
    return found;
  };
  const message = (id: string): Message => toMessage(one(`${MESSAGE_SELECT} WHERE m.id = ?`, id)!);

  function logEvent(event: Omit<LoggedEvent, 'id'>): LoggedEvent {
    const { lastInsertRowid } = run(
      'INSERT INTO events (site_id, visitor_id, conversation_id, audience, type, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      event.siteId, event.visitorId, conversationOf(event.data), event.audience, event.type, JSON.stringify(event.data), now(),
    );
    const logged = { ...event, id: String(lastInsertRowid) } as LoggedEvent;
    batchEvents.push(logged);
    return logged;
  }
  const conversationEvent = (c: Conversation, type: 'conversation.created' | 'conversation.updated', audience: 'all' | 'agents' = 'all') =>
    logEvent({ type, data: { conversation: c }, siteId: c.siteId, visitorId: c.visitorId, audience });

  /** Inserts the next message of a conversation and logs it; the caller holds the transaction. */
  function insertMessage(c: Conversation, input: AppendMessageInput): { message: Message; event: LoggedEvent } {
    const id = newId('m');
    const seq = c.lastSeq + 1;
    const at = now();
    run(`INSERT INTO messages (id, conversation_id, seq, client_id, author, agent_id, body, internal,
        system_kind, system_agent_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id, c.id, seq, input.clientId, input.author, input.agentId, input.body, input.internal ? 1 : 0,
      input.system?.kind ?? null, input.system?.agentName ?? null, at);
    const visible = !input.internal && input.author !== 'system';
    const answered = input.author === 'agent' && !input.internal;
    run(`UPDATE conversations SET last_seq = ?, last_message_at = ?,
        preview = CASE WHEN ? THEN ? ELSE preview END,
        first_response_at = CASE WHEN ? AND first_response_at IS NULL THEN ? ELSE first_response_at END,
        visitor_read_seq = CASE WHEN ? = 'visitor' THEN ? ELSE visitor_read_seq END,
        agent_read_seq = CASE WHEN ? IN ('agent', 'system') THEN ? ELSE agent_read_seq END
        WHERE id = ?`,
      seq, at, visible ? 1 : 0, input.body.slice(0, PREVIEW_CHARS), answered ? 1 : 0, at,
      input.author, seq, input.author, seq, c.id);
    // Built from what was just written rather than read back: the hot path of every send.
    const stored: Message = {
      id, conversationId: c.id, seq, clientId: input.clientId, author: input.author, agent: agentRefOf(input.agentId),
      body: input.body, internal: input.internal, system: input.system ?? null, createdAt: at,
    };
    const event = logEvent({ type: 'message', data: { message: stored }, siteId: c.siteId, visitorId: c.visitorId, audience: input.internal ? 'agents' : 'all' });
    return { message: stored, event };
  }

  // Agents' names and avatars, for messages; forgotten whenever a user changes.
  const agentRefs = new Map<string, AgentRef | null>();
  function agentRefOf(userId: string | null): AgentRef | null {
    if (userId === null) return null;
    if (!agentRefs.has(userId)) {
      const row = one('SELECT id, name, avatar_url FROM users WHERE id = ?', userId);
      agentRefs.set(userId, row ? { id: String(row.id), name: String(row.name), avatarUrl: row.avatar_url == null ? null : String(row.avatar_url) } : null);
    }
    return agentRefs.get(userId)!;
  }

  /**
   * A status or assignee change with its system message, in one transaction. `guard` is an extra
   * WHERE condition; when it no longer holds, nothing is written and null is returned.
   */
  function changeConversation(id: string, kind: SystemKind, agent: AgentRef | null, change: { set: string; params?: Param[]; guard?: string; guardParams?: Param[] }): Promise<Changed<Conversation> | null> {
    return write(() => {
      const before = mustConversation(id);
      const { changes } = run(`UPDATE conversations SET ${change.set} WHERE id = ? ${change.guard ? `AND ${change.guard}` : ''}`, ...(change.params ?? []), id, ...(change.guardParams ?? []));
      if (Number(changes) === 0) return null;
      const name = agent?.name ?? null;
      const { event } = insertMessage(before, { conversationId: id, clientId: null, author: 'system', agentId: agent?.id ?? null, body: systemText(kind, name), internal: false, system: { kind, agentName: name } });
      const after = mustConversation(id);
      return { value: after, events: [event, conversationEvent(after, 'conversation.updated')] };
    });
  }
  const unchanged = (id: string): Changed<Conversation> => ({ value: mustConversation(id), events: [] });

  const toInvite = (row: Row): Invite => ({
    kind: String(row.kind) as Invite['kind'], email: String(row.email), name: String(row.name),
    role: String(row.role) as Invite['role'], siteIds: JSON.parse(String(row.site_ids)),
    userId: row.user_id == null ? null : String(row.user_id), expiresAt: Number(row.expires_at),
  });

  const toLoggedEvent = (row: Row): LoggedEvent => ({
    id: String(row.id),
    type: String(row.type),
    data: JSON.parse(String(row.data)),
    siteId: String(row.site_id),
    visitorId: row.visitor_id == null ? null : String(row.visitor_id),
    audience: String(row.audience),
  }) as LoggedEvent;

  const head = (): number => Number(one("SELECT seq FROM sqlite_sequence WHERE name = 'events'")?.seq ?? 0);
  const prunedThrough = (): number => Number(one("SELECT value FROM meta WHERE key = 'events_pruned_through'")?.value ?? 0);

  return {
    async migrate() { migrate(db); },
    async close() {
      flush();
      if (db.isOpen) db.close();
    },
    onCommit(listener) {
      onCommit = listener;
    },

    async getMeta(key) {
      const row = one('SELECT value FROM meta WHERE key = ?', key);
      return row ? String(row.value) : null;
    },
    async setMeta(key, value) {
      await write(() => run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value));
    },

    async createSite({ name, allowedOrigins, widget, secret }) {
      const id = newId('s');
      await write(() => run('INSERT INTO sites (id, name, allowed_origins, widget, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        id, name, JSON.stringify(allowedOrigins), JSON.stringify(widget), secret, now()));
      return toSite(one('SELECT * FROM sites WHERE id = ?', id)!);
    },
    async getSite(id) {
      const row = one('SELECT * FROM sites WHERE id = ?', id);
      return row ? toSite(row) : null;
    },
    async listSites() {
      return all('SELECT * FROM sites ORDER BY created_at').map(toSite);
    },
    async getSiteSecret(id) {
      const row = one('SELECT secret FROM sites WHERE id = ?', id);
      return row ? String(row.secret) : null;
    },
    async updateSite(id, patch) {
      return write(() => {
        const current = toSite(one('SELECT * FROM sites WHERE id = ?', id)!);
        const { siteId: _, ...widgetNow } = current.widget;
        const widget = { ...widgetNow, ...patch.widget };
        run('UPDATE sites SET name = ?, allowed_origins = ?, widget = ?, secret = COALESCE(?, secret), retention_days = ? WHERE id = ?',
          patch.name ?? current.name, JSON.stringify(patch.allowedOrigins ?? current.allowedOrigins),
          JSON.stringify(widget), patch.secret ?? null,
          patch.retentionDays === undefined ? current.retentionDays : patch.retentionDays, id);
        const site = toSite(one('SELECT * FROM sites WHERE id = ?', id)!);
        const events = patch.widget
          ? [logEvent({ type: 'config', data: { config: site.widget }, siteId: id, visitorId: null, audience: 'visitors' })]
          : [];
        return { value: site, events };
      });
    },

    async createUser({ email, name, role, passwordHash, siteIds, avatarUrl }) {
      const id = newId('u');
      await write(() => {
        run('INSERT INTO users (id, email, name, role, avatar_url, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          id, email.toLowerCase(), name, role, avatarUrl ?? null, passwordHash, now());
        for (const siteId of siteIds) run('INSERT INTO site_members (site_id, user_id) VALUES (?, ?)', siteId, id);
      });
      return userFromRow(one('SELECT * FROM users WHERE id = ?', id)!);
    },
    async getUser(id) {
      const row = one('SELECT * FROM users WHERE id = ?', id);
      return row ? userFromRow(row) : null;
    },
    async getUserByEmail(email) {
      const row = one('SELECT * FROM users WHERE email = ?', email.toLowerCase());
      return row ? { user: userFromRow(row), passwordHash: String(row.password_hash) } : null;
    },
    async listUsers(siteId) {
      const rows = siteId
        ? all(`SELECT * FROM users WHERE role = 'owner' OR id IN (SELECT user_id FROM site_members WHERE site_id = ?) ORDER BY name`, siteId)
        : all('SELECT * FROM users ORDER BY name');
      return rows.map(userFromRow);
    },
    async setUserStatus(id, status) {
      await write(() => run('UPDATE users SET status = ? WHERE id = ?', status, id));
    },
    async getUserStatus(id) {
      return String(one('SELECT status FROM users WHERE id = ?', id)?.status ?? 'away') as AgentStatus;
    },

    async updateUser(id, patch) {
      await write(() => {
        // Inside the job: a reply queued in the same batch must not re-cache the old name.
        agentRefs.delete(id);
        const current = one('SELECT * FROM users WHERE id = ?', id);
        if (!current) throw new Error(`user ${id} does not exist`);
        run('UPDATE users SET name = ?, role = ?, disabled = ?, password_hash = ? WHERE id = ?',
          patch.name ?? String(current.name), patch.role ?? String(current.role),
          patch.disabled === undefined ? Number(current.disabled) : patch.disabled ? 1 : 0,
          patch.passwordHash ?? String(current.password_hash), id);
        if (patch.siteIds) {
          run('DELETE FROM site_members WHERE user_id = ?', id);
          for (const siteId of patch.siteIds) run('INSERT INTO site_members (site_id, user_id) VALUES (?, ?)', siteId, id);
        }
        agentRefs.delete(id);
      });
      return userFromRow(one('SELECT * FROM users WHERE id = ?', id)!);
    },
    async deleteUserSessions(userId) {
      await write(() => run('DELETE FROM sessions WHERE user_id = ?', userId));
    },

    async createInvite(tokenHash, invite) {
      await write(() => run(`INSERT INTO invites (token_hash, kind, email, name, role, site_ids, user_id, expires_at, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, tokenHash, invite.kind, invite.email.toLowerCase(), invite.name, invite.role,
        JSON.stringify(invite.siteIds), invite.userId, invite.expiresAt, now()));
    },
    async getInvite(tokenHash) {
      const row = one('SELECT * FROM invites WHERE token_hash = ?', tokenHash);
      return row && Number(row.expires_at) > now() ? toInvite(row) : null;
    },
    async consumeInvite(tokenHash) {
      return write(() => {
        const row = one('SELECT * FROM invites WHERE token_hash = ?', tokenHash);
        if (!row) return null;
        run('DELETE FROM invites WHERE token_hash = ?', tokenHash);
        return Number(row.expires_at) > now() ? toInvite(row) : null;
      });
    },

    async listCanned(siteIds) {
      if (siteIds.length === 0) return [];
      return all(`SELECT * FROM canned_responses WHERE site_id IN (${siteIds.map(() => '?').join(', ')}) ORDER BY shortcut`, ...siteIds)
        .map((row) => ({ id: String(row.id), siteId: String(row.site_id), shortcut: String(row.shortcut), body: String(row.body) }));
    },
    async createCanned({ siteId, shortcut, body }) {
      const id = newId('r');
      await write(() => run(`INSERT INTO canned_responses (id, site_id, shortcut, body, created_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (site_id, shortcut) DO UPDATE SET body = excluded.body`, id, siteId, shortcut, body, now()));
      const row = one('SELECT * FROM canned_responses WHERE site_id = ? AND shortcut = ?', siteId, shortcut)!;
      return { id: String(row.id), siteId, shortcut, body: String(row.body) };
    },
    async deleteCanned(siteId, id) {
      return write(() => Number(run('DELETE FROM canned_responses WHERE id = ? AND site_id = ?', id, siteId).changes) > 0);
    },

    async createSession({ tokenHash, userId, csrfToken, expiresAt }) {
      await write(() => run('INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)', tokenHash, userId, csrfToken, expiresAt));
    },
    async getSession(tokenHash) {
      const row = one('SELECT s.csrf_token, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?', tokenHash);
      if (!row) return null;
      return { user: userFromRow(row), csrfToken: String(row.csrf_token), expiresAt: Number(row.expires_at) };
    },
    async deleteSession(tokenHash) {
      await write(() => run('DELETE FROM sessions WHERE token_hash = ?', tokenHash));
    },

    async createVisitor({ siteId, tokenHash, context }) {
      const id = newId('v');
      const at = now();
      await write(() => run('INSERT INTO visitors (id, site_id, token_hash, context, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)',
        id, siteId, tokenHash, JSON.stringify(context), at, at));
      return toVisitor(one('SELECT * FROM visitors WHERE id = ?', id)!);
    },
    async findVisitorByToken(siteId, tokenHash) {
      const row = one('SELECT * FROM visitors WHERE token_hash = ? AND site_id = ?', tokenHash, siteId);
      return row ? toVisitor(row) : null;
    },
    async getVisitor(id) {
      const row = one('SELECT * FROM visitors WHERE id = ?', id);
      return row ? toVisitor(row) : null;
    },
    async updateVisitor(id, patch) {
      return write(() => {
        const before = toVisitor(one('SELECT * FROM visitors WHERE id = ?', id)!);
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
        // Only what agents would see change is worth an event; a heartbeat of last_seen_at is not.
        const { lastSeenAt: _a, ...seenBefore } = before;
        const { lastSeenAt: _b, ...seenAfter } = after;
        const changed = JSON.stringify(seenBefore) !== JSON.stringify(seenAfter);
        const events = changed ? [logEvent({ type: 'visitor.updated', data: { visitor: after }, siteId: after.siteId, visitorId: id, audience: 'agents' })] : [];
        return { value: after, events };
      });
    },

    async startConversation({ siteId, visitorId, clientId }) {
      return write(() => {
        const existing = one('SELECT id FROM conversations WHERE visitor_id = ? AND client_id = ?', visitorId, clientId);
        if (existing) return { value: mustConversation(String(existing.id)), created: false, events: [] };
        const id = newId('c');
        run(`INSERT INTO conversations (id, site_id, visitor_id, client_id, status, created_at) VALUES (?, ?, ?, ?, 'waiting', ?)`,
          id, siteId, visitorId, clientId, now());
        const created = mustConversation(id);
        return { value: created, created: true, events: [conversationEvent(created, 'conversation.created')] };
      });
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
    async listConversations({ siteIds, view, userId, q, limit }: ConversationQuery) {
      if (siteIds.length === 0) return [];
      const where = [`c.site_id IN (${siteIds.map(() => '?').join(', ')})`];
      const params: Param[] = [...siteIds];
      let order = 'COALESCE(c.last_message_at, c.created_at) DESC';
      if (view === 'waiting') { where.push("c.status = 'waiting'"); order = 'c.created_at ASC'; }
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
      return write(() => {
        if (input.clientId !== null) {
          const existing = one('SELECT id FROM messages WHERE conversation_id = ? AND client_id = ?', input.conversationId, input.clientId);
          if (existing) return { value: message(String(existing.id)), created: false, events: [] };
        }
        const before = mustConversation(input.conversationId);
        const { message: stored, event } = insertMessage(before, input);
        const events = [event];
        if (input.author === 'visitor' && before.status === 'resolved') {
          run(`UPDATE conversations SET status = CASE WHEN assignee_id IS NULL THEN 'waiting' ELSE 'assigned' END,
              resolved_at = NULL WHERE id = ?`, before.id);
          events.push(conversationEvent(mustConversation(before.id), 'conversation.updated'));
        }
        return { value: stored, created: true, events };
      });
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
      const changed = await changeConversation(conversationId, 'joined', agent,
        { set: "status = 'assigned', assignee_id = ?", params: [agent.id], guard: "status = 'waiting'" });
      if (changed) return { ...changed, outcome: 'claimed' };
      const latest = mustConversation(conversationId);
      const outcome: ClaimOutcome = latest.assignee?.id === agent.id ? 'already-yours' : latest.status === 'assigned' ? 'taken' : 'not-claimable';
      return { value: latest, events: [], outcome };
    },
    async transfer(conversationId, _from, to) {
      return (await changeConversation(conversationId, 'transferred', to,
        { set: "status = 'assigned', assignee_id = ?, resolved_at = NULL", params: [to.id], guard: "(assignee_id IS NULL OR assignee_id <> ?)", guardParams: [to.id] })) ?? unchanged(conversationId);
    },
    async resolve(conversationId, agent) {
      return (await changeConversation(conversationId, 'resolved', agent,
        { set: "status = 'resolved', resolved_at = ?", params: [now()], guard: "status <> 'resolved'" })) ?? unchanged(conversationId);
    },
    async reopen(conversationId, agent) {
      return (await changeConversation(conversationId, 'reopened', agent,
        { set: "status = CASE WHEN assignee_id IS NULL THEN 'waiting' ELSE 'assigned' END, resolved_at = NULL", guard: "status = 'resolved'" })) ?? unchanged(conversationId);
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
      return conversations.map((conversation) => ({
        conversation,
        visitor: toVisitor(one('SELECT * FROM visitors WHERE id = ?', conversation.visitorId)!),
        messages: all(`${MESSAGE_SELECT} WHERE m.conversation_id = ? ORDER BY m.seq`, conversation.id).map(toMessage),
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

    async appendEvent(event) {
      return write(() => logEvent(event));
    },
    async eventsAfter(scope: EventScope, cursor, limit): Promise<EventsAfter> {
      const top = head();
      if (cursor === null) return { events: [], cursor: String(top) };
      const after = /^\d{1,15}$/.test(cursor) ? Number(cursor) : NaN;
      if (!(after <= top)) return { events: [], cursor: String(top), reset: 'cursor-unknown' };
      if (after < prunedThrough()) return { events: [], cursor: String(top), reset: 'cursor-too-old' };
      let rows: Row[];
      if (scope.kind === 'visitor') {
        rows = all(`SELECT * FROM (
            SELECT * FROM events WHERE visitor_id = ? AND id > ? AND audience = 'all'
            UNION ALL
            SELECT * FROM events WHERE site_id = ? AND visitor_id IS NULL AND id > ? AND audience IN ('all', 'visitors')
          ) ORDER BY id LIMIT ?`, scope.visitorId, after, scope.siteId, after, limit);
      } else if (scope.siteIds.length > 0) {
        rows = all(`SELECT * FROM events WHERE site_id IN (${scope.siteIds.map(() => '?').join(', ')})
          AND id > ? AND audience IN ('all', 'agents') ORDER BY id LIMIT ?`, ...scope.siteIds, after, limit);
      } else {
        rows = [];
      }
      const events = rows.map(toLoggedEvent);
      const next = events.length === limit ? events[events.length - 1]!.id : String(top);
      return { events, cursor: next };
    },
    async headCursor() {
      return String(head());
    },
    async pruneEvents(olderThan) {
      return write(() => {
        const last = one('SELECT MAX(id) AS id FROM events WHERE created_at < ?', olderThan)?.id;
        if (last == null) return 0;
        const { changes } = run('DELETE FROM events WHERE id <= ?', Number(last));
        run(`INSERT INTO meta (key, value) VALUES ('events_pruned_through', ?)
          ON CONFLICT (key) DO UPDATE SET value = excluded.value`, String(last));
        return Number(changes);
      });
    },
  };
}
