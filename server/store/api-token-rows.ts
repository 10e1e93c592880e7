/**
 * Rows of api_tokens (issue 15) as the store's ApiTokenRecord, for both engines: site_ids is JSON
 * text in SQLite and jsonb in PostgreSQL (json() reads both); the creator's name comes joined.
 */
import { json } from './rows.ts';
import type { ApiTokenRecord } from './store.ts';

type Row = Record<string, unknown>;

/** Every query of api_tokens selects this, from `api_tokens t JOIN users u ON u.id = t.created_by`. */
export const API_TOKEN_COLUMNS = 't.*, u.name AS created_by_name';

export function toApiToken(row: Row): ApiTokenRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    scope: String(row.scope) as ApiTokenRecord['scope'],
    siteIds: row.site_ids == null ? null : json<string[]>(row.site_ids),
    hint: String(row.hint),
    createdBy: { id: String(row.created_by), name: String(row.created_by_name) },
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at == null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at == null ? null : Number(row.revoked_at),
    tokenHash: String(row.token_hash),
  };
}
