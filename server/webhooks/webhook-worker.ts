/**
 * The webhooks' worker (issue 15), one per process, on the app's clock: it turns the event log
 * into deliveries (store.fanOutWebhooks, one process at a time), claims what is due with a lease,
 * and sends each delivery on its own — signed, through safe-request.ts — recording every attempt.
 *
 * Why the fan-out reads the log from a cursor in the database rather than enqueueing from each
 * write or from store.onCommit: a delivery must exist once per committed event however processes
 * come and go. Enqueueing in each writer's transaction would make every part of the store that
 * logs an event know about webhooks (and pay for an endpoint lookup on every send); enqueueing
 * from onCommit would lose what was committed while no process listened (a crash between commit
 * and announcement; PostgreSQL followers start at the head). The cursor moves in the transaction
 * that queues, so a crash queues nothing twice and skips nothing, and a unique (endpoint, event)
 * pair is the second guard. Commits on sites with endpoints only wake the fan-out early (the bus);
 * the poll is the backstop.
 *
 * A slow or dead endpoint never delays anything else: chat never waits for webhooks (nothing here
 * runs in a request), each attempt has its own deadline, each endpoint at most `perEndpoint`
 * attempts on their way (counted across processes by the claim) and the process at most
 * `maxInFlight`, and each delivery is sent without waiting for the others.
 *
 * The circuit breaker lives in the store (recordWebhookAttempt): the attempt that pauses an
 * endpoint also queues the owners' emails there, in its transaction, when outbound email is on —
 * so they are told once per pause whichever process recorded it. Rounds: server/rounds.ts.
 */
import { randomBytes } from 'node:crypto';
import { WEBHOOK_HEADERS, WEBHOOK_LIMITS, WEBHOOK_TEST_EVENT } from '../../protocol/protocol.ts';
import { topics } from '../bus/bus.ts';
import { emailConfigured, messageIdDomain } from '../email/email-config.ts';
import { createRounds } from '../rounds.ts';
import type { Services } from '../services.ts';
import { FAN_OUT_TYPES } from '../store/webhook-fan-out.ts';
import { BREAKER, type BreakerPolicy } from '../store/webhook-rows.ts';
import { StoreUnavailableError, type WebhookClaim } from '../store/store.ts';
import { postJson, type Resolve } from './safe-request.ts';
import { signWebhook } from './signature.ts';

export interface WebhookWorkerOptions {
  /** DNS for the outbound requests (tests answer names themselves). */
  resolve?: Resolve;
  /** How often it looks for due retries and moves the fan-out along without being woken. */
  pollMs?: number;
  /** How long a claim lasts: longer than an attempt may take (WEBHOOK_TIMEOUT_SECONDS). */
  leaseMs?: number;
  maxInFlight?: number;
  perEndpoint?: number;
  breaker?: BreakerPolicy;
  random?: () => number;
  /** Finished deliveries are kept in the log this long. */
  keepMs?: number;
  log: { warn(details: object, message: string): void };
}

export interface WebhookWorker {
  /** One round now (or joins the one running): fan out, claim, start sending. */
  tick(): Promise<void>;
  /** Settles once no round runs and no attempt is on its way (tests). */
  settled(): Promise<void>;
  /** An endpoint was added, changed or removed here: which sites' commits wake it. */
  endpointsChanged(): void;
  /** Stops: no new round; attempts on their way are cut short, recorded, and tried again later. */
  close(): Promise<void>;
}

const FAN_OUT_BATCH = 200;
const PRUNE_EVERY_MS = 3600_000;
const WAKING = new Set<string>(FAN_OUT_TYPES);

/** 10 s after the first failure, doubling to at most an hour, with jitter so processes (and a receiver coming back) are not hit at once. */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(3600_000, 10_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + random() / 2));
}

