/**
 * Whether this process can serve: it can reach its database. A load balancer asks `/readyz`; the
 * process also checks on its own every few seconds, and when the database has gone it ends its
 * streams with a "come back in a moment", so clients reconnect — through the balancer, to a
 * process that is ready — instead of holding a stream that can deliver nothing.
 */
import type { Clock } from './clock.ts';
import type { StreamHub } from './realtime/stream-hub.ts';
import type { Store } from './store/store.ts';

export interface ReadinessOptions {
  store: Store;
  hub: StreamHub;
  clock: Clock;
  everyMs: number;
  log: { warn(details: object, message: string): void; info(details: object, message: string): void };
}

export function createReadiness({ store, hub, clock, everyMs, log }: ReadinessOptions) {
  let ready = true;
  async function check(): Promise<boolean> {
    try {
      await store.headCursor();
      if (!ready) log.info({}, 'the database is reachable again; ready');
      ready = true;
    } catch (error) {
      if (ready) {
        log.warn({ err: error }, 'the database cannot be reached: not ready, ending streams so clients reconnect elsewhere');
        hub.shed();
      }
      ready = false;
    }
    return ready;
  }
  const timer = clock.setInterval(() => void check(), everyMs);
  return {
    check,
    close: () => clock.clearInterval(timer),
  };
}

export type Readiness = ReturnType<typeof createReadiness>;
