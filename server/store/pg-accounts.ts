/**
 * The PostgreSQL store's account side: sites, users and their status, sessions, invites, canned
 * responses and meta. It must not touch conversations, messages or the event log beyond the
 * events its own changes log; every write goes through db.tx.
 */
import type { AgentStatus } from '../../protocol/protocol.ts';
import { batchedRead } from './pg-batched-read.ts';
import type { PgDb, Row, Tx } from './pg-db.ts';
import { json, newId, toSite, toUser } from './rows.ts';
import { LastOwnerError, type Invite, type AccountMethods } from './store.ts';


export function createPgAccounts(db: PgDb): AccountMethods {
  const { now, one, all, tx } = db;
  // Owners belong to every site; agents to those they were given.
  const USER_COLUMNS = `u.*, CASE WHEN u.role = 'owner'
      THEN ARRAY(SELECT s.id FROM sites s ORDER BY s.created_at)
      ELSE ARRAY(SELECT m.site_id FROM site_members m WHERE m.user_id = u.id) END AS site_ids`;
  const USER_SELECT = `SELECT ${USER_COLUMNS} FROM users u`;
  // Every agent request's (pg-batched-read.ts).
  const sessionByToken = batchedRead(db, (list) => `SELECT ${USER_COLUMNS}, s.token_hash AS session_token, s.csrf_token, s.expires_at
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash IN (${list})`, 'session_token');
  const userFromRow = (row: Row) => toUser(row, (row.site_ids as string[]).map(String));
  const readUser = async (read: Pick<Tx, 'one'>, id: string) => {
    const row = await read.one(`${USER_SELECT} WHERE u.id = $1`, id);
    return row ? userFromRow(row) : null;
  };

  const toInvite = (row: Row): Invite => ({
    kind: String(row.kind) as Invite['kind'], email: String(row.email), name: String(row.name),
    role: String(row.role) as Invite['role'], siteIds: json(row.site_ids),
    userId: row.user_id == null ? null : String(row.user_id), expiresAt: Number(row.expires_at),
  });
  const setMembers = async (t: Tx, userId: string, siteIds: string[]) => {
    if (siteIds.length > 0) {
      await t.run('INSERT INTO site_members (site_id, user_id) SELECT unnest($1::text[]), $2', siteIds, userId);
    }
  };

  return {
    async getMeta(key) {
      const row = await one('SELECT value FROM meta WHERE key = $1', key);
      return row ? String(row.value) : null;
    },
    async takeTurn(name, periodMs) {
      // Of processes asking at once, the first takes the row lock; the others then see its new
      // deadline, the WHERE fails, and they write nothing.
      const { count } = await tx((t) => t.run(`INSERT INTO meta (key, value) VALUES ($1, $2)
          ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE meta.value::bigint <= $3`,
        `turn:${name}`, String(now() + periodMs), now()));
      return count > 0;
    },
    async setMeta(key, value) {
      await tx((t) => t.run('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value));
    },

    async createSite({ name, allowedOrigins, widget, secret }) {
      const { rows: [row] } = await tx((t) => t.run(`INSERT INTO sites (id, name, allowed_origins, widget, secret, created_at)
          VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6) RETURNING *`,
        newId('s'), name, JSON.stringify(allowedOrigins), JSON.stringify(widget), secret, now()));
      return toSite(row!);
    },
    async getSite(id) {
      const row = await one('SELECT * FROM sites WHERE id = $1', id);
      return row ? toSite(row) : null;
    },
    async listSites() {
      return (await all('SELECT * FROM sites ORDER BY created_at')).map(toSite);
    },
    async getSiteSecret(id) {
      const row = await one('SELECT secret FROM sites WHERE id = $1', id);
      return row ? String(row.secret) : null;
    },
    async updateSite(id, patch) {
      return tx(async (t) => {
        // Locked: two owners saving at once must not lose one of the changes to the widget. NO KEY
        // UPDATE lets visitors keep arriving meanwhile (their rows' foreign keys take KEY SHARE).
        const current = toSite((await t.one('SELECT * FROM sites WHERE id = $1 FOR NO KEY UPDATE', id))!);
        const { siteId: _, ...widgetNow } = current.widget;
        const widget = { ...widgetNow, ...patch.widget };
        const { rows: [row] } = await t.run(`UPDATE sites SET name = $1, allowed_origins = $2::jsonb, widget = $3::jsonb,
            secret = COALESCE($4, secret), retention_days = $5 WHERE id = $6 RETURNING *`,
          patch.name ?? current.name, JSON.stringify(patch.allowedOrigins ?? current.allowedOrigins),
          JSON.stringify(widget), patch.secret ?? null,
          patch.retentionDays === undefined ? current.retentionDays : patch.retentionDays, id);
        const site = toSite(row!);
        const events = await t.logEvents(patch.widget
          ? [{ type: 'config', data: { config: site.widget }, siteId: id, visitorId: null, audience: 'visitors' }]
          : []);
        return { value: site, events };
      });
    },

    async createUser({ email, name, role, passwordHash, siteIds, avatarUrl }) {
      const id = newId('u');
      return tx(async (t) => {
        await t.run('INSERT INTO users (id, email, name, role, avatar_url, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          id, email.toLowerCase(), name, role, avatarUrl ?? null, passwordHash, now());
        await setMembers(t, id, siteIds);
        return (await readUser(t, id))!;
      });
    },
    async getUser(id) {
      return readUser({ one }, id);
    },
    async getUserByEmail(email) {
      const row = await one(`${USER_SELECT} WHERE u.email = $1`, email.toLowerCase());
      return row ? { user: userFromRow(row), passwordHash: String(row.password_hash) } : null;
    },
    async listUsers(siteId) {
      const rows = siteId
        ? await all(`${USER_SELECT} WHERE u.role = 'owner' OR u.id IN (SELECT user_id FROM site_members WHERE site_id = $1) ORDER BY u.name`, siteId)
        : await all(`${USER_SELECT} ORDER BY u.name`);
      return rows.map(userFromRow);
    },
    async setUserStatus(id, status) {
      await tx((t) => t.run('UPDATE users SET status = $1 WHERE id = $2', status, id));
    },
    async getUserStatus(id) {
      return String((await one('SELECT status FROM users WHERE id = $1', id))?.status ?? 'away') as AgentStatus;
    },

    async updateUser(id, patch) {
      return tx(async (t) => {
        // Keep an owner (issue 10): a change of role or state first locks every enabled owner and
        // the user, in id order (one order: no deadlock between two of these). Of two owners
        // demoting each other at once, the second waits on the first's locks until it commits,
        // then counts the owners it left. NO KEY UPDATE, as the UPDATE itself takes: logins
        // (sessions reference users) carry on meanwhile.
        let wasActiveOwner = false;
        if (patch.role !== undefined || patch.disabled !== undefined) {
          const locked = await t.all(`SELECT id, role, disabled FROM users WHERE id = $1 OR (role = 'owner' AND NOT disabled)
            ORDER BY id FOR NO KEY UPDATE`, id);
          const target = locked.find((row) => row.id === id);
          wasActiveOwner = target !== undefined && target.role === 'owner' && !target.disabled;
        }
        const { count } = await t.run(`UPDATE users SET name = COALESCE($1, name), role = COALESCE($2, role),
            disabled = COALESCE($3, disabled), password_hash = COALESCE($4, password_hash),
            avatar_url = CASE WHEN $6::boolean THEN $7 ELSE avatar_url END WHERE id = $5`,
          patch.name ?? null, patch.role ?? null, patch.disabled ?? null, patch.passwordHash ?? null, id,
          patch.avatarUrl !== undefined, patch.avatarUrl ?? null);
        if (count === 0) throw new Error(`user ${id} does not exist`);
        // A statement of its own, so it sees every change committed while this one waited for locks.
        if (wasActiveOwner && !(await t.one("SELECT 1 FROM users WHERE role = 'owner' AND NOT disabled LIMIT 1"))) throw new LastOwnerError();
        if (patch.siteIds) {
          await t.run('DELETE FROM site_members WHERE user_id = $1', id);
          await setMembers(t, id, patch.siteIds);
        }
        return (await readUser(t, id))!;
      });
    },
    async deleteUserSessions(userId, exceptTokenHash) {
      await tx((t) => t.run('DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2', userId, exceptTokenHash ?? null));
    },

    async createInvite(tokenHash, invite) {
      await tx((t) => t.run(`INSERT INTO invites (token_hash, kind, email, name, role, site_ids, user_id, expires_at, created_at)
          VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)`, tokenHash, invite.kind, invite.email.toLowerCase(), invite.name, invite.role,
        JSON.stringify(invite.siteIds), invite.userId, invite.expiresAt, now()));
    },
    async getInvite(tokenHash) {
      const row = await one('SELECT * FROM invites WHERE token_hash = $1', tokenHash);
      return row && Number(row.expires_at) > now() ? toInvite(row) : null;
    },
    async consumeInvite(tokenHash) {
      // DELETE … RETURNING: of two processes using one invite at once, only one gets the row.
      const { rows: [row] } = await tx((t) => t.run('DELETE FROM invites WHERE token_hash = $1 RETURNING *', tokenHash));
      return row && Number(row.expires_at) > now() ? toInvite(row) : null;
    },

    async listCanned(siteIds) {
      if (siteIds.length === 0) return [];
      return (await all('SELECT * FROM canned_responses WHERE site_id = ANY($1::text[]) ORDER BY shortcut', siteIds))
        .map((row) => ({ id: String(row.id), siteId: String(row.site_id), shortcut: String(row.shortcut), body: String(row.body) }));
    },
    async createCanned({ siteId, shortcut, body }) {
      const { rows: [row] } = await tx((t) => t.run(`INSERT INTO canned_responses (id, site_id, shortcut, body, created_at) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (site_id, shortcut) DO NOTHING RETURNING *`, newId('r'), siteId, shortcut, body, now()));
      return row ? { id: String(row.id), siteId, shortcut, body: String(row.body) } : null;
    },
    async deleteCanned(siteId, id) {
      return (await tx((t) => t.run('DELETE FROM canned_responses WHERE id = $1 AND site_id = $2', id, siteId))).count > 0;
    },

    async createSession({ tokenHash, userId, csrfToken, expiresAt }) {
      await tx((t) => t.run('INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', tokenHash, userId, csrfToken, expiresAt));
    },
    async getSession(tokenHash) {
      const row = await sessionByToken(tokenHash);
      if (!row) return null;
      return { user: userFromRow(row), csrfToken: String(row.csrf_token), expiresAt: Number(row.expires_at) };
    },
    async deleteSession(tokenHash) {
      await tx((t) => t.run('DELETE FROM sessions WHERE token_hash = $1', tokenHash));
    },
  };
}
