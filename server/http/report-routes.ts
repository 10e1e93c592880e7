/**
 * Reports' API (issue 15), for owners: a period's figures as JSON, or as a CSV download. Same
 * session rules as the admin API (a GET needs no CSRF token, so the download is a plain link).
 * Everything is counted by the store (server/reports/build-report.ts); nothing is cached.
 */
import type { FastifyInstance } from 'fastify';
import { REPORT_PATHS, type ReportQuery, type ReportResponse } from '../../protocol/protocol.ts';
import { buildReport } from '../reports/build-report.ts';
import { reportCsv, reportFileName } from '../reports/report-csv.ts';
import type { Services } from '../services.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';

const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const query = s.object({ from: date, to: date, timeZone: { type: 'string', minLength: 1, maxLength: 64 }, siteId: s.id }, ['from', 'to', 'timeZone']);
/** A report reads a period's every conversation: a few a second per owner is plenty. */
const rateLimit = { max: 60, timeWindow: 60_000 };

export async function reportRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;
  app.addHook('onRequest', requireAgent(services));
  app.addHook('onRequest', async (request) => {
    if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can see reports.');
  });

  app.get<{ Querystring: ReportQuery }>(REPORT_PATHS.report, { config: { rateLimit }, schema: { querystring: query } },
    async (request): Promise<ReportResponse> => buildReport(store, request.query));

  app.get<{ Querystring: ReportQuery }>(REPORT_PATHS.csv, { config: { rateLimit }, schema: { querystring: query } }, async (request, reply) => {
    const report = await buildReport(store, request.query);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${reportFileName(report)}"`)
      .header('cache-control', 'no-store')
      .send(reportCsv(report));
  });
}
