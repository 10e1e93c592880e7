/**
 * Runs the scenarios against one started system: streams held (memory and idle CPU at each
 * stream count), delivery latency at each count, durable ingest and the reconnect storm at the
 * largest count. The server's figures come from /proc here; the load processes only send and time.
 * Each traffic step also records the CPU it cost (server processes, database, load, machine) so
 * the report can say what bounds the figure.
 */
import type { Flags } from './flags.ts';
import { LoadPool } from './load-pool.ts';
import { round } from './percentiles.ts';
import { cpuPercentOver, settledRss } from './proc-stats.ts';
import { sleep } from './processes.ts';
import type { IngestRun, LatencyRun, StormRun, StreamPoint, SystemRun } from './results.ts';
import type { SystemUnderTest } from './system.ts';
import { describeUsage, watchUsage } from './usage-watch.ts';

const log = (text: string) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${text}`);

export async function runSystem(system: SystemUnderTest, flags: Flags): Promise<SystemRun> {
  const wants = (s: Flags['only'][number]) => flags.only.includes(s);
  const largest = flags.streams.at(-1)!;
  const counts = wants('streams') || wants('latency') ? flags.streams : [largest];
  const run: Extract<SystemRun, { status: 'ok' }> = {
    status: 'ok', label: system.label, processes: (system.nodePids ?? system.pids)().length, setupMs: 0, setupFailed: 0, baselineRssBytes: null, points: [], ingest: null, storm: null,
  };

  // At rest: started and ready, nothing created or connected yet.
  run.restRssBytes = await settledRss(system.pids());
  log(`${system.label}: RSS at rest ${((run.restRssBytes ?? 0) / 1048576).toFixed(1)} MiB`);
  log(`${system.label}: creating ${largest} visitors (${flags.active} with a conversation) and the agent`);
  const { pool, setupMs, failed, firstError } = await LoadPool.start(system, largest, flags.active);
  run.setupMs = setupMs;
  run.setupFailed = failed;
  const watch = () => watchUsage((system.nodePids ?? system.pids)(), pool.pids(), system.watchDb);
  // A system that fell behind is still answering the last step's sends: let it finish first.
  const settle = async () => {
    const { pending, ms } = await pool.settle(60_000);
    if (ms > 100 || pending > 0) log(`${system.label}: waited ${ms} ms for the previous step's sends to be answered${pending ? ` (${pending} still not)` : ''}`);
  };
  try {
    if (failed > 0) log(`${system.label}: ${failed} visitors failed to set up: ${firstError}`);
    await sleep(1000);
    const baselineHeap = (await system.liveHeap?.()) ?? null;
    run.baselineRssBytes = await settledRss(system.pids());

    // Memory and idle CPU first, with no message traffic yet, so garbage from traffic does not count as streams.
    for (const n of counts) {
      const opened = await pool.openStreams(n);
      log(`${system.label}: ${opened.open} streams open (${opened.failed} failed) in ${opened.ms} ms${opened.firstError ? ` — ${opened.firstError}` : ''}`);
      await sleep(2000);
      const rss = await settledRss(system.pids());
      const point: StreamPoint = {
        streams: n, open: opened.open, failed: opened.failed, firstError: opened.firstError, openMs: opened.ms, rssBytes: rss,
        bytesPerStream: rss !== null && run.baselineRssBytes !== null && opened.open > 0 ? Math.round((rss - run.baselineRssBytes) / opened.open) : null,
        idleCpuPercent: null, latency: null,
      };
      const heap = (await system.liveHeap?.()) ?? null;
      if (heap !== null && baselineHeap !== null && opened.open > 0) point.heapBytesPerStream = Math.round((heap - baselineHeap) / opened.open);
      if (wants('streams')) {
        const cpu = await cpuPercentOver(system.pids(), flags.idleS * 1000);
        point.idleCpuPercent = cpu === null ? null : round(cpu, 3);
        log(`${system.label}: ${n} streams: RSS ${((rss ?? 0) / 1048576).toFixed(1)} MiB, ${point.bytesPerStream === null ? '?' : (point.bytesPerStream / 1024).toFixed(1)} KiB/stream (live heap ${point.heapBytesPerStream == null ? '?' : (point.heapBytesPerStream / 1024).toFixed(1)} KiB), idle CPU ${point.idleCpuPercent} %`);
      }
      run.points.push(point);
    }

    // Then traffic: latency at the largest count, the storm there, and latency at each smaller count going down.
    const latencyAt = async (point: StreamPoint) => {
      const stop = watch();
      point.latency = await pool.first<LatencyRun>({ cmd: 'latency', rate: flags.rate, durationMs: flags.durationS * 1000 }, flags.durationS * 1000 + 120_000);
      const l = point.latency;
      l.usage = await stop();
      log(`${system.label}: ${point.streams} streams, ${flags.rate} msg/s: v→a p99 ${l.v2a.p99} ms, a→v p99 ${l.a2v.p99} ms, errors ${l.errors}, not acknowledged ${l.unacked ?? '?'}, lost ${l.lost}, doubled ${l.doubled}`);
      if (l.firstError) log(`${system.label}:   first send error: ${l.firstError}`);
      log(`${system.label}:   CPU (% of one core): ${describeUsage(l.usage)}`);
      await settle();
    };
    const descending = [...run.points].reverse();
    if (wants('latency') || wants('storm')) {
      // Warm-up (JIT, caches, SQLite pages), discarded, so the first measured step is not penalised for going first.
      await pool.first<LatencyRun>({ cmd: 'latency', rate: flags.rate, durationMs: 3000 }, 120_000);
      await settle();
    }
    if (wants('latency')) await latencyAt(descending[0]!);

    if (wants('storm')) {
      const stop = watch();
      const storm = await pool.storm<Omit<StormRun, 'streams'>>(
        { cmd: 'storm', rate: flags.stormRate, beforeMs: 2000, afterMs: 3000, jitterMs: 1000, deadlineMs: 60_000 }, 180_000);
      run.storm = { ...storm, streams: largest, usage: await stop() };
      log(`${system.label}: storm over ${largest} streams at ${flags.stormRate} msg/s: all resumed in ${storm.resumed?.ms} ms (${storm.resumed?.failed} not), lost ${storm.lost}, doubled ${storm.doubled}, errors ${storm.errors}`);
      log(`${system.label}:   CPU over the whole storm step (% of one core): ${describeUsage(run.storm.usage)}`);
      await settle();
    }

    if (wants('latency')) {
      for (const point of descending.slice(1)) {
        const open = await pool.trimStreams(point.streams);
        log(`${system.label}: down to ${open} streams`);
        await sleep(1000);
        await latencyAt(point);
      }
    }

    if (wants('ingest')) {
      // One offered rate at a time, so each step's CPU is its own.
      const steps: IngestRun['steps'] = [];
      for (const rate of flags.ingestRates) {
        const stop = watch();
        const one = await pool.first<Omit<IngestRun, 'memoryOnly'>>(
          { cmd: 'ingest', rates: [rate], stepMs: flags.ingestStepS * 1000, p99LimitMs: 100 }, flags.ingestStepS * 1000 + 45_000);
        const step = { ...one.steps[0]!, usage: await stop() };
        steps.push(step);
        log(`${system.label}: ingest ${rate}/s offered → ${step.achieved}/s stored, ack p99 ${step.p99} ms${step.passed ? '' : ' ✗'}; CPU: ${describeUsage(step.usage)}`);
        if (!step.passed) break;
        await sleep(500);
        await settle();
      }
      const best = steps.filter((s) => s.passed).at(-1) ?? null;
      run.ingest = { steps, bestRate: best?.rate ?? 0, bestP99: best?.p99 ?? null, memoryOnly: system.kind === 'nchan' };
      log(`${system.label}: durable ingest ${run.ingest.bestRate} msg/s`);
    }

  } catch (error) {
    run.error = (error as Error).message.split('\n')[0];
    log(`${system.label}: stopped early: ${run.error}`);
  } finally {
    await pool.close();
  }
  return run;
}
