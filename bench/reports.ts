/**
 * `node bench/reports.ts`: how long a report takes at a million messages (issue 15), on SQLite and
 * on PostgreSQL. Each engine gets a fresh database, migrated by its store, filled in bulk with a
 * year of three sites' work (bench/reports-seed.ts), then asked for reports exactly as the Reports
 * page asks (server/reports/build-report.ts through the Store): the last 30 days of every site, the
 * last 30 days of one site, the last 365 days of every site. One untimed warm-up, then three timed
 * runs of each: the median and the spread (min–max). Never part of `npm test`.
 *
 *   node bench/reports.ts [--messages 1000000] [--engines sqlite,postgres] [--database-url postgres://…]
 *
 * It creates a temp dir and a database with a random name, and removes both when done.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ReportQuery } from '../protocol/protocol.ts';
import { buildReport } from '../server/reports/build-report.ts';
import { todayIn } from '../server/reports/report-days.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { createPgStore } from '../server/store/pg-store.ts';
import { createSqliteStore } from '../server/store/sqlite-store.ts';
import type { Store } from '../server/store/store.ts';
import { loadPg, loadSqlite, type Plan } from './reports-seed.ts';

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    runs: { type: 'string', default: '3' },
  },
});
const MESSAGES = Number(flags.messages);
const RUNS = Number(flags.runs);
const DAY = 86_400_000;

/** Three sites and ten agents, made through the store as any installation's are. */
async function people(store: Store): Promise<{ siteIds: string[]; agentIds: string[] }> {
  const siteIds: string[] = [];
  for (const name of ['Shop', 'Docs', 'Status']) {
    siteIds.push((await store.createSite({ name, allowedOrigins: [], widget: defaultWidgetConfig(name), secret: randomBytes(16).toString('hex') })).id);
  }
  const agentIds: string[] = [];
  for (let i = 0; i < 10; i++) {
    agentIds.push((await store.createUser({ email: `agent${i}@bench.test`, name: `Agent ${i}`, role: i ? 'agent' : 'owner', passwordHash: 'x', siteIds })).id);
  }
  return { siteIds, agentIds };
}

interface Timing { label: string; ms: number[]; conversations: number }

async function measure(store: Store, siteIds: string[]): Promise<Timing[]> {
  const today = todayIn('UTC', Date.now());
  const back = (days: number) => new Date(Date.parse(today) - (days - 1) * DAY).toISOString().slice(0, 10);
  const cases: Array<[string, ReportQuery]> = [
    ['last 30 days, every site', { from: back(30), to: today, timeZone: 'UTC' }],
    ['last 30 days, one site', { from: back(30), to: today, timeZone: 'UTC', siteId: siteIds[1]! }],
    ['last 365 days, every site', { from: back(365), to: today, timeZone: 'UTC' }],
  ];
  const timings: Timing[] = [];
  for (const [label, query] of cases) {
    const warm = await buildReport(store, query);
    const ms: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      await buildReport(store, query);
      ms.push(performance.now() - started);
    }
    timings.push({ label, ms, conversations: warm.total.conversations });
  }
  return timings;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (ms: number) => (ms < 100 ? ms.toFixed(1) : ms.toFixed(0));

function print(engine: string, seeded: { conversations: number; messages: number; ratings: number }, loadMs: number, size: string, timings: Timing[]): void {
  console.log(`\n${engine}: ${seeded.messages.toLocaleString('en')} messages, ${seeded.conversations.toLocaleString('en')} conversations, ${seeded.ratings.toLocaleString('en')} ratings; loaded in ${(loadMs / 1000).toFixed(1)} s; ${size}`);
  for (const t of timings) {
    console.log(`  ${t.label.padEnd(28)} ${t.conversations.toLocaleString('en').padStart(8)} conversations   median ${fmt(median(t.ms)).padStart(6)} ms   (${fmt(Math.min(...t.ms))}–${fmt(Math.max(...t.ms))} ms, ${t.ms.length} runs)`);
  }
}

async function sqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-reports-'));
  try {
    const path = join(dir, 'parley.db');
    let store = createSqliteStore({ path });
    await store.migrate();
    const { siteIds, agentIds } = await people(store);
    await store.close();
    const plan: Plan = { messages: MESSAGES, days: 365, end: Date.now(), siteIds, agentIds };
    const started = performance.now();
    const seeded = loadSqlite(path, plan);
    const loadMs = performance.now() - started;
    store = createSqliteStore({ path });
    try {
      print('SQLite', seeded, loadMs, `${(statSync(path).size / 1048576).toFixed(0)} MB file`, await measure(store, siteIds));
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(url: string): Promise<void> {
  const name = `parley_bench_reports_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const store = createPgStore({ url: target.toString() });
    const client = new pg.Client({ connectionString: target.toString() });
    try {
      await store.migrate();
      const { siteIds, agentIds } = await people(store);
      await client.connect();
      const started = performance.now();
      const seeded = await loadPg(client, { messages: MESSAGES, days: 365, end: Date.now(), siteIds, agentIds });
      const loadMs = performance.now() - started;
      const size = (await client.query('SELECT pg_size_pretty(pg_database_size(current_database())) AS size')).rows[0].size;
      print('PostgreSQL', seeded, loadMs, `${size} database`, await measure(store, siteIds));
    } finally {
      await client.end().catch(() => {});
      await store.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((error: unknown) => console.error(`could not drop ${name}:`, error));
    await admin.end();
  }
}

const engines = flags.engines!.split(',');
if (engines.includes('sqlite')) await sqlite();
if (engines.includes('postgres')) {
  await postgres(flags['database-url']!).catch((error: unknown) => console.log(`\nPostgreSQL skipped: ${(error as Error).message}`));
}
