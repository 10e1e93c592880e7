/**
 * A report as owners get it (issue 15): the period checked and turned into the days of the
 * owner's time zone, the figures counted by the store, agents and sites named. Checks what JSON
 * schema cannot (real dates, a real zone, the span) with the catalogue's errors; no SQL here.
 */
import { LIMITS, type AgentRef, type ReportQuery, type ReportResponse } from '../../protocol/protocol.ts';
import { ParleyError } from '../http/errors.ts';
import type { Store } from '../store/store.ts';
import { dayBounds, parseDate, validTimeZone } from './report-days.ts';

const DAY_MS = 86_400_000;

export async function buildReport(store: Store, query: ReportQuery): Promise<ReportResponse> {
  const first = parseDate(query.from);
  const last = parseDate(query.to);
  if (first === null || last === null) {
    throw new ParleyError('BAD_REQUEST', `"${first === null ? query.from : query.to}" is not a date; give from and to as YYYY-MM-DD, like 2025-03-01.`);
  }
  if (first > last) throw new ParleyError('BAD_REQUEST', `The period starts (${query.from}) after it ends (${query.to}).`);
  const span = (last - first) / DAY_MS + 1;
  if (span > LIMITS.reportDaysMax) throw new ParleyError('BAD_REQUEST', `A report covers at most ${LIMITS.reportDaysMax} days; this period has ${span}.`);
  if (!validTimeZone(query.timeZone)) throw new ParleyError('BAD_REQUEST', `"${query.timeZone}" is not a time zone; use an IANA name like "Europe/Paris".`);

  const [sites, users] = await Promise.all([store.listSites(), store.listUsers()]);
  const chosen = query.siteId === undefined ? sites : sites.filter((site) => site.id === query.siteId);
  if (chosen.length === 0 && query.siteId !== undefined) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');

  const { dates, bounds } = dayBounds(query.from, query.to, query.timeZone);
  const report = await store.report({ siteIds: chosen.map((site) => site.id), bounds });
  const agents = new Map(users.map((user): [string, AgentRef] => [user.id, { id: user.id, name: user.name, avatarUrl: user.avatarUrl }]));
  const siteNames = new Map(sites.map((site) => [site.id, site.name]));
  return {
    from: query.from, to: query.to, timeZone: query.timeZone, siteId: query.siteId ?? null,
    total: report.total,
    days: report.days.map((figures, i) => ({ date: dates[i]!, ...figures })),
    // A user is never deleted (only disabled), so an unknown id is one a concurrent change just made.
    agents: report.agents.map(({ agentId, ...figures }) => ({ agent: agentId === null ? null : agents.get(agentId) ?? null, ...figures })),
    sites: report.sites.map(({ siteId, ...figures }) => ({ site: { id: siteId, name: siteNames.get(siteId) ?? siteId }, ...figures })),
  };
}
