/**
 * The printed table: one row per figure, one column per system, and every Parley figure as a
 * ratio to each peer's (ours / peer), plus the cluster's to the single node's (cluster / single)
 * when both ran. For rows marked ↓ lower is better, for ↑ higher is better. Below it, the CPU each
 * traffic step cost (what bounds the figures).
 */
import type { BenchResults, StreamPoint, SystemRun, Usage } from './results.ts';
import { describeUsage } from './usage-watch.ts';

const OURS = ['parley', 'parley-cluster'];

type Cell = number | null;
interface Row { label: string; values: Record<string, Cell>; format: (v: number) => string }

const kib = (v: number) => `${(v / 1024).toFixed(1)} KiB`;
const mib = (v: number) => `${(v / 1048576).toFixed(1)} MiB`;
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
const int = (v: number) => Math.round(v).toLocaleString('en');
const pct = (v: number) => `${v.toFixed(2)} %`;

function rows(results: BenchResults): Row[] {
  const ok = Object.entries(results.systems).filter((e): e is [string, Extract<SystemRun, { status: 'ok' }>] => e[1].status === 'ok');
  const out: Row[] = [];
  const row = (label: string, format: Row['format'], pick: (run: Extract<SystemRun, { status: 'ok' }>) => Cell) => {
    const values: Record<string, Cell> = {};
    for (const [name, run] of ok) values[name] = pick(run);
    if (Object.values(values).some((v) => v !== null)) out.push({ label, values, format });
  };
  const at = (run: Extract<SystemRun, { status: 'ok' }>, n: number): StreamPoint | undefined => run.points.find((p) => p.streams === n);

  row('RSS at rest (started, nothing created) ↓', mib, (r) => r.restRssBytes ?? null);
  row('RSS with 0 streams ↓', mib, (r) => r.baselineRssBytes);
  for (const n of results.meta.flags.streams) {
    row(`${int(n)} streams: open ↑`, int, (r) => at(r, n)?.open ?? null);
    row(`${int(n)} streams: RSS ↓`, mib, (r) => at(r, n)?.rssBytes ?? null);
    row(`${int(n)} streams: memory/stream ↓`, kib, (r) => at(r, n)?.bytesPerStream ?? null);
    row(`${int(n)} streams: live heap/stream ↓`, kib, (r) => at(r, n)?.heapBytesPerStream ?? null);
    row(`${int(n)} streams: idle CPU ↓`, pct, (r) => at(r, n)?.idleCpuPercent ?? null);
    for (const [key, name] of [['v2a', 'visitor→agent'], ['a2v', 'agent→visitor']] as const) {
      for (const q of ['p50', 'p95', 'p99', 'max'] as const) {
        row(`${int(n)} streams: ${name} ${q} ↓`, ms, (r) => at(r, n)?.latency?.[key][q] ?? null);
      }
    }
    row(`${int(n)} streams: send errors ↓`, int, (r) => at(r, n)?.latency?.errors ?? null);
    row(`${int(n)} streams: not acknowledged in time ↓`, int, (r) => at(r, n)?.latency?.unacked ?? null);
    row(`${int(n)} streams: lost + doubled ↓`, int, (r) => { const l = at(r, n)?.latency; return l ? l.lost + l.doubled : null; });
  }
  row('durable ingest: msg/s with p99 < 100 ms ↑', int, (r) => r.ingest?.bestRate ?? null);
  row('durable ingest: ack p99 at that rate ↓', ms, (r) => r.ingest?.bestP99 ?? null);
  row('storm: time until all resumed ↓', ms, (r) => r.storm?.resumed?.ms ?? null);
  row('storm: streams not resumed ↓', int, (r) => r.storm?.resumed?.failed ?? null);
  row('storm: messages lost ↓', int, (r) => r.storm?.lost ?? null);
  row('storm: messages doubled ↓', int, (r) => r.storm?.doubled ?? null);
  row('storm: send errors ↓', int, (r) => r.storm?.errors ?? null);
  row('storm: not acknowledged in time ↓', int, (r) => r.storm?.unacked ?? null);
  return out;
}

