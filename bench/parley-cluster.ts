/**
 * Starts Parley in cluster mode for the bench: N real server processes (dist/server/main.js, the
 * production build `npm start` runs) on one fresh
 * PostgreSQL database (a random name, created here and dropped at the end — also after a failed
 * start and on Ctrl-C), each with its own PORT and NODE_NAME and otherwise the single node's
 * settings (bench/parley-server.ts). The database is seeded before any node starts with the
 * server's own first run (server/first-run.ts: the demo site and the owner), so no two nodes race
 * to create it. No Redis: like the single node, rate limits are raised out of the way. The server
 * code is used as is; nothing here changes its behaviour.
 */
import { resolve } from 'node:path';
import pg from 'pg';
import type { Config } from '../server/config.ts';
import { firstRun } from '../server/first-run.ts';
import { createPgStore } from '../server/store/pg-store.ts';
import { HEAP_PROBE_ARGS, liveHeap } from './live-heap.ts';
import { captureOutput, freePort, onCleanup, startProcess, stopProcess, waitForHttp } from './processes.ts';
import { cpuSeconds } from './proc-stats.ts';
import type { DbUsage } from './results.ts';
import type { Started } from './system.ts';
import type { DbWatch } from './usage-watch.ts';

/** The admin URL with another database name. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** host:port only, for messages: never the URL, which may hold a password. */
const where = (url: string) => { try { const u = new URL(url); return `${u.hostname}:${u.port || 5432}`; } catch { return 'the database URL'; } };

