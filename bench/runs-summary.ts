/**
 * Median and spread (min–max) of the headline figures over several bench runs, per system:
 * `node bench/runs-summary.ts run1.json run2.json run3.json`. One run on a shared machine says
 * little; docs/benchmarks.md reports the median of three and their spread. It only reads the
 * result files.
 */
import { readFileSync } from 'node:fs';
import type { BenchResults, SystemRun } from './results.ts';

type Ok = Extract<SystemRun, { status: 'ok' }>;
interface Figure { label: string; pick: (run: Ok) => number | null | undefined; format: (v: number) => string }

const int = (v: number) => Math.round(v).toLocaleString('en');
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : v < 1000 ? 1 : 0)} ms`;
const kib = (v: number) => `${(v / 1024).toFixed(1)} KiB`;
const mib = (v: number) => `${(v / 1048576).toFixed(1)} MiB`;
const largest = (run: Ok) => run.points.at(-1);

const FIGURES: Figure[] = [
  { label: 'durable ingest: msg/s with ack p99 < 100 ms ↑', pick: (r) => r.ingest?.bestRate, format: int },
  { label: 'durable ingest: ack p99 at that rate ↓', pick: (r) => r.ingest?.bestP99, format: ms },
  { label: 'durable ingest: stored/s at the first failing rate', pick: (r) => r.ingest?.steps.find((s) => !s.passed)?.achieved, format: int },
  { label: 'delivery visitor→agent p99 ↓', pick: (r) => largest(r)?.latency?.v2a.p99, format: ms },
  { label: 'delivery agent→visitor p99 ↓', pick: (r) => largest(r)?.latency?.a2v.p99, format: ms },
  { label: 'delivery: sends skipped or refused ↓', pick: (r) => largest(r)?.latency?.errors, format: int },
  { label: 'delivery: lost + doubled ↓', pick: (r) => { const l = largest(r)?.latency; return l ? l.lost + l.doubled : null; }, format: int },
  { label: 'storm: time until all resumed ↓', pick: (r) => r.storm?.resumed?.ms, format: ms },
  { label: 'storm: streams not resumed ↓', pick: (r) => r.storm?.resumed?.failed, format: int },
  { label: 'storm: messages lost ↓', pick: (r) => r.storm?.lost, format: int },
  { label: 'storm: messages doubled ↓', pick: (r) => r.storm?.doubled, format: int },
  { label: 'RSS at rest (started, nothing created) ↓', pick: (r) => r.restRssBytes, format: mib },
  { label: 'RSS with 0 streams ↓', pick: (r) => r.baselineRssBytes, format: mib },
  { label: 'memory/stream (ΔRSS) ↓', pick: (r) => largest(r)?.bytesPerStream, format: kib },
  { label: 'live heap/stream ↓', pick: (r) => largest(r)?.heapBytesPerStream, format: kib },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.log('Usage: node bench/runs-summary.ts run1.json run2.json …');
  process.exit(1);
}
const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
const names = [...new Set(runs.flatMap((r) => Object.keys(r.systems)))];
const rows: string[][] = [];
for (const figure of FIGURES) {
  const row = [figure.label];
  for (const name of names) {
    const values = runs.map((r) => r.systems[name]).filter((s): s is Ok => s?.status === 'ok').map(figure.pick)
      .filter((v): v is number => typeof v === 'number');
    row.push(values.length === 0 ? '—' : values.length === 1 ? figure.format(values[0]!)
      : `${figure.format(median(values))} (${figure.format(Math.min(...values))}–${figure.format(Math.max(...values))})`);
  }
  rows.push(row);
}
const label = (name: string) => runs.map((r) => r.systems[name]).find(Boolean)?.label ?? name;
const header = [`median (min–max) of ${runs.length} runs`, ...names.map(label)];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log([line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'));
for (const [i, r] of runs.entries()) {
  const load = r.meta.loadAverage;
  console.log(`run ${i + 1}: ${files[i]} — ${r.meta.date}, ${r.meta.durationS} s, load average ${load?.start?.[0] ?? '?'} at the start, ${load?.end?.[0] ?? '?'} at the end (${r.meta.cpus} cores)`);
}
