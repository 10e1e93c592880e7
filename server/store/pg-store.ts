/**
 * The cluster store: PostgreSQL through node-postgres, for N Parley processes sharing one
 * database (issue 10). Unlike SQLite's single writer, transactions of several processes run at
 * once here, so atomicity comes from the database: row locks taken in one order (pg-db.ts), the
 * guards in the SQL (WHERE status = 'waiting', ON CONFLICT on client ids), and a log whose seqs
 * commit densely and in order. onCommit is called by the log follower (pg-follower.ts) with the
 * events of every process, so a writer may hear back before its events are announced.
 */
import { createPgAccounts } from './pg-accounts.ts';
import { createPgApiTokens } from './pg-api-tokens.ts';
import { createPgAssignment } from './pg-assignment.ts';
import { createPgWebhooks } from './pg-webhooks.ts';
import { createPgChat } from './pg-chat.ts';
import { openPgDb, type PgStoreOptions } from './pg-db.ts';
import { createPgAttachments } from './pg-attachments.ts';
import { createPgEmailThreads } from './pg-email-threads.ts';
import { createPgEmailOutbox } from './pg-email-outbox.ts';
import { createPgEvents } from './pg-events.ts';
import { createFollower } from './pg-follower.ts';
import { createPgHeldEmails } from './pg-held-emails.ts';
import { createPgLabels } from './pg-labels.ts';
import { createPgSavedViews } from './pg-saved-views.ts';
import { createPgVisitorHistory } from './pg-visitor-history.ts';
import { migrate } from './pg-schema.ts';
import { createPgTeams } from './pg-teams.ts';
import { createPgRatings } from './pg-ratings.ts';
import { createPgReports } from './pg-reports.ts';
import type { Store } from './store.ts';

export type { PgStoreOptions };

/** Opens a pool (lazily: nothing connects before the first call) and composes the store's parts. */
export function createPgStore(options: PgStoreOptions): Store {
  const db = openPgDb(options);
  const follower = createFollower(db, options.followPollMs ?? 1000);
  let closing: Promise<void> | null = null;
  return {
    async migrate() {
      follower.startAt(await migrate(db));
    },
    close() {
      closing ??= follower.close().then(() => db.close());
      return closing;
    },
    onCommit(listener) {
      follower.follow(listener);
    },
    ...createPgAccounts(db),
    ...createPgApiTokens(db),
    ...createPgChat(db),
    ...createPgEvents(db),
    ...createPgEmailThreads(db),
    ...createPgEmailOutbox(db),
    ...createPgAttachments(db),
    ...createPgHeldEmails(db),
    ...createPgLabels(db),
    ...createPgSavedViews(db),
    ...createPgVisitorHistory(db),
    ...createPgTeams(db),
    ...createPgAssignment(db),
    ...createPgWebhooks(db),
    ...createPgRatings(db),
    ...createPgReports(db),
  };
}
