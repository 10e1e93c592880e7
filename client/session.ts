/**
 * What the widget and the dashboard do alike once they know who is there (conventions, "One
 * client, two apps"): open the session over REST, again after a backoff until it answers; elect
 * one leader among the tabs of that session (client/leader.ts), which alone holds the stream and
 * flushes the outbox; relay what the leader hears to the other tabs (events, resyncs, the
 * stream's status), so every tab shows the same state from one stream; and hand a follower's
 * outbox items to the leader.
 *
 * It must not import Preact, touch the DOM, or know what an event means: the owner applies events
 * (onEvent) and refetches over REST (onResync), in every tab alike. Every side effect is
 * injectable (deps), and handed on to the transport, outbox and leader election it starts; it
 * also tells the transport when the browser comes online.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { eventIdAfter, type WireEvent } from '../protocol/protocol.ts';
import { backoff } from './backoff.ts';
import { browserDeps, type ClientDeps } from './browser-deps.ts';
import { createLeader, type Leader } from './leader.ts';
import { createOutbox, type Outbox, type OutboxItem, type OutboxOptions } from './outbox.ts';
import { createTransport, type ResyncReason, type Transport, type TransportOptions, type TransportStatus } from './transport.ts';

/**
 * Between the tabs of one session. One-letter keys: the widget ships this code, and every byte
 * of it counts (docs/widget.md "Sizes").
 */
export type TabMessage<P> =
  /** An event from the leader's stream. */
  | { t: 'e'; e: WireEvent }
  /** The leader resynced (a reset, or a reconnect); its cursor after it. */
  | { t: 'r'; r: ResyncReason; c: string | null }
  /** The stream's status, and the leader's cursor: a tab behind it missed events (see onTab). */
  | { t: 's'; s: TransportStatus; c: string | null }
  /** A tab joined; the leader answers with its status. */
  | { t: 'h' }
  /** The outbox changed; from a follower, with the item it added or retried, for the leader to send. */
  | { t: 'o'; i?: OutboxItem<P> };

export interface SessionOptions<P, A> {
  /**
   * Opens the session over REST and loads its state (the widget's POST /session, the dashboard's
   * queue); answers the name the tabs of this session share (per visitor, per agent) and the
   * cursor of the state it loaded. Throws when there is no answer: it is called again after a
   * backoff (1 s doubling to 10 s), at once when the browser comes online.
   */
  begin: () => Promise<{ name: string; cursor: string | null }>;
  /** The leader's stream; the session adds the cursor and the callbacks. */
  stream: Omit<TransportOptions, 'cursor' | 'onEvent' | 'onResync' | 'onRevoked' | 'deps'>;
  /** Its canFlush is asked in the leader only, where its onDelivered runs. */
  outbox: OutboxOptions<P> & Required<Pick<OutboxOptions<P>, 'canFlush' | 'onDelivered'>>;
  /** In every tab, from the leader's stream or relayed: ids deduplicated and in order. */
  onEvent: (event: WireEvent) => void;
  /** A gap could not be ruled out: refetch state over REST. In every tab. */
  onResync: (reason: ResyncReason) => void;
  /**
   * The server revoked the session (the leader's stream ended for good); in the leader only, since
   * what that means for the other tabs is the owner's to say (post()). The session goes on until stop().
   */
  onRevoked?: () => void;
  /** The owner's own messages from other tabs (post()); their `t` must differ from TabMessage's. */
  onMessage?: (message: A) => void;
  /** The browser's side effects (client/browser-deps.ts), handed on to the transport, the outbox and the leader. */
  deps?: Partial<ClientDeps>;
}

export interface Session<P, A> {
  /** The leader's stream status, in every tab; until the session opens, whether it is retrying. */
  status: ReadonlySignal<TransportStatus>;
  outbox: Outbox<P>;
  /** Whether this tab holds the stream (it alone should play sounds or badge the title). */
  leads(): boolean;
  /** Starts, or starts over (a new visitor token): leaves the tabs and the stream of the previous one first. Resolves after the first attempt. */
  start(): Promise<void>;
  /** Sends through the outbox; in a follower, the leader is handed the item to send. */
  send(payload: P, id: string): Promise<void>;
  retry(id: string): Promise<void>;
  /** To the other tabs of this session. */
  post(message: A): void;
  /** For good: no stream, no retries, nothing more sent (the outbox keeps its items). */
  stop(): void;
}

