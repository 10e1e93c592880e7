/**
 * The PostgreSQL store's API tokens (issue 15); the same rows as SQLite's (sqlite-api-tokens.ts).
 * Creating one takes the table's SHARE ROW EXCLUSIVE lock, so creations across processes run one
 * at a time and the limit is counted after the previous one committed; uses and revocations are
 * single-row UPDATEs that guard themselves (WHERE revoked_at IS NULL, WHERE last_used_at <= …).
 */
import { LIMITS } from '../../protocol/protocol.ts';
import { API_TOKEN_COLUMNS, toApiToken } from './api-token-rows.ts';
import type { PgDb } from './pg-db.ts';
import { newId } from './rows.ts';
import { RefusedError, type ApiTokenMethods } from './store.ts';

const SELECT = `SELECT ${API_TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.created_by`;

export function createPgApiTokens({ now, one, all, tx }: PgDb): ApiTokenMethods {
  return {
    async createApiToken({ name, scope, siteIds, hint, tokenHash, createdBy }) {
      return tx(async (t) => {
        await t.run('LOCK TABLE api_tokens IN SHARE ROW EXCLUSIVE MODE');
        if (Number((await t.one('SELECT count(*) AS n FROM api_tokens WHERE revoked_at IS NULL'))!.n) >= LIMITS.apiTokensMax) {
          throw new RefusedError('limit', `There are ${LIMITS.apiTokensMax} API tokens already; revoke one you no longer use first.`);
        }
        const id = newId('tok');
        await t.run(`INSERT INTO api_tokens (id, token_hash, name, scope, site_ids, hint, created_by, created_at)
          VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
        id, tokenHash, name.trim(), scope, siteIds === null ? null : JSON.stringify(siteIds), hint, createdBy, now());
        return toApiToken((await t.one(`${SELECT} WHERE t.id = $1`, id))!);
      });
    },
    async listApiTokens() {
      return (await all(`${SELECT} ORDER BY t.created_at DESC, t.id COLLATE "C" DESC`)).map(toApiToken);
    },
    async findApiToken(tokenHash) {
      const row = await one(`${SELECT} WHERE t.token_hash = $1`, tokenHash);
      return row ? toApiToken(row) : null;
    },
    async revokeApiToken(id, at) {
      return tx(async (t) => {
        await t.run('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', at, id);
        const row = await t.one(`${SELECT} WHERE t.id = $1`, id);
        return row ? toApiToken(row) : null;
      });
    },
    async touchApiToken(id, at, unlessSince) {
      const { count } = await tx((t) => t.run('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)',
        at, id, unlessSince));
      return count > 0;
    },
  };
}
