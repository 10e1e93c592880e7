/**
 * The realtime bus: publish/subscribe of events by topic, between the code that changes state and
 * the streams that tell clients. In-memory for one process; a Redis implementation with the same
 * interface lets several server processes share it. Events are plain JSON so any transport can carry them.
 */
import type { WireEvent } from '../../protocol/protocol.ts';

export type Handler = (event: WireEvent) => void;

export interface Bus {
  publish(topic: string, event: WireEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(topic: string, handler: Handler): () => void;
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
