/**
 * Memory and CPU of a process (and its children, for nginx's master + worker) read from /proc.
 * Linux only; elsewhere the figures are null and the table says so.
 */
import { readFileSync, readdirSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on every Linux the bench targets

/** VmRSS in bytes, or null when the process is gone or /proc is missing. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** utime + stime in seconds: of the whole process, or of one of its threads (`thread`: its tid). */
export function cpuSeconds(pid: number, thread?: number): number | null {
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    // The command name may contain spaces; fields after it start behind the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** The pid and its direct children (nginx's worker is a child of the master). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) pids.push(Number(entry));
      } catch { /* exited meanwhile */ }
    }
  } catch { /* no /proc */ }
  return pids;
}

const sum = (values: Array<number | null>): number | null =>
  values.some((v) => v === null) ? null : values.reduce<number>((a, b) => a + (b ?? 0), 0);

export const treeRss = (pids: number[]): number | null => sum(pids.map(rssBytes));
export const treeCpu = (pids: number[]): number | null => sum(pids.map((pid) => cpuSeconds(pid)));

/** CPU use over a window as a percentage of one core. */
export async function cpuPercentOver(pids: number[], windowMs: number): Promise<number | null> {
  const before = treeCpu(pids);
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = treeCpu(pids);
  if (before === null || after === null) return null;
  return ((after - before) / ((performance.now() - start) / 1000)) * 100;
}

/** Median of a few RSS samples, spaced out, to smooth allocator noise. */
export async function settledRss(pids: number[], samples = 5, gapMs = 200): Promise<number | null> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    const value = treeRss(pids);
    if (value !== null) values.push(value);
    if (i < samples - 1) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

/** Seconds of CPU the whole machine spent busy (every core: all but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - fields[3]! - fields[4]!) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Tasks running or ready to run on the whole machine right now (procs_running in /proc/stat, this reader included). */
export function runnableTasks(): number | null {
  try {
    const match = /^procs_running (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The 1, 5 and 15 minute load averages, or null off Linux. */
export function loadAverage(): number[] | null {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return null;
  }
}
