/**
 * Command-line flags of `npm run bench`. Defaults are sized so the whole run (four systems: the
 * single node, the cluster and the two peers) takes a quarter of an hour or more on a 2-core
 * machine (longer when the cluster cannot carry --rate); every figure scales with the flags.
 */
import { parseArgs } from 'node:util';

export const SCENARIOS = ['streams', 'latency', 'ingest', 'storm', 'widget'] as const;
export const SYSTEMS = ['parley', 'parley-cluster', 'socketio', 'nchan'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export type SystemName = (typeof SYSTEMS)[number];

export interface Flags {
  streams: number[];
  rate: number;
  stormRate: number;
  durationS: number;
  idleS: number;
  active: number;
  ingestRates: number[];
  ingestStepS: number;
  only: Scenario[];
  systems: SystemName[];
  /** Processes in the parley-cluster system. */
  clusterNodes: number;
  /** Where parley-cluster creates (and drops) its database: an admin URL of a PostgreSQL server. */
  databaseUrl: string;
  out: string;
  chart: string;
  build: boolean;
  chartOnly: boolean;
}

export const USAGE = `Usage: npm run bench -- [flags]
  --streams 1000,5000,10000   open visitor streams at each step (ascending; "max" = the file limit allows)
  --rate 1000                 messages/s in the latency and storm scenarios (half each direction)
  --storm-rate 200            messages/s flowing during the reconnect storm (below every system's capacity)
  --duration 20               seconds of traffic per latency step
  --idle 10                   seconds over which idle CPU is measured at each step
  --active 1000               conversations that carry traffic (at most the smallest stream count)
  --ingest-rates 500,1000,...  offered rates for durable ingest, tried in order until one fails
  --ingest-step 3             seconds per ingest rate
  --only streams,latency,ingest,storm,widget   scenarios to run (streams and latency share one pass)
  --systems parley,parley-cluster,socketio,nchan   systems to run
  --cluster 3                 Parley processes in parley-cluster (all on one fresh PostgreSQL database)
  --database-url URL          PostgreSQL server for parley-cluster (default: BENCH_DATABASE_URL,
                              else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres);
                              a database with a random name is created there and dropped at the end
  --out bench/results/latest.json
  --chart docs/benchmarks-latency.svg
  --no-build                  skip \`npm run build\` (by default the bench builds first, so it measures a fresh production build)
  --chart-only                only regenerate the chart from --out`;

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
const numbers = (value: string, name: string, fileLimit: number) => list(value).map((s) => {
  const n = s === 'max' ? fileLimit : Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected positive integers, got "${s}"`);
  return n;
});
function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${value}"`);
  return n;
}
function subset<T extends string>(value: string, allowed: readonly T[], name: string): T[] {
  const chosen = list(value);
  for (const item of chosen) if (!allowed.includes(item as T)) throw new Error(`--${name}: unknown "${item}" (one of ${allowed.join(', ')})`);
  return chosen as T[];
}

/** fileLimit: the most visitor streams one server process can hold here (for --streams max). */
export function parseFlags(argv: string[], fileLimit: number): Flags | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      streams: { type: 'string', default: '1000,5000,10000' },
      rate: { type: 'string', default: '1000' },
      'storm-rate': { type: 'string', default: '200' },
      duration: { type: 'string', default: '20' },
      idle: { type: 'string', default: '10' },
      active: { type: 'string', default: '1000' },
      'ingest-rates': { type: 'string', default: '500,1000,2000,3000,4000,5000,6000,8000,10000,12000,16000' },
      'ingest-step': { type: 'string', default: '3' },
      only: { type: 'string', default: SCENARIOS.join(',') },
      systems: { type: 'string', default: SYSTEMS.join(',') },
      cluster: { type: 'string', default: '3' },
      'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres' },
      out: { type: 'string', default: 'bench/results/latest.json' },
      chart: { type: 'string', default: 'docs/benchmarks-latency.svg' },
      build: { type: 'boolean', default: true },
      'chart-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowNegative: true,
  });
  if (values.help) return 'help';
  const streams = [...new Set(numbers(values.streams, 'streams', fileLimit))].sort((a, b) => a - b);
  return {
    streams,
    rate: positive(values.rate, 'rate'),
    stormRate: positive(values['storm-rate'], 'storm-rate'),
    durationS: positive(values.duration, 'duration'),
    idleS: positive(values.idle, 'idle'),
    active: Math.min(Math.floor(positive(values.active, 'active')), streams[0]!),
    ingestRates: numbers(values['ingest-rates'], 'ingest-rates', fileLimit),
    ingestStepS: positive(values['ingest-step'], 'ingest-step'),
    only: subset(values.only, SCENARIOS, 'only'),
    systems: subset(values.systems, SYSTEMS, 'systems'),
    clusterNodes: Math.floor(positive(values.cluster, 'cluster')),
    databaseUrl: values['database-url'],
    out: values.out,
    chart: values.chart,
    build: values.build,
    chartOnly: values['chart-only'],
  };
}
