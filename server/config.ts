/**
 * Configuration from the environment, read once at start-up by main.ts; buildApp receives the
 * result, so tests pass their own. docs/configuration.md lists every variable and its default.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { LIMITS } from '../protocol/protocol.ts';

export interface Config {
  port: number;
  host: string;
  /** Where browsers reach this server; used in the snippet, links and cookie security. */
  publicUrl: string;
  dataDir: string;
  /** `sqlite:<path>` (default, under dataDir) or `postgres://…` (several processes). */
  databaseUrl: string;
  /** PostgreSQL connections this process opens at most (besides its log follower and bus). */
  databasePoolSize: number;
  /** Optional: rate limits counted in Redis, so they hold across processes (otherwise per process). */
  redisUrl: string | null;
  logLevel: string;
  trustProxy: boolean;
  heartbeatMs: number;
  longPollMs: number;
  /** How long the event log keeps events for resume; older cursors get a reset. */
  eventRetentionMs: number;
  maxStreams: number;
  maxStreamsPerVisitor: number;
  /** Requests a minute on the visitor API, per visitor and per IP address. */
  visitorRateLimit: number;
  ipRateLimit: number;
  sessionTtlMs: number;
  /** An agent whose dashboard disconnects counts as online this long, to ride out reconnects. */
  presenceGraceMs: number;
  /** Where built browser assets are (widget, dashboard). */
  distDir: string;
  /** This process's name among several (logs, presence); unique per process. */
  nodeName: string;
  /** How often the database is checked for /readyz; a failed check ends this process's streams so they reconnect elsewhere. */
  readinessCheckMs: number;
}

const int = (value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`Expected a number, got "${value}"`);
  return parsed;
};

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  const port = overrides.port ?? 8787;
  const dataDir = overrides.dataDir ?? resolve('data');
  return {
    port,
    host: '0.0.0.0',
    publicUrl: `http://localhost:${port}`,
    dataDir,
    databaseUrl: `sqlite:${resolve(dataDir, 'parley.db')}`,
    databasePoolSize: 10,
    redisUrl: null,
    logLevel: 'info',
    trustProxy: false,
    heartbeatMs: LIMITS.heartbeatMs,
    longPollMs: LIMITS.longPollMs,
    eventRetentionMs: 7 * 24 * 3600_000,
    maxStreams: 18_000,
    maxStreamsPerVisitor: 8,
    visitorRateLimit: 120,
    ipRateLimit: 600,
    sessionTtlMs: 14 * 24 * 3600_000,
    presenceGraceMs: 30_000,
    distDir: resolve('dist'),
    nodeName: `${hostname()}-${process.pid}`,
    readinessCheckMs: 5000,
    ...overrides,
  };
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env.PORT, 8787);
  const dataDir = resolve(env.DATA_DIR ?? 'data');
  return defaultConfig({
    port,
    host: env.HOST ?? '0.0.0.0',
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    dataDir,
    databaseUrl: env.DATABASE_URL ?? `sqlite:${resolve(dataDir, 'parley.db')}`,
    databasePoolSize: int(env.DATABASE_POOL_SIZE, 10),
    redisUrl: env.REDIS_URL || null,
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1',
    eventRetentionMs: int(env.EVENT_RETENTION_HOURS, 7 * 24) * 3600_000,
    maxStreams: int(env.MAX_STREAMS, 18_000),
    maxStreamsPerVisitor: int(env.MAX_STREAMS_PER_VISITOR, 8),
    visitorRateLimit: int(env.VISITOR_RATE_LIMIT, 120),
    ipRateLimit: int(env.IP_RATE_LIMIT, 600),
    presenceGraceMs: int(env.PRESENCE_GRACE_SECONDS, 30) * 1000,
    ...(env.NODE_NAME ? { nodeName: env.NODE_NAME } : {}),
  });
}
