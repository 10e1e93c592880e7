/**
 * Several real Parley processes (`server/main.ts`, as `npm start` runs them) on one fresh
 * PostgreSQL database, for the cluster tests: a database made for the test file and dropped after
 * it, a Redis of the test's own for shared rate limits, a site with an owner and two agents seeded
 * through the store, and nodes that can be started, killed with SIGKILL, and stopped. Everything started is closed by `close()`, even after a failed
 * setup (the caller registers it with a Teardown as soon as it exists).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';
import { hashPassword } from '../server/auth/secrets.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { createPgStore } from '../server/store/pg-store.ts';
import type { Site, User } from '../protocol/protocol.ts';
import { freePort, http, PASSWORD, SITE_SECRET } from './harness.ts';
import { waitFor } from './wait-for.ts';

export const ORIGIN = 'http://localhost:5555';

export interface ClusterNode {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** A Redis server of the test's own, on a free port, so a test may kill and restart it. */
export interface TestRedis {
  url: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess;
  async function run() {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(() => new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    }), { timeoutMs: 10_000, message: 'redis-server to listen' });
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await run();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() { await stop(); await run(); },
    close: stop,
  };
}

export interface Cluster {
  databaseUrl: string;
  redis: TestRedis;
  site: Site;
  owner: User;
  alice: User;
  bob: User;
  nodes: ClusterNode[];
  start(name: string, env?: Record<string, string>): Promise<ClusterNode>;
  kill(node: ClusterNode): Promise<void>;
  /** Runs SQL on the test database (to terminate backends, say). */
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  close(): Promise<void>;
}

/** The admin URL (TEST_DATABASE_URL) with another database name. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function startCluster(adminUrl: string, env: Record<string, string> = {}): Promise<Cluster> {
  const database = `parley_cluster_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const databaseUrl = withDatabase(adminUrl, database);
  const nodes: ClusterNode[] = [];
  let probe: pg.Client | null = null;
  let redis: TestRedis | null = null;

  const cluster: Cluster = {
    databaseUrl, nodes,
    get redis() { return redis!; },
    site: null as unknown as Site, owner: null as unknown as User, alice: null as unknown as User, bob: null as unknown as User,
    async start(name, extra = {}) {
      const port = await freePort();
      const child = spawn(process.execPath, ['server/main.ts'], {
        env: {
          ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`,
          DATABASE_URL: databaseUrl, REDIS_URL: redis!.url, TRUST_PROXY: '1', NODE_NAME: name, LOG_LEVEL: 'warn', PRESENCE_GRACE_SECONDS: '2', ...env, ...extra,
        },
      });
      let output = '';
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const node: ClusterNode = { name, port, url: `http://127.0.0.1:${port}`, child, output: () => output, exited };
      nodes.push(node);
      await waitFor(async () => output.includes('Parley is running') || child.exitCode !== null, { timeoutMs: 30_000, intervalMs: 50, message: `${name} to start` });
      if (child.exitCode !== null) throw new Error(`${name} exited at start:\n${output}`);
      return node;
    },
    async kill(node) {
      node.child.kill('SIGKILL');
      await node.exited;
    },
    async sql(text, params) {
      if (!probe) {
        probe = new pg.Client({ connectionString: databaseUrl });
        await probe.connect();
      }
      return probe.query(text, params as unknown[]);
    },
    async close() {
      for (const node of nodes) if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
      await Promise.all(nodes.map((node) => node.exited));
      await (probe as pg.Client | null)?.end().catch(() => {});
      await redis?.close();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
      await admin.end().catch(() => {});
    },
  };

  try {
    redis = await startRedis();
    // Seeded through the store, like the single-node harness: known passwords, one site.
    const store = createPgStore({ url: databaseUrl });
    try {
      await store.migrate();
      cluster.site = await store.createSite({ name: 'Cluster shop', allowedOrigins: [ORIGIN], widget: defaultWidgetConfig('Cluster team'), secret: SITE_SECRET });
      const passwordHash = await hashPassword(PASSWORD);
      cluster.owner = await store.createUser({ email: 'owner@test.local', name: 'Olivia Owner', role: 'owner', passwordHash, siteIds: [cluster.site.id] });
      cluster.alice = await store.createUser({ email: 'alice@test.local', name: 'Alice', role: 'agent', passwordHash, siteIds: [cluster.site.id] });
      cluster.bob = await store.createUser({ email: 'bob@test.local', name: 'Bob', role: 'agent', passwordHash, siteIds: [cluster.site.id] });
    } finally {
      await store.close();
    }
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
}

/** A visitor of the cluster's site, talking to one node (any node serves any visitor). */
export async function clusterVisitor(node: ClusterNode, site: Site) {
  const session = await http(`${node.url}/v1/sites/${site.id}/session`, { method: 'POST', json: {}, headers: { origin: ORIGIN } });
  if (session.status !== 200) throw new Error(`session failed on ${node.name}: ${session.status} ${JSON.stringify(session.body)}`);
  return { token: session.body.token as string, id: session.body.visitor.id as string, cursor: session.body.cursor as string };
}
