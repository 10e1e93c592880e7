/**
 * The one manual clock of the test suite, for the server and the browser client alike: it satisfies
 * the server's Clock (server/clock.ts) and the timer and time functions the client takes in its
 * deps (client/browser-deps.ts), and only moves when a test tells it to. Test support, not product
 * code: nothing under server/, client/, widget/ or dashboard/ may import it outside a *.test.ts.
 *
 * Two ways to move it, as @sinonjs/fake-timers has tick and tickAsync:
 * - advance(ms) fires the due timers synchronously, in order of due time. For code whose timers do
 *   their work in the callback (the server's heartbeats, presence grace, session expiry).
 * - advanceAsync(ms) lets promise callbacks and immediates run before and after each timer, so a
 *   timer whose callback awaits something and then sets another timer (a retry after a failed
 *   fetch, a backoff) sees that timer fire within the same advance, at the time it is due. For the
 *   client, whose every step awaits.
 */
import type { Clock } from '../../server/clock.ts';
import { settle } from './settle.ts';

export interface ManualClock extends Clock {
  /** Moves time forward by ms, firing due timers synchronously in order of due time. */
  advance(ms: number): void;
  /** Moves time forward by ms, letting promise callbacks settle before and after each due timer. */
  advanceAsync(ms: number): Promise<void>;
  /** How many timers are set and neither fired (for timeouts) nor cleared. */
  pending(): number;
}

/** A clock at `start` (epoch ms; a realistic date, so code that treats 0 as "never" is not fooled). */
export function createManualClock(start = 1_700_000_000_000): ManualClock {
  let time = start;
  let nextId = 1;
  const timers = new Map<number, { due: number; fn: () => void; every: number | null }>();
  const add = (fn: () => void, ms: number, every: number | null) => {
    const id = nextId++;
    // Like the platform: a negative or missing delay means "as soon as possible", and an interval
    // of 0 would never let time move on.
    const delay = Math.max(0, Number(ms) || 0);
    timers.set(id, { due: time + delay, fn, every: every === null ? null : Math.max(1, delay) });
    return id;
  };
  /** The earliest timer due by `end` (the first set, among equals), or null. */
  const nextDue = (end: number): number | null => {
    let next: number | null = null;
    for (const [id, timer] of timers) {
      if (timer.due <= end && (next === null || timer.due < timers.get(next)!.due)) next = id;
    }
    return next;
  };
  const fire = (id: number) => {
    const timer = timers.get(id)!;
    time = timer.due;
    if (timer.every === null) timers.delete(id);
    else timer.due += timer.every;
    timer.fn();
  };
  // Plain functions, not methods: callers pass them on detached (`setTimeout: clock.setTimeout`).
  return {
    now: () => time,
    setTimeout: (fn, ms) => add(fn, ms, null),
    setInterval: (fn, ms) => add(fn, ms, ms),
    clearTimeout: (id) => void timers.delete(id as number),
    clearInterval: (id) => void timers.delete(id as number),
    pending: () => timers.size,
    advance(ms) {
      const end = time + ms;
      for (let id = nextDue(end); id !== null; id = nextDue(end)) fire(id);
      time = end;
    },
    async advanceAsync(ms) {
      const end = time + ms;
      for (;;) {
        await settle();
        const id = nextDue(end);
        if (id === null) break;
        fire(id);
      }
      time = end;
      await settle();
    },
  };
}
