/**
 * Sees every call the app makes to its Store that wrote something, through the Store interface
 * alone (no SQL, no table names), so "nothing was written" can be asserted on any engine: it wraps
 * the methods of the store the app holds (`app.services.store`), which routes call at request time.
 *
 * Reads are named here; any other method counts as a write, so a method added to the Store later
 * is watched from the start (and a new read that a rejected request makes shows up by name, to be
 * added below). A writing method's call counts unless the Store's own contract says it wrote
 * nothing: it failed (each call is one transaction, rolled back), or it answered a change with no
 * events and not `created` (a retried send or start by the same client id, a claim someone else
 * won, a read mark that is not news — store.ts: "every method that changes chat state writes its
 * events … and returns them"). A call still running when asked about counts, to be safe.
 */
import type { Store } from '../../server/store/store.ts';

const READS = new Set<keyof Store>([
  'getMeta', 'getSite', 'listSites', 'getSiteSecret', 'getUser', 'getUserByEmail', 'listUsers', 'getUserStatus',
  'getInvite', 'listCanned', 'getSession', 'findVisitorByToken', 'getVisitor', 'getConversation', 'getConversationRef',
  'latestConversation', 'listVisitorConversations', 'listConversations', 'findMessage', 'listMessages',
  'exportConversations', 'eventsAfter', 'headCursor', 'conversationByReplyToken', 'sentEmail', 'emailRecipients',
  'listApiTokens', 'findApiToken',
  'getRating', 'visitorRatings', 'report',
  'webhookSiteIds', 'listWebhookEndpoints', 'getWebhookEndpoint', 'webhookSecret', 'listWebhookDeliveries', 'getWebhookDelivery',
  // Not data: the store's life cycle and its commit listener.
  'migrate', 'close', 'onCommit',
]);

export interface StoreWrites {
  /** The names of the methods that wrote since the start or the last clear, in call order. */
  calls(): string[];
  clear(): void;
  /** Puts the original methods back. */
  restore(): void;
}

/** True when a writing method's result says, by the Store's contract, that it changed nothing. */
const wroteNothing = (result: unknown): boolean => {
  if (typeof result !== 'object' || result === null || !('events' in result)) return false;
  const { events, created } = result as { events: unknown; created?: unknown };
  return Array.isArray(events) && events.length === 0 && created !== true;
};

export function recordStoreWrites(store: Store): StoreWrites {
  const seen: Array<{ name: string; wrote: boolean }> = [];
  const target = store as unknown as Record<string, unknown>;
  const originals = new Map<string, unknown>();
  for (const name of Object.keys(target)) {
    const original = target[name];
    if (typeof original !== 'function' || READS.has(name as keyof Store)) continue;
    originals.set(name, original);
    target[name] = function (this: unknown, ...args: unknown[]) {
      const call = { name, wrote: true };
      seen.push(call);
      const result = (original as (...a: unknown[]) => unknown).apply(this, args);
      // Classified when it settles, which is before the route awaiting it goes on.
      if (result instanceof Promise) result.then((value) => void (call.wrote = !wroteNothing(value)), () => void (call.wrote = false));
      else call.wrote = !wroteNothing(result);
      return result;
    };
  }
  if (originals.size === 0) throw new Error('recordStoreWrites: this store has no own methods to watch');
  return {
    calls: () => seen.filter((call) => call.wrote).map((call) => call.name),
    clear: () => void (seen.length = 0),
    restore: () => { for (const [name, original] of originals) target[name] = original; },
  };
}
