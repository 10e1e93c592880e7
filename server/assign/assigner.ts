/**
 * Auto-assignment (issue 14): when a site's rule is round-robin or least-load, waiting
 * conversations go to online agents with room, oldest first. It runs ("drains" a site) whenever
 * that may now succeed — a conversation starts waiting (new, reopened with nobody on it, passed to
 * a team, its team deleted), a slot frees (resolved, transferred away), an agent comes online, the
 * owner changes the rule, capacities or teams — and, as a backstop, every SWEEP_MS for each site
 * with an agent online. Each conversation is given by one store call (autoAssign) that decides and
 * claims in one transaction.
 *
 * Every process hears every committed event (store.onCommit follows the whole log), so with
 * several processes each drains: the store serializes assignments per site, and whoever comes
 * second finds the conversation taken ('not-waiting') and moves on. Who is online comes from
 * presence, which merges every process's connections. It must not decide who gets a
 * conversation itself: that is the store's, under its lock.
 */
import type { Clock } from '../clock.ts';
import type { Presence } from '../realtime/presence.ts';
import { GoneError, type LoggedEvent, type Store } from '../store/store.ts';
import { startUnansweredAlerts } from './unanswered-alerts.ts';

/** Waiting conversations looked at per round of a drain. */
const BATCH = 50;
/**
 * How often every site with an agent online is drained without being asked, as a backstop: a
 * drain that failed (the database busy for a moment), a process that died mid-drain, or a bus
 * outage that lost the news must not leave a conversation waiting beside a free agent until the
 * next event — nor conversations that waited while this process was starting.
 */
export const SWEEP_MS = 30_000;

export interface Assigner {
  /** Gives the site's waiting conversations to whoever can take them now; settles when done. */
  drain(siteId: string): Promise<void>;
  /** The store's committed events (buildApp passes every batch). */
  committed(events: LoggedEvent[]): void;
  /** Settles once every drain and unanswered check started so far has finished (tests). */
  settled(): Promise<void>;
  close(): void;
}

export function createAssigner({ store, presence, clock, onError }: { store: Store; presence: Presence; clock: Clock; onError: (error: unknown) => void }): Assigner {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let closed = false;

  /** One pass over the site's waiting conversations, oldest first; true when there may be more. */
  async function pass(siteId: string): Promise<boolean> {
    if ((await store.getAssignmentSettings(siteId)).rule === 'manual') return false;
    if (presence.onlineAgents(siteId).length === 0) return false;
    const waiting = await store.listConversations({ siteIds: [siteId], view: 'waiting', userId: '', limit: BATCH });
    // A scope (a team, or no team) where nobody had room stays full for the rest of this pass.
    const full = new Set<string>();
    let assigned = 0;
    for (const conversation of waiting) {
      if (closed) return false;
      const scope = conversation.team?.id ?? '';
      if (full.has(scope)) continue;
      // Deleted meanwhile (its visitor's data, retention): nothing to give, the others still are.
      const outcome = await store.autoAssign(conversation.id, presence.onlineAgents(siteId)).then(
        (assigned) => assigned.outcome,
        (error: unknown) => { if (error instanceof GoneError) return 'not-waiting' as const; throw error; });
      if (outcome === 'manual') return false;
      if (outcome === 'nobody-free') full.add(scope);
      if (outcome === 'assigned') assigned++;
    }
    return waiting.length === BATCH && assigned > 0;
  }

  function drain(siteId: string): Promise<void> {
    const current = running.get(siteId);
    if (current) {
      // Asked again while running: one more pass after this one sees whatever changed meanwhile.
      again.add(siteId);
      return current;
    }
    const run = (async () => {
      do {
        again.delete(siteId);
        try {
          while (!closed && await pass(siteId));
        } catch (error) {
          onError(error);
        }
      } while (again.has(siteId) && !closed);
    })().finally(() => running.delete(siteId));
    running.set(siteId, run);
    return run;
  }

  /** The sites whose waiting conversations these events may let someone take. */
  function sitesToDrain(events: LoggedEvent[]): Set<string> {
    const sites = new Set<string>();
    for (const event of events) {
      if (event.type === 'conversation.created' || event.type === 'conversation.updated') {
        const { status } = event.data.conversation;
        if (status === 'waiting' || status === 'resolved') sites.add(event.siteId);
      } else if ((event.type === 'conversation.assigned' && event.data.via === 'transfer') || event.type === 'teams') {
        sites.add(event.siteId);
      }
    }
    return sites;
  }

  const stopArrivals = presence.onAgentsOnline((siteIds) => {
    for (const siteId of siteIds) void drain(siteId);
  });
  const alerts = startUnansweredAlerts(store, clock, onError);
  const sweep = clock.setInterval(() => {
    for (const siteId of presence.onlineSites()) void drain(siteId);
  }, SWEEP_MS);

  return {
    drain,
    committed(events) {
      if (closed) return;
      for (const siteId of sitesToDrain(events)) void drain(siteId);
    },
    async settled() {
      await alerts.idle();
      while (running.size > 0) await Promise.all([...running.values()]);
    },
    close() {
      closed = true;
      stopArrivals();
      clock.clearInterval(sweep);
      alerts.stop();
    },
  };
}
