/** Test doubles for the client's unit tests: a manual clock and a scriptable EventSource. */

export function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock = {
    now: () => now,
    setTimeout: (fn: () => void, ms: number): unknown => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (id: unknown) => void timers.delete(id as number),
    pending: () => timers.size,
    /** Moves time forward, firing due timers in order and letting promises settle between them. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        await settle();
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
      await settle();
    },
  };
  return clock;
}

/** Lets queued promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeEventSource {
  static all: FakeEventSource[] = [];
  static get last(): FakeEventSource { return FakeEventSource.all[FakeEventSource.all.length - 1]!; }
  url: string;
  closed = false;
  listeners = new Map<string, Array<(event: MessageEvent) => void>>();
  constructor(url: string) {
    this.url = url;
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() { this.closed = true; }
  fire(type: string, data?: unknown, lastEventId = '') {
    const event = { data: data === undefined ? undefined : JSON.stringify(data), lastEventId } as MessageEvent;
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  open() { this.fire('open'); }
  fail() { this.fire('error'); }
}