function render(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

const ratio = (ours: Cell, peer: Cell) => (ours === null || peer === null ? '—' : peer === 0 ? (ours === 0 ? '1.00' : '∞') : (ours / peer).toFixed(2));

export function formatTable(results: BenchResults): string {
  const names = Object.keys(results.systems).filter((n) => results.systems[n]!.status === 'ok');
  const peers = names.filter((n) => !OURS.includes(n));
  const both = names.includes('parley') && names.includes('parley-cluster');
  const label = (n: string) => results.systems[n]!.label;
  const header = ['figure', ...names.map(label), ...(names.includes('parley') ? peers.map((p) => `ours/${label(p)}`) : []), ...(both ? ['cluster/single'] : [])];
  const body = rows(results).map((r) => [
    r.label,
    ...names.map((n) => (r.values[n] === null || r.values[n] === undefined ? '—' : r.format(r.values[n]!))),
    ...(names.includes('parley') ? peers.map((p) => ratio(r.values.parley ?? null, r.values[p] ?? null)) : []),
    ...(both ? [ratio(r.values['parley-cluster'] ?? null, r.values.parley ?? null)] : []),
  ]);
  const parts = [render(header, body)];
  const usage = formatUsage(results);
  if (usage) parts.push('', usage);
  for (const [name, run] of Object.entries(results.systems)) {
    if (run.status === 'skipped') parts.push(`${run.label}: ${run.reason}`);
    else if (run.error) parts.push(`${run.label}: stopped early: ${run.error}`);
    else if (name === 'nchan' && run.ingest) parts.push('nchan ingest is memory only (no persistence): a ceiling, not a like-for-like durable figure.');
    if (run.status === 'ok' && (run.processes ?? 1) > 1) parts.push(`${run.label}: RSS, memory/stream, live heap/stream and idle CPU are sums over its ${run.processes} processes (PostgreSQL not included).`);
  }
  if (results.widget) parts.push('', formatWidget(results));
  return parts.join('\n');
}

/** CPU per traffic step, % of one core (the machine has cpus × 100 %), for each system that recorded it. */
function formatUsage(results: BenchResults): string {
  const lines: string[] = [];
  for (const run of Object.values(results.systems)) {
    if (run.status !== 'ok') continue;
    const steps: Array<[string, Usage | undefined]> = [];
    for (const point of [...run.points].reverse()) steps.push([`${int(point.streams)} streams at ${int(results.meta.flags.rate)} msg/s`, point.latency?.usage]);
    if (run.storm) steps.push([`storm over ${int(run.storm.streams)} streams`, run.storm.usage]);
    if (run.ingest) {
      const best = run.ingest.steps.filter((s) => s.passed).at(-1);
      const failed = run.ingest.steps.find((s) => !s.passed);
      if (best) steps.push([`ingest ${int(best.rate)}/s (passed)`, best.usage]);
      if (failed) steps.push([`ingest ${int(failed.rate)}/s offered, ${int(failed.achieved)}/s stored (failed)`, failed.usage]);
    }
    const known = steps.filter(([, u]) => u);
    if (known.length === 0) continue;
    lines.push(`${run.label}${run.processes && run.processes > 1 ? ` (${run.processes} processes, each its own figure)` : ''}:`);
    for (const [what, u] of known) lines.push(`  ${what}: ${describeUsage(u)}`);
  }
  if (lines.length === 0) return '';
  return [`CPU during each step, % of one core (${results.meta.cpus} cores = ${results.meta.cpus * 100} %; "machine" includes work that is not the bench):`, ...lines].join('\n');
}

function formatWidget(results: BenchResults): string {
  const entries = results.widget!;
  const ours = entries.find((e) => e.name === 'Parley');
  const header = ['widget weight (bytes)', 'loader raw', 'loader gzip', 'loader br', 'panel raw', 'panel gzip', 'panel br', 'ours/peer gzip (loader, panel)'];
  const body: string[][] = [];
  const notes: string[] = [];
  for (const e of entries) {
    if (e.skipped || !e.loader || !e.panel) { notes.push(`${e.name}: ${e.skipped ?? 'not measured'}`); continue; }
    const r = ours?.loader && ours.panel && e !== ours ? `${ratio(ours.loader.gzip, e.loader.gzip)}, ${ratio(ours.panel.gzip, e.panel.gzip)}` : '';
    body.push([e.name, int(e.loader.raw), int(e.loader.gzip), int(e.loader.brotli), int(e.panel.raw), int(e.panel.gzip), int(e.panel.brotli), r]);
    notes.push(`${e.name}: ${e.note}`);
  }
  return [body.length ? render(header, body) : '', ...notes].filter(Boolean).join('\n');
}
