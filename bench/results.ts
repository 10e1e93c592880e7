/** The shape of bench/results/*.json: what the table, the chart and docs/benchmarks.md read. */
import type { Flags } from './flags.ts';
import type { LatencySummary } from './percentiles.ts';
import type { WidgetEntry } from './widget-weight.ts';

/** PostgreSQL backends of one database over a step: CPU, and what the active ones were doing. */
export interface DbUsage {
  /** % of one core, summed over the backends. */
  cpu: number;
  samples: number;
  /** Backends running a statement, on average over the samples. */
  active: number;
  /** Transactions committed in the database per second (pg_stat_database; its counters lag by up to a second). */
  commitsPerS: number | null;
  /** Events appended to the log per second (the event_head counter's advance: exact). */
  eventsPerS: number | null;
  /** Active backends in each wait ("Lock:transactionid" = waiting for a row another transaction holds, "IO:WALSync" = the commit's fsync, "CPU" = none), on average. */
  waits: Record<string, number>;
  /** Share of samples in which backends queued for a row lock another transaction held. */
  contended?: number;
  /** In those samples, what the holder was doing ("waiting for its Node process" = idle in transaction, "IO:WALSync" = its commit's fsync, …), as shares. */
  holder?: Record<string, number>;
}

/** CPU during a step, % of one core (a 2-core machine has 200 %). See usage-watch.ts. */
export interface Usage {
  seconds: number;
  /** Each server process, in the order of the system's pids. */
  server: Array<number | null>;
  /**
   * The main thread of each server process: for Node, the event loop, which every request and
   * stream shares (100 % is its ceiling, whatever the other threads do); absent in older results.
   */
  loop?: Array<number | null>;
  /** The load processes together, with the bench's own process. */
  load: number | null;
  /** The whole machine, including work that is not the bench. */
  machine: number | null;
  /** Runnable tasks on the machine, on average (sampled every 100 ms); above the core count, work queues for a CPU. */
  runnable: number | null;
  db: DbUsage | null;
}

export interface LatencyRun {
  sent: number;
  acked: number;
  errors: number;
  firstError: string | null;
  /** Sent but neither acknowledged nor refused within the step and its grace (the system fell behind). */
  unacked?: number;
  lost: number;
  doubled: number;
  v2a: LatencySummary;
  a2v: LatencySummary;
  ack: LatencySummary;
  usage?: Usage;
}

export interface StreamPoint {
  streams: number;
  open: number;
  failed: number;
  firstError: string | null;
  openMs: number;
  rssBytes: number | null;
  bytesPerStream: number | null;
  /** Live JS heap per stream after a full GC (Node systems). */
  heapBytesPerStream?: number | null;
  idleCpuPercent: number | null;
  latency: LatencyRun | null;
}

export interface IngestRun {
  steps: Array<{ rate: number; achieved: number; p99: number | null; errors: number; lost: number; passed: boolean; usage?: Usage }>;
  bestRate: number;
  bestP99: number | null;
  memoryOnly: boolean;
}

export interface StormRun extends LatencyRun {
  streams: number;
  resumed: { ms: number; failed: number; firstError: string | null } | null;
}

export type SystemRun =
  | { status: 'ok'; label: string; processes?: number; setupMs: number; setupFailed: number;
    /** RSS just after start, before the bench created anything (issue 16's "RSS at rest"). */
    restRssBytes?: number | null;
    baselineRssBytes: number | null; points: StreamPoint[]; ingest: IngestRun | null; storm: StormRun | null; error?: string }
  | { status: 'skipped'; label: string; reason: string };

export interface BenchResults {
  meta: {
    date: string; node: string; cpus: number; cpuModel: string; memoryGiB: number; openFilesLimit: number; durationS: number; flags: Flags;
    /** /proc/loadavg (1, 5, 15 min) when the run started and ended: a shared machine shows here. */
    loadAverage?: { start: number[] | null; end: number[] | null };
  };
  systems: Record<string, SystemRun>;
  widget: WidgetEntry[] | null;
}
