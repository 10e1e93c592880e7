/**
 * A load-generator process, forked by bench/run.ts: it holds real HTTP/SSE (or socket.io) clients
 * for one system under test and runs scenario steps on command over IPC. It never measures the
 * server's memory or CPU (the parent reads /proc) and never talks to anything but 127.0.0.1.
 * Worker 0 holds the agent and the active conversations; other workers only hold idle streams.
 */
import { summarize } from '../percentiles.ts';
import { createNchanTarget } from './nchan-target.ts';
import { createParleyTarget } from './parley-target.ts';
import { createSocketioTarget } from './socketio-target.ts';
import type { LoadTarget, TargetInfo } from './target.ts';
import { Traffic, type TrafficReport } from './traffic.ts';

export type Command =
  | { cmd: 'init'; target: TargetInfo; visitors: number; active: number; agent: boolean }
  | { cmd: 'open'; upTo: number }
  | { cmd: 'trim'; upTo: number }
  | { cmd: 'latency'; rate: number; durationMs: number }
  | { cmd: 'ingest'; rates: number[]; stepMs: number; p99LimitMs: number }
  | { cmd: 'storm'; rate: number; beforeMs: number; afterMs: number; jitterMs: number; deadlineMs: number }
  | { cmd: 'stormReconnect'; jitterMs: number; deadlineMs: number }
  | { cmd: 'settle'; maxMs: number }
  | { cmd: 'close' };

let target: LoadTarget | null = null;
let active = 0;
let stepNo = 0;

const brief = (report: TrafficReport) => ({
  sent: report.sent, acked: report.acked, errors: report.errors + report.backlogged, firstError: report.firstError,
  // Sent, neither acknowledged nor refused when the step's grace ran out: the system fell behind.
  unacked: report.sent - report.acked - report.errors,
  lost: report.lost, doubled: report.doubled,
  v2a: summarize(report.v2a), a2v: summarize(report.a2v), ack: summarize(report.ack),
});

async function handle(command: Command): Promise<unknown> {
  switch (command.cmd) {
    case 'init': {
      const info = command.target;
      target = info.kind === 'parley' ? createParleyTarget(info) : info.kind === 'nchan' ? createNchanTarget(info) : createSocketioTarget(info);
      active = command.active;
      const started = performance.now();
      const prepared = await target.prepare(command.visitors, command.active);
      if (command.agent) await target.openAgent();
      return { ...prepared, ms: Math.round(performance.now() - started) };
    }
    case 'open': {
      const started = performance.now();
      const result = await target!.openVisitors(command.upTo);
      return { ...result, open: target!.openStreams(), ms: Math.round(performance.now() - started) };
    }
    case 'trim': {
      await target!.closeVisitors(command.upTo);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { open: target!.openStreams() };
    }
    case 'latency': {
      const traffic = new Traffic(target!, `lat${stepNo++}`);
      await traffic.run({ rate: command.rate, durationMs: command.durationMs, active, mix: 'both', maxInFlight: 5000, warmupMs: 1000 });
      // A generous grace: a system that fell behind delivers late, and late is not lost.
      return brief(await traffic.finish(60_000));
    }
    case 'ingest': {
      const steps: Array<{ rate: number; achieved: number; p99: number | null; errors: number; lost: number; passed: boolean }> = [];
      for (const rate of command.rates) {
        const traffic = new Traffic(target!, `ing${stepNo++}`);
        const started = performance.now();
        await traffic.run({ rate, durationMs: command.stepMs, active, mix: 'v2a', maxInFlight: Math.max(1000, rate / 2) });
        const report = await traffic.finish(10_000);
        // Up to the last acknowledgement, so the drain wait does not count against the rate.
        const seconds = ((traffic.lastAckAt ?? performance.now()) - started) / 1000;
        const ack = summarize(report.ack);
        // Sustained means: everything offered was stored within the step (plus the drain), fast enough.
        const achieved = Math.round(report.acked / seconds);
        const passed = report.errors + report.backlogged === 0 && report.lost === 0 && ack.p99 !== null
          && ack.p99 < command.p99LimitMs && report.acked === report.sent && report.sent >= rate * command.stepMs / 1000 * 0.97;
        steps.push({ rate, achieved, p99: ack.p99, errors: report.errors + report.backlogged, lost: report.lost, passed });
        if (!passed) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const best = steps.filter((s) => s.passed).at(-1) ?? null;
      return { steps, bestRate: best?.rate ?? 0, bestP99: best?.p99 ?? null };
    }
    case 'storm': {
      // Traffic runs throughout; the streams drop beforeMs into it, and it goes on afterMs after all are back.
      const traffic = new Traffic(target!, `storm${stepNo++}`);
      let resumed: { ms: number; failed: number; firstError: string | null } | null = null;
      const dropAndReconnect = async () => {
        await new Promise((resolve) => setTimeout(resolve, command.beforeMs));
        const dropped = performance.now();
        target!.dropAll();
        const result = await target!.reconnectAll(command.jitterMs, command.deadlineMs);
        resumed = { ms: Math.round(performance.now() - dropped), failed: result.failed, firstError: result.firstError };
      };
      const storm = dropAndReconnect();
      let stopAt = Infinity;
      void storm.then(() => (stopAt = Date.now() + command.afterMs));
      await traffic.run({ rate: command.rate, durationMs: command.beforeMs + command.deadlineMs + command.afterMs, active, mix: 'both', maxInFlight: 5000 },
        () => Date.now() >= stopAt);
      await storm;
      return { resumed, ...brief(await traffic.finish(60_000)) };
    }
    case 'stormReconnect': {
      const dropped = performance.now();
      target!.dropAll();
      const result = await target!.reconnectAll(command.jitterMs, command.deadlineMs);
      return { resumed: { ms: Math.round(performance.now() - dropped), failed: result.failed, firstError: result.firstError } };
    }
    case 'settle': {
      // Until the sends of earlier steps are answered, so their backlog does not count against the next step.
      const started = performance.now();
      while (Traffic.inFlightAll > 0 && performance.now() - started < command.maxMs) await new Promise((resolve) => setTimeout(resolve, 50));
      return { pending: Traffic.inFlightAll, ms: Math.round(performance.now() - started) };
    }
    case 'close':
      await target?.close();
      setTimeout(() => process.exit(0), 50);
      return { closed: true };
  }
}

process.on('message', (message: { id: number; command: Command }) => {
  handle(message.command).then(
    (result) => process.send!({ id: message.id, result }),
    (error: Error) => process.send!({ id: message.id, error: error.stack ?? error.message }),
  );
});
// The parent going away must not leave this process holding thousands of sockets.
process.on('disconnect', () => process.exit(0));