export function startWebhookWorker(services: Services, options: WebhookWorkerOptions): WebhookWorker {
  const { store, clock, config, bus } = services;
  const { log } = options;
  const pollMs = options.pollMs ?? 5000;
  const leaseMs = options.leaseMs ?? config.webhookTimeoutMs + 60_000;
  const maxInFlight = options.maxInFlight ?? 16;
  const perEndpoint = options.perEndpoint ?? 4;
  const breaker = options.breaker ?? BREAKER;
  const random = options.random ?? Math.random;
  const keepMs = options.keepMs ?? 30 * 24 * 3600_000;
  // Its own name per start: a restarted process must not think it still holds what it held before.
  const owner = `${config.nodeName}:${randomBytes(4).toString('hex')}`;
  // Owners are emailed when an endpoint is paused, through the outbox (the store queues it with the
  // pause); without outbound email Settings → Webhooks is the only place that shows it.
  const tellOwners = emailConfigured(config) ? { messageIdDomain: messageIdDomain(config) } : null;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const subscriptions = new Map<string, Promise<() => void>>();
  let lastTrouble = 0;
  let lastPruneAsk = -Infinity;

  function trouble(error: unknown, what: string): void {
    // Storage trouble is reported once a minute; the next round simply tries again.
    if (error instanceof StoreUnavailableError && clock.now() - lastTrouble < 60_000) return;
    lastTrouble = clock.now();
    log.warn({ err: error }, `webhooks: ${what} failed`);
  }

  async function fanOut(): Promise<void> {
    for (let round = 0; round < 10 && !rounds.closed; round++) {
      const { more } = await store.fanOutWebhooks({ now: clock.now(), limit: FAN_OUT_BATCH, retryForMs: WEBHOOK_LIMITS.retryForMs });
      if (!more) return;
    }
    rounds.again();
  }

  async function claimAndSend(): Promise<void> {
    const room = maxInFlight - inFlight.size;
    if (room <= 0 || rounds.closed) return;
    const claimed = await store.claimWebhookDeliveries({ now: clock.now(), owner, leaseMs, limit: room, perEndpoint });
    for (const delivery of claimed) send(delivery);
  }

  async function prune(): Promise<void> {
    if (clock.now() - lastPruneAsk < PRUNE_EVERY_MS / 12) return;
    lastPruneAsk = clock.now();
    if (await store.takeTurn('webhook-prune', PRUNE_EVERY_MS)) await store.pruneWebhookDeliveries(clock.now() - keepMs);
  }

  function send(delivery: WebhookClaim): void {
    const attempt = (async () => {
      const timestamp = Math.floor(clock.now() / 1000);
      const result = await postJson(delivery.url, delivery.body, {
        'content-type': 'application/json',
        'user-agent': 'Parley-Webhooks/1',
        [WEBHOOK_HEADERS.signature]: signWebhook(delivery.secret, timestamp, delivery.body),
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.delivery]: delivery.id,
        [WEBHOOK_HEADERS.event]: delivery.type,
      }, { allowPrivate: config.webhooksAllowPrivate, timeoutMs: config.webhookTimeoutMs, resolve: options.resolve, signal: stopping.signal });
      const at = clock.now();
      // Cut short by a shutdown: due again at once (the next process to run takes it), not backed off.
      const retryAt = result.interrupted ? at
        : result.ok || delivery.type === WEBHOOK_TEST_EVENT || at >= delivery.deadlineAt ? null
        : Math.min(delivery.deadlineAt, at + retryDelay(delivery.attempts, random));
      const { paused } = await store.recordWebhookAttempt({
        deliveryId: delivery.id, owner, at, ok: result.ok, statusCode: result.statusCode, latencyMs: result.latencyMs,
        error: result.error, responseSnippet: result.responseSnippet, interrupted: result.interrupted, retryAt, probe: delivery.probe, breaker, tellOwners,
      });
      if (paused) {
        // The host only: a webhook URL's path or query often is a credential (hooks.slack.com/services/…).
        log.warn({ endpoint: delivery.endpointId, site: delivery.siteId, host: new URL(delivery.url).host, error: result.error },
          `webhooks: an endpoint failed ${breaker.pauseAfter} times in a row and is paused; Settings → Webhooks shows it${tellOwners ? ', and the owners are emailed' : ''}`);
      }
    })()
      // Not recorded (the database was away): the lease runs out and it is sent again, with the same ids.
      .catch((error) => trouble(error, 'recording an attempt'))
      .finally(() => {
        inFlight.delete(attempt);
        if (!rounds.closed) void tick();
      });
    inFlight.add(attempt);
  }

  /**
   * Which sites have an endpoint. None anywhere: nothing to queue, send or prune (the fan-out
   * starts at an endpoint's creation anyway, so a cursor left behind meanwhile costs nothing).
   */
  async function listSites(): Promise<void | 'stop'> {
    const sites = await store.webhookSiteIds();
    watch(sites);
    if (sites.length === 0) return 'stop';
  }

  const rounds = createRounds([
    // The steps after it need to know whether there is anything at all.
    { what: 'listing endpoints', run: listSites, essential: true },
    { what: 'reading the event log', run: fanOut },
    { what: 'claiming deliveries', run: claimAndSend },
    { what: 'pruning the delivery log', run: prune },
  ], trouble);
  const tick = () => rounds.tick();

  /** Listens to the sites that have an endpoint, so their commits start a round at once. */
  function watch(siteIds: string[]): void {
    const wanted = new Set(siteIds);
    for (const [siteId, unsubscribe] of subscriptions) {
      if (wanted.has(siteId)) continue;
      subscriptions.delete(siteId);
      void unsubscribe.then((stop) => stop(), () => {});
    }
    for (const siteId of wanted) {
      if (subscriptions.has(siteId) || rounds.closed) continue;
      subscriptions.set(siteId, bus.subscribe(topics.site(siteId), (event) => {
        if (WAKING.has(event.type)) void tick();
      }));
    }
  }

  const timer = clock.setInterval(() => void tick(), pollMs);
  const first = clock.setTimeout(() => void tick(), 0);

  return {
    tick,
    async settled() {
      while (rounds.running || inFlight.size > 0) await Promise.allSettled([rounds.running, ...inFlight]);
    },
    endpointsChanged: () => void tick(),
    async close() {
      const closing = rounds.close();
      clock.clearInterval(timer);
      clock.clearTimeout(first);
      stopping.abort();
      for (const unsubscribe of subscriptions.values()) void unsubscribe.then((stop) => stop(), () => {});
      subscriptions.clear();
      await Promise.allSettled([closing, ...inFlight]);
    },
  };
}
