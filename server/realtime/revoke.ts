/**
 * Ending streams because rights changed — logout, a disabled agent, a password reset or change,
 * new roles or sites, a deleted visitor — on every server process at once: one revoke() that the
 * routes call, carried to each process's hub by the bus (issue 10).
 *
 * A process cut off from the others may miss a revocation; when its link is back (a 'resync'
 * message) it checks each of its open streams against the store and ends those no longer allowed.
 */
import type { Bus } from '../bus/bus.ts';
import type { Store } from '../store/store.ts';
import type { StreamHub } from './stream-hub.ts';

/** The key a stream is counted and revoked by; one definition for routes and revocation. */
export const streamKey = {
  agent: (userId: string) => `agent:${userId}`,
  visitor: (visitorId: string) => `visitor:${visitorId}`,
};

export interface Revocation {
  /** 'revoked': the session is gone (do not come back); 'changed': reconnect with the new rights. */
  reason: 'revoked' | 'changed';
  /** Only the streams of one session (its tag), or all but one session's. */
  tag?: string | { except: string };
}

export type Revoke = (key: string, revocation: Revocation) => void;

export function createRevoker(bus: Bus, hub: StreamHub, store: Store, onError: (error: unknown) => void): Revoke {
  bus.onBroadcast((message) => {
    if (message.kind === 'revoke') {
      hub.closeKey(message.key, { type: 'goodbye', data: { reason: message.reason, retryMs: message.retryMs } }, message.tag);
    } else if (message.kind === 'resync') {
      void recheck().catch(onError);
    }
  });

  /** Ends the open streams whose session or visitor no longer exists. */
  async function recheck(): Promise<void> {
    for (const { key, tag } of hub.streams()) {
      const [kind, id] = key.split(':') as [string, string];
      // An agent's stream is tagged by its session, or by the API token it was opened with (issue 15).
      const allowed = kind === 'agent'
        ? tag !== undefined && (!!(await store.getSession(tag)) || (await store.findApiToken(tag))?.revokedAt === null) && !(await store.getUser(id))?.disabled
        : kind === 'visitor' ? !!(await store.getVisitor(id)) : true;
      if (!allowed) hub.closeKey(key, { type: 'goodbye', data: { reason: 'revoked', retryMs: 0 } }, tag);
    }
  }

  return (key, { reason, tag }) => {
    bus.broadcast({ kind: 'revoke', key, reason, retryMs: reason === 'changed' ? 500 : 0, ...(tag !== undefined ? { tag } : {}) });
  };
}
