/**
 * Test doubles for the client's unit tests: a manual clock, a scriptable EventSource, and Web
 * Locks with BroadcastChannel shared by the "tabs" of one fake browser.
 */
import type { ChannelLike, LockManagerLike } from './browser-deps.ts';

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

/**
 * Web Locks and BroadcastChannel as one browser shares them between its tabs: a lock is granted in
 * request order and passed on when its holder's callback settles; a message reaches every other
 * open channel of the same name, in order, a moment later (tests settle() to let it arrive).
 */
export function fakeBrowser() {
  const queues = new Map<string, Array<{ grant: () => void }>>();
  const locks: LockManagerLike = {
    request(name, callback) {
      return new Promise((resolve) => {
        const queue = queues.get(name) ?? [];
        queues.set(name, queue);
        const entry = {
          grant: () => void callback().then(() => {
            queue.shift();
            queue[0]?.grant();
            resolve();
          }),
        };
        queue.push(entry);
        if (queue.length === 1) entry.grant();
      });
    },
  };
  type End = { name: string; listener?: (e: MessageEvent) => void; closed: boolean };
  const channels = new Set<End>();
  const channel = (name: string): ChannelLike => {
    const self: End = { name, closed: false };
    channels.add(self);
    return {
      postMessage: (data) => {
        // Later and as a structured clone, as BroadcastChannel delivers: no tab shares an object
        // with another, and nothing runs inside the sender's call.
        const copy = structuredClone(data);
        for (const other of channels) {
          if (other !== self && other.name === name && !other.closed) setImmediate(() => !other.closed && other.listener?.({ data: copy } as MessageEvent));
        }
      },
      addEventListener: (_type, listener) => void (self.listener = listener),
      close: () => void (self.closed = true),
    };
  };
  return { locks, channel };
}
