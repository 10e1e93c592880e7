/**
 * Reports' owner API (protocol REPORT_PATHS) over the dashboard's one request function; the CSV
 * is a plain link (a GET with the session cookie needs no CSRF header), so only its URL is built here.
 */
import { REPORT_PATHS, type ReportQuery, type ReportResponse } from '../../protocol/protocol.ts';
import type { Call } from '../api.ts';

export const reportSearch = (query: ReportQuery): string =>
  new URLSearchParams({ from: query.from, to: query.to, timeZone: query.timeZone, ...(query.siteId ? { siteId: query.siteId } : {}) }).toString();

export const reportCsvUrl = (query: ReportQuery): string => `${REPORT_PATHS.csv}?${reportSearch(query)}`;

export function createReportsApi(call: Call) {
  return {
    report: (query: ReportQuery) => call<ReportResponse>('GET', `${REPORT_PATHS.report}?${reportSearch(query)}`),
  };
}
