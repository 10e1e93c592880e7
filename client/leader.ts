/**
 * One stream per browser: the tabs of a session elect a leader with a Web Lock (held until the tab
 * closes, then granted to the next waiting tab at once) and talk over a BroadcastChannel.
 * client/session.ts runs the transport and the outbox flush in the leader and relays what it
 * receives; followers listen.
 *
 * Without Web Locks or BroadcastChannel every tab is its own leader: more streams, nothing lost.
 * It must not import Preact or know what the messages mean.
 */
import { browserDeps, type ChannelLike, type ClientDeps } from './browser-deps.ts';

export type { ChannelLike, LockManagerLike } from './browser-deps.ts';

export interface LeaderOptions<M> {
  /** Lock and channel name, e.g. `parley:<siteId>`. */
  name: string;
  /**
   * This tab became the leader (once; the only way to learn it). Where Web Locks are missing it is
   * called before createLeader returns.
   */
  onLeader: () => void;
  /** A message another tab posted. */
  onMessage: (message: M) => void;
  /** Web Locks and BroadcastChannel (client/browser-deps.ts); tests pass one fake browser's. */
  deps?: Partial<Pick<ClientDeps, 'locks' | 'channel'>>;
}

export interface Leader<M> {
  /** To every other tab of this session. */
  post(message: M): void;
  /** Releases the lock (the next tab takes over) and closes the channel. */
  close(): void;
}

export function createLeader<M>(options: LeaderOptions<M>): Leader<M> {
  const { locks, channel: open } = { ...browserDeps(), ...options.deps };
  let channel: ChannelLike | null = null;
  try {
    channel = open(options.name);
  } catch { /* unavailable */ }
  let closed = false;
  let led = false;
  let release = () => {};

  const lead = () => {
    if (closed || led) return;
    led = true;
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
