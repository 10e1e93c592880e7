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
  /**
   * Where attachments' bytes live (issue 13): 'disk', files under DATA_DIR/attachments (one
   * process), or 'database', chunks in PostgreSQL that every process of a cluster reads.
   */
  attachmentStorage: 'disk' | 'database';
  /** Files a visitor may upload a minute (per process, or per cluster with Redis). */
  visitorUploadRateLimit: number;
  /** The longest an upload may take; other request bodies (64 KiB of JSON) get 30 s. */
  uploadTimeoutMs: number;
  /** Outbound email (issue 12): a nodemailer transport URL, e.g. smtp://user:pass@mail.example.com:587. Null: no email. */
  smtpUrl: string | null;
  /** The sender address; the site's name is the sender's name. Null: noreply@ the PUBLIC_URL's host. */
  emailFrom: string | null;
  /** The reply domain (`Reply-To: reply+<token>@<domain>`); null: emails say to answer through their link. */
  inboundEmailDomain: string | null;
  /** The built-in SMTP receiver for replies (issue 12): its port, or null for none. */
  inboundSmtpPort: number | null;
  inboundSmtpHost: string;
  /** PEM files for STARTTLS on the receiver; without them it offers no TLS (put a relay in front for that). */
  inboundSmtpTls: { certFile: string; keyFile: string } | null;
  /** The bearer secret of POST /v1/inbound/email (raw MIME from a provider); null: the webhook is off. */
  inboundWebhookSecret: string | null;
  /** The largest inbound email, attachments included, on either path; larger ones are refused while they stream. */
  inboundEmailMaxBytes: number;
  /** Emails one sender may send in an hour, on either path (per process). */
  inboundSenderRateLimit: number;
  /**
   * Webhooks (issue 15): whether endpoints may be on loopback and private addresses (a receiver on
   * the same machine or network). Off by default: a site owner must not be able to make this server
   * call into the network it runs in. Link-local (cloud metadata), multicast and reserved addresses
   * are refused either way.
   */
  webhooksAllowPrivate: boolean;
  /** How long one delivery attempt may take, connecting included, before it counts as failed. */
  webhookTimeoutMs: number;
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
    attachmentStorage: /^postgres(ql)?:/.test(overrides.databaseUrl ?? '') ? 'database' : 'disk',
    visitorUploadRateLimit: 20,
    uploadTimeoutMs: 10 * 60_000,
    smtpUrl: null,
    emailFrom: null,
    inboundEmailDomain: null,
    inboundSmtpPort: null,
    inboundSmtpHost: '0.0.0.0',
    inboundSmtpTls: null,
    inboundWebhookSecret: null,
    inboundEmailMaxBytes: 10 * 1024 * 1024,
    inboundSenderRateLimit: 30,
    webhooksAllowPrivate: false,
    webhookTimeoutMs: 10_000,
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
    ...(env.ATTACHMENT_STORAGE ? { attachmentStorage: checkedStorage(env.ATTACHMENT_STORAGE) } : {}),
    visitorUploadRateLimit: int(env.VISITOR_UPLOAD_RATE_LIMIT, 20),
    uploadTimeoutMs: int(env.UPLOAD_TIMEOUT_SECONDS, 600) * 1000,
    smtpUrl: checkedSmtpUrl(env.SMTP_URL),
    emailFrom: checkedAddress('EMAIL_FROM', env.EMAIL_FROM),
    inboundEmailDomain: env.INBOUND_EMAIL_DOMAIN?.trim().toLowerCase() || null,
    inboundSmtpPort: env.INBOUND_SMTP_PORT ? int(env.INBOUND_SMTP_PORT, 25) : null,
    inboundSmtpHost: env.INBOUND_SMTP_HOST || '0.0.0.0',
    inboundSmtpTls: checkedTlsFiles(env.INBOUND_SMTP_TLS_CERT, env.INBOUND_SMTP_TLS_KEY),
    inboundWebhookSecret: checkedSecret(env.INBOUND_WEBHOOK_SECRET),
    inboundEmailMaxBytes: int(env.INBOUND_EMAIL_MAX_MB, 10) * 1024 * 1024,
    inboundSenderRateLimit: int(env.INBOUND_EMAIL_RATE_LIMIT, 30),
    webhooksAllowPrivate: checkedFlag('WEBHOOKS_ALLOW_PRIVATE', env.WEBHOOKS_ALLOW_PRIVATE),
    webhookTimeoutMs: int(env.WEBHOOK_TIMEOUT_SECONDS, 10) * 1000,
  });
}

function checkedTlsFiles(certFile: string | undefined, keyFile: string | undefined): Config['inboundSmtpTls'] {
  if (!certFile && !keyFile) return null;
  if (!certFile || !keyFile) throw new Error('Set both INBOUND_SMTP_TLS_CERT and INBOUND_SMTP_TLS_KEY (PEM files), or neither.');
  return { certFile, keyFile };
}

/** Anyone holding it can put email into conversations: a short one would be guessed. */
function checkedSecret(value: string | undefined): string | null {
  if (!value) return null;
  if (value.length < 24) throw new Error('INBOUND_WEBHOOK_SECRET must be at least 24 characters; generate one with `openssl rand -hex 24`.');
  return value;
}

/** A mistyped SMTP_URL must stop the start with one line, not fail every email later (no password in it). */
function checkedSmtpUrl(value: string | undefined): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('SMTP_URL is not a valid URL. Expected smtp://user:password@host:587 or smtps://user:password@host:465.');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//.`);
  }
  return value;
}

function checkedAddress(name: string, value: string | undefined): string | null {
  if (!value) return null;
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$|^[^\s@<>]+@localhost$/.test(value.trim())) {
    throw new Error(`${name} must be a plain email address like support@example.com (the site's name is the sender's name).`);
  }
  return value.trim();
}

/** A yes/no switch: a typo must not silently mean "no" (or "yes"). */
function checkedFlag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new Error(`${name} must be "true" or "false", not "${value}".`);
}

function checkedStorage(value: string): Config['attachmentStorage'] {
  if (value !== 'disk' && value !== 'database') throw new Error(`ATTACHMENT_STORAGE must be "disk" or "database" (PostgreSQL only), not "${value}".`);
  return value;
}
