/**
 * The SQLite store's event log as readers see it: reading after a cursor, the head cursor,
 * pruning, and logging an event not tied to a row change. Events are written only through
 * db.logEvent inside a write job, so they commit with the change they describe.
 */
import { formatEventId } from '../../protocol/protocol.ts';
import { resumePoint } from './event-log.ts';
import type { Row, SqliteDb } from './sqlite-db.ts';
import type { EventScope, EventsAfter, LoggedEvent, EventMethods } from './store.ts';


export function createSqliteEvents({ one, all, run, write, logEvent, epoch }: SqliteDb): EventMethods {
  const toLoggedEvent = (row: Row): LoggedEvent => ({
    id: formatEventId(epoch(), Number(row.id)),
    type: String(row.type),
    data: JSON.parse(String(row.data)),
    siteId: String(row.site_id),
    visitorId: row.visitor_id == null ? null : String(row.visitor_id),
    audience: String(row.audience),
  }) as LoggedEvent;

  const head = (): number => Number(one("SELECT seq FROM sqlite_sequence WHERE name = 'events'")?.seq ?? 0);
  const prunedThrough = (): number => Number(one("SELECT value FROM meta WHERE key = 'events_pruned_through'")?.value ?? 0);

  return {
    async appendEvent(event) {
      return write(() => logEvent(event));
    },
    async eventsAfter(scope: EventScope, cursor, limit): Promise<EventsAfter> {
      const top = head();
      if (cursor === null) return { events: [], cursor: formatEventId(epoch(), top) };
      const point = resumePoint(cursor, { epoch: epoch(), head: top, prunedThrough: prunedThrough() });
      if ('reset' in point) return { events: [], cursor: point.cursor, reset: point.reset };
      const after = point.after;
      let rows: Row[];
      if (scope.kind === 'visitor') {
        rows = all(`SELECT * FROM (
            SELECT * FROM events WHERE visitor_id = ? AND id > ? AND audience = 'all'
            UNION ALL
            SELECT * FROM events WHERE site_id = ? AND visitor_id IS NULL AND id > ? AND audience IN ('all', 'visitors')
          ) ORDER BY id LIMIT ?`, scope.visitorId, after, scope.siteId, after, limit);
      } else if (scope.siteIds.length > 0) {
        rows = all(`SELECT * FROM events WHERE site_id IN (${scope.siteIds.map(() => '?').join(', ')})
          AND id > ? AND audience IN ('all', 'agents') ORDER BY id LIMIT ?`, ...scope.siteIds, after, limit);
      } else {
        rows = [];
      }
      const events = rows.map(toLoggedEvent);
      const next = events.length === limit ? events[events.length - 1]!.id : formatEventId(epoch(), top);
      return { events, cursor: next };
    },
    async headCursor() {
      return formatEventId(epoch(), head());
    },
    async pruneEvents(olderThan) {
      return write(() => {
        const last = one('SELECT MAX(id) AS id FROM events WHERE created_at < ?', olderThan)?.id;
        if (last == null) return 0;
        const { changes } = run('DELETE FROM events WHERE id <= ?', Number(last));
        run(`INSERT INTO meta (key, value) VALUES ('events_pruned_through', ?)
          ON CONFLICT (key) DO UPDATE SET value = excluded.value`, String(last));
        return Number(changes);
      });
    },
  };
}
