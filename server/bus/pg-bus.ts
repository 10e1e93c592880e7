/**
 * The bus between several server processes on one PostgreSQL database: LISTEN/NOTIFY on one
 * channel, on a connection of its own. What it carries is at most once by design (bus.ts): shared
 * ephemeral events (typing) and control messages (revocations, presence). Logged events never
 * travel here — every process reads them from the log itself (the store's follower), so a lost
 * notification costs no message.
 *
 * When the connection drops, the bus reconnects with backoff and then tells this process
 * `{ kind: 'resync' }`, so whatever may have missed a control message re-checks (revoke.ts);
 * presence heals by itself with its periodic refresh.
 */
import pg from 'pg';
import type { WireEvent } from '../../protocol/protocol.ts';
import { backoff } from '../../client/backoff.ts';
import type { Bus, ControlMessage } from './bus.ts';
import { createMemoryBus } from './memory-bus.ts';

const CHANNEL = 'parley_bus';
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
const MAX_PAYLOAD = 7900;

type Envelope = { n: string; t: string; e: WireEvent } | { n: string; c: ControlMessage };

export interface PgBusOptions {
  url: string;
  /** This process's name, so it can ignore its own notifications (delivered locally at once). */
  node: string;
  log: { warn(details: object, message: string): void };
}

export async function createPgBus({ url, node, log }: PgBusOptions): Promise<Bus> {
  const local = createMemoryBus();
  let client: pg.Client | null = null;
  let closed = false;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url, application_name: 'parley-bus' });
    next.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(message.payload) as Envelope;
      } catch {
        return;
      }
      if (envelope.n === node) return;
      if ('c' in envelope) local.broadcast(envelope.c);
      else local.publish(envelope.t, envelope.e);
    });
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    client = next;
  }

  function lost(which: pg.Client): void {
    if (client !== which && client !== null) return;
    client = null;
    which.removeAllListeners('end');
    void which.end().catch(() => {});
    if (!closed) schedule();
  }

  function schedule(): void {
    clearTimeout(retry);
    retry = setTimeout(() => {
      connect().then(() => {
        attempt = 0;
        log.warn({}, 'bus reconnected to PostgreSQL; re-checking what may have been missed');
        local.broadcast({ kind: 'resync' });
      }, (error) => {
        log.warn({ err: error }, 'bus cannot reach PostgreSQL; retrying');
        schedule();
      });
    }, backoff(attempt++, Math.random, 200, 5000));
  }

  function notify(envelope: Envelope): void {
    const payload = JSON.stringify(envelope);
    // PostgreSQL counts bytes: a name in another script is up to three per UTF-16 unit, and a
    // refused NOTIFY fails without a word (the catch below).
    const bytes = Buffer.byteLength(payload);
    if (bytes > MAX_PAYLOAD) {
      log.warn({ bytes }, 'bus message too large for NOTIFY; not shared with other processes');
      return;
    }
    // At most once: without a connection the other processes miss it (see the header). Named, so
    // that it is planned once per connection instead of at every call (presence and typing of
    // every stream, issue 16).
    client?.query({ name: 'parley_bus_notify', text: 'SELECT pg_notify($1, $2)', values: [CHANNEL, payload] }).catch(() => {});
  }

  await connect();

  return {
    publish: local.publish,
    subscribe: local.subscribe,
    onBroadcast: local.onBroadcast,
    share(topic, event) {
      local.publish(topic, event);
      notify({ n: node, t: topic, e: event });
    },
    broadcast(message) {
      local.broadcast(message);
      notify({ n: node, c: message });
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const open = client;
      client = null;
      await open?.end().catch(() => {});
      await local.close();
    },
  };
}
