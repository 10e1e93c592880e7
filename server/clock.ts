/**
 * Time as a dependency: the server reads the time and schedules timers only through a Clock, so
 * tests of heartbeats, expiry and grace periods can move time by hand instead of sleeping.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (fn, ms) => {
    const timer = setInterval(fn, ms);
    timer.unref?.();
    return timer;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/** A clock that only moves when told to; timers fire in order of due time during advance(). */
export function createManualClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let time = start;
  let nextId = 1;
  const timers = new Map<number, { due: number; fn: () => void; every: number | null }>();
  const add = (fn: () => void, ms: number, every: number | null) => {
    const id = nextId++;
    timers.set(id, { due: time + ms, fn, every });
    return id;
  };
  return {
    now: () => time,
    setTimeout: (fn, ms) => add(fn, ms, null),
    setInterval: (fn, ms) => add(fn, ms, ms),
    clearTimeout: (id) => void timers.delete(id as number),
    clearInterval: (id) => void timers.delete(id as number),
    advance(ms) {
      const end = time + ms;
      for (;;) {
        let nextKey: number | null = null;
        for (const [id, timer] of timers) {
          if (timer.due <= end && (nextKey === null || timer.due < timers.get(nextKey)!.due)) nextKey = id;
        }
        if (nextKey === null) break;
        const timer = timers.get(nextKey)!;
        time = timer.due;
        if (timer.every === null) timers.delete(nextKey);
        else timer.due += timer.every;
        timer.fn();
      }
      time = end;
    },
  };
}
