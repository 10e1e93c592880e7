/**
 * The PostgreSQL store's reports (issue 15): one query for the period's conversations and one for
 * its ratings, each grouped by day, agent, site and in all with GROUPING SETS. percentile_disc is
 * nearest rank, as SQLite's window ranks are (report-rows.ts). The days come as two arrays;
 * the conversations_report and ratings_report indexes (migration 10) carry every column read, so
 * the rows are read from index ranges alone (once the visibility map is set: autovacuum).
 */
import type { PgDb, Row } from './pg-db.ts';
import { assembleReport, dayPairs, toRatingRow, type Group } from './report-rows.ts';
import type { ReportMethods } from './store.ts';

const DAYS = 'days AS (SELECT i - 1 AS i, lo, hi FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS d(lo, hi, i))';
/** GROUPING(day, agent, site): a bit set for each column grouped away. */
const GROUP_OF: Record<number, Group> = { 3: 'd', 5: 'a', 6: 's', 7: 't' };
const SETS = 'GROUP BY GROUPING SETS ((day), (agent), (site), ())';

export function createPgReports({ all }: PgDb): ReportMethods {
  return {
    async report({ siteIds, bounds }) {
      const days = dayPairs(bounds);
      if (siteIds.length === 0) return assembleReport(days.length, [], []);
      const params = [siteIds, days.map(([lo]) => String(lo)), days.map(([, hi]) => String(hi))];
      const [conversations, ratings] = await Promise.all([
        all(`WITH ${DAYS},
          base AS (
            SELECT d.i AS day, c.site_id AS site, c.assignee_id AS agent, c.first_response_at - c.created_at AS frt,
              CASE WHEN c.status = 'resolved' THEN c.resolved_at - c.created_at END AS res
            FROM days d JOIN conversations c ON c.site_id = ANY($1::text[]) AND c.created_at >= d.lo AND c.created_at < d.hi)
          SELECT GROUPING(day, agent, site) AS gs, day, agent, site,
            count(*) AS conversations, count(frt) AS answered, count(res) AS resolved,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY frt) AS frt_median, percentile_disc(0.9) WITHIN GROUP (ORDER BY frt) AS frt_p90,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY res) AS res_median, percentile_disc(0.9) WITHIN GROUP (ORDER BY res) AS res_p90
          FROM base ${SETS}`, ...params),
        all(`WITH ${DAYS},
          base AS (
            SELECT d.i AS day, r.site_id AS site, r.agent_id AS agent, r.score
            FROM days d JOIN ratings r ON r.site_id = ANY($1::text[]) AND r.created_at >= d.lo AND r.created_at < d.hi)
          SELECT GROUPING(day, agent, site) AS gs, day, agent, site, count(*) AS count, count(*) FILTER (WHERE score >= 4) AS satisfied,
            count(*) FILTER (WHERE score = 1) AS s1, count(*) FILTER (WHERE score = 2) AS s2, count(*) FILTER (WHERE score = 3) AS s3,
            count(*) FILTER (WHERE score = 4) AS s4, count(*) FILTER (WHERE score = 5) AS s5
          FROM base ${SETS}`, ...params),
      ]);
      const keyOf = (row: Row): { g: Group; k: string | null } => {
        const g = GROUP_OF[Number(row.gs)]!;
        const k = g === 'd' ? String(row.day) : g === 'a' ? (row.agent == null ? null : String(row.agent)) : g === 's' ? String(row.site) : '';
        return { g, k };
      };
      return assembleReport(days.length, conversations.map((row) => ({
        ...keyOf(row),
        conversations: Number(row.conversations), answered: Number(row.answered), resolved: Number(row.resolved),
        frtMedian: numOrNull(row.frt_median), frtP90: numOrNull(row.frt_p90), resMedian: numOrNull(row.res_median), resP90: numOrNull(row.res_p90),
      })), ratings.map((row) => {
        const { g, k } = keyOf(row);
        return toRatingRow(row, g, k);
      }));
    },
  };
}

const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));
