/**
 * The realtime bus: publish/subscribe of events by topic, between the code that changes state and
 * the streams that tell clients, plus control messages between server processes.
 *
 * Two ways to publish, because events reach a process in two ways:
 * - `publish` delivers to this process's subscribers only. Logged events use it: every process
 *   receives every logged event from the store's log (store.onCommit), in log order, so sending
 *   them between processes as well would only duplicate them.
 * - `share` delivers to the subscribers of every process. Ephemeral events use it (typing): they
 *   are in no log. At most once: a process cut off from the others misses some, which costs a
 *   typing indicator, never a message.
 * `broadcast` carries control messages (revocations, presence) to every process, this one
 * included. In-memory for one process (memory-bus.ts); PostgreSQL LISTEN/NOTIFY for several
 * (pg-bus.ts). Events are plain JSON so any transport can carry them.
 */
import type { AgentStatus, WireEvent } from '../../protocol/protocol.ts';

export type Handler = (event: WireEvent) => void;

/** Messages between server processes. `node` names the sender. */
export type ControlMessage =
  /** End a key's streams on every process (revoke.ts). */
  | { kind: 'revoke'; key: string; reason: 'revoked' | 'changed'; retryMs: number; tag?: string | { except: string } }
  /**
   * Who is connected to the sending process (presence.ts): sent on change and refreshed every
   * quarter of the grace period; facts not refreshed in time are dropped.
   */
  | {
    kind: 'presence'; node: string;
    agents: Array<{ id: string; siteIds: string[]; status: AgentStatus }>;
    /** [visitorId, siteId] */
    visitors: Array<[string, string]>;
    goneAgents?: string[]; goneVisitors?: string[];
    /** Agents to forget on every process at once (disabled, signed out everywhere). */
    forgetAgents?: string[];
  }
  /**
   * Told to this process only, after its link to the others was down: messages may have been
   * missed, so whatever depends on them re-checks (open streams against revoked sessions).
   */
  | { kind: 'resync' };

export interface Bus {
  publish(topic: string, event: WireEvent): void;
  share(topic: string, event: WireEvent): void;
  /** Resolves, with the unsubscribe function, once events published from now on will be delivered. */
  subscribe(topic: string, handler: Handler): Promise<() => void>;
  broadcast(message: ControlMessage): void;
  /** Returns the function that stops listening. */
  onBroadcast(handler: (message: ControlMessage) => void): () => void;
  close(): Promise<void>;
}

/** Topic names, defined once so publishers and subscribers cannot drift apart. */
export const topics = {
  /** Everything agents of a site may see. */
  site: (siteId: string) => `site:${siteId}`,
  /** One visitor's conversations. */
  visitor: (visitorId: string) => `visitor:${visitorId}`,
  /** What every visitor of a site sees (config, availability). */
  siteVisitors: (siteId: string) => `visitors:${siteId}`,
};
