import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { WireEvent } from '../protocol/protocol.ts';
import { fakeBrowser } from '../test/support/fake-browser.ts';
import { FakeEventSource } from '../test/support/fake-event-source.ts';
import { createManualClock } from '../test/support/manual-clock.ts';
import { settle } from '../test/support/settle.ts';
import { memoryStorage, type OutboxStorage, type SendResult } from './outbox.ts';
import { createSession, type SessionOptions } from './session.ts';

type Draft = { body: string };
type Renewed = { t: 'v'; k: string };
const message = (seq: number) => ({ message: { id: `m${seq}`, seq, body: `hello ${seq}` } });

/** One browser: a clock, Web Locks and BroadcastChannel shared by its tabs, the online flag and its listeners. */
function browser() {
  const clock = createManualClock();
  const { locks, channel } = fakeBrowser();
  const onlineListeners = new Set<() => void>();
  let online = true;
  /** What the server accepted, by client id (it stores nothing new for an id it has seen). */
  const accepted = new Map<string, string>();
  const deps = {
    EventSource: FakeEventSource as any, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
    random: () => 0.5, now: clock.now, online: () => online, locks, channel,
    onOnline: (callback: () => void) => (onlineListeners.add(callback), () => void onlineListeners.delete(callback)),
  };
  return {
    clock, accepted,
    goOnline() { online = true; for (const callback of onlineListeners) callback(); },
    goOffline() { online = false; },
    /** A tab: its session, and what its owner saw. `begin` answers the session state (or throws). */
    tab({ storage = memoryStorage<Draft>(), cursor = 'e:10', ...extra }: Partial<SessionOptions<Draft, Renewed>> & { storage?: OutboxStorage<Draft>; cursor?: string } = {}) {
      const events: WireEvent[] = [];
      const resyncs: string[] = [];
      const mine: Renewed[] = [];
      const session = createSession<Draft, Renewed>({
        begin: async () => ({ name: 'parley:s1:v1', cursor }),
        stream: { streamUrl: () => 'https://chat.test/stream', pollUrl: 'https://chat.test/events' },
        outbox: {
          name: 'test', storage, canFlush: () => true,
          send: async (item): Promise<SendResult> => (accepted.set(item.id, item.payload.body), { status: 200, body: {} }),
          onDelivered: () => {},
        },
        onEvent: (event) => events.push(event),
        onResync: (reason) => resyncs.push(reason),
        onMessage: (m) => mine.push(m),
        deps,
        ...extra,
      });
      void session.start();
      return { session, events, resyncs, mine };
    },
  };
}

