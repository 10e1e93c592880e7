/**
 * The SQLite store's reports (issue 15). SQLite has neither GROUP BY GROUPING SETS nor a
 * percentile function, and its window functions over a year of a busy site (rank per day, agent
 * and site over ~125,000 conversations) took seconds. So the percentiles are taken the ordered way:
 * the period's conversations are read once per measure from the covering index of migration 12
 * (one index range per day and site), in the order of that measure (ORDER BY), and the nearest
 * ranks — ceil(p·n) within each day, agent, site and the whole — are picked as the rows go by.
 * Ratings, far fewer, are counted by SQL alone (a GROUP BY per day, agent and site, and the total).
 * docs/benchmarks.md, "Reports", has the figures at a million messages.
 */
import { assembleReport, dayPairs, toRatingRow, type ConversationRow, type Group } from './report-rows.ts';
import type { StatementSync } from 'node:sqlite';
import { operational, type Param, type SqliteDb } from './sqlite-db.ts';
import { StoreUnavailableError, type ReportMethods } from './store.ts';

const DAYS = "days(i, lo, hi) AS (SELECT key, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))";

/** Row of an ordered read: [day index, agent id | null, site id, value | null]. */
type Ranked = [number, string | null, string, number | null];

/**
 * Every group a row counts in has a slot: day i is slot i, then one per agent (null: nobody), one
 * per site, and the last is the total. Numbers, not string keys: a year holds ~125,000 rows.
 */
function slotsOf(days: number, rows: Ranked[]) {
  const agents = new Map<string | null, number>();
  const sites = new Map<string, number>();
  for (const [, agent, site] of rows) {
    if (!agents.has(agent)) agents.set(agent, agents.size);
    if (!sites.has(site)) sites.set(site, sites.size);
  }
  const size = days + agents.size + sites.size + 1;
  return {
    size,
    of: ([day, agent, site]: Ranked, into: Int32Array) => {
      into[0] = day;
      into[1] = days + agents.get(agent)!;
      into[2] = days + agents.size + sites.get(site)!;
      into[3] = size - 1;
    },
    /** Each slot's group and key, for the assembled report. */
    groups: (): Array<[number, Group, string | null]> => [
      ...Array.from({ length: days }, (_, i): [number, Group, string | null] => [i, 'd', String(i)]),
      ...[...agents].map(([agent, i]): [number, Group, string | null] => [days + i, 'a', agent]),
      ...[...sites].map(([site, i]): [number, Group, string | null] => [days + agents.size + i, 's', site]),
      [size - 1, 't', ''],
    ],
  };
}
type Slots = ReturnType<typeof slotsOf>;

/**
 * Per slot: how many rows have a value, and the nearest-rank median and 90th percentile of them,
 * from rows in ascending order of value (those without one are skipped): counted, then picked.
 */
function percentiles(rows: Ranked[], slots: Slots): { n: Int32Array; median: Float64Array; p90: Float64Array } {
  const n = new Int32Array(slots.size);
  const seen = new Int32Array(slots.size);
  const median = new Float64Array(slots.size).fill(Number.NaN);
  const p90 = new Float64Array(slots.size).fill(Number.NaN);
  const at = new Int32Array(4);
  for (const row of rows) {
    if (row[3] === null) continue;
    slots.of(row, at);
    for (const slot of at) n[slot]!++;
  }
  for (const row of rows) {
    const value = row[3];
    if (value === null) continue;
    slots.of(row, at);
    for (const slot of at) {
      const rank = ++seen[slot]!;
      if (rank === (n[slot]! + 1) >> 1) median[slot] = value;
      if (rank === Math.floor((9 * n[slot]! + 9) / 10)) p90[slot] = value;
    }
  }
  return { n, median, p90 };
}

export function createSqliteReports({ db, all }: SqliteDb): ReportMethods {
  // Statements whose rows come as arrays (setReturnArrays), cached by text like the store's own.
  const statements = new Map<string, StatementSync>();
  const arrays = (text: string, params: Param[]): unknown[][] => {
    try {
      let statement = statements.get(text);
      if (!statement) {
        statements.set(text, (statement = db.prepare(text)));
        statement.setReturnArrays(true);
      }
      return statement.all(...params) as unknown as unknown[][];
    } catch (error) {
      throw db.isOpen ? operational(error) : new StoreUnavailableError('unavailable', 'The database is closed.');
    }
  };
  return {
    async report({ siteIds, bounds }) {
      const days = dayPairs(bounds);
      if (siteIds.length === 0) return assembleReport(days.length, [], []);
      const sites = siteIds.map(() => '?').join(', ');
      const params = [JSON.stringify(days), ...siteIds];
      const period = `FROM days d JOIN conversations c INDEXED BY conversations_report
        ON c.site_id IN (${sites}) AND c.created_at >= d.lo AND c.created_at < d.hi`;
      // Arrays, not objects, for rows read by the hundred thousand.
      const ordered = (measure: string, where = 'true') =>
        arrays(`WITH ${DAYS} SELECT d.i, c.assignee_id, c.site_id, ${measure} AS v ${period} WHERE ${where} ORDER BY v`, params) as Ranked[];
      // Every conversation of the period (for the counts), unanswered ones (no value) first.
      const byResponse = ordered('c.first_response_at - c.created_at');
      const byResolution = ordered('c.resolved_at - c.created_at', "c.status = 'resolved'");
      const slots = slotsOf(days.length, byResponse);
      const response = percentiles(byResponse, slots);
      const resolution = percentiles(byResolution, slots);
      const conversations = new Int32Array(slots.size);
      const at = new Int32Array(4);
      for (const row of byResponse) {
        slots.of(row, at);
        for (const slot of at) conversations[slot]!++;
      }
      const value = (v: number) => (Number.isNaN(v) ? null : v);
      const rows: ConversationRow[] = slots.groups().filter(([slot]) => conversations[slot]).map(([slot, g, k]) => ({
        g, k, conversations: conversations[slot]!, answered: response.n[slot]!, resolved: resolution.n[slot]!,
        frtMedian: value(response.median[slot]!), frtP90: value(response.p90[slot]!),
        resMedian: value(resolution.median[slot]!), resP90: value(resolution.p90[slot]!),
      }));

      const counted = 'count(*) AS count, sum(score >= 4) AS satisfied, sum(score = 1) AS s1, sum(score = 2) AS s2, sum(score = 3) AS s3, sum(score = 4) AS s4, sum(score = 5) AS s5';
      const ratings = all(`WITH ${DAYS},
        base AS MATERIALIZED (
          SELECT d.i AS day, r.site_id AS site, r.agent_id AS agent, r.score AS score
          FROM days d JOIN ratings r INDEXED BY ratings_report ON r.site_id IN (${sites}) AND r.created_at >= d.lo AND r.created_at < d.hi)
        SELECT 'd' AS g, CAST(day AS TEXT) AS k, ${counted} FROM base GROUP BY day
        UNION ALL SELECT 'a', agent, ${counted} FROM base GROUP BY agent
        UNION ALL SELECT 's', site, ${counted} FROM base GROUP BY site
        UNION ALL SELECT 't', '', ${counted} FROM base`, ...params).filter((row) => Number(row.count) > 0);
      return assembleReport(days.length, rows, ratings.map((row) => toRatingRow(row, row.g as Group, row.k == null ? null : String(row.k))));
    },
  };
}
