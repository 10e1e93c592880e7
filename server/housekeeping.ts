/**
 * Periodic clean-up: the event log's retention (resume window), each site's conversation
 * retention, and the files of deleted conversations or never sent (attachments' sweep, issue 13).
 * Runs hourly from buildApp; exported so tests can run it on demand.
 */
import type { Services } from './services.ts';

const DAY_MS = 24 * 3600_000;

export async function housekeeping({ store, clock, config, attachments }: Pick<Services, 'store' | 'clock' | 'config'> & Partial<Pick<Services, 'attachments'>>): Promise<{ events: number; conversations: number; files: number }> {
  const events = await store.pruneEvents(clock.now() - config.eventRetentionMs);
  let conversations = 0;
  for (const site of await store.listSites()) {
    if (site.retentionDays) conversations += await store.deleteConversationsBefore(site.id, clock.now() - site.retentionDays * DAY_MS);
  }
  // After retention, so the files of the conversations it deleted go in the same run.
  const files = attachments ? await attachments.sweep() : 0;
  return { events, conversations, files };
}
