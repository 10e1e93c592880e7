/**
 * The receiving half of the headless client, shared by widget and dashboard: an SSE stream with our
 * own reconnection (backoff + jitter, resume from the last event id), a long-poll fallback when the
 * stream cannot open or stalls, and a status signal for the UI that says 'live' only while events
 * or heartbeats arrive. Every request it makes has a timeout: a connection can go silent without
 * ever closing.
 *
 * It must not import Preact or touch the DOM; everything with side effects (EventSource, fetch,
 * timers, randomness, the online hint) is injectable so tests run on a fake clock. The owner tells
 * it when the browser comes online (start() again).
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { eventIdAfter, type AGENT_ONLY_EVENTS, type ID_LESS_EVENTS, type LIMITS, type EventBatch, type EventPayloads, type EventType, type WireEvent } from '../protocol/protocol.ts';
import { backoff } from './backoff.ts';
import { browserDeps, type ClientDeps, type EventSourceLike } from './browser-deps.ts';

export type { EventSourceCtor, EventSourceLike } from './browser-deps.ts';
/** What the transport takes from the browser (client/browser-deps.ts); tests pass fakes. */
export type TransportDeps = ClientDeps;

export type TransportStatus = 'connecting' | 'live' | 'polling' | 'reconnecting' | 'offline';
export type ResyncReason = 'reset' | 'reconnect';

export interface TransportOptions {
  /** The stream URL for a fresh open (the widget fetches a ticket here; the dashboard returns a fixed URL). */
  streamUrl: () => Promise<string> | string;
  /** The long-poll URL for a cursor (the transport adds `cursor` and `wait`). */
  pollUrl: string;
  /**
   * Headers for long-poll requests (the widget's bearer token). The dashboard needs none: its
   * cookie goes with same-origin requests, fetch's default.
   */
  pollHeaders?: () => Record<string, string>;
  /** Where to resume from: the `cursor` a REST call returned together with the state it loaded. */
  cursor: string | null;
  onEvent: (event: WireEvent) => void;
  /** A gap could not be ruled out (reset, or a reconnect): refetch state over REST. */
  onResync?: (reason: ResyncReason) => void;
  /** The server revoked the session (`goodbye` with reason 'revoked'); the transport has stopped, and says 'offline' right after. */
  onRevoked?: () => void;
  /** Agent-only event types to listen for too (the dashboard passes protocol's AGENT_ONLY_EVENTS). */
  agentEvents?: readonly string[];
  deps?: Partial<TransportDeps>;
}

export interface Transport {
  status: ReadonlySignal<TransportStatus>;
  cursor(): string | null;
  /**
   * Starts; once started, tries again now unless live or polling. Call it again when the browser
   * comes online, so a stream waiting out its backoff does not wait on (client/session.ts does).
   */
  start(): void;
  stop(): void;
}

/**
 * protocol.ts's LIMITS, checked against it at compile time (the literal types must match) but not
 * imported at run time, so browser bundles do not carry the whole LIMITS table.
 */
const HEARTBEAT_MS: typeof LIMITS.heartbeatMs = 15_000;
const LONG_POLL_MS: typeof LIMITS.longPollMs = 25_000;

/** Added to two heartbeat periods before a silent stream counts as stalled. */
const STALL_SLACK_MS = 5_000;
/**
 * Two heartbeat periods plus slack: a stream this quiet is not delivering (see stalled()). A server
 * may beat faster than the protocol's period (tests do): the window then follows the beats seen.
 */
export const STALL_MS = 2 * HEARTBEAT_MS + STALL_SLACK_MS;
/** How often a wait looks at the wall clock, to notice that the machine slept (see setTimer). */
const WAKE_MS = 5_000;
/** A stream that has not opened after this long (its ticket fetched) counts as failed. */
export const OPEN_TIMEOUT_MS = 10_000;
/**
 * How long any request may take beyond what it asked the server to wait: a connection that has
 * gone silent without closing (no FIN) would otherwise hold a probe or a poll forever.
 */
export const REQUEST_TIMEOUT_MS = 5_000;
/** After falling back to long-poll, try the stream again this much later. */
export const SSE_RETRY_MS = 60_000;
/** Failed opens in a row before falling back to long-poll. */
const FAILS_BEFORE_POLL = 2;

/** protocol.ts's ID_LESS_EVENTS, checked against it at compile time like the LIMITS above. */
const ID_LESS: typeof ID_LESS_EVENTS = ['typing', 'visitor.presence', 'presence', 'availability', 'goodbye'];
/** Every event type the server may send; the check below fails to compile if protocol.ts grows one. */
const TYPES = ['conversation.created', 'conversation.updated', 'message', 'read', 'visitor.updated', 'config', 'reset',
  ...ID_LESS] as const;
const exhaustive: Exclude<EventType, (typeof TYPES)[number] | (typeof AGENT_ONLY_EVENTS)[number]> extends never ? true : never = true;
void exhaustive;

