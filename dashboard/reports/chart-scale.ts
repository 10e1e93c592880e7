/**
 * Axes for the report's charts: a top value and ticks a person reads at a glance — counts in
 * steps of 1, 2 or 5 times a power of ten, durations in the steps a clock has (30 s, 5 min, 1 h…).
 * Pure functions, unit-tested beside this file.
 */

/** Ticks from 0 to a round top ≥ max, about `count` steps; a top of 1 when there is nothing. */
export function countTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step; tick += step) ticks.push(Math.round(tick * 1e6) / 1e6);
  return ticks;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const STEPS = [SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 7 * 24 * HOUR];

/** Ticks from 0 to a round duration ≥ max (ms), about `count` steps. */
export function durationTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, MINUTE];
  const step = STEPS.find((s) => s * count >= max) ?? Math.ceil(max / count / (24 * HOUR)) * 24 * HOUR;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step; tick += step) ticks.push(tick);
  return ticks;
}

/** A tick's label: "0", "30 s", "5 min", "2 h", "1 d". */
export function shortDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms < MINUTE) return `${Math.round(ms / SECOND)} s`;
  if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`;
  if (ms < 24 * HOUR) return `${Math.round((ms / HOUR) * 10) / 10} h`;
  return `${Math.round((ms / (24 * HOUR)) * 10) / 10} d`;
}

/** Which of n labels to print so that at most `most` show, evenly, the last always among them. */
export function labelEvery(n: number, most: number): (i: number) => boolean {
  const every = Math.max(1, Math.ceil(n / most));
  return (i) => (n - 1 - i) % every === 0;
}
