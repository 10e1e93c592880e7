import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle } from './fakes.ts';
import { createLeader, type ChannelLike, type LockManagerLike } from './leader.ts';

/** Web Locks and BroadcastChannel as one browser would share them between tabs. */
function fakeBrowser() {
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
  const channels = new Set<{ name: string; listener?: (e: MessageEvent) => void; closed: boolean }>();
  const channel = (name: string): ChannelLike => {
    const self: { name: string; listener?: (e: MessageEvent) => void; closed: boolean } = { name, closed: false };
    channels.add(self);
    return {
      postMessage: (data) => {
        for (const other of channels) if (other !== self && other.name === name && !other.closed) other.listener?.({ data } as MessageEvent);
      },
      addEventListener: (_type, listener) => void (self.listener = listener),
      close: () => void (self.closed = true),
    };
  };
  return { locks, channel };
}

describe('leader', () => {
  it('elects exactly one leader among the tabs of a site and relays messages to the others', async () => {
    const browser = fakeBrowser();
    const got: string[][] = [[], [], []];
    const tabs = [0, 1, 2].map((i) => createLeader<string>({ name: 'parley:s1', ...browser, onLeader: () => {}, onMessage: (m) => got[i]!.push(m) }));
    await settle();
    assert.deepEqual(tabs.map((t) => t.isLeader.value), [true, false, false]);
    tabs[0]!.post('event 1');
    assert.deepEqual(got, [[], ['event 1'], ['event 1']]);
  });

  it('hands leadership to a waiting tab when the leader closes', async () => {
    const browser = fakeBrowser();
    let led = 0;
    const first = createLeader<string>({ name: 'parley:s1', ...browser, onLeader: () => {}, onMessage: () => {} });
    const second = createLeader<string>({ name: 'parley:s1', ...browser, onLeader: () => led++, onMessage: () => {} });
    await settle();
    assert.equal(second.isLeader.value, false);
    first.close();
    await settle();
    assert.equal(second.isLeader.value, true);
    assert.equal(led, 1);
  });

  it('makes every tab its own leader where Web Locks are unavailable', async () => {
    const browser = fakeBrowser();
    const a = createLeader<string>({ name: 'x', locks: null, channel: browser.channel, onLeader: () => {}, onMessage: () => {} });
    const b = createLeader<string>({ name: 'x', locks: null, channel: browser.channel, onLeader: () => {}, onMessage: () => {} });
    assert.equal(a.isLeader.value && b.isLeader.value, true);
  });
});
