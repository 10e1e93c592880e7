/**
 * The SQLite store's visitor history (issue 14): the pages a visitor opened across visits, and
 * merging two visitors who turn out to be one person — conversations, pages, events and browser
 * tokens moved in one write job, so no reader ever sees half a merge.
 */
import { LIMITS, type Visitor, type VisitorContext } from '../../protocol/protocol.ts';
import { mergedVisitor, mergeRefusal, pageOf, toVisitorPage } from './inbox-rows.ts';
import { toVisitor } from './rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import { RefusedError, type VisitorHistoryMethods } from './store.ts';

/**
 * Counts a page load in the visitor's pages, keeping the most recent LIMITS.visitorPagesKept.
 * For createVisitor and touchVisitor, inside their write job.
 */
export function recordPage({ run }: Pick<SqliteDb, 'run'>, visitorId: string, context: VisitorContext, at: number): void {
  const page = pageOf(context);
  if (!page) return;
  run(`INSERT INTO visitor_pages (visitor_id, url, title, first_seen_at, last_seen_at, views) VALUES (?, ?, ?, ?, ?, 1)
    ON CONFLICT (visitor_id, url) DO UPDATE SET title = COALESCE(excluded.title, title),
      last_seen_at = MAX(last_seen_at, excluded.last_seen_at), views = views + 1`, visitorId, page.url, page.title, at, at);
  keepRecentPages(run, visitorId);
}

function keepRecentPages(run: SqliteDb['run'], visitorId: string): void {
  run(`DELETE FROM visitor_pages WHERE visitor_id = ? AND url NOT IN
    (SELECT url FROM visitor_pages WHERE visitor_id = ? ORDER BY last_seen_at DESC, url LIMIT ?)`, visitorId, visitorId, LIMITS.visitorPagesKept);
}

export function createSqliteVisitorHistory({ now, one, all, run, write, logEvent }: SqliteDb): VisitorHistoryMethods {
  const visitor = (id: string): Visitor | null => {
    const row = one('SELECT * FROM visitors WHERE id = ?', id);
    return row ? toVisitor(row) : null;
  };
  return {
    async visitorPages(visitorId) {
      return all('SELECT * FROM visitor_pages WHERE visitor_id = ? ORDER BY last_seen_at DESC, url', visitorId).map(toVisitorPage);
    },
    async mergeVisitors(intoId, fromId) {
      return write(() => {
        const into = visitor(intoId);
        const from = visitor(fromId);
        if (!into || !from || intoId === fromId) return null;
        const refusal = mergeRefusal(into, from);
        if (refusal) throw new RefusedError(refusal.reason, refusal.message);
        const moved = all('SELECT id FROM conversations WHERE visitor_id = ? ORDER BY created_at, rowid', fromId).map((r) => String(r.id));
        // A conversation is one per visitor and clientId: a clientId both happen to have used is
        // made unique, so the move cannot fail (that browser's retried start then makes a new one).
        run(`UPDATE conversations SET client_id = client_id || '~' || ? WHERE visitor_id = ?
          AND client_id IN (SELECT client_id FROM conversations WHERE visitor_id = ?)`, fromId, fromId, intoId);
        run('UPDATE conversations SET visitor_id = ? WHERE visitor_id = ?', intoId, fromId);
        run(`INSERT INTO visitor_pages (visitor_id, url, title, first_seen_at, last_seen_at, views)
            SELECT ?, url, title, first_seen_at, last_seen_at, views FROM visitor_pages WHERE visitor_id = ? AND true
          ON CONFLICT (visitor_id, url) DO UPDATE SET views = views + excluded.views,
            title = CASE WHEN excluded.last_seen_at > last_seen_at THEN COALESCE(excluded.title, title) ELSE title END,
            first_seen_at = MIN(first_seen_at, excluded.first_seen_at), last_seen_at = MAX(last_seen_at, excluded.last_seen_at)`, intoId, fromId);
        keepRecentPages(run, intoId);
        // Every browser token of `from` (and of anyone merged into it before) now finds `into`.
        run('UPDATE visitor_aliases SET visitor_id = ? WHERE visitor_id = ?', intoId, fromId);
        run('INSERT INTO visitor_aliases (token_hash, visitor_id, created_at) VALUES (?, ?, ?)', String(one('SELECT token_hash FROM visitors WHERE id = ?', fromId)!.token_hash), intoId, now());
        // Their events are replayed to the browser that resumes as `into`, and deleted with it.
        run('UPDATE events SET visitor_id = ? WHERE visitor_id = ?', intoId, fromId);
        run('DELETE FROM visitors WHERE id = ?', fromId);
        const merged = mergedVisitor(into, from);
        run(`UPDATE visitors SET name = ?, email = ?, external_id = ?, verified = ?, attributes = ?, context = ?,
            visits = ?, created_at = ?, last_seen_at = ? WHERE id = ?`,
          merged.name, merged.email, merged.externalId, merged.verified ? 1 : 0, JSON.stringify(merged.attributes),
          JSON.stringify(merged.context), merged.visits, merged.createdAt, merged.lastSeenAt, intoId);
        const after = visitor(intoId)!;
        const event = logEvent({ type: 'visitor.merged', data: { from: fromId, into: after, moved }, siteId: after.siteId, visitorId: intoId, audience: 'agents' });
        return { value: { visitor: after, moved }, events: [event] };
      });
    },
  };
}
