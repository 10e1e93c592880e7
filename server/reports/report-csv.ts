/**
 * A report as CSV (issue 15): one row per day, then per agent, per site, and the total, with the
 * same columns, so a spreadsheet can filter by `scope`. Times in seconds (spreadsheets sum and
 * chart plain numbers), CSAT in percent; cells made spreadsheet-safe by export-csv.ts.
 */
import type { ReportFigures, ReportResponse } from '../../protocol/protocol.ts';
import { cell } from '../export-csv.ts';

const HEADER = ['scope', 'date', 'name', 'conversations', 'answered', 'missed', 'resolved',
  'first_response_median_s', 'first_response_p90_s', 'resolution_median_s', 'resolution_p90_s',
  'ratings', 'satisfied', 'csat_percent', 'score_1', 'score_2', 'score_3', 'score_4', 'score_5'];

const seconds = (ms: number | null) => (ms === null ? '' : Math.round(ms / 100) / 10);

function figures(f: ReportFigures): unknown[] {
  return [f.conversations, f.answered, f.missed, f.resolved,
    seconds(f.firstResponseMs.median), seconds(f.firstResponseMs.p90), seconds(f.resolutionMs.median), seconds(f.resolutionMs.p90),
    f.ratings.count, f.ratings.satisfied, f.ratings.count ? Math.round((1000 * f.ratings.satisfied) / f.ratings.count) / 10 : '', ...f.ratings.scores];
}

export function reportCsv(report: ReportResponse): string {
  const rows = [HEADER.join(',')];
  const add = (scope: string, date: string, name: string, f: ReportFigures) => rows.push([scope, date, name, ...figures(f)].map(cell).join(','));
  for (const day of report.days) add('day', day.date, '', day);
  for (const row of report.agents) add('agent', '', row.agent?.name ?? 'Nobody', row);
  for (const row of report.sites) add('site', '', row.site.name, row);
  add('total', `${report.from}/${report.to}`, '', report.total);
  return `${rows.join('\r\n')}\r\n`;
}

/** The download's file name: what and when, in ASCII. */
export function reportFileName(report: ReportResponse): string {
  return `parley-report-${report.from}-to-${report.to}.csv`;
}
