/**
 * Reports (issue 15): what both SQL stores' report queries answer, assembled into a StoreReport
 * the same way. Each engine groups by day, agent, site and in all (PostgreSQL with GROUPING SETS,
 * SQLite by ordered reads and a GROUP BY each: sqlite-reports.ts) and names each row's group `g` and key `k`:
 *   g 'd': k is the day's index in the bounds; 'a': the agent's id (null: nobody); 's': the site's id; 't': the total.
 * Percentiles are nearest rank in both — the value at rank ceil(p·n) — so each is a time that happened
 * and both engines agree to the millisecond.
 */
import type { ReportFigures } from '../../protocol/protocol.ts';
import type { StoreReport } from './store.ts';

type Row = Record<string, unknown>;
export type Group = 'd' | 'a' | 's' | 't';

/** Rows of the conversations query: counts and percentiles (ms) per group. */
export interface ConversationRow {
  g: Group;
  k: string | null;
  conversations: number;
  answered: number;
  resolved: number;
  frtMedian: number | null;
  frtP90: number | null;
  resMedian: number | null;
  resP90: number | null;
}
/** Rows of the ratings query. */
export interface RatingRow {
  g: Group;
  k: string | null;
  count: number;
  satisfied: number;
  scores: ReportFigures['ratings']['scores'];
}

const n = (v: unknown): number => Number(v ?? 0);
const nOrNull = (v: unknown): number | null => (v == null ? null : Number(v));

export const toRatingRow = (row: Row, g: Group, k: string | null): RatingRow => ({
  g, k, count: n(row.count), satisfied: n(row.satisfied), scores: [n(row.s1), n(row.s2), n(row.s3), n(row.s4), n(row.s5)],
});

/** Nothing yet: a day, agent or site without conversations or ratings. */
export function emptyFigures(): ReportFigures {
  return {
    conversations: 0, answered: 0, missed: 0, resolved: 0,
    firstResponseMs: { median: null, p90: null }, resolutionMs: { median: null, p90: null },
    ratings: { count: 0, satisfied: 0, scores: [0, 0, 0, 0, 0] },
  };
}

export function assembleReport(days: number, conversations: ConversationRow[], ratings: RatingRow[]): StoreReport {
  const groups: Record<Group, Map<string | null, ReportFigures>> = { d: new Map(), a: new Map(), s: new Map(), t: new Map() };
  const figures = (g: Group, k: string | null) => {
    let found = groups[g].get(k);
    if (!found) groups[g].set(k, (found = emptyFigures()));
    return found;
  };
  for (const row of conversations) {
    Object.assign(figures(row.g, row.k), {
      conversations: row.conversations, answered: row.answered, missed: row.conversations - row.answered, resolved: row.resolved,
      firstResponseMs: { median: nOrNull(row.frtMedian), p90: nOrNull(row.frtP90) },
      resolutionMs: { median: nOrNull(row.resMedian), p90: nOrNull(row.resP90) },
    });
  }
  for (const row of ratings) figures(row.g, row.k).ratings = { count: row.count, satisfied: row.satisfied, scores: row.scores };
  // Busiest first; among equals by id (nobody last), so both engines list them alike.
  const busiest = <T extends ReportFigures>(list: T[], id: (row: T) => string | null) => list.sort((a, b) =>
    b.conversations - a.conversations || b.ratings.count - a.ratings.count
    || (id(a) === null ? 1 : id(b) === null ? -1 : id(a)! < id(b)! ? -1 : id(a)! > id(b)! ? 1 : 0));
  return {
    days: Array.from({ length: days }, (_, i) => groups.d.get(String(i)) ?? emptyFigures()),
    agents: busiest([...groups.a].map(([agentId, f]) => ({ ...f, agentId })), (row) => row.agentId),
    sites: busiest([...groups.s].map(([siteId, f]) => ({ ...f, siteId: siteId! })), (row) => row.siteId),
    total: groups.t.get('') ?? emptyFigures(),
  };
}

/** The period's days as [start, end) pairs, for the queries' day table. */
export function dayPairs(bounds: number[]): Array<[number, number]> {
  if (bounds.length < 2) throw new Error('a report needs at least one day: two bounds');
  return bounds.slice(1).map((end, i) => [bounds[i]!, end]);
}
