/**
 * Reports' API (issue 15), for owners: a period's figures as JSON, or as a CSV download. Same
 * session rules as the admin API (a GET needs no CSRF token, so the download is a plain link).
 * Everything is counted by the store (server/reports/build-report.ts); nothing is cached. Shapes
 * from protocol/reports-api.ts, typed through the schema provider.
 */
import type { FastifyInstance } from 'fastify';
import { REPORT_PATHS } from '../../protocol/protocol.ts';
import { reportQuerySchema, reportResponseSchema } from '../../protocol/reports-api.ts';
import { buildReport } from '../reports/build-report.ts';
import { reportCsv, reportFileName } from '../reports/report-csv.ts';
import type { Services } from '../services.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';

/** A report reads a period's every conversation: a few a second per owner is plenty. */
const rateLimit = { max: 60, timeWindow: 60_000 };

export async function reportRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;
  const app = scope.withTypeProvider<JsonSchemaProvider>();
  app.addHook('onRequest', requireAgent(services));
  app.addHook('onRequest', async (request) => {
    if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can see reports.');
  });

  app.get(REPORT_PATHS.report, {
    config: { rateLimit },
    schema: {
      summary: 'A period\'s figures: in all, by day, by agent and by site',
      querystring: reportQuerySchema,
      response: { 200: { ...reportResponseSchema, description: 'The figures of the conversations started, and the ratings given, in the period' } },
    },
  }, async (request) => buildReport(store, request.query));

  app.get(REPORT_PATHS.csv, {
    config: { rateLimit },
    schema: {
      summary: 'The same figures as a CSV download',
      querystring: reportQuerySchema,
      // A string sent as text/csv is not serialised by the schema: this only describes it.
      response: {
        200: {
          description: 'One row per day, agent, site, and the total; `content-disposition: attachment`',
          content: { 'text/csv': { schema: { type: 'string' } } },
        },
      },
    },
  }, async (request, reply) => {
    const report = await buildReport(store, request.query);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${reportFileName(report)}"`)
      .header('cache-control', 'no-store')
      .send(reportCsv(report));
  });
}
