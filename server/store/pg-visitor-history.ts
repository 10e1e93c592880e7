/**
 * The PostgreSQL store's visitor history (issue 14); the same rows and rules as SQLite's
 * (sqlite-visitor-history.ts). A merge locks both visitors (in id order, as any two writers would),
 * then the conversations of the one that goes, like deleteVisitor: a send in flight holds its
 * conversation until its event is committed, so waiting for those locks makes sure the move of
 * events below sees every event of theirs; a send that comes after waits, and then finds its
 * conversation belonging to the visitor that stays.
 */
import { LIMITS, type VisitorContext } from '../../protocol/protocol.ts';
import { mergedVisitor, mergeRefusal, pageOf, toVisitorPage } from './inbox-rows.ts';
import { BY_ID_ORDER, type PgDb, type Tx } from './pg-db.ts';
import { toVisitor } from './rows.ts';
import { RefusedError, type VisitorHistoryMethods } from './store.ts';

/** Counts a page load in the visitor's pages; for createVisitor and touchVisitor, inside their transaction, before they log. */
export async function recordPage(t: Tx, visitorId: string, context: VisitorContext, at: number): Promise<void> {
  const page = pageOf(context);
  if (!page) return;
  await t.run(`INSERT INTO visitor_pages (visitor_id, url, title, first_seen_at, last_seen_at, views) VALUES ($1, $2, $3, $4, $4, 1)
    ON CONFLICT (visitor_id, url) DO UPDATE SET title = COALESCE(excluded.title, visitor_pages.title),
      last_seen_at = GREATEST(visitor_pages.last_seen_at, excluded.last_seen_at), views = visitor_pages.views + 1`, visitorId, page.url, page.title, at);
  await keepRecentPages(t, visitorId);
}

async function keepRecentPages(t: Tx, visitorId: string): Promise<void> {
  await t.run(`DELETE FROM visitor_pages WHERE visitor_id = $1 AND url NOT IN
    (SELECT url FROM visitor_pages WHERE visitor_id = $1 ORDER BY last_seen_at DESC, url COLLATE "C" LIMIT $2)`, visitorId, LIMITS.visitorPagesKept);
}

export function createPgVisitorHistory({ now, all, tx }: PgDb): VisitorHistoryMethods {
  return {
    async visitorPages(visitorId) {
      return (await all('SELECT * FROM visitor_pages WHERE visitor_id = $1 ORDER BY last_seen_at DESC, url COLLATE "C"', visitorId)).map(toVisitorPage);
    },
    async mergeVisitors(intoId, fromId) {
      if (intoId === fromId) return null;
      return tx(async (t) => {
        const rows = await t.all('SELECT * FROM visitors WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [intoId, fromId]);
        const intoRow = rows.find((row) => row.id === intoId);
        const fromRow = rows.find((row) => row.id === fromId);
        if (!intoRow || !fromRow) return null;
        const [into, from] = [toVisitor(intoRow), toVisitor(fromRow)];
        const refusal = mergeRefusal(into, from);
        if (refusal) throw new RefusedError(refusal.reason, refusal.message);
        await t.all(`SELECT id FROM conversations WHERE visitor_id = $1 ${BY_ID_ORDER} FOR UPDATE`, fromId);
        const moved = (await t.all('SELECT id FROM conversations WHERE visitor_id = $1 ORDER BY created_at, ord', fromId)).map((r) => String(r.id));
        // One conversation per visitor and clientId: a clientId both used is made unique (sqlite-visitor-history.ts).
        await t.run(`UPDATE conversations SET client_id = client_id || '~' || $1 WHERE visitor_id = $1
          AND client_id IN (SELECT client_id FROM conversations WHERE visitor_id = $2)`, fromId, intoId);
        await t.run('UPDATE conversations SET visitor_id = $1 WHERE visitor_id = $2', intoId, fromId);
        await t.run(`INSERT INTO visitor_pages (visitor_id, url, title, first_seen_at, last_seen_at, views)
            SELECT $1, url, title, first_seen_at, last_seen_at, views FROM visitor_pages WHERE visitor_id = $2
          ON CONFLICT (visitor_id, url) DO UPDATE SET views = visitor_pages.views + excluded.views,
            title = CASE WHEN excluded.last_seen_at > visitor_pages.last_seen_at THEN COALESCE(excluded.title, visitor_pages.title) ELSE visitor_pages.title END,
            first_seen_at = LEAST(visitor_pages.first_seen_at, excluded.first_seen_at),
            last_seen_at = GREATEST(visitor_pages.last_seen_at, excluded.last_seen_at)`, intoId, fromId);
        await keepRecentPages(t, intoId);
        await t.run('UPDATE visitor_aliases SET visitor_id = $1 WHERE visitor_id = $2', intoId, fromId);
        await t.run('INSERT INTO visitor_aliases (token_hash, visitor_id, created_at) VALUES ($1, $2, $3)', String(fromRow.token_hash), intoId, now());
        await t.run('UPDATE events SET visitor_id = $1 WHERE visitor_id = $2', intoId, fromId);
        await t.run('DELETE FROM visitors WHERE id = $1', fromId);
        const merged = mergedVisitor(into, from);
        const { rows: [row] } = await t.run(`UPDATE visitors SET name = $1, email = $2, external_id = $3, verified = $4, attributes = $5::jsonb,
            context = $6::jsonb, visits = $7, created_at = $8, last_seen_at = $9 WHERE id = $10 RETURNING *`,
          merged.name, merged.email, merged.externalId, merged.verified, JSON.stringify(merged.attributes),
          JSON.stringify(merged.context), merged.visits, merged.createdAt, merged.lastSeenAt, intoId);
        const after = toVisitor(row!);
        const events = await t.logEvents([{ type: 'visitor.merged', data: { from: fromId, into: after, moved }, siteId: after.siteId, visitorId: intoId, audience: 'agents' }]);
        return { value: { visitor: after, moved }, events };
      });
    },
  };
}
