/**
 * The SQLite store's saved views (issue 14): queue filters an agent keeps under a name, each
 * agent their own. Gone with the user (ON DELETE CASCADE). No events: nobody else shows them.
 */
import { LIMITS } from '../../protocol/protocol.ts';
import { nameKey, toSavedView } from './inbox-rows.ts';
import { newId } from './rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import { RefusedError, type SavedViewMethods } from './store.ts';

export function createSqliteSavedViews({ now, one, all, run, write }: SqliteDb): SavedViewMethods {
  return {
    async listSavedViews(userId) {
      return all('SELECT * FROM saved_views WHERE user_id = ? ORDER BY name_key, id', userId).map(toSavedView);
    },
    async createSavedView({ userId, name, filter }) {
      return write(() => {
        if (one('SELECT 1 FROM saved_views WHERE user_id = ? AND name_key = ?', userId, nameKey(name))) {
          throw new RefusedError('name-taken', `You already have a view named “${name.trim()}”.`);
        }
        if (Number(one('SELECT count(*) AS n FROM saved_views WHERE user_id = ?', userId)!.n) >= LIMITS.viewsPerAgent) {
          throw new RefusedError('limit', `You can keep at most ${LIMITS.viewsPerAgent} saved views; delete one first.`);
        }
        const id = newId('w');
        run('INSERT INTO saved_views (id, user_id, name, name_key, filter, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          id, userId, name.trim(), nameKey(name), JSON.stringify(filter), now());
        return toSavedView(one('SELECT * FROM saved_views WHERE id = ?', id)!);
      });
    },
    async deleteSavedView(userId, viewId) {
      return write(() => Number(run('DELETE FROM saved_views WHERE id = ? AND user_id = ?', viewId, userId).changes) > 0);
    },
  };
}
