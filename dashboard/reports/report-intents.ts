/**
 * The Reports page's intents (issue 15): a period of the last 7, 30 or 90 days, or from and to as
 * typed, in the browser's time zone, for every site or one. Each change asks the server again;
 * the figures are never computed here.
 */
import type { ReportQuery } from '../../protocol/protocol.ts';
import { ApiError } from '../api.ts';
import { messageOf, type ControllerDeps } from '../intents/deps.ts';
import { createReportsApi } from './reports-api.ts';
import { query, reportAsked, reportFailed, reportLoaded, type Preset } from './reports-state.ts';

/** YYYY-MM-DD of a moment in the browser's zone. */
export const localDate = (at: number): string => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

export function createReportIntents(deps: ControllerDeps) {
  const api = createReportsApi(deps.api.call);
  const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

  async function load(next: ReportQuery, chosen: Preset): Promise<void> {
    const ticket = reportAsked(next, chosen);
    try {
      reportLoaded(ticket, await api.report(next));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return; // back to login already
      reportFailed(ticket, messageOf(error));
    }
  }

  /** The last `days` days, today included. */
  function lastDays(days: 7 | 30 | 90, siteId = query.value?.siteId): Promise<void> {
    const today = deps.now();
    return load({ from: localDate(today - (days - 1) * 86_400_000), to: localDate(today), timeZone: timeZone(), ...(siteId ? { siteId } : {}) }, days);
  }

  return {
    lastDays,
    /** Dates as typed (YYYY-MM-DD); the server says what is wrong with them. */
    between(from: string, to: string): Promise<void> {
      const siteId = query.value?.siteId;
      return load({ from, to, timeZone: timeZone(), ...(siteId ? { siteId } : {}) }, 'custom');
    },
    /** Another site (undefined: all of them), same period. */
    site(siteId: string | undefined, current: Preset): Promise<void> {
      const now = query.value;
      if (!now || current !== 'custom') return lastDays(current === 'custom' ? 30 : current, siteId);
      return load({ from: now.from, to: now.to, timeZone: now.timeZone, ...(siteId ? { siteId } : {}) }, 'custom');
    },
  };
}

export type ReportIntents = ReturnType<typeof createReportIntents>;
