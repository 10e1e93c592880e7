/**
 * The PostgreSQL store's saved views (issue 14); the same rows as SQLite's (sqlite-saved-views.ts).
 * A user's row is locked (NO KEY UPDATE) while a view is added, so two tabs saving at once cannot
 * slip past the name or limit check together.
 */
import { LIMITS } from '../../protocol/protocol.ts';
import { nameKey, toSavedView } from './inbox-rows.ts';
import type { PgDb } from './pg-db.ts';
import { newId } from './rows.ts';
import { RefusedError, type SavedViewMethods } from './store.ts';

export function createPgSavedViews({ now, all, tx }: PgDb): SavedViewMethods {
  return {
    async listSavedViews(userId) {
      return (await all('SELECT * FROM saved_views WHERE user_id = $1 ORDER BY name_key COLLATE "C", id', userId)).map(toSavedView);
    },
    async createSavedView({ userId, name, filter }) {
      return tx(async (t) => {
        await t.one('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', userId);
        if (await t.one('SELECT 1 FROM saved_views WHERE user_id = $1 AND name_key = $2', userId, nameKey(name))) {
          throw new RefusedError('name-taken', `You already have a view named “${name.trim()}”.`);
        }
        if (Number((await t.one('SELECT count(*) AS n FROM saved_views WHERE user_id = $1', userId))!.n) >= LIMITS.viewsPerAgent) {
          throw new RefusedError('limit', `You can keep at most ${LIMITS.viewsPerAgent} saved views; delete one first.`);
        }
        const { rows: [row] } = await t.run(`INSERT INTO saved_views (id, user_id, name, name_key, filter, created_at)
          VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING *`, newId('w'), userId, name.trim(), nameKey(name), JSON.stringify(filter), now());
        return toSavedView(row!);
      });
    },
    async deleteSavedView(userId, viewId) {
      const { count } = await tx((t) => t.run('DELETE FROM saved_views WHERE id = $1 AND user_id = $2', viewId, userId));
      return count > 0;
    },
  };
}
