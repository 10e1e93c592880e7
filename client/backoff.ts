/** Exponential backoff with jitter, shared by the transport and the outbox. Pure: no timers here. */

/**
 * Delay before retry number `attempt` (0-based): doubles from `baseMs` up to `capMs`, then a random
 * factor in [0.5, 1) spreads clients out so a server restart is not met by a stampede.
 */
export function backoff(attempt: number, random: () => number, baseMs = 500, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling * (0.5 + random() / 2));
}
