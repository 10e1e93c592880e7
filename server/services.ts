/** What buildApp wires together and hands to every route module. */
import type { Site } from '../protocol/protocol.ts';
import type { Assigner } from './assign/assigner.ts';
import type { Attachments } from './attachments/attachments.ts';
import type { Bus } from './bus/bus.ts';
import type { Chat } from './chat.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Presence } from './realtime/presence.ts';
import type { Revoke } from './realtime/revoke.ts';
import type { StreamHub } from './realtime/stream-hub.ts';
import type { Store } from './store/store.ts';

export interface Services {
  config: Config;
  store: Store;
  bus: Bus;
  clock: Clock;
  hub: StreamHub;
  /** Ends streams whose rights changed, on every server process. */
  revoke: Revoke;
  presence: Presence;
  /** Auto-assignment by the sites' rules and unanswered alerts (issue 14). */
  assigner: Assigner;
  chat: Chat;
  sites: SiteCache;
  /** Files (issue 13): uploads, signed links, the sweep; its `files` is where the bytes live. */
  attachments: Attachments;
  /** Signs stream tickets; generated on first start and kept in the database. */
  serverSecret: string;
  /** Aborted when the server starts shutting down, so held long-polls answer at once. */
  shutdown: AbortSignal;
}

/**
 * Sites are read on every widget request (origin checks), so they are cached briefly. Local
 * changes invalidate at once; the short lifetime bounds staleness when several processes serve.
 */
export interface SiteCache {
  get(id: string): Promise<Site | null>;
  invalidate(id: string): void;
}

export function createSiteCache(store: Store, clock: Clock, ttlMs = 2000): SiteCache {
  const cache = new Map<string, { site: Site | null; at: number }>();
  return {
    async get(id) {
      const hit = cache.get(id);
      if (hit && clock.now() - hit.at < ttlMs) return hit.site;
      const site = await store.getSite(id);
      if (cache.size > 10_000) cache.clear();
      cache.set(id, { site, at: clock.now() });
      return site;
    },
    invalidate: (id) => void cache.delete(id),
  };
}
