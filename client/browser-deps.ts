/**
 * The browser's side effects, which every part of the client takes as injectable dependencies:
 * tests pass a manual clock and a scriptable EventSource instead (test/support/). One definition,
 * so the session and the transport it starts share one set (and the widget ships it once).
 *
 * Read through globalThis at call time, never at import: importing the client must not touch
 * anything the page or Node lacks.
 */

/** The subset of EventSource we use, so tests can pass a fake. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}
export type EventSourceCtor = new (url: string) => EventSourceLike;

/** The subsets of Web Locks and BroadcastChannel that leader election uses (client/leader.ts). */
export interface LockManagerLike {
  request(name: string, callback: () => Promise<void>): Promise<void>;
}
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface ClientDeps {
  EventSource: EventSourceCtor;
  fetch: typeof fetch;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  random: () => number;
  now: () => number;
  /** false when the browser says it is offline (a hint only: we retry anyway). */
  online: () => boolean;
  /** Calls back when the browser comes online; returns an unsubscribe. */
  onOnline: (callback: () => void) => () => void;
  /** Web Locks; null where the browser has none. */
  locks: LockManagerLike | null;
  /** A BroadcastChannel of that name; throws where the browser has none. */
  channel: (name: string) => ChannelLike;
}

export function browserDeps(): ClientDeps {
  const g = globalThis as any;
  return {
    EventSource: g.EventSource,
    fetch: (...args) => g.fetch(...args),
    setTimeout: (...args) => g.setTimeout(...args),
    clearTimeout: (...args) => g.clearTimeout(...args),
    random: Math.random,
    now: Date.now,
    online: () => g.navigator?.onLine !== false,
    onOnline: (callback) => {
      g.addEventListener?.('online', callback);
      return () => g.removeEventListener?.('online', callback);
    },
    locks: g.navigator?.locks ?? null,
    channel: (name) => new g.BroadcastChannel(name),
  };
}
