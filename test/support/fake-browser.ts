/**
 * Web Locks and BroadcastChannel as one browser shares them between its tabs, for the client's
 * unit tests (leader election, the cross-tab relay): a lock is granted in request order and passed
 * on when its holder's callback settles; a message reaches every other open channel of the same
 * name, in order, a moment later (tests settle() to let it arrive).
 */
import type { ChannelLike, LockManagerLike } from '../../client/browser-deps.ts';

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
