/**
 * One stream per browser: the tabs of a site elect a leader with a Web Lock (held until the tab
 * closes, then granted to the next waiting tab at once) and talk over a BroadcastChannel. The
 * leader runs the transport and the outbox flush and relays what it receives; followers listen.
 *
 * Without Web Locks or BroadcastChannel every tab is its own leader: more streams, nothing lost.
 * It must not import Preact or know what the messages mean.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';

export interface LockManagerLike {
  request(name: string, callback: () => Promise<void>): Promise<void>;
}
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface LeaderOptions<M> {
  /** Lock and channel name, e.g. `parley:<siteId>`. */
  name: string;
  /** This tab became the leader (once). Start the stream and the flush here. */
  onLeader: () => void;
  /** A message another tab posted. */
  onMessage: (message: M) => void;
  locks?: LockManagerLike | null;
  channel?: (name: string) => ChannelLike | null;
}

export interface Leader<M> {
  isLeader: ReadonlySignal<boolean>;
  /** To every other tab of this site. */
  post(message: M): void;
  /** Releases the lock (the next tab takes over) and closes the channel. */
  close(): void;
}

export function createLeader<M>(options: LeaderOptions<M>): Leader<M> {
  const g = globalThis as any;
  const locks: LockManagerLike | null = options.locks !== undefined ? options.locks : g.navigator?.locks ?? null;
  let channel: ChannelLike | null = null;
  try {
    channel = options.channel ? options.channel(options.name) : g.BroadcastChannel ? new g.BroadcastChannel(options.name) : null;
  } catch { /* unavailable */ }
  const isLeader = signal(false);
  let closed = false;
  let release = () => {};

  const lead = () => {
    if (closed || isLeader.value) return;
    isLeader.value = true;
    options.onLeader();
  };

  channel?.addEventListener('message', (event) => !closed && options.onMessage(event.data as M));

  if (locks && channel) {
    const held = new Promise<void>((resolve) => (release = resolve));
    locks.request(options.name, async () => {
      if (closed) return;
      lead();
      await held;
    }).catch(lead);
  } else {
    lead();
  }

  return {
    isLeader,
    post: (message) => {
      try { channel?.postMessage(message); } catch { /* closed */ }
    },
    close() {
      closed = true;
      release();
      channel?.close();
    },
  };
}
