/**
 * `npm run bench`: Parley — one node on SQLite, and N nodes on one PostgreSQL database
 * (`--cluster N`) — side by side with a socket.io relay and nchan, in one run on one machine.
 * Each system runs alone in its own process(es) with a fresh data dir or database; load comes from separate
 * processes over 127.0.0.1 only. Prints a table (every figure also as ours / peer), writes the
 * JSON (--out) and regenerates docs/benchmarks-latency.svg from it. Never part of `npm test`.
 * It must not edit anything outside bench/ and the chart, and kills every process it started (and
 * drops the database it created).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags, USAGE, type Flags, type SystemName } from './flags.ts';
import { latencyChart } from './latency-chart.ts';
import { startParleyCluster } from './parley-cluster.ts';
import { startParley } from './parley-server.ts';
import { startNchan } from './peers/nchan.conf.ts';
import { ensurePeers, PEERS_DIR } from './peers/peer-modules.ts';
import { startSocketioRelay } from './peers/socketio-system.ts';
import { killAll, killChildrenOnExit } from './processes.ts';
import { loadAverage } from './proc-stats.ts';
import { formatTable } from './report-table.ts';
import type { BenchResults } from './results.ts';
import { runSystem } from './run-system.ts';
import type { Started } from './system.ts';
import { parleyWidget, peerWidgets } from './widget-weight.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The open-file limit per process here; a server keeps ~1,000 descriptors for everything else. */
const OPEN_FILES = 20_000;
const MAX_STREAMS = OPEN_FILES - 1000;

function openFilesLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || OPEN_FILES;
  } catch {
    return OPEN_FILES;
  }
}

function writeChart(results: BenchResults, flags: Flags): void {
  const chart = resolve(ROOT, flags.chart);
  mkdirSync(dirname(chart), { recursive: true });
  writeFileSync(chart, latencyChart(results));
  console.log(`chart: ${flags.chart}`);
}

async function start(name: SystemName, peersError: string | null, flags: Flags): Promise<Started> {
  if (name === 'parley') return startParley(ROOT, MAX_STREAMS);
  if (name === 'parley-cluster') return startParleyCluster(ROOT, MAX_STREAMS, flags.clusterNodes, flags.databaseUrl);
  if (name === 'socketio') return peersError ? { ok: false, reason: `socket.io skipped: ${peersError}` } : startSocketioRelay();
  return startNchan(OPEN_FILES);
}

async function main(): Promise<void> {
  const limit = openFilesLimit();
  const flags = parseFlags(process.argv.slice(2), Math.min(MAX_STREAMS, limit - 1000));
  if (flags === 'help') { console.log(USAGE); return; }
  const out = resolve(ROOT, flags.out);

  if (flags.chartOnly) {
    writeChart(JSON.parse(readFileSync(out, 'utf8')) as BenchResults, flags);
    return;
  }
  killChildrenOnExit();
  const began = Date.now();
  const cpu = cpus();
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(), node: process.versions.node, cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30), openFilesLimit: limit, durationS: 0,
      // The results are shared; a password in the database URL is not.
      flags: { ...flags, databaseUrl: flags.databaseUrl.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@') },
      loadAverage: { start: loadAverage(), end: null },
    },
    systems: {},
    widget: null,
  };
  console.log(`bench: streams ${flags.streams.join(', ')} · ${flags.rate} msg/s · ${flags.durationS} s per latency step · systems ${flags.systems.join(', ')} · scenarios ${flags.only.join(', ')}`);

  if (flags.build) {
    console.log('building the widget and dashboard (npm run build)…');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' }, timeout: 300_000 });
  }
  const needPeers = flags.systems.includes('socketio') || flags.only.includes('widget');
  const peersError = needPeers ? ensurePeers() : null;
  if (peersError) console.log(`peers: ${peersError}`);

  const streamScenarios = flags.only.some((s) => s !== 'widget');
  if (streamScenarios) {
    for (const name of flags.systems) {
      console.log(`\n== ${name}`);
      const started = await start(name, peersError, flags);
      if (!started.ok) {
        console.log(`  ${started.reason.split('\n')[0]}`);
        const label = name === 'socketio' ? 'socket.io' : name === 'parley-cluster' ? `Parley ×${flags.clusterNodes} on PostgreSQL` : name;
        results.systems[name] = { status: 'skipped', label, reason: started.reason.split('\n')[0]! };
        continue;
      }
      try {
        results.systems[name] = await runSystem(started.system, flags);
      } finally {
        await started.system.stop();
      }
    }
  }

  if (flags.only.includes('widget')) {
    results.widget = [parleyWidget(resolve(ROOT, 'dist')), ...peerWidgets(PEERS_DIR)];
  }

  results.meta.durationS = Math.round((Date.now() - began) / 1000);
  results.meta.loadAverage!.end = loadAverage();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const load = results.meta.loadAverage!;
  console.log(`\n${formatTable(results)}\n\nload average (1/5/15 min) at the start ${load.start?.join(' ') ?? '?'}, at the end ${load.end?.join(' ') ?? '?'} (${results.meta.cpus} cores)`);
  console.log(`results: ${flags.out} (${results.meta.durationS} s)`);
  if (streamScenarios) writeChart(results, flags);
}

main().then(
  async () => { await killAll(); },
  async (error: Error) => {
    console.error(error.stack ?? error.message);
    await killAll();
    process.exitCode = 1;
  },
);