describe('session', () => {
  beforeEach(() => void (FakeEventSource.all = []));

  it('holds one stream for all tabs of a session and shows each event in every tab', async () => {
    const b = browser();
    const [a, c] = [b.tab(), b.tab()];
    await settle();
    assert.equal(FakeEventSource.all.length, 1, 'only the leader opens a stream');
    assert.deepEqual([a.session.leads(), c.session.leads()], [true, false]);
    FakeEventSource.last.open();
    FakeEventSource.last.fire('message', message(11), 'e:11');
    await settle();
    assert.deepEqual([a.events.map((e) => e.id), c.events.map((e) => e.id)], [['e:11'], ['e:11']]);
  });

  it('tells a tab that joins later what the stream\'s status is', async () => {
    const b = browser();
    const a = b.tab();
    await settle();
    FakeEventSource.last.open();
    const c = b.tab();
    await settle();
    assert.equal(c.session.status.value, 'live');
    assert.deepEqual(c.resyncs, [], 'nothing was missed');
  });

  it('resyncs a tab that joined after the leader had moved past the state it loaded', async () => {
    const b = browser();
    b.tab({ cursor: 'e:12' });
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('message', message(13), 'e:13');
    // This tab's REST load answered before e:13, and it listens only from now on.
    const late = b.tab({ cursor: 'e:12' });
    await settle();
    assert.deepEqual(late.resyncs, ['reconnect']);
    // And it goes on from the leader's cursor: were it to lead, its stream would resume from e:13.
  });

  it('resyncs every tab after a reset, and a follower that takes over resumes from the cursor after it', async () => {
    const b = browser();
    const [a, c] = [b.tab(), b.tab()];
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('reset', { reason: 'cursor-unknown' }, 'f:3');
    FakeEventSource.last.fire('message', message(4), 'f:4');
    await settle();
    assert.deepEqual([a.resyncs, c.resyncs], [['reset'], ['reset']]);
    a.session.stop();
    await settle();
    assert.equal(c.session.leads(), true);
    assert.equal(FakeEventSource.all.length, 2);
    assert.match(FakeEventSource.last.url, /lastEventId=f%3A4$/);
  });

  it('relays the stream\'s status, so every tab says when it is not live', async () => {
    const b = browser();
    const [, c] = [b.tab(), b.tab()];
    await settle();
    FakeEventSource.last.open();
    await settle();
    assert.equal(c.session.status.value, 'live');
    FakeEventSource.last.fail();
    await settle();
    assert.equal(c.session.status.value, 'live', 'not at once: it may be the leader\'s page going away');
    await b.clock.advanceAsync(1000);
    assert.equal(c.session.status.value, 'reconnecting');
  });

  it('does not tell the other tabs the connection is lost when the leader\'s page goes away and another tab takes over', async () => {
    const b = browser();
    const [a, c] = [b.tab(), b.tab()];
    await settle();
    FakeEventSource.last.open();
    await settle();
    const seen: string[] = [];
    c.session.status.subscribe((value) => seen.push(value));
    // Navigating away, the browser cuts the leader's stream first; then the page and its lock go.
    FakeEventSource.last.fail();
    await settle();
    a.session.stop();
    await settle();
    assert.equal(c.session.leads(), true);
    FakeEventSource.last.open();
    await settle();
    await b.clock.advanceAsync(2000);
    assert.ok(!seen.includes('reconnecting') && !seen.includes('offline'), `the other tab saw ${seen.join(' → ')}`);
    assert.equal(c.session.status.value, 'live');
  });

  it('opens the session again after a backoff when it gets no answer, and at once when the browser comes online', async () => {
    const b = browser();
    let fails = 2;
    const begin = async () => {
      if (fails-- > 0) throw new TypeError('Failed to fetch');
      return { name: 'parley:s1:v1', cursor: 'e:10' };
    };
    b.goOffline();
    const a = b.tab({ begin });
    await settle();
    assert.equal(a.session.status.value, 'offline');
    await b.clock.advanceAsync(1000); // the first retry, 1 s later: fails again
    assert.equal(FakeEventSource.all.length, 0);
    b.goOnline(); // the second retry would be ~2 s away: not waited for
    await settle();
    assert.equal(a.session.leads(), true);
    assert.equal(FakeEventSource.all.length, 1);
  });

  it('opens once when the browser comes online while an open is under way', async () => {
    const b = browser();
    const answers: Array<() => void> = [];
    b.tab({ begin: () => new Promise((resolve) => answers.push(() => resolve({ name: 'parley:s1:v1', cursor: 'e:10' }))) });
    b.goOnline();
    for (const answer of answers) answer();
    await settle();
    assert.equal(answers.length, 1);
    assert.equal(FakeEventSource.all.length, 1);
  });

  it('starts nothing for a session stopped while it was opening', async () => {
    const b = browser();
    let answer!: () => void;
    const a = b.tab({ begin: () => new Promise((resolve) => (answer = () => resolve({ name: 'parley:s1:v1', cursor: 'e:10' }))) });
    a.session.stop();
    answer();
    await settle();
    assert.equal(FakeEventSource.all.length, 0);
  });

  it('has the leader send what a follower without IndexedDB writes, exactly once', async () => {
    const b = browser();
    b.tab();
    const c = b.tab();
    await settle();
    await c.session.send({ body: 'from the follower' }, 'id-1');
    await settle();
    assert.deepEqual([...b.accepted], [['id-1', 'from the follower']]);
  });

  it('clears a follower\'s sent item once the leader delivered it from the storage they share', async () => {
    const b = browser();
    const storage = memoryStorage<Draft>(); // as IndexedDB is shared by a browser's tabs
    b.tab({ storage });
    const c = b.tab({ storage });
    await settle();
    await c.session.send({ body: 'hi' }, 'id-1');
    await settle();
    assert.deepEqual(c.session.outbox.items.value, []);
    assert.equal(b.accepted.size, 1);
  });

  it('hands a follower\'s retry to the leader', async () => {
    const b = browser();
    let refuse = true;
    const send = async (item: { id: string; payload: Draft }) => {
      if (refuse) return { status: 400 };
      b.accepted.set(item.id, item.payload.body);
      return { status: 200 };
    };
    const storage = memoryStorage<Draft>();
    const outbox = { name: 'test', storage, canFlush: () => true, send, onDelivered: () => {} };
    b.tab({ outbox });
    const c = b.tab({ outbox });
    await settle();
    await c.session.send({ body: 'hi' }, 'id-1');
    await settle();
    await c.session.outbox.reload(); // a refusal is not relayed: the follower sees it on its next read
    assert.deepEqual(c.session.outbox.items.value.map((i) => i.state), ['failed']);
    refuse = false;
    await c.session.retry('id-1');
    await settle();
    assert.deepEqual([...b.accepted], [['id-1', 'hi']]);
  });

  it('passes the owner\'s own messages to the other tabs', async () => {
    const b = browser();
    const [a, c] = [b.tab(), b.tab()];
    await settle();
    a.session.post({ t: 'v', k: 'token-2' });
    await settle();
    assert.deepEqual([a.mine, c.mine], [[], [{ t: 'v', k: 'token-2' }]]);
  });

  it('starts over when started again: leaves the tabs, and another tab takes the stream', async () => {
    const b = browser();
    const [a, c] = [b.tab(), b.tab()];
    await settle();
    void a.session.start();
    await settle();
    assert.deepEqual([a.session.leads(), c.session.leads()], [false, true]);
    assert.equal(a.session.status.value, 'connecting');
  });
});
