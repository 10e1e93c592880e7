/**
 * The SQLite store's API tokens (issue 15): found by their SHA-256 only, revoked by setting
 * revoked_at (the row stays, so a revoked token is refused as revoked), last use recorded at most
 * once per period by a conditional UPDATE. Gone with the owner who created them.
 */
import { LIMITS } from '../../protocol/protocol.ts';
import { API_TOKEN_COLUMNS, toApiToken } from './api-token-rows.ts';
import { newId } from './rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import { RefusedError, type ApiTokenMethods } from './store.ts';

const SELECT = `SELECT ${API_TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.created_by`;

export function createSqliteApiTokens({ now, one, all, run, write }: SqliteDb): ApiTokenMethods {
  const byId = (id: string) => {
    const row = one(`${SELECT} WHERE t.id = ?`, id);
    return row ? toApiToken(row) : null;
  };
  return {
    async createApiToken({ name, scope, siteIds, hint, tokenHash, createdBy }) {
      return write(() => {
        // In the insert's write job, so two owners creating at once cannot both pass the limit.
        if (Number(one('SELECT count(*) AS n FROM api_tokens WHERE revoked_at IS NULL')!.n) >= LIMITS.apiTokensMax) {
          throw new RefusedError('limit', `There are ${LIMITS.apiTokensMax} API tokens already; revoke one you no longer use first.`);
        }
        const id = newId('tok');
        run('INSERT INTO api_tokens (id, token_hash, name, scope, site_ids, hint, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          id, tokenHash, name.trim(), scope, siteIds === null ? null : JSON.stringify(siteIds), hint, createdBy, now());
        return byId(id)!;
      });
    },
    async listApiTokens() {
      return all(`${SELECT} ORDER BY t.created_at DESC, t.id DESC`).map(toApiToken);
    },
    async findApiToken(tokenHash) {
      const row = one(`${SELECT} WHERE t.token_hash = ?`, tokenHash);
      return row ? toApiToken(row) : null;
    },
    async revokeApiToken(id, at) {
      return write(() => {
        run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id);
        return byId(id);
      });
    },
    async touchApiToken(id, at, unlessSince) {
      return write(() => Number(run('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)',
        at, id, unlessSince).changes) > 0);
    },
  };
}