export function createSession<P, A extends { t: string } = never>(options: SessionOptions<P, A>): Session<P, A> {
  const deps = { ...browserDeps(), ...options.deps };
  const status = signal<TransportStatus>('connecting');
  let cursor: string | null = null;
  let leader: Leader<TabMessage<P> | A> | null = null;
  let transport: Transport | null = null;
  /**
   * Set by lead() itself: where Web Locks are missing, createLeader calls it before returning, so
   * asking `leader` then would say no and the first flush would not happen.
   */
  let leading = false;
  let off = () => {};
  /** The timer of a relayed outage not shown yet (see onTab). */
  let outage: unknown;
  /** The timer of the next open while one is waiting out its backoff, else null. */
  let retry: unknown = null;
  let attempt = 0;
  /** Bumped by start() and stop(), so an open that answers after either is ignored. */
  let generation = 0;
  const post = (message: TabMessage<P> | A) => leader?.post(message);
  /** The leader's status and cursor, to every other tab. */
  const tell = () => post({ t: 's', s: status.value, c: cursor });
  /** A follower's new or retried item, for the leader to send (see onTab). */
  const handOver = (item?: OutboxItem<P>) => void (leading || post({ t: 'o', i: item }));

  const outbox = createOutbox<P>({
    ...options.outbox,
    deps,
    canFlush: () => leading && options.outbox.canFlush(),
    onDelivered(item, result) {
      options.outbox.onDelivered(item, result);
      post({ t: 'o' });
    },
  });

  function apply(event: WireEvent): void {
    if (event.id) cursor = event.id;
    options.onEvent(event);
  }

  function resync(reason: ResyncReason, after: string | null): void {
    cursor = after;
    options.onResync(reason);
  }

  function lead(): void {
    leading = true;
    deps.clearTimeout(outage); // its own stream's status from now on
    const t = (transport = createTransport({
      ...options.stream,
      cursor,
      deps,
      onEvent(event) {
        apply(event);
        post({ t: 'e', e: event });
      },
      onResync(reason) {
        // After a reset the cursor may have gone back (the server's database was replaced): follow it.
        resync(reason, t.cursor());
        post({ t: 'r', r: reason, c: cursor });
      },
      onRevoked: options.onRevoked,
    }));
    off = t.status.subscribe((value) => {
      status.value = value;
      tell();
      // The link changed (back online, the server answers again): what waits out a backoff in
      // the outbox tries now, rather than up to 30 s later.
      outbox.wake();
    });
    t.start();
    void outbox.flush();
  }

  function onTab(message: TabMessage<P> | A): void {
    const m = message as TabMessage<P>;
    if (m.t === 'e') apply(m.e);
    else if (m.t === 'r') resync(m.r, m.c);
    else if (m.t === 's') {
      deps.clearTimeout(outage);
      // A leader whose page is going away (a link, a reload, closing the tab) loses its stream
      // before it lets go of the lock, and relays that; a moment later this tab or another takes
      // over. So a relayed outage is shown only if it lasts a second: no "can't reach us" flash
      // for a takeover, and a real one a second late in the tabs that do not hold the stream.
      if (m.s === 'reconnecting' || m.s === 'offline') outage = deps.setTimeout(() => void (status.value = m.s), 1000);
      else status.value = m.s;
      // What the leader relayed before this tab was listening (it joins after its own REST load)
      // never reaches it: a leader ahead of this tab's cursor means a gap, so refetch.
      if (m.c && eventIdAfter(m.c, cursor)) resync('reconnect', m.c);
    } else if (m.t === 'h') {
      if (leading) tell();
    } else if (m.t === 'o') {
      // The leader adds a follower's item (its storage may be that tab's memory) and sends it;
      // any other change is re-read, and only then flushed (a flush before would see the old list).
      void (leading && m.i ? outbox.add(m.i.payload, m.i.id) : outbox.reload().then(() => void (leading && outbox.flush())));
    } else options.onMessage?.(message as A);
  }

  /** Leaves the tabs and the stream, so the next leader of this session (another tab) takes over. */
  function leave(): void {
    generation++;
    deps.clearTimeout(retry);
    deps.clearTimeout(outage);
    off();
    transport?.stop();
    leader?.close();
    transport = leader = null;
    leading = false;
  }

  async function open(): Promise<void> {
    const mine = generation;
    retry = null;
    const opened = await options.begin().catch(() => null);
    if (mine !== generation) return;
    if (!opened) {
      status.value = deps.online() ? 'reconnecting' : 'offline';
      retry = deps.setTimeout(open, backoff(attempt++, deps.random, 1000, 10_000));
      return;
    }
    attempt = 0;
    cursor = opened.cursor;
    leader = createLeader<TabMessage<P> | A>({ name: opened.name, onLeader: lead, onMessage: onTab, deps });
    post({ t: 'h' });
  }

  // The network is back: a session that could not open yet, or a stream that dropped, does not
  // wait out its backoff.
  const offOnline = deps.onOnline(() => {
    if (retry === null) return transport?.start();
    deps.clearTimeout(retry);
    void open();
  });

  return {
    status,
    outbox,
    leads: () => leading,
    start() {
      leave();
      status.value = 'connecting';
      return open();
    },
    send: (payload, id) => outbox.add(payload, id).then(handOver),
    retry: (id) => outbox.retry(id).then(handOver),
    post,
    stop() {
      leave();
      offOnline();
      outbox.stop();
    },
  };
}
