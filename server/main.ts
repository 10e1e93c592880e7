/**
 * Entry point: read the environment, open the store, build the app, listen, and shut down
 * gracefully on SIGTERM/SIGINT (stop accepting, tell streams to come back later, finish in-flight
 * requests, close the database). Nothing else lives here.
 */
import { buildApp } from './app.ts';
import { createMemoryBus } from './bus/memory-bus.ts';
import { configFromEnv } from './config.ts';
import { InboundSmtpStartError } from './email/inbound-smtp.ts';
import { openFileStorage } from './files/open-file-storage.ts';
import { firstRun } from './first-run.ts';
import { loggerOptions } from './logger.ts';
import { openStore } from './store/open-store.ts';
import { releaseStartupMemory } from './startup-memory.ts';
import { StoreStartError } from './store/store.ts';

/** What an operator must fix before Parley can run: one line, no stack trace. */
function refuse(error: unknown): never {
  if (error instanceof StoreStartError || error instanceof InboundSmtpStartError) console.error(`Parley cannot start: ${error.message}`);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Parley cannot start: port ${config.port} is in use by another program. Set PORT to a free one.`);
  else throw error;
  process.exit(1);
}

const config = configFromEnv();
const store = await openStore(config).catch(refuse);
await store.migrate();
const created = await firstRun(store, config);
// Attachments' bytes (issue 13): on disk for one process, in PostgreSQL for a cluster (ATTACHMENT_STORAGE).
const files = await openFileStorage(config).catch(refuse);

// Several processes on PostgreSQL share ephemeral events and control messages over the database
// itself (LISTEN/NOTIFY); one process on SQLite needs nothing but memory.
// (The bus is made before the app, so it logs through the app's logger once there is one.)
const logs: { app?: { log: { warn(details: object, message: string): void } } } = {};
// PostgreSQL's and Redis's clients are loaded only when configured: a single node never pays
// their memory (issue 16).
const bus = /^postgres(ql)?:/.test(config.databaseUrl)
  ? await (await import('./bus/pg-bus.ts')).createPgBus({ url: config.databaseUrl, node: config.nodeName, log: { warn: (details, message) => logs.app?.log.warn(details, message) } })
  : createMemoryBus();

// Redis, when configured, only counts rate limits for the whole cluster. Commands fail fast while
// it is away (no offline queue), and the limiter then lets requests through.
const redis = config.redisUrl
  ? new (await import('ioredis')).Redis(config.redisUrl, { connectionName: 'parley-rate-limit', maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000 })
  : undefined;
let redisDown = false;
redis?.on('error', (error) => {
  if (!redisDown) logs.app?.log.warn({ err: error }, 'Redis unreachable: rate limits are not enforced until it is back');
  redisDown = true;
});
redis?.on('ready', () => (redisDown = false));

const app = await buildApp({
  config,
  store,
  bus,
  redis,
  files,
  logger: loggerOptions(config.logLevel),
});
logs.app = app;

// A deep accept queue: after a restart or a network blip thousands of clients reconnect within a
// second, and a full queue drops their SYNs, which TCP retries only after 1, 3, 7, 15… seconds.
// The kernel caps it at net.core.somaxconn (docs/deployment.md).
await app.ready().then(undefined, refuse);
releaseStartupMemory();
await app.listen({ port: config.port, host: config.host, backlog: 65_535 }).catch(refuse);

const lines = [
  '',
  `  Parley is running at ${config.publicUrl}`,
  `  Demo page:  ${config.publicUrl}/`,
  `  Dashboard:  ${config.publicUrl}/app/`,
];
if (app.inboundSmtp) lines.push(`  Email replies: SMTP on port ${app.inboundSmtp.port()} for ${config.inboundEmailDomain}`);
if (created) {
  lines.push(
    '',
    '  First start: an owner account was created. Log in with',
    `    email:    ${created.email}`,
    `    password: ${created.password}`,
    '  This password is shown only once. Keep it, or change it in the dashboard.',
    `  Lost it later? \`npm run login-link -- --email ${created.email}\` prints a one-time link.`,
  );
}
console.log(`${lines.join('\n')}\n`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  try {
    await app.close();
    await app.services.bus.close();
    redis?.disconnect();
    await files.close();
    await store.close();
    process.exit(0);
  } catch (error) {
    app.log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
