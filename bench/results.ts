/** The shape of bench/results/*.json: what the table, the chart and docs/benchmarks.md read. */
import type { Flags } from './flags.ts';
import type { LatencySummary } from './percentiles.ts';
import type { WidgetEntry } from './widget-weight.ts';

export interface LatencyRun {
  sent: number;
  acked: number;
  errors: number;
  firstError: string | null;
  lost: number;
  doubled: number;
  v2a: LatencySummary;
  a2v: LatencySummary;
  ack: LatencySummary;
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
  steps: Array<{ rate: number; achieved: number; p99: number | null; errors: number; lost: number; passed: boolean }>;
  bestRate: number;
  bestP99: number | null;
  memoryOnly: boolean;
}

export interface StormRun extends LatencyRun {
  streams: number;
  resumed: { ms: number; failed: number; firstError: string | null } | null;
}

export type SystemRun =
  | { status: 'ok'; label: string; setupMs: number; setupFailed: number; baselineRssBytes: number | null; points: StreamPoint[]; ingest: IngestRun | null; storm: StormRun | null; error?: string }
  | { status: 'skipped'; label: string; reason: string };

export interface BenchResults {
  meta: { date: string; node: string; cpus: number; cpuModel: string; memoryGiB: number; openFilesLimit: number; durationS: number; flags: Flags };
  systems: Record<string, SystemRun>;
  widget: WidgetEntry[] | null;
}