/** `url` with `query` added: the widget's stream URL already has one (its ticket). */
const withQuery = (url: string, query: string) => `${url}${url.includes('?') ? '&' : '?'}${query}`;

export function createTransport(options: TransportOptions): Transport {
  const deps: ClientDeps = { ...browserDeps(), ...options.deps };
  const status = signal<TransportStatus>('connecting');
  let cursor = options.cursor;
  let running = false;
  /** Bumped on every mode change, so callbacks of an abandoned stream or poll do nothing. */
  let generation = 0;
  let source: EventSourceLike | null = null;
  /**
   * The one timer that runs at a time: the ticket's timeout, then the open's, then the stall
   * window; or the wait before the next attempt. teardown() clears it, so it never fires for an
   * abandoned stream.
   */
  let timer: unknown = null;
  let attempt = 0;
  let failedOpens = 0;
  let wasConnected = false;
  /** The longest gap between two heartbeats seen on one stream, 0 until there were two (see STALL_MS). */
  let beatMs = 0;
  let lastBeat: number | null = null;
  /** The stall timer fired and nothing has arrived since: the probe decides what happens next. */
  let suspect = false;
  let abort: AbortController | null = null;

  /**
   * Runs fn once ms have passed on the timers or on the wall clock, whichever comes first, in
   * steps of WAKE_MS: timers stop while the machine sleeps, the clock does not, so after waking a
   * wait that is over by the clock (a stall window, a backoff) ends at the next step instead of
   * running on for what it had left. A clock set back cannot make a wait longer than ms.
   */
  const setTimer = (fn: () => void, ms: number, until = deps.now() + ms) => {
    deps.clearTimeout(timer);
    timer = deps.setTimeout(() => (ms > WAKE_MS && deps.now() < until ? setTimer(fn, ms - WAKE_MS, until) : fn()), ms > WAKE_MS ? WAKE_MS : ms);
  };
  const disconnected = () => (deps.online() ? 'reconnecting' : 'offline');

  /** Applies one event; returns false when the transport must stop reading this source. */
  function handle(event: WireEvent): boolean {
    // A reset comes before the duplicate check: its id is the server's head, which is lower than our
    // cursor when the server's database was replaced or restored; dropping it would leave us deaf.
    if (event.type === 'reset') {
      cursor = event.id ?? cursor;
      options.onResync?.('reset');
      return true;
    }
    // Ids are `<epoch>:<seq>` (protocol.ts): after means a higher seq in the same log.
    if (event.id !== undefined && !eventIdAfter(event.id, cursor)) return true; // already seen (replay overlap)
    if (event.type === 'goodbye') {
      const { reason, retryMs } = event.data as EventPayloads['goodbye'];
      teardown();
      if (reason === 'revoked') {
        running = false;
        // The owner first, then the status: the widget tells its other tabs that this is no outage
        // before the session relays 'offline' to them (issue 14: a deleted visitor).
        options.onRevoked?.();
        status.value = 'offline';
      } else {
        status.value = 'reconnecting';
        wasConnected = true;
        setTimer(openStream, retryMs);
      }
      return false;
    }
    options.onEvent(event);
    cursor = event.id ?? cursor;
    return true;
  }

  function teardown(): void {
    generation++;
    suspect = false;
    lastBeat = null;
    source?.close();
    source = null;
    abort?.abort();
    deps.clearTimeout(timer);
  }

  async function openStream(): Promise<void> {
    teardown();
    if (!running) return;
    const mine = generation;
    status.value = wasConnected ? disconnected() : 'connecting';
    // The ticket is a request like any other: one that hangs counts as failed, like one that errs.
    setTimer(streamFailed, REQUEST_TIMEOUT_MS);
    let url: string;
    try {
      url = await options.streamUrl();
    } catch {
      if (mine === generation) streamFailed();
      return;
    }
    if (mine !== generation) return; // stop() and every mode change bump the generation
    const es = (source = new deps.EventSource(
      cursor === null ? url : withQuery(url, `lastEventId=${encodeURIComponent(cursor)}`),
    ));
    /** Listens while this is the current stream. */
    const on = (type: string, listener: (message: MessageEvent) => void) =>
      es.addEventListener(type, (message) => mine === generation && listener(message));
    let opened = false;
    /**
     * An error, or no open in time (a proxy holding the response back): before the open, both
     * count towards the fallback; after it, the timer is the stall window's.
     */
    const failed = () => {
      if (!opened) failedOpens++;
      streamFailed();
    };
    setTimer(failed, OPEN_TIMEOUT_MS);
    on('error', failed);
    on('open', () => {
      opened = true;
      attempt = 0;
      failedOpens = 0;
      alive(mine);
      if (wasConnected) options.onResync?.('reconnect');
      wasConnected = true;
    });
    for (const type of [...TYPES, ...(options.agentEvents ?? []), 'hb']) {
      on(type, (message) => {
        alive(mine);
        if (type === 'hb') return beat();
        let data: unknown;
        try { data = JSON.parse(message.data); } catch { return; }
        const id = (ID_LESS as readonly string[]).includes(type) || !message.lastEventId ? undefined : message.lastEventId;
        handle({ id, type, data } as WireEvent);
      });
    }
  }

  /**
   * Reconnects after a backoff, or long-polls after FAILS_BEFORE_POLL streams in a row failed
   * before they opened (an open stream resets the count, so a drop after it reconnects).
   */
  function streamFailed(): void {
    teardown();
    if (!running) return;
    if (failedOpens >= FAILS_BEFORE_POLL) return void startPolling();
    status.value = disconnected();
    setTimer(openStream, backoff(attempt++, deps.random));
  }

  /** Something arrived on the stream (or it opened): it is live, whatever the stall timer thought. */
  function alive(mine: number): void {
    if (suspect) lastBeat = null; // a gap that spans a stall is no heartbeat period
    suspect = false;
    status.value = 'live';
    setTimer(() => stalled(mine), 2 * (beatMs || HEARTBEAT_MS) + STALL_SLACK_MS);
  }

  function beat(): void {
    const now = deps.now();
    if (lastBeat) beatMs = Math.min(HEARTBEAT_MS, Math.max(beatMs, now - lastBeat));
    lastBeat = now;
  }

  /**
   * Neither an event nor a heartbeat for two heartbeat periods: whatever the socket says, this
   * stream is not delivering (a connection gone silent without a FIN, a proxy buffering it), so the
   * status stops saying live at once. Then ask the long-poll endpoint, without waiting, for what
   * came after our cursor: if it answers, the server is reachable and only the stream is not, so
   * take that batch and long-poll (the stream is tried again later); if it does not answer in
   * time either, reconnect the stream with backoff.
   */
  async function stalled(mine: number): Promise<void> {
    suspect = true;
    status.value = disconnected();
    const batch = await poll(0).catch(() => null);
    // Unless the stream spoke up meanwhile: then keep it.
    if (mine === generation && suspect) batch ? startPolling(batch) : streamFailed();
  }

  /** One long-poll request (wait 0: a probe), given up after `wait` plus REQUEST_TIMEOUT_MS. */
  async function poll(wait: number): Promise<EventBatch> {
    const controller = (abort = new AbortController());
    const timeout = deps.setTimeout(() => controller.abort(), wait * 1000 + REQUEST_TIMEOUT_MS);
    try {
      // Aborting (the timeout, or teardown()) rejects the fetch, and the reading of its body, even
      // on a connection that has gone silent: fetch's own contract, nothing to add on top.
      const response = await deps.fetch(
        withQuery(options.pollUrl, `${cursor === null ? '' : `cursor=${encodeURIComponent(cursor)}&`}wait=${wait}`),
        { headers: options.pollHeaders?.(), signal: controller.signal },
      );
      if (!response.ok) throw 0; // caught by the poll loop: no answer
      return await response.json();
    } finally {
      deps.clearTimeout(timeout);
    }
  }

  function apply(batch: EventBatch): boolean {
    for (const event of batch.events) if (!handle(event)) return false;
    // After a reset the batch's cursor is the server's head, possibly lower than ours: take it anyway.
    if (eventIdAfter(batch.cursor, cursor) || batch.events.some((event) => event.type === 'reset')) cursor = batch.cursor;
    return true;
  }

  /**
   * Long-polls until SSE_RETRY_MS has passed, then tries the stream again. Says 'polling' only once
   * a poll has answered: `batch` when the caller has one (the probe's), else an immediate (wait 0)
   * first poll.
   */
  async function startPolling(batch?: EventBatch): Promise<void> {
    teardown();
    const mine = generation;
    const retryAt = deps.now() + SSE_RETRY_MS;
    let failures = 0;
    let answered = false;
    while (mine === generation) {
      if (batch) {
        if (failures > 0) options.onResync?.('reconnect');
        failures = 0;
        answered = true;
        status.value = 'polling';
        if (!apply(batch)) return;
      }
      if (deps.now() >= retryAt) {
        failedOpens = 0;
        return void openStream();
      }
      try {
        batch = await poll(answered ? LONG_POLL_MS / 1000 : 0);
      } catch {
        batch = undefined;
        if (mine !== generation) return;
        status.value = disconnected();
        await new Promise<void>((resolve) => setTimer(resolve, backoff(failures++, deps.random)));
      }
    }
  }

  return {
    status,
    cursor: () => cursor,
    start() {
      if (running && (status.value === 'live' || status.value === 'polling')) return;
      running = true;
      attempt = 0;
      void openStream();
    },
    stop() {
      running = false;
      teardown();
      status.value = 'offline';
    },
  };
}