export async function startParleyCluster(root: string, maxStreams: number, count: number, adminUrl: string): Promise<Started> {
  const database = `parley_bench_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl, application_name: 'parley-bench-admin' });
  admin.on('error', (error) => console.log(`  the bench's PostgreSQL connection failed: ${error.message}`));
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
  } catch (error) {
    await admin.end().catch(() => {});
    return { ok: false, reason: `Parley cluster skipped: no PostgreSQL at ${where(adminUrl)} to create a database in (${(error as Error).message}); set --database-url` };
  }
  const databaseUrl = withDatabase(adminUrl, database);
  const nodes: Array<{ name: string; port: number; child: ReturnType<typeof startProcess>; output: () => string }> = [];
  let watchDb: DbWatch | null = null;

  const dropDatabase = onCleanup(async () => {
    await Promise.all(nodes.map((node) => stopProcess(node.child, 2000)));
    await watchDb?.close?.();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });
  const cleanup = async () => {
    await Promise.all(nodes.map((node) => stopProcess(node.child)));
    const cut = nodes.reduce((n, node) => n + (node.output().match(/stream cut: the client stopped reading/g)?.length ?? 0), 0);
    if (cut > 0) console.log(`  Parley cluster cut ${cut} stream(s) whose client stopped reading (the bench's SSE clients do not resume on their own)`);
    await dropDatabase();
  };

  try {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    // The single node's first start, done once for the cluster: schema, demo site, owner.
    const store = createPgStore({ url: databaseUrl });
    let created: Awaited<ReturnType<typeof firstRun>>;
    try {
      await store.migrate();
      created = await firstRun(store, { publicUrl: `http://127.0.0.1:${ports[0]}`, port: ports[0]! } as Config);
    } finally {
      await store.close();
    }
    if (!created) throw new Error('the fresh database already had users');

    for (const [k, port] of ports.entries()) {
      const name = `bench-${k + 1}`;
      const child = startProcess(process.execPath, [...HEAP_PROBE_ARGS, resolve(root, 'dist/server/main.js')], {
        cwd: root,
        env: {
          ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`,
          DATABASE_URL: databaseUrl, NODE_NAME: name, LOG_LEVEL: 'warn', REDIS_URL: '',
          MAX_STREAMS: String(maxStreams), MAX_STREAMS_PER_VISITOR: '8',
          VISITOR_RATE_LIMIT: '100000000', IP_RATE_LIMIT: '100000000',
        },
      });
      nodes.push({ name, port, child, output: captureOutput(child) });
    }
    for (const node of nodes) {
      try {
        await waitForHttp(node.port, '/v1/agent/me', 30_000, node.child);
      } catch (error) {
        throw new Error(`${node.name} did not start: ${(error as Error).message}\n${node.output().slice(-2000)}`);
      }
    }
    const pids = () => nodes.map((node) => node.child.pid!);
    watchDb = backendWatch(admin, databaseUrl, database);
    return {
      ok: true,
      system: {
        kind: 'parley', label: `Parley ×${count} on PostgreSQL`, port: ports[0]!,
        pids, nodePids: pids,
        async liveHeap() {
          const heaps = await Promise.all(nodes.map((node) => liveHeap(node.child, node.output)));
          return heaps.some((h) => h === null) ? null : heaps.reduce<number>((a, b) => a + b!, 0);
        },
        targetInfo: (prefix) => ({ kind: 'parley', port: ports[0]!, ports, siteId: created!.siteId, email: created!.email, password: created!.password, prefix }),
        watchDb: watchDb!,
        stop: cleanup,
      },
    };
  } catch (error) {
    await cleanup();
    return { ok: false, reason: `Parley cluster did not start: ${(error as Error).message}` };
  }
}

const SAMPLE_MS = 100;

/**
 * Samples pg_stat_activity for this database's backends every SAMPLE_MS: what the active ones wait
 * for (a row lock — the event_head counter row every write takes last —, the commit's WAL fsync,
 * a client, or nothing, i.e. CPU), what the holder of the most waited-for row lock is doing
 * meanwhile (committing, or idle in its transaction until its Node process sends the next
 * statement), and each backend's CPU from /proc (the server is on this machine). Before and after:
 * the log's head (events appended per second) and the database's commit counter.
 */
function backendWatch(admin: pg.Client, databaseUrl: string, database: string): DbWatch {
  // The log's head is in the bench database itself; one connection of the watch's own reads it.
  const head = new pg.Client({ connectionString: databaseUrl, application_name: 'parley-bench-watch' });
  head.on('error', () => {});
  const connected = head.connect();
  connected.catch(() => {});
  const counters = async () => {
    await connected;
    const [seq, stats] = await Promise.all([
      head.query<{ seq: string }>('SELECT seq FROM event_head WHERE id = 1'),
      admin.query<{ xact_commit: string }>('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [database]),
    ]);
    return { at: performance.now(), seq: Number(seq.rows[0]?.seq ?? NaN), commits: Number(stats.rows[0]?.xact_commit ?? NaN) };
  };
  const watch: DbWatch = () => {
    const before = counters().catch(() => null);
    const cpu = new Map<number, { first: number; last: number }>();
    const waits: Record<string, number> = {};
    let samples = 0;
    let active = 0;
    let stopped = false;
    let running: Promise<void> = Promise.resolve();
    const holder: Record<string, number> = {};
    let contended = 0;
    const sample = async () => {
      // Who holds the row lock most backends wait for (event_head's, in practice), and what it does meanwhile.
      const { rows: [held] } = await admin.query<{ state: string | null; wait_event_type: string | null; wait_event: string | null }>(`
        SELECT a.state, a.wait_event_type, a.wait_event, count(*) AS waiters
        FROM pg_locks w
        JOIN pg_locks h ON h.locktype = 'transactionid' AND h.transactionid = w.transactionid AND h.granted
        JOIN pg_stat_activity a ON a.pid = h.pid
        WHERE w.locktype = 'transactionid' AND NOT w.granted AND a.datname = $1
        GROUP BY h.pid, a.state, a.wait_event_type, a.wait_event ORDER BY waiters DESC LIMIT 1`, [database]);
      if (held) {
        contended++;
        const what = held.state === 'idle in transaction' ? 'waiting for its Node process' : held.wait_event_type ? `${held.wait_event_type}:${held.wait_event}` : 'CPU';
        holder[what] = (holder[what] ?? 0) + 1;
      }
      const { rows } = await admin.query<{ pid: number; state: string | null; wait_event_type: string | null; wait_event: string | null }>(
        "SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = $1 AND application_name <> 'parley-bench-watch'", [database]);
      samples++;
      for (const row of rows) {
        const seconds = cpuSeconds(row.pid);
        if (seconds !== null) {
          const seen = cpu.get(row.pid);
          if (seen) seen.last = seconds;
          else cpu.set(row.pid, { first: seconds, last: seconds });
        }
        if (row.state !== 'active') continue;
        active++;
        const what = row.wait_event_type ? `${row.wait_event_type}:${row.wait_event}` : 'CPU';
        waits[what] = (waits[what] ?? 0) + 1;
      }
    };
    const started = performance.now();
    const timer = setInterval(() => { running = running.then(() => (stopped ? undefined : sample())).catch(() => {}); }, SAMPLE_MS);
    void (running = sample().catch(() => {}));
    return async (): Promise<DbUsage | null> => {
      clearInterval(timer);
      await running;
      await sample().catch(() => {});
      stopped = true;
      const wallS = (performance.now() - started) / 1000;
      const [from, to] = [await before, await counters().catch(() => null)];
      const rate = (key: 'seq' | 'commits') => (from && to && Number.isFinite(from[key]) && Number.isFinite(to[key]) ? Math.round((to[key] - from[key]) / ((to.at - from.at) / 1000)) : null);
      if (samples === 0) return null;
      let seconds = 0;
      for (const { first, last } of cpu.values()) seconds += last - first;
      const mean = (n: number) => Math.round((n / samples) * 100) / 100;
      return {
        cpu: Math.round((seconds / wallS) * 1000) / 10,
        samples,
        commitsPerS: rate('commits'),
        eventsPerS: rate('seq'),
        active: mean(active),
        waits: Object.fromEntries(Object.entries(waits).map(([k, n]) => [k, mean(n)])),
        contended: mean(contended),
        holder: Object.fromEntries(Object.entries(holder).map(([k, n]) => [k, Math.round((n / Math.max(1, contended)) * 100) / 100])),
      };
    };
  };
  watch.close = () => head.end().catch(() => {});
  return watch;
}
