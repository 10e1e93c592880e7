/**
 * The Reports page's state (issue 15): the period and site chosen, and the report for them. A
 * report that answers after another was asked for is dropped, so quick clicks through the periods
 * end on the last one chosen. Changed only through the actions below.
 */
import { signal } from '@preact/signals';
import type { ReportQuery, ReportResponse } from '../../protocol/protocol.ts';

/** Days back from today (inclusive of today), or the dates typed in. */
export type Preset = 7 | 30 | 90 | 'custom';

export const query = signal<ReportQuery | null>(null);
export const preset = signal<Preset>(30);
export const report = signal<ReportResponse | null>(null);
export const reportState = signal<'idle' | 'loading' | 'ready' | 'failed'>('idle');
export const reportError = signal<string | null>(null);

let asked = 0;

/** A new report is on its way; answers for the ones before it no longer count. Returns its ticket. */
export function reportAsked(next: ReportQuery, chosen: Preset): number {
  query.value = next;
  preset.value = chosen;
  reportState.value = 'loading';
  reportError.value = null;
  return ++asked;
}

export function reportLoaded(ticket: number, response: ReportResponse): void {
  if (ticket !== asked) return;
  report.value = response;
  reportState.value = 'ready';
}

export function reportFailed(ticket: number, text: string): void {
  if (ticket !== asked) return;
  reportState.value = 'failed';
  reportError.value = text;
}
