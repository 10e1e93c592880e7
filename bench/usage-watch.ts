/**
 * What bounds a figure: CPU used during a scenario step by each server process, by the load
 * processes, by the database's backends (parley-cluster) and by the whole machine, read from
 * /proc around the step. The machine figure includes work that is not the bench (on a shared
 * machine, other people's tests): machine − server − database − load is that remainder.
 * It only reads /proc; it never signals or changes anything.
 */
import { round } from './percentiles.ts';
import { cpuSeconds, machineBusySeconds, runnableTasks, treeCpu } from './proc-stats.ts';
import type { DbUsage, Usage } from './results.ts';

/** Starts a database watch; calling the result ends it and says what was seen. close() ends the watch's connections. */
export type DbWatch = (() => () => Promise<DbUsage | null>) & { close?: () => Promise<void> };

const percent = (seconds: number | null, wallS: number) => (seconds === null ? null : round((seconds / wallS) * 100, 1));

/** Starts counting; the returned function stops and reports, as % of one core (2 cores = 200 %). */
export function watchUsage(serverPids: number[], loadPids: number[], watchDb?: DbWatch): () => Promise<Usage> {
  const started = performance.now();
  const server = serverPids.map((pid) => cpuSeconds(pid));
  // A process's main thread has the process's id as its thread id.
  const loop = serverPids.map((pid) => cpuSeconds(pid, pid));
  // The load processes and this one (which drives them and samples the database).
  const loadCpu = () => { const n = treeCpu(loadPids); return n === null ? null : n + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6; };
  const load = loadCpu();
  const machine = machineBusySeconds();
  const db = watchDb?.();
  // More runnable tasks than cores means everything waits for a turn on a CPU (a shared machine).
  let runnable = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    const n = runnableTasks();
    if (n !== null) { runnable += n; samples++; }
  }, 100);
  return async () => {
    clearInterval(sampler);
    const wallS = (performance.now() - started) / 1000;
    const serverAfter = serverPids.map((pid) => cpuSeconds(pid));
    const loopAfter = serverPids.map((pid) => cpuSeconds(pid, pid));
    const loadAfter = loadCpu();
    const machineAfter = machineBusySeconds();
    return {
      seconds: round(wallS, 1),
      server: serverAfter.map((after, i) => (after === null || server[i] === null ? null : percent(after - server[i]!, wallS))),
      loop: loopAfter.map((after, i) => (after === null || loop[i] === null ? null : percent(after - loop[i]!, wallS))),
      load: load === null || loadAfter === null ? null : percent(loadAfter - load, wallS),
      machine: machine === null || machineAfter === null ? null : percent(machineAfter - machine, wallS),
      runnable: samples === 0 ? null : round(runnable / samples, 1),
      db: db ? await db() : null,
    };
  };
}

/** One line for the log: "server 96+88+90 %, PostgreSQL backends 45 % (…), load 40 %, machine 198 %, runnable tasks 3.1". */
export function describeUsage(usage: Usage | null | undefined): string {
  if (!usage) return 'no CPU figures';
  const parts = [`server ${usage.server.map((v) => (v === null ? '?' : v.toFixed(0))).join('+')} %`];
  if (usage.loop) parts.push(`its main thread ${usage.loop.map((v) => (v === null ? '?' : v.toFixed(0))).join('+')} %`);
  if (usage.db) {
    const waits = Object.entries(usage.db.waits).sort((a, b) => b[1] - a[1]).slice(0, 4)
      .map(([what, n]) => `${what} ${n.toFixed(2)}`).join(', ');
    const holder = Object.entries(usage.db.holder ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 3)
      .map(([what, share]) => `${what} ${(share * 100).toFixed(0)} %`).join(', ');
    parts.push(`PostgreSQL backends ${usage.db.cpu.toFixed(0)} % (${usage.db.eventsPerS ?? '?'} log events/s, ${usage.db.commitsPerS ?? '?'} transactions/s with reads; active ${usage.db.active.toFixed(2)} on average: ${waits || 'none'}`
      + `${usage.db.contended ? `; a row lock queued for in ${(usage.db.contended * 100).toFixed(0)} % of samples, its holder meanwhile: ${holder}` : ''})`);
  }
  const ours = usage.server.reduce<number>((a, b) => a + (b ?? 0), 0) + (usage.db?.cpu ?? 0) + (usage.load ?? 0);
  const other = usage.machine === null ? '?' : Math.max(0, usage.machine - ours).toFixed(0);
  parts.push(`load ${usage.load?.toFixed(0) ?? '?'} %`, `machine ${usage.machine?.toFixed(0) ?? '?'} % (not the bench: ${other} %)`, `runnable tasks ${usage.runnable ?? '?'}`);
  return parts.join(', ');
}
