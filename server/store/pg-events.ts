/**
 * The PostgreSQL store's event log as readers see it: reading after a cursor, the head cursor,
 * pruning, and logging an event not tied to a row change. Events are written only through
 * tx.logEvents (pg-db.ts), so they commit with the change they describe, numbered by event_head.
 */
import { formatEventId } from '../../protocol/protocol.ts';
import { resumePoint } from './event-log.ts';
import type { PgDb, Row } from './pg-db.ts';
import { json } from './rows.ts';
import type { EventScope, EventsAfter, LoggedEvent, EventMethods } from './store.ts';


export const toLoggedEvent = (epoch: string, row: Row): LoggedEvent => ({
  id: formatEventId(epoch, Number(row.id)),
  type: String(row.type),
  data: json(row.data),
  siteId: String(row.site_id),
  visitorId: row.visitor_id == null ? null : String(row.visitor_id),
  audience: String(row.audience),
}) as LoggedEvent;

/** event_head's one row. */
const HEAD_ROW = 1;

/**
 * The committed head: every event at or below it has committed (pg-db.ts, appendAndCommit).
 * Its constants are parameters in this and eventsAfter's first statement so that they are
 * prepared and planned once (pg-db.ts): a text without values is planned at every call, and these
 * run for every stream opened or resumed (issue 16).
 */
export async function headSeq(db: Pick<PgDb, 'one'>): Promise<number> {
  return Number((await db.one('SELECT seq FROM event_head WHERE id = $1', HEAD_ROW))?.seq ?? 0);
}

export function createPgEvents(db: PgDb): EventMethods {
  const { one, all, tx, epoch } = db;

  return {
    async appendEvent(event) {
      return tx(async (t) => (await t.logEvents([event]))[0]!);
    },
    async eventsAfter(scope: EventScope, cursor, limit): Promise<EventsAfter> {
      const log = await epoch();
      const facts = (await one(`SELECT (SELECT seq FROM event_head WHERE id = $1) AS head,
        (SELECT value FROM meta WHERE key = $2) AS pruned`, HEAD_ROW, 'events_pruned_through'))!;
      const top = Number(facts.head ?? 0);
      if (cursor === null) return { events: [], cursor: formatEventId(log, top) };
      const point = resumePoint(cursor, { epoch: log, head: top, prunedThrough: Number(facts.pruned ?? 0) });
      if ('reset' in point) return { events: [], cursor: point.cursor, reset: point.reset };
      // Bounded by the head read above: what committed since then is read next time, from that
      // cursor, rather than returned now and again after it.
      let rows: Row[];
      if (scope.kind === 'visitor') {
        rows = await all(`SELECT * FROM events WHERE visitor_id = $1 AND id > $2 AND id <= $3 AND audience = 'all'
            UNION ALL
            SELECT * FROM events WHERE site_id = $4 AND visitor_id IS NULL AND id > $2 AND id <= $3 AND audience IN ('all', 'visitors')
          ORDER BY id LIMIT $5`, scope.visitorId, point.after, top, scope.siteId, limit);
      } else if (scope.siteIds.length > 0) {
        rows = await all(`SELECT * FROM events WHERE site_id = ANY($1::text[]) AND id > $2 AND id <= $3
          AND audience IN ('all', 'agents') ORDER BY id LIMIT $4`, scope.siteIds, point.after, top, limit);
      } else {
        rows = [];
      }
      const events = rows.map((row) => toLoggedEvent(log, row));
      const next = events.length === limit ? events[events.length - 1]!.id : formatEventId(log, top);
      return { events, cursor: next };
    },
    async headCursor() {
      return formatEventId(await epoch(), await headSeq(db));
    },
    async pruneEvents(olderThan) {
      return tx(async (t) => {
        const last = (await t.one('SELECT MAX(id) AS id FROM events WHERE created_at < $1', olderThan))?.id;
        if (last == null) return 0;
        const { count } = await t.run('DELETE FROM events WHERE id <= $1', Number(last));
        // GREATEST: two processes pruning at once must not move the mark back.
        await t.run(`INSERT INTO meta (key, value) VALUES ('events_pruned_through', $1)
          ON CONFLICT (key) DO UPDATE SET value = GREATEST(meta.value::bigint, excluded.value::bigint)::text`, String(last));
        return count;
      }, 'housekeeping');
    },
  };
}
