/**
 * Periodic clean-up: the event log's retention (resume window) and each site's conversation
 * retention. Runs hourly from buildApp; exported so tests can run it on demand.
 */
import type { Services } from './services.ts';

const DAY_MS = 24 * 3600_000;

export async function housekeeping({ store, clock, config }: Pick<Services, 'store' | 'clock' | 'config'>): Promise<{ events: number; conversations: number }> {
  const events = await store.pruneEvents(clock.now() - config.eventRetentionMs);
  let conversations = 0;
  for (const site of await store.listSites()) {
    if (site.retentionDays) conversations += await store.deleteConversationsBefore(site.id, clock.now() - site.retentionDays * DAY_MS);
  }
  return { events, conversations };
}
