/**
 * Unanswered alerts (issue 14): every few seconds of the app's clock, ask the store which waiting
 * conversations have waited through another period of their site's threshold. The store decides
 * and logs `conversation.unanswered` once per period (the count moves in the statement that checks
 * it), so every process may ask and each period still alerts once; the event reaches every agent
 * and tab the same way, and survives reloads as Conversation.unansweredAlerts.
 *
 * Why on the server and not in each browser: one clock and one decision for everyone — two tabs or
 * two agents never disagree about what is overdue, a notification fires once per period rather
 * than once per open tab, and a reload does not re-alert what was already alerted.
 */
import type { Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';

/** How often the store is asked. Thresholds are at least 30 s, so an alert is at most this late. */
export const UNANSWERED_CHECK_MS = 5_000;
/** Alerts per check at most; the rest come at the next check. */
const BATCH = 200;

export function startUnansweredAlerts(store: Store, clock: Clock, onError: (error: unknown) => void): { idle(): Promise<void>; stop(): void } {
  let running: Promise<void> | null = null;
  // Never two checks at once in one process: a slow database must not pile them up.
  const check = () => {
    running ??= store.alertUnanswered(clock.now(), BATCH).then(() => {}, onError).finally(() => { running = null; });
  };
  const timer = clock.setInterval(check, UNANSWERED_CHECK_MS);
  return {
    /** Settles when no check is running (one the timer started, if any, has finished). */
    idle: () => running ?? Promise.resolve(),
    stop: () => clock.clearInterval(timer),
  };
}
