/**
 * The SQLite store's account side: sites, users and their status, sessions, invites, canned
 * responses and meta. It must not touch conversations, messages or the event log beyond the
 * events its own changes log; every write goes through db.write.
 */
import type { AgentStatus } from '../../protocol/protocol.ts';
import { newId, toSite, toUser } from './rows.ts';
import type { Row, SqliteDb } from './sqlite-db.ts';
import { LastOwnerError, type Invite, type AccountMethods } from './store.ts';


export function createSqliteAccounts({ now, one, all, run, write, logEvent, agentRefs }: SqliteDb): AccountMethods {
  const siteIdsOf = (userId: string, role: string): string[] =>
    role === 'owner'
      ? all('SELECT id FROM sites ORDER BY created_at').map((r) => String(r.id))
      : all('SELECT site_id FROM site_members WHERE user_id = ?', userId).map((r) => String(r.site_id));
  const userFromRow = (row: Row) => toUser(row, siteIdsOf(String(row.id), String(row.role)));

  const toInvite = (row: Row): Invite => ({
    kind: String(row.kind) as Invite['kind'], email: String(row.email), name: String(row.name),
    role: String(row.role) as Invite['role'], siteIds: JSON.parse(String(row.site_ids)),
    userId: row.user_id == null ? null : String(row.user_id), expiresAt: Number(row.expires_at),
  });

  return {
    async getMeta(key) {
      const row = one('SELECT value FROM meta WHERE key = ?', key);
      return row ? String(row.value) : null;
    },
    async takeTurn(name, periodMs) {
      return write(() => {
        const key = `turn:${name}`;
        const taken = run(`INSERT INTO meta (key, value) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE CAST(meta.value AS INTEGER) <= ?`,
          key, String(now() + periodMs), now());
        return Number(taken.changes) > 0;
      });
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
        const wasActiveOwner = current.role === 'owner' && !Number(current.disabled);
        run('UPDATE users SET name = ?, role = ?, disabled = ?, password_hash = ?, avatar_url = ? WHERE id = ?',
          patch.name ?? String(current.name), patch.role ?? String(current.role),
          patch.disabled === undefined ? Number(current.disabled) : patch.disabled ? 1 : 0,
          patch.passwordHash ?? String(current.password_hash),
          patch.avatarUrl === undefined ? (current.avatar_url as string | null) : patch.avatarUrl, id);
        // In the job, after the change: the job's savepoint rolls it back (issue 10, keep an owner).
        if (wasActiveOwner && !one("SELECT 1 FROM users WHERE role = 'owner' AND disabled = 0 LIMIT 1")) throw new LastOwnerError();
        if (patch.siteIds) {
          run('DELETE FROM site_members WHERE user_id = ?', id);
          for (const siteId of patch.siteIds) run('INSERT INTO site_members (site_id, user_id) VALUES (?, ?)', siteId, id);
        }
        agentRefs.delete(id);
      });
      return userFromRow(one('SELECT * FROM users WHERE id = ?', id)!);
    },
    async deleteUserSessions(userId, exceptTokenHash) {
      await write(() => run('DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?', userId, exceptTokenHash ?? null));
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
      const created = await write(() => Number(run(`INSERT INTO canned_responses (id, site_id, shortcut, body, created_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (site_id, shortcut) DO NOTHING`, id, siteId, shortcut, body, now()).changes) > 0);
      return created ? { id, siteId, shortcut, body } : null;
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
  };
}
